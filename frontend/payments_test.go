package frontend_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/orders"
)

// member is an actor holding role in org, for calling the services directly.
func member(u accounts.User, org accounts.Organization, role accounts.Role) accounts.Actor {
	return accounts.Actor{UserID: u.ID, Memberships: []accounts.Member{{Membership: accounts.Membership{UserID: u.ID, OrgID: org.ID, Role: role},
		OrgName: org.Name, OrgKind: org.Kind, Region: org.Region}}}
}

// The buyer records an invoice and a payment on the order page without JavaScript: a bad
// amount and a missing number are marked next to their fields and the values kept, an
// overpayment is marked on the amount; recorded ones show in the section with the totals.
// The producer sees the same figures on its fulfillment page, without the forms.
func TestBuyerRecordsInvoicesAndPayments(t *testing.T) {
	e := newEnv(t)
	s := e.shop(t)
	ctx := context.Background()
	school := e.org(t, accounts.Text{RU: "Школа № 5"})
	reqUser := e.user(t, "req@school5.kz", "Айгерим", school, accounts.RoleRequester)
	accUser := e.user(t, "acc@school5.kz", "Гульнара", school, accounts.RoleAccountant)
	b, _, err := e.ord.CreateBudgetLine(ctx, member(accUser, school, accounts.RoleAccountant), school.ID,
		orders.BudgetLineInput{Year: time.Now().Year(), Code: "001", Name: "Оснащение", AmountTiyn: 1_000_000_000}, nil)
	if err != nil {
		t.Fatal(err)
	}
	o, _, err := e.ord.CreateOrder(ctx, member(reqUser, school, accounts.RoleRequester), school.ID, orders.OrderInput{
		Lines: []orders.LineInput{{ListingID: s.desk.ID, Quantity: 10}}, DeliveryAddress: "Алматы, ул. Абая, 1", BudgetLineID: b.ID, Submit: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	fid := o.Fulfillments[0].ID
	due := o.Fulfillments[0].AmountTiyn
	orderPath := fmt.Sprintf("/orders/%d", o.ID)
	fs := fmt.Sprint(fid)

	req := newBrowser(t, e.app)
	signIn(t, req, "req@school5.kz")
	// Before the producer confirms, the section says why there is no form.
	req.get(orderPath).expect(t, http.StatusOK, `id="payments-`+fs+`"`, "после того, как производитель примет заказ")
	if _, err := e.ord.Confirm(ctx, s.manager, fid, orders.Date{}); err != nil {
		t.Fatal(err)
	}
	p := req.get(orderPath)
	p.expect(t, http.StatusOK, `id="record-invoice-`+fs+`"`, `action="/fulfillments/`+fs+`/invoices"`, `<label for="invoice-`+fs+`-number">`)
	today := orders.Today(time.Now()).String()
	bad := url.Values{"_csrf": {p.csrf(t)}, "number": {""}, "issued_on": {today}, "amount": {"много"}, "vat": {""}, "note": {"аванс 30 %"}}
	p = req.post("/fulfillments/"+fs+"/invoices", bad)
	p.expect(t, http.StatusUnprocessableEntity, `id="invoice-`+fs+`-amount" name="amount" type="text" inputmode="decimal" value="много"`,
		`id="invoice-`+fs+`-amount-error"`, "аванс 30 %")
	// The domain's refusals land next to their fields too.
	bad.Set("amount", "1 000")
	p = req.post("/fulfillments/"+fs+"/invoices", bad)
	p.expect(t, http.StatusUnprocessableEntity, `id="invoice-`+fs+`-number-error"`, `aria-describedby="invoice-`+fs+`-number-error" aria-invalid="true"`)
	tooMuch := bad
	tooMuch.Set("number", "СФ-1")
	tooMuch.Set("amount", fmt.Sprintf("%d", due/100+1))
	req.post("/fulfillments/"+fs+"/invoices", tooMuch).expect(t, http.StatusUnprocessableEntity, `id="invoice-`+fs+`-amount-error"`)

	good := bad
	good.Set("number", "СФ-1")
	good.Set("amount", "30 000")
	good.Set("vat", "3 214,29")
	req.post("/fulfillments/"+fs+"/invoices", good).expectRedirect(t, orderPath+"?done=invoice#payments-"+fs)
	p = req.get(orderPath + "?done=invoice")
	p.expect(t, http.StatusOK, "Счёт зарегистрирован.", "Счёт № СФ-1 от", "30\u00a0000\u00a0₸", "3\u00a0214,29\u00a0₸", "аванс 30 %")
	m := regexp.MustCompile(`<li class="invoice" id="invoice-(\d+)">`).FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no invoice on the page:\n%s", p.body)
	}
	inv := m[1]
	p.expect(t, http.StatusOK, `id="record-payment-`+inv+`"`, `<label for="payment-`+inv+`-treasury_ref">`)
	pay := url.Values{"_csrf": {p.csrf(t)}, "paid_on": {today}, "amount": {"30 000,01"}, "treasury_ref": {"ПП-77"}}
	req.post("/invoices/"+inv+"/payments", pay).expect(t, http.StatusUnprocessableEntity, `id="payment-`+inv+`-amount-error"`, `value="ПП-77"`)
	pay.Set("amount", "12 000")
	req.post("/invoices/"+inv+"/payments", pay).expectRedirect(t, orderPath+"?done=pay#payments-"+fs)
	req.post("/invoices/"+inv+"/payments", pay).expect(t, http.StatusConflict, `id="payment-`+inv+`-treasury_ref-error"`)
	p = req.get(orderPath)
	p.expect(t, http.StatusOK, "ПП-77", `class="payments-paid">12`+"\u00a0000\u00a0₸", `class="payments-invoiced">30`+"\u00a0000\u00a0₸",
		fmt.Sprintf(`class="payments-outstanding"><strong>%s`, strings.ReplaceAll("273 005", " ", "\u00a0")))

	// The producer reads the figures on its page, and has no form.
	mgr := newBrowser(t, e.app)
	signIn(t, mgr, s.managerEmail)
	p = mgr.get("/fulfillments/" + fs)
	p.expect(t, http.StatusOK, `id="payments-`+fs+`"`, "ПП-77", "Счёт № СФ-1 от")
	if strings.Contains(p.body, `id="record-invoice-`) || strings.Contains(p.body, `id="record-payment-`) {
		t.Error("the producer is offered the buyer's forms")
	}
	mgr.post("/invoices/"+inv+"/payments", url.Values{"_csrf": {p.csrf(t)}, "paid_on": {today}, "amount": {"1"}, "treasury_ref": {"X"}}).
		expect(t, http.StatusForbidden)
	// The producer heard of both.
	n, err := e.ord.UnreadCount(ctx, s.manager)
	if err != nil || n < 2 {
		t.Fatalf("producer's unread %d: %v", n, err)
	}
}
