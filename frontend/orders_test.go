package frontend_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"testing"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/orders"
)

var orderLocation = regexp.MustCompile(`^/orders/(\d+)\?done=created$`)

// The buyer's side without JavaScript: an accountant adds a budget line (a bad amount is
// marked on the form), an approver turns approval on, a requester fills the cart from the
// product page and makes an order (a missing address is marked), submits it; the approver
// returns it with a reason (none is refused), the requester submits it again and the
// approver approves it, and it is split to the producer. Another school's requester sees
// none of it.
func TestBuyerCabinetApprovalFlow(t *testing.T) {
	e := newEnv(t)
	s := e.shop(t)
	ctx := context.Background()
	school := e.org(t, accounts.Text{RU: "Школа № 3"})
	other := e.org(t, accounts.Text{RU: "Школа № 4"})
	e.user(t, "req@school3.kz", "Айгерим", school, accounts.RoleRequester)
	e.user(t, "appr@school3.kz", "Ольга", school, accounts.RoleApprover)
	e.user(t, "acc@school3.kz", "Гульнара", school, accounts.RoleAccountant)
	e.user(t, "req@school4.kz", "Ерлан", other, accounts.RoleRequester)
	org := func(tail string) string { return fmt.Sprintf("/orgs/%d/%s", school.ID, tail) }

	acc := newBrowser(t, e.app)
	signIn(t, acc, "acc@school3.kz")
	p := acc.get(org("budget"))
	p.expect(t, http.StatusOK, `action="`+org("budget")+`"`)
	bad := url.Values{"_csrf": {p.csrf(t)}, "year": {"2026"}, "code": {"001.015"}, "name": {"Оснащение"}, "amount": {"много"}}
	acc.post(org("budget"), bad).expect(t, http.StatusUnprocessableEntity, `id="e-amount" name="amount" type="text" inputmode="decimal" value="много" aria-invalid="true"`)
	good := bad
	good.Set("amount", "1 000 000")
	acc.post(org("budget"), good).expectRedirect(t, org("budget?created=1"))
	acc.get(org("budget")).expect(t, http.StatusOK, "001.015", "1\u00a0000\u00a0000\u00a0₸")

	appr := newBrowser(t, e.app)
	signIn(t, appr, "appr@school3.kz")
	p = appr.get(org("approvals"))
	p.expect(t, http.StatusOK, `id="require-approval"`)
	appr.post(org("order-settings"), url.Values{"_csrf": {p.csrf(t)}, "approval_required": {"1"}}).expectRedirect(t, org("approvals"))

	req := newBrowser(t, e.app)
	signIn(t, req, "req@school3.kz")
	p = req.get(fmt.Sprintf("/catalog/%d", s.shanyrak.ID))
	p.expect(t, http.StatusOK, `id="cart-quantity"`)
	req.post(fmt.Sprintf("/catalog/%d/cart", s.shanyrak.ID), url.Values{"_csrf": {p.csrf(t)}, "org_id": {fmt.Sprint(school.ID)}, "quantity": {"10"}}).
		expectRedirect(t, org("cart?added=1"))
	p = req.get(org("cart"))
	p.expect(t, http.StatusOK, `value="10"`, `id="make-order"`)
	form := url.Values{"_csrf": {p.csrf(t)}, "delivery_address": {""}, "delivery_region": {"almaty"}, "requested_date": {""}, "note": {"до 9:00"}}
	p = req.post(org("orders"), form)
	p.expect(t, http.StatusUnprocessableEntity, `id="e-delivery_address" name="delivery_address" rows="3" aria-invalid="true"`, "до 9:00")
	budgetID := regexp.MustCompile(`<option value="(\d+)"[^>]*>2026 · 001.015`).FindStringSubmatch(p.body)
	if budgetID == nil {
		t.Fatalf("the order form offers no budget line:\n%s", p.body)
	}
	form.Set("delivery_address", "Алматы, ул. Абая, 1")
	form.Set("budget_line_id", budgetID[1])
	p = req.post(org("orders"), form)
	m := orderLocation.FindStringSubmatch(p.Header.Get("Location"))
	if p.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("making the order: %d to %q\n%s", p.StatusCode, p.Header.Get("Location"), p.body)
	}
	orderPath := "/orders/" + m[1]
	p = req.get(orderPath)
	p.expect(t, http.StatusOK, `id="submit-order"`, `class="quote-promise"`, "Столярный цех")
	req.get(org("cart")).expect(t, http.StatusOK, `id="cart-empty"`)
	version := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(p.body)[1]
	req.post(orderPath+"/submit", url.Values{"_csrf": {p.csrf(t)}, "version": {version}}).expectRedirect(t, orderPath+"?done=submit")

	// The inbox holds it; a return needs a reason.
	p = appr.get(org("approvals"))
	p.expect(t, http.StatusOK, `href="`+orderPath+`"`)
	p = appr.get(orderPath)
	p.expect(t, http.StatusOK, `id="approve-order"`)
	version = regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(p.body)[1]
	appr.post(orderPath+"/return", url.Values{"_csrf": {p.csrf(t)}, "version": {version}, "reason": {" "}}).expect(t, http.StatusUnprocessableEntity, "reason")
	appr.post(orderPath+"/return", url.Values{"_csrf": {p.csrf(t)}, "version": {version}, "reason": {"уточните адрес"}}).expectRedirect(t, orderPath+"?done=return")
	p = req.get(orderPath)
	p.expect(t, http.StatusOK, "уточните адрес", `id="submit-order"`)
	version = regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(p.body)[1]
	req.post(orderPath+"/submit", url.Values{"_csrf": {p.csrf(t)}, "version": {version}}).expectRedirect(t, orderPath+"?done=submit")
	p = appr.get(orderPath)
	version = regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(p.body)[1]
	appr.post(orderPath+"/approve", url.Values{"_csrf": {p.csrf(t)}, "version": {version}}).expectRedirect(t, orderPath+"?done=approve")
	p = req.get(orderPath)
	p.expect(t, http.StatusOK, `class="group fulfillment"`, `id="order-state" class="status status-submitted"`)
	if req.get(org("approvals")).body == "" {
		t.Fatal("empty inbox page")
	}

	// The producer's board has it in the routed column.
	mgr := newBrowser(t, e.app)
	signIn(t, mgr, s.managerEmail)
	p = mgr.get(fmt.Sprintf("/orgs/%d/queue", s.enterprise.ID))
	p.expect(t, http.StatusOK, `id="column-routed"`, `<svg viewBox=`)
	if !regexp.MustCompile(`(?s)id="column-routed".*?href="/fulfillments/\d+"`).MatchString(p.body) {
		t.Errorf("the routed column is empty:\n%s", p.body)
	}
	mgr.get(fmt.Sprintf("/orgs/%d/queue?state=nonsense", s.enterprise.ID)).expect(t, http.StatusUnprocessableEntity, "state")

	// The producer's forms: accept with the quoted date, record 4 made, ship 4 (partial),
	// mark the rest ready and ship it; the buyer marks delivered, accepts 9 and rejects 1,
	// which goes back to the queue as rework.
	fpath := regexp.MustCompile(`href="(/fulfillments/(\d+))"`).FindStringSubmatch(p.body)
	fl := fpath[2]
	p = mgr.get(fpath[1])
	p.expect(t, http.StatusOK, `id="confirm-button-`+fl+`"`)
	tok := p.csrf(t)
	mgr.post(fpath[1]+"/confirm", url.Values{"_csrf": {tok}, "next": {fpath[1]}}).expectRedirect(t, fpath[1]+"?done=confirm")
	p = mgr.get(fpath[1])
	line := regexp.MustCompile(`name="units_(\d+)"`).FindStringSubmatch(p.body)
	if line == nil {
		t.Fatalf("no progress form:\n%s", p.body)
	}
	mgr.post(fpath[1]+"/progress", url.Values{"_csrf": {tok}, "units_" + line[1]: {"4"}}).expectRedirect(t, fpath[1]+"?done=progress")
	mgr.post(fpath[1]+"/ship", url.Values{"_csrf": {tok}, "waybill": {""}, "ship_" + line[1]: {"4"}}).expect(t, http.StatusUnprocessableEntity, "waybill")
	mgr.post(fpath[1]+"/ship", url.Values{"_csrf": {tok}, "waybill": {"ТТН-1"}, "ship_" + line[1]: {"4"}}).expectRedirect(t, fpath[1]+"?done=ship")
	mgr.post(fpath[1]+"/ready", url.Values{"_csrf": {tok}}).expectRedirect(t, fpath[1]+"?done=ready")
	mgr.post(fpath[1]+"/ship", url.Values{"_csrf": {tok}, "waybill": {"ТТН-2"}, "ship_" + line[1]: {"6"}}).expectRedirect(t, fpath[1]+"?done=ship")
	mgr.get(fpath[1]).expect(t, http.StatusOK, `id="fulfillment-state" class="status status-shipped"`, "ТТН-1", "ТТН-2")

	p = req.get(orderPath)
	p.expect(t, http.StatusOK, `id="deliver-button-`+fl+`"`)
	req.post(fpath[1]+"/deliver", url.Values{"_csrf": {p.csrf(t)}, "next": {orderPath}}).expectRedirect(t, orderPath+"?done=deliver")
	p = req.get(orderPath)
	p.expect(t, http.StatusOK, `id="accept-button-`+fl+`"`, `name="accepted_`+line[1]+`"`)
	// The acceptance form is a multipart form with the defect's photos; a file that is no
	// image refuses the whole form and records nothing.
	p.expect(t, http.StatusOK, `enctype="multipart/form-data"`, `name="photos" type="file" multiple`)
	accept := url.Values{"_csrf": {p.csrf(t)}, "next": {orderPath}, "accepted_" + line[1]: {"9"}, "rejected_" + line[1]: {"1"},
		"defect_reason": {"скол столешницы"}}
	req.postMultipart(fpath[1]+"/accept", accept, "photos", []upload{{"скол.svg", []byte("<svg/>")}}).expect(t, http.StatusUnsupportedMediaType)
	req.get(orderPath).expect(t, http.StatusOK, `id="accept-button-`+fl+`"`)
	req.postMultipart(fpath[1]+"/accept", accept, "photos", []upload{{"скол.jpg", photo(t, 640, 480)}}).expectRedirect(t, orderPath+"?done=accept")
	req.get(orderPath).expect(t, http.StatusOK, `status-rework fulfillment-state`, "скол столешницы")
	// The fulfillment's page shows the photo, privately, to both sides; only the buyer may
	// add and remove photos.
	p = req.get(fpath[1])
	thumb := regexp.MustCompile(`<a href="(/api/v1/attachments/(\d+))"><img src="/api/v1/attachments/\d+/thumbnail"`).FindStringSubmatch(p.body)
	if thumb == nil {
		t.Fatalf("no photo on the fulfillment's page:\n%s", p.body)
	}
	p.expect(t, http.StatusOK, `id="remove-photo-`+thumb[2]+`"`, `name="acceptance_id"`)
	if got := req.get(thumb[1] + "/thumbnail"); got.StatusCode != http.StatusOK || got.Header.Get("Content-Type") != "image/jpeg" || got.Header.Get("Cache-Control") != "private, no-cache" {
		t.Errorf("the buyer's thumbnail: %d %v", got.StatusCode, got.Header)
	}
	pm := mgr.get(fpath[1])
	pm.expect(t, http.StatusOK, `href="`+thumb[1]+`"`)
	if regexp.MustCompile(`id="remove-photo-|id="add-photos-`).MatchString(pm.body) {
		t.Error("the producer is offered the buyer's photo forms")
	}
	if got := mgr.get(thumb[1]); got.StatusCode != http.StatusOK {
		t.Errorf("the producer's download: %d", got.StatusCode)
	}
	accID := regexp.MustCompile(`name="acceptance_id" value="(\d+)"`).FindStringSubmatch(p.body)[1]
	req.postMultipart(fpath[1]+"/photos", url.Values{"_csrf": {p.csrf(t)}, "acceptance_id": {accID}}, "photos",
		[]upload{{"второй.jpg", photo(t, 200, 150)}}).expectRedirect(t, fpath[1]+"?done=photos")
	req.post(fpath[1]+"/remove_photo", url.Values{"_csrf": {p.csrf(t)}, "acceptance_id": {accID}, "photo_id": {thumb[2]}}).expectRedirect(t, fpath[1]+"?done=remove_photo")
	p = req.get(fpath[1])
	if n := len(regexp.MustCompile(`/thumbnail"`).FindAllString(p.body, -1)); n != 1 {
		t.Errorf("%d photos on the page after one added and one removed", n)
	}
	mgr.get(thumb[1]).expect(t, http.StatusNotFound)
	p = mgr.get(fmt.Sprintf("/orgs/%d/queue?state=rework", s.enterprise.ID))
	p.expect(t, http.StatusOK, `id="column-rework"`, `href="`+fpath[1]+`"`)
	if regexp.MustCompile(`id="column-routed"`).MatchString(p.body) {
		t.Error("the state filter still shows other columns")
	}
	// The buyer may not run the producer's side.
	req.post(fpath[1]+"/ready", url.Values{"_csrf": {p.csrf(t)}}).expect(t, http.StatusForbidden)

	// Another school sees nothing of it.
	out := newBrowser(t, e.app)
	signIn(t, out, "req@school4.kz")
	out.get(orderPath).expect(t, http.StatusNotFound)
	out.get(org("orders")).expect(t, http.StatusNotFound)
	out.get(org("budget")).expect(t, http.StatusNotFound)

	// The order's record holds every step.
	id, _ := strconv.ParseInt(m[1], 10, 64)
	evs, err := e.ord.Store.Events(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var actions []orders.Action
	for _, ev := range evs {
		actions = append(actions, ev.Action)
	}
	want := []orders.Action{orders.ActionCreate, orders.ActionRequestApproval, orders.ActionReturn, orders.ActionRequestApproval, orders.ActionApprove, orders.ActionRoute,
		orders.ActionConfirm, orders.ActionProgress, orders.ActionShip, orders.ActionMarkReady, orders.ActionShip, orders.ActionDeliver, orders.ActionAccept}
	if fmt.Sprint(actions) != fmt.Sprint(want) {
		t.Errorf("the record: %v; want %v", actions, want)
	}
}
