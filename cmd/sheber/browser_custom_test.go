package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/orders"
)

// A custom request across both cabinets in Chromium: the demo requester opens the
// custom requests from the cabinet, describes a cabinet made to a drawing and makes the
// request, sees the ranked sites with their reasons and invites the first one; the demo
// producer manager follows the notification to the invitations, opens the request and
// quotes; the requester accepts the quote and the new order's page opens, submitted, with
// its one part confirmed at the quoting site.
func TestBrowserCustomRequestToOrder(t *testing.T) {
	base := startPortal(t)
	ctx := newBrowser(t)
	const requester, manager = "requester@demo.sheber.kz", "producer-manager@demo.sheber.kz"
	schoolID := demoOrgID(t, requester, accounts.KindBuyer)

	// The buyer: from the cabinet to the form, then the request's page.
	signInWaiting(t, ctx, base, requester, "/cabinet", fmt.Sprintf(`a[href="/orgs/%d/custom-requests"]`, schoolID))
	err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`a[href="/orgs/%d/custom-requests"]`, schoolID))),
		chromedp.WaitVisible(chromedp.CSS(`#new-request`)),
		chromedp.Click(chromedp.CSS(`#new-request`)),
		chromedp.WaitVisible(chromedp.CSS(`#create-request`)),
	)
	if err != nil {
		t.Fatalf("open the new request form: %v", err)
	}
	assertLabelled(t, ctx, "new custom request form")
	err = chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`#e-category`), "furniture-cabinets"),
		chromedp.SendKeys(chromedp.CSS(`#e-title`), "Шкаф лабораторный по чертежу № 7"),
		chromedp.SendKeys(chromedp.CSS(`#e-description`), "Сосна, 1800×900×450, две полки"),
		chromedp.SetValue(chromedp.CSS(`#e-quantity`), "12"),
		chromedp.SendKeys(chromedp.CSS(`#e-delivery_address`), "Усть-Каменогорск, ул. Школьная, 12"),
		chromedp.Click(chromedp.CSS(`#create-request`)),
		chromedp.WaitVisible(chromedp.CSS(`#ranking`)),
	)
	if err != nil {
		t.Fatalf("make the request: %v", err)
	}
	assertLabelled(t, ctx, "custom request page")
	requestURL, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	requestPath := strings.TrimPrefix(requestURL, base)
	if i := strings.IndexByte(requestPath, '?'); i >= 0 {
		requestPath = requestPath[:i]
	}
	if !strings.HasPrefix(requestPath, "/cabinet/custom-requests/") {
		t.Fatalf("the request was made at %s", requestURL)
	}
	reasons, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#ranking tbody tr:first-child .reasons li').length`))
	if reasons < 4 { // kind, capacity, distance, on-time record
		t.Errorf("the first ranked site gives %d reasons; want at least 4", reasons)
	}
	siteID, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#ranking input[name="site_id"]').value`))
	if err != nil || siteID == "" {
		t.Fatalf("no site to invite: %q %v", siteID, err)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#invite-site-`+siteID)),
		chromedp.Click(chromedp.CSS(`#invite-button`)),
		chromedp.WaitVisible(chromedp.CSS(`#invitations`)),
	)
	if err != nil {
		t.Fatalf("invite site %s: %v", siteID, err)
	}
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#invite-site-`+siteID+`').length`)); n != 0 {
		t.Error("the invited site can still be chosen")
	}
	signOut(t, ctx)

	// The producer: the notification leads to the invitations, the list to the request.
	signInWaiting(t, ctx, base, manager, "/notifications", `#unread-count`)
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`.notification a[href$="/invited-requests"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#requests a[href="`+requestPath+`"]`)),
		chromedp.Click(chromedp.CSS(`#requests a[href="`+requestPath+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#quote-form`)),
	)
	if err != nil {
		t.Fatalf("from the notification to the quote form: %v", err)
	}
	assertLabelled(t, ctx, "quote form")
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#ranking, #timeline').length`)); n != 0 {
		t.Error("the producer sees the ranking or the record")
	}
	promise := orders.Today(time.Now()).AddDays(45).String()
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`#e-unit_price`), "85 000"),
		chromedp.Click(chromedp.CSS(`#e-vat_included`)),
		chromedp.SetValue(chromedp.CSS(`#e-promised_date`), promise),
		chromedp.SendKeys(chromedp.CSS(`#e-labour_hours`), "96"),
		chromedp.Click(chromedp.CSS(`#quote-button`)),
		chromedp.WaitNotPresent(chromedp.CSS(`#quote-form`)),
	)
	if err != nil {
		t.Fatalf("quote: %v", err)
	}
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#quotes tbody tr').length`)); n != 1 {
		t.Errorf("the producer's page lists %d quotes after quoting; want 1", n)
	}
	signOut(t, ctx)

	// The buyer accepts the quote; the order opens.
	signInWaiting(t, ctx, base, requester, requestPath, `#quotes button[id^="accept-quote-"]`)
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#quotes button[id^="accept-quote-"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#order-title`)),
	)
	if err != nil {
		t.Fatalf("accept the quote: %v", err)
	}
	orderURL, _ := chromedp.Run(ctx, chromedp.Location())
	if !strings.Contains(orderURL, "/orders/") {
		t.Fatalf("accepting led to %s; want the order's page", orderURL)
	}
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#order-state.status-submitted').length`)); n != 1 {
		t.Errorf("the order's page does not show it submitted: %q", textOf(t, ctx, `#order-state`))
	}
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('.fulfillment .fulfillment-state.status-confirmed').length`)); n != 1 {
		t.Errorf("%d parts confirmed at the quoting site; want 1", n)
	}
	var reqStatus string
	if err := portalDB(t).GetContext(context.Background(), &reqStatus, `SELECT status FROM custom_requests WHERE id = $1`,
		strings.TrimPrefix(requestPath, "/cabinet/custom-requests/")); err != nil {
		t.Fatal(err)
	}
	if reqStatus != string(orders.RequestOrdered) {
		t.Errorf("the request is %q; want ordered", reqStatus)
	}
}
