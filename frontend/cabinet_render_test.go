package frontend

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/orders"
)

// sampleLoad is a site's load with week 3 over its 40-hour capacity and week 1 at it.
func sampleLoad() orders.SiteLoad {
	site := orders.Site{ID: 5, EnterpriseID: 9, Code: "K-WOOD", Name: accounts.Text{RU: "Столярный цех", EN: "Joinery"},
		InstitutionName: accounts.Text{RU: "Учреждение № 29"}, Region: "karaganda", WeeklyCapacityHours: 40}
	l := orders.SiteLoad{Site: site}
	monday := orders.DateOf(2026, time.September, 7)
	for i, hours := range []int64{40, 12, 70, 0} {
		l.Weeks = append(l.Weeks, orders.WeekLoad{Week: monday.AddDays(7 * i), Minutes: hours * 60})
	}
	return l
}

// sampleCabinetPages gives the cabinets' pages data that takes every branch that shows data.
func sampleCabinetPages() map[string][]any {
	at := time.Date(2026, 9, 1, 4, 30, 0, 0, time.UTC)
	org := accounts.Organization{ID: 7, Kind: accounts.KindBuyer, Name: accounts.Text{RU: "Школа № 7"}, Region: "almaty"}
	ent := accounts.Organization{ID: 9, Kind: accounts.KindProducerEnterprise, Name: accounts.Text{RU: "РГП «Енбек»"}, Region: "karaganda"}
	title := accounts.Text{RU: "Парта ученическая", KK: "Оқушы партасы"}
	budget := orders.BudgetLine{ID: 3, OrgID: 7, Year: 2026, Code: "001.015", Name: "Оснащение", AmountTiyn: 1_000_000_00, CommittedTiyn: 25_000_00}
	line := orders.Line{ID: 11, Position: 1, ListingID: 4, Title: title, Unit: "piece", UnitPriceTiyn: 25_000_00, Quantity: 2, AmountTiyn: 50_000_00}
	fl := orders.FulfillmentLine{OrderLineID: 11, Title: title, Unit: "piece", UnitPriceTiyn: 25_000_00, Quantity: 2, Made: 2, Shipped: 2, Delivered: 2}
	f := orders.Fulfillment{ID: 21, OrderID: 1, OrderNumber: "SH-2026-000001", BuyerOrgID: 7, EnterpriseID: 9, SiteID: 5, Status: orders.FulfillmentDelivered,
		QuotedDate: orders.DateOf(2026, 9, 20), PromisedDate: orders.DateOf(2026, 9, 21), DaysOverdue: 2, PenaltyTiyn: 1000,
		CancelRequestedBy: orders.SideProducer, CancelReason: "нет материала",
		LabourMinutes: 120, AmountTiyn: 50_000_00, Lines: []orders.FulfillmentLine{fl},
		Shipments: []orders.Shipment{{ID: 1, Waybill: "ТТН-1", ShippedAt: at, DeliveredAt: at}}}
	routed := f
	routed.Status, routed.Lines = orders.FulfillmentRouted, []orders.FulfillmentLine{{OrderLineID: 11, Title: title, Unit: "piece", Quantity: 2}}
	routed.Shipments, routed.CancelRequestedBy = nil, ""
	working := f
	working.Status, working.Lines = orders.FulfillmentInProduction, []orders.FulfillmentLine{{OrderLineID: 11, Title: title, Unit: "piece", Quantity: 3, Made: 2}}
	producer := fulfillmentView{Fulfillment: routed, Producer: true, CSRF: "csrf-token-value", Next: "/fulfillments/21", Today: "2026-09-01", MaxDate: "2028-09-01"}
	producing := fulfillmentView{Fulfillment: working, Producer: true, CSRF: "csrf-token-value", Next: "/fulfillments/21"}
	buyer := fulfillmentView{Fulfillment: f, Buyer: true, CSRF: "csrf-token-value", Next: "/orders/1"}
	o := orders.Order{ID: 1, Number: "SH-2026-000001", BuyerOrgID: 7, Status: orders.StatusDraft, DeliveryAddress: "Алматы, ул. Абая, 1",
		DeliveryRegion: "almaty", RequestedDate: orders.DateOf(2026, 10, 1), BudgetLineID: 3, Note: "до 9:00", TotalTiyn: 50_000_00,
		CreatedAt: at, Lines: []orders.Line{line}}
	route := orders.ProcurementRoute{Code: "direct", Name: accounts.Text{RU: "Прямой договор"}, LegalBasis: accounts.Text{RU: "ст. 16 Закона"},
		Documents: []orders.RouteDocument{{Code: "contract", Name: accounts.Text{RU: "Договор"}}}}
	load := sampleLoad()
	quote := orders.PartQuote{EnterpriseID: 9, Lines: []orders.Line{line}, Candidates: []orders.Candidate{{Site: load.Site, FreeMinutes: 600, DistanceKm: 210,
		Plan: orders.Plan{Promise: orders.DateOf(2026, 9, 20), Feasible: true}}}}
	draft := orderPage{Order: o, Org: org, BudgetLine: budget, Route: route, Reasons: []string{"товары в перечне"}, Quotes: []orders.PartQuote{quote, {}},
		CanManage: true, Done: "created", Events: []orders.Event{{Seq: 1, At: at, Action: orders.ActionCreate, To: "draft"}}}
	pending := draft
	pending.Order.Status, pending.CanApprove, pending.Done = orders.StatusPendingApproval, true, ""
	submitted := draft
	submitted.Order.Status, submitted.Quotes, submitted.Route = orders.StatusSubmitted, nil, orders.ProcurementRoute{}
	submitted.Order.CommittedTiyn, submitted.Fulfillments = 50_000_00, []fulfillmentView{buyer}
	submitted.Events = append(submitted.Events, orders.Event{Seq: 2, At: at, Action: orders.ActionDecline, FulfillmentID: 21, From: "routed", To: "routed", Reason: "нет мощности"})
	invoice := orders.Invoice{ID: 31, FulfillmentID: 21, OrderID: 1, Number: "СФ-15", IssuedOn: orders.DateOf(2026, 9, 1), AmountTiyn: 30_000_00,
		VATTiyn: 3_214_29, Note: "аванс", PaidTiyn: 10_000_00, RecordedAt: at,
		Payments: []orders.Payment{{ID: 41, InvoiceID: 31, PaidOn: orders.DateOf(2026, 9, 2), AmountTiyn: 10_000_00, TreasuryRef: "ПП-000123", RecordedAt: at}}}
	paying := &settlementView{Settlement: orders.Settlement{Fulfillment: f, Invoices: []orders.Invoice{invoice}}, CanRecord: true, CSRF: "csrf-token-value",
		Today: "2026-09-03", MinDate: "2026-09-01",
		InvoiceForm:    form{Values: map[string]string{"number": "СФ-16", "amount": "много"}, Errors: map[string]string{"amount": "enter the amount in tenge", "form": "conflict"}},
		PaymentInvoice: 31, PaymentForm: form{Values: map[string]string{"treasury_ref": "ПП-000123"}, Errors: map[string]string{"treasury_ref": "already recorded on this invoice", "form": "x"}}}
	submitted.Settlements = map[int64]*settlementView{21: paying}
	overpaid := f
	overpaid.Status, overpaid.AmountTiyn, overpaid.PenaltyTiyn = orders.FulfillmentClosed, 10_000_00, 1_000_00
	refund := submitted
	refund.Settlements = map[int64]*settlementView{21: {Settlement: orders.Settlement{Fulfillment: overpaid, Invoices: []orders.Invoice{{ID: 32, Number: "1",
		IssuedOn: orders.DateOf(2026, 9, 1), AmountTiyn: 10_000_00, PaidTiyn: 10_000_00}}}, CanRecord: true}}
	early := submitted
	early.Settlements = map[int64]*settlementView{21: {Settlement: orders.Settlement{Fulfillment: routed}, CanRecord: true}}
	cart := cartPage{Org: org, Lines: []cartLine{{CartItem: orders.CartItem{ListingID: 4, Quantity: 2, Listing: orders.CartListing{Title: title, Unit: "piece", UnitPriceTiyn: 25_000_00}}, AmountTiyn: 50_000_00}},
		TotalTiyn: 50_000_00, BudgetLines: []orders.BudgetLine{budget}, Regions: accounts.Regions, Added: true, MinDate: "2026-09-01", MaxDate: "2028-09-01",
		Form: form{Values: map[string]string{"delivery_region": "almaty", "budget_line_id": "3"}}}
	cartBad := cart
	cartBad.Form = form{Values: map[string]string{"delivery_address": ""}, Errors: map[string]string{"delivery_address": "is required", "form": "an order needs at least one line", "requested_date": "bad", "budget_line_id": "no"}}
	cartBad.BudgetLines = nil
	queue := queuePage{Org: ent, Sites: map[int64]orders.Site{5: load.Site}, SiteID: 5, States: orders.FulfillmentStatuses, Total: 1,
		Columns: []boardColumn{{Status: orders.FulfillmentRouted, Items: []orders.Fulfillment{routed}}, {Status: orders.FulfillmentConfirmed}},
		Charts:  []loadChart{newLoadChart(load)}}
	return map[string][]any{
		pageCart: {cart, cartBad, cartPage{Org: org}},
		pageOrders: {ordersPage{Org: org, Orders: []orders.Order{o}, Statuses: orderStatuses, Status: "draft", CanOrder: true}, ordersPage{Org: org, Approvals: true},
			ordersPage{Org: org, Approvals: true, CanApprove: true}, ordersPage{Org: org, Approvals: true, CanApprove: true, Settings: orders.Settings{ApprovalRequired: true}}},
		pageOrder: {draft, pending, submitted, refund, early},
		pageBudget: {budgetPage{Org: org, Lines: []orders.BudgetLine{budget}, CanCreate: true, Created: true, Form: form{Values: map[string]string{"year": "2026"}}},
			budgetPage{Org: org, CanCreate: true, Form: form{Values: map[string]string{}, Errors: map[string]string{"amount": "bad", "form": "conflict"}}}},
		pageQueue: {queue, queuePage{Org: ent}},
		pageFulfillment: {fulfillmentPage{F: producer, Site: load.Site, Done: "confirm"}, fulfillmentPage{F: producing},
			fulfillmentPage{F: buyer, Payments: &settlementView{Settlement: paying.Settlement}}},
		pageNotifications: {notificationsPage{Unread: 1, Items: []notificationItem{
			{Notification: orders.Notification{ID: 1, OrderNumber: "SH-2026-000001", Note: "ТТН-1", CreatedAt: at}, Text: "Заказ отгружен", Link: "/orders/1"},
			{Notification: orders.Notification{ID: 2, CreatedAt: at, ReadAt: at}, Text: "Прочитано"}}}, notificationsPage{}},
		pageCabinet: {cabinetPage{Orgs: []cabinetOrg{{Member: accounts.Member{Membership: accounts.Membership{OrgID: 7, Role: accounts.RoleApprover}, OrgName: org.Name},
			Buyer: true, Approver: true, CanOrder: true}, {Member: accounts.Member{Membership: accounts.Membership{OrgID: 9, Role: accounts.RoleProducerManager}, OrgName: ent.Name}, Producer: true}}},
			cabinetPage{}},
	}
}

// The load chart marks an overloaded week in colour, with a pattern and with text, and
// says the same in its table; a week at capacity is not overloaded.
func TestLoadChartShowsOverload(t *testing.T) {
	ch := newLoadChart(sampleLoad())
	if ch.Overloaded != 1 || !ch.Bars[2].Over() || ch.Bars[2].OverHours != 30 || ch.Bars[0].Over() {
		t.Fatalf("overload: %d weeks, bars %+v", ch.Overloaded, ch.Bars)
	}
	if !(ch.Bars[2].Y < ch.CapacityY && ch.CapacityY < ch.Bars[1].Y) || ch.Bars[0].Y != ch.CapacityY || ch.Bars[3].H != 0 {
		t.Errorf("geometry: capacity at y=%d, bars %+v", ch.CapacityY, ch.Bars)
	}
	if top := ch.Bars[2].TextY; top < 0 {
		t.Errorf("the overload label is drawn off the chart (y=%d)", top)
	}
	ui := newTestUI(t)
	var buf bytes.Buffer
	page := queuePage{Org: accounts.Organization{ID: 9, Name: accounts.Text{RU: "РГП"}}, Sites: map[int64]orders.Site{5: ch.Site}, Charts: []loadChart{ch}}
	if err := ui.execute(&buf, pageQueue, view{Lang: langEN, CSRF: "x", Page: page}); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	svg := regexp.MustCompile(`(?s)<svg[^>]*class="chart".*?</svg>`).FindString(html)
	if svg == "" {
		t.Fatalf("no chart in the page:\n%s", html)
	}
	for _, want := range []string{
		`role="img"`, `aria-labelledby="load-5-title load-5-desc"`, `<title id="load-5-title">Weekly load of Joinery</title>`,
		`overloaded weeks: 1`, `<pattern id="hatch-5"`, `class="bar bar-over"`, `fill="url(#hatch-5)"`, `>+30</text>`,
		`class="capacity-line"`, `stroke-dasharray`, `14.09.2026: 12 h</title>`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("no %q in the chart:\n%s", want, svg)
		}
	}
	if n := strings.Count(svg, `class="bar bar-over"`); n != 1 {
		t.Errorf("%d overloaded bars; want 1", n)
	}
	if n := strings.Count(svg, `class="bar"`); n != 3 {
		t.Errorf("%d bars within capacity; want 3", n)
	}
	// The text alternative says which week is overloaded.
	table := regexp.MustCompile(`(?s)<details>.*?</details>`).FindString(html[strings.Index(html, "</svg>"):])
	for _, want := range []string{`<tr class="row-over"><td>21.09.2026</td><td>70</td><td>40</td><td><strong>overloaded by 30 h</strong>`, `<td>07.09.2026</td><td>40</td><td>40</td><td>within capacity</td>`} {
		if !strings.Contains(table, want) {
			t.Errorf("no %q in the chart's table:\n%s", want, table)
		}
	}
}

// Money in the cabinets is written the portal's way and dates as dd.mm.yyyy.
func TestOrderPageFormatsMoneyAndDates(t *testing.T) {
	ui := newTestUI(t)
	var buf bytes.Buffer
	p := sampleCabinetPages()[pageOrder][0]
	if err := ui.execute(&buf, pageOrder, view{Lang: langRU, CSRF: "x", Page: p}); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	for _, want := range []string{formatTenge(langRU, 50_000_00), "01.10.2026", "20.09.2026", "Прямой договор", "товары в перечне", "ни один участок не может взять", `id="submit-order"`} {
		if !strings.Contains(html, want) {
			t.Errorf("no %q in the order page", want)
		}
	}
}

// cabinetRuntimeKeys are the cabinets' message keys built at run time: the names of states
// and of the record's actions, the notes after a change, the sides of a fulfillment.
func cabinetRuntimeKeys() []string {
	var keys []string
	for _, s := range orderStatuses {
		keys = append(keys, "order.status_"+string(s))
	}
	for _, s := range orders.FulfillmentStatuses {
		keys = append(keys, "fulfillment.status_"+string(s))
	}
	for _, a := range []orders.Action{orders.ActionCreate, orders.ActionRequestApproval, orders.ActionApprove, orders.ActionReturn,
		orders.ActionSubmit, orders.ActionCancelOrder, orders.ActionCloseOrder, orders.ActionRoute, orders.ActionConfirm, orders.ActionDecline,
		orders.ActionReturnToBuyer, orders.ActionProgress, orders.ActionMarkReady, orders.ActionShip, orders.ActionDeliver, orders.ActionAccept,
		orders.ActionRequestCancel, orders.ActionCancel, orders.ActionInvoice, orders.ActionPay} {
		keys = append(keys, "event."+string(a))
	}
	for _, n := range orderDone {
		keys = append(keys, "order.done_"+n)
	}
	for _, n := range fulfillmentDone {
		keys = append(keys, "fulfillment.done_"+n)
	}
	return append(keys, "fulfillment.side_buyer", "fulfillment.side_producer")
}

// The producer is offered a decline, not a cancel, for a part it has not accepted; the
// buyer can cancel it, and only the buyer marks delivered and accepts.
func TestFulfillmentFormsBySide(t *testing.T) {
	routed := orders.Fulfillment{ID: 1, Status: orders.FulfillmentRouted, Lines: []orders.FulfillmentLine{{OrderLineID: 1, Quantity: 2}}}
	delivered := orders.Fulfillment{ID: 2, Status: orders.FulfillmentDelivered, Lines: []orders.FulfillmentLine{{OrderLineID: 1, Quantity: 2, Made: 2, Shipped: 2, Delivered: 2}}}
	cases := []struct {
		v    fulfillmentView
		show []string
		hide []string
	}{
		{fulfillmentView{Fulfillment: routed, Producer: true}, []string{"confirm", "decline"}, []string{"cancel", "ship", "deliver", "accept"}},
		{fulfillmentView{Fulfillment: routed, Buyer: true}, []string{"cancel"}, []string{"confirm", "decline", "deliver", "accept"}},
		{fulfillmentView{Fulfillment: delivered, Buyer: true}, []string{"accept", "cancel"}, []string{"deliver", "ship", "ready"}},
		{fulfillmentView{Fulfillment: delivered, Producer: true}, []string{"cancel"}, []string{"accept", "deliver", "ship"}},
		{fulfillmentView{Fulfillment: delivered}, nil, []string{"accept", "cancel", "ship"}},
	}
	for i, c := range cases {
		for _, a := range c.show {
			if !c.v.Shows(a) {
				t.Errorf("#%d (%s): %s is not shown", i, c.v.Status, a)
			}
		}
		for _, a := range c.hide {
			if c.v.Shows(a) {
				t.Errorf("#%d (%s): %s is shown", i, c.v.Status, a)
			}
		}
	}
}

// The payments section shows the totals and each invoice with its payments; the buyer's
// forms have labels, keep what was sent and show each problem next to its field; a refund
// shows when more was paid than is due; the producer's page shows the figures without forms.
func TestPaymentsSectionRenders(t *testing.T) {
	ui := newTestUI(t)
	samples := sampleCabinetPages()
	render := func(page string, data any) string {
		t.Helper()
		var buf bytes.Buffer
		if err := ui.execute(&buf, page, view{Lang: langRU, CSRF: "x", Page: data}); err != nil {
			t.Fatal(err)
		}
		return buf.String()
	}
	html := render(pageOrder, samples[pageOrder][2])
	for _, want := range []string{
		`id="payments-21"`, `class="payments-due">` + formatTenge(langRU, 49_990_00) + ` <span class="muted">(сумма заказа за вычетом пени`, `class="payments-invoiced">` + formatTenge(langRU, 30_000_00),
		`class="payments-paid">` + formatTenge(langRU, 10_000_00), `class="payments-outstanding"><strong>` + formatTenge(langRU, 39_990_00),
		"Счёт № СФ-15 от 01.09.2026", "в т. ч. НДС " + formatTenge(langRU, 3_214_29), "02.09.2026 — " + formatTenge(langRU, 10_000_00) + ", платёжное поручение № ПП-000123",
		`action="/fulfillments/21/invoices"`, `<label for="invoice-21-number">Номер счёта</label>`, `value="СФ-16"`,
		`id="invoice-21-amount" name="amount" type="text" inputmode="decimal" value="много" aria-describedby="invoice-21-amount-hint invoice-21-amount-error" aria-invalid="true"`,
		`<p class="field-error" id="invoice-21-amount-error">Проверьте это поле: <span lang="en">enter the amount in tenge</span></p>`,
		`id="invoice-21-issued_on" name="issued_on" type="date" min="2026-09-01" max="2026-09-03"`,
		`action="/invoices/31/payments"`, `id="payment-31-paid_on" name="paid_on" type="date" min="2026-09-01" max="2026-09-03"`,
		`id="payment-31-treasury_ref-error"`, `value="ПП-000123" aria-describedby="payment-31-treasury_ref-error" aria-invalid="true"`,
		`Можно выставить ещё: ` + formatTenge(langRU, 19_990_00), `Осталось оплатить по счёту: ` + formatTenge(langRU, 20_000_00),
	} {
		if !strings.Contains(html, want) {
			t.Errorf("no %q in the order page's payments", want)
		}
	}
	if n := strings.Count(html, `role="alert"`); n < 2 {
		t.Errorf("%d form-level alerts; want the invoice's and the payment's", n)
	}
	html = render(pageOrder, samples[pageOrder][3])
	if !strings.Contains(html, `class="payments-overpaid"><strong>`+formatTenge(langRU, 1_000_00)) || strings.Contains(html, `action="/fulfillments/21/invoices"`) ||
		strings.Contains(html, `action="/invoices/32/payments"`) {
		t.Errorf("an overpaid, fully paid part:\n%s", html)
	}
	html = render(pageOrder, samples[pageOrder][4])
	if !strings.Contains(html, "после того, как производитель примет заказ") || strings.Contains(html, `action="/fulfillments/21/invoices"`) {
		t.Errorf("a routed part offers an invoice form")
	}
	html = render(pageFulfillment, samples[pageFulfillment][2])
	if !strings.Contains(html, "Счёт № СФ-15 от 01.09.2026") || strings.Contains(html, `action="/invoices/`) || strings.Contains(html, `/invoices"`) {
		t.Errorf("the fulfillment page's payments are not read only")
	}
}
