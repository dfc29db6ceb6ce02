package main

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// signInWaiting signs the browser in as a demo user and opens next, waiting for waitFor.
func signInWaiting(t *testing.T, ctx context.Context, base, email, next, waitFor string) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login?next="+url.QueryEscape(next)),
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), email),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), "sheber-demo\n"),
		chromedp.WaitVisible(chromedp.CSS(waitFor)),
	)
	if err != nil {
		t.Fatalf("sign in as %s and open %s: %v", email, next, err)
	}
}

// signOut signs the browser out.
func signOut(t *testing.T, ctx context.Context) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`.header-link`)),
	)
	if err != nil {
		t.Fatalf("sign out: %v", err)
	}
}

// textOf returns the text of the element sel.
func textOf(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// One order from the cart to acceptance across both cabinets: the demo requester puts a
// demo product in the cart, makes the order (seeing its procurement route and promised
// date) and submits it; the demo producer manager finds it in the notifications and on the
// queue board, accepts it, marks it ready and ships it; the requester marks it delivered
// and accepts it, and the order closes with its record on the page.
func TestBrowserOrderFromCartToAcceptance(t *testing.T) {
	base := startPortal(t)
	ctx := newBrowser(t)
	var listingID int64
	if err := portalDB(t).GetContext(context.Background(), &listingID,
		`SELECT id FROM listings WHERE external_code LIKE 'DEMO-%' AND status = 'published' AND ready_stock = 0 ORDER BY external_code LIMIT 1`); err != nil {
		t.Fatalf("a demo listing made to order: %v", err)
	}

	// The buyer: product page, cart, order form.
	const requester, manager = "requester@demo.sheber.kz", "producer-manager@demo.sheber.kz"
	signInWaiting(t, ctx, base, requester, fmt.Sprintf("/catalog/%d", listingID), `#cart-quantity`)
	assertLabelled(t, ctx, "product page")
	err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`form.cart-form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#make-order`)),
	)
	if err != nil {
		t.Fatalf("add to cart: %v", err)
	}
	assertLabelled(t, ctx, "cart")
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`#e-delivery_address`), "Усть-Каменогорск, ул. Школьная, 12"),
		chromedp.Click(chromedp.CSS(`#make-order`)),
		chromedp.WaitVisible(chromedp.CSS(`#submit-order`)),
	)
	if err != nil {
		t.Fatalf("make the order: %v", err)
	}
	if route := textOf(t, ctx, `#route-name`); route == "" {
		t.Error("the draft shows no procurement route")
	}
	promise := textOf(t, ctx, `.quote-promise`)
	if len(promise) != len("01.02.2027") || strings.Count(promise, ".") != 2 {
		t.Errorf("the draft's promised date is %q; want dd.mm.yyyy", promise)
	}
	orderURL, _ := chromedp.Run(ctx, chromedp.Location())
	orderPath := strings.TrimPrefix(orderURL, base)
	if i := strings.IndexByte(orderPath, '?'); i >= 0 {
		orderPath = orderPath[:i]
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#submit-order`)),
		chromedp.WaitVisible(chromedp.CSS(`.fulfillment`)),
	)
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	fid, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('.fulfillment').id.replace('fulfillment-', '')`))
	if err != nil || fid == "" {
		t.Fatalf("no fulfillment on the submitted order: %q, %v", fid, err)
	}
	signOut(t, ctx)

	// The producer: the notification leads to the fulfillment; the board shows it.
	signInWaiting(t, ctx, base, manager, "/notifications", `#unread-count`)
	if n := textOf(t, ctx, `#nav-notifications .badge`); n == "" || n == "0" {
		t.Errorf("the header shows %q unread notifications", n)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`a[href="/fulfillments/`+fid+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#confirm-button-`+fid)),
		chromedp.Click(chromedp.CSS(`.links a[href$="/queue"]`)),
		chromedp.WaitVisible(chromedp.CSS(`svg.chart`)),
	)
	if err != nil {
		t.Fatalf("from the notification to the queue: %v", err)
	}
	assertLabelled(t, ctx, "queue")
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#column-routed a[href="/fulfillments/`+fid+`"]').length`)); n != 1 {
		t.Errorf("the board's routed column does not hold fulfillment %s", fid)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#column-routed a[href="/fulfillments/`+fid+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#confirm-button-`+fid)),
	)
	if err != nil {
		t.Fatalf("open the fulfillment from the board: %v", err)
	}
	assertLabelled(t, ctx, "fulfillment")
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#confirm-button-`+fid)),
		chromedp.WaitVisible(chromedp.CSS(`#ready-button-`+fid)),
		chromedp.Click(chromedp.CSS(`#ready-button-`+fid)),
		chromedp.WaitVisible(chromedp.CSS(`#ship-button-`+fid)),
		chromedp.SendKeys(chromedp.CSS(`#waybill-`+fid), "ТТН-0001"),
		chromedp.Click(chromedp.CSS(`#ship-button-`+fid)),
		chromedp.WaitNotPresent(chromedp.CSS(`#ship-button-`+fid)),
	)
	if err != nil {
		t.Fatalf("accept, mark ready and ship: %v", err)
	}
	if st := textOf(t, ctx, `#fulfillment-state`); st != "Shipped" && st != "Отгружен" && st != "Жөнелтілді" {
		t.Errorf("after shipping the fulfillment is %q", st)
	}
	signOut(t, ctx)

	// The buyer: delivered, accepted, closed.
	signInWaiting(t, ctx, base, requester, orderPath, `#deliver-button-`+fid)
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#deliver-button-`+fid)),
		chromedp.WaitVisible(chromedp.CSS(`#accept-button-`+fid)),
	)
	if err != nil {
		t.Fatalf("mark delivered: %v", err)
	}
	assertLabelled(t, ctx, "acceptance form")
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#accept-button-`+fid)),
		chromedp.WaitNotPresent(chromedp.CSS(`#accept-button-`+fid)),
	)
	if err != nil {
		t.Fatalf("accept: %v", err)
	}
	var status string
	if err := portalDB(t).GetContext(context.Background(), &status, `SELECT status FROM orders WHERE id = $1`, strings.TrimPrefix(orderPath, "/orders/")); err != nil {
		t.Fatal(err)
	}
	if status != "closed" {
		t.Errorf("after acceptance the order is %q; want closed", status)
	}
	timeline, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#timeline li').length`))
	// create, submit, route, confirm, mark ready, ship, deliver, accept, close.
	if timeline < 9 {
		t.Errorf("the timeline has %d events; want at least 9", timeline)
	}
}
