package orders_test

import (
	"context"
	"testing"

	"github.com/sheber-kz/sheber/orders"
)

// The whole path of one order, against the real PostgreSQL: cart, approval, submission
// with its budget commitment, split and routing (to the site with the most free capacity),
// a decline and re-routing, confirmation, progress, partial shipments, delivery, an
// acceptance with a rejected unit, rework, the final acceptance, and the record.
func TestOrderFromCartToClose(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	s := w.svc

	if _, err := s.SaveSettings(ctx, w.approver, orders.Settings{OrgID: w.buyer.ID, ApprovalRequired: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveSettings(ctx, w.requester, orders.Settings{OrgID: w.buyer.ID}); code(err) != "forbidden" {
		t.Fatalf("a requester changed the approval setting: %v", err)
	}
	if _, err := s.SetCartItem(ctx, w.requester, w.buyer.ID, w.desk.ID, 20); err != nil {
		t.Fatal(err)
	}
	cart, err := s.SetCartItem(ctx, w.requester, w.buyer.ID, w.bench.ID, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(cart) != 2 || cart[0].Listing.UnitPriceTiyn != 2_500_000 {
		t.Fatalf("cart %+v", cart)
	}
	o, _, err := s.CreateOrder(ctx, w.requester, w.buyer.ID, orders.OrderInput{FromCart: true, DeliveryAddress: "Караганда, ул. Школьная, 1",
		BudgetLineID: w.budget.ID, RequestedDate: orders.DateOf(2026, 10, 1)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if o.ProcurementRoute != orders.RouteDirectPenalEnterprise || o.Penalty != orders.DefaultPenaltyRule {
		t.Fatalf("route %q, penalty %+v", o.ProcurementRoute, o.Penalty)
	}
	if o.Status != orders.StatusDraft || o.TotalTiyn != 20*2_500_000+3*9_000_000 || len(o.Lines) != 2 || o.Lines[0].Title.RU != "Парта ученическая" {
		t.Fatalf("order %+v", o)
	}
	if cart, _ := s.Cart(ctx, w.requester, w.buyer.ID); len(cart) != 0 {
		t.Fatalf("the cart was not emptied: %+v", cart)
	}

	// The quote: one part, to the Pavlodar site (most free capacity), 20 h of desks
	// (the benches come from stock), done this week but not before the 10-day lead time.
	quotes, err := s.Quote(ctx, w.requester, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(quotes) != 1 || len(quotes[0].Candidates) != 2 || quotes[0].Candidates[0].Site.ID != w.siteFar.ID {
		t.Fatalf("quote %+v", quotes)
	}
	if got, want := quotes[0].Promise(), orders.DateOf(2026, 9, 11); got != want {
		t.Fatalf("quoted %s, want %s (today + 10 days of lead time)", got, want)
	}

	o, err = s.Submit(ctx, w.requester, o.ID, o.Version)
	if err != nil {
		t.Fatal(err)
	}
	if o.Status != orders.StatusPendingApproval {
		t.Fatalf("submitted without approval: %s", o.Status)
	}
	if _, err := s.Approve(ctx, w.requester, o.ID, o.Version); code(err) != "forbidden" {
		t.Fatalf("the requester approved: %v", err)
	}
	o, err = s.Approve(ctx, w.approver, o.ID, o.Version)
	if err != nil {
		t.Fatal(err)
	}
	if o.Status != orders.StatusSubmitted || o.CommittedTiyn != o.TotalTiyn || len(o.Fulfillments) != 1 {
		t.Fatalf("approved order %+v", o)
	}
	b, _ := w.svc.BudgetLine(ctx, w.requester, w.budget.ID)
	if b.CommittedTiyn != o.TotalTiyn {
		t.Fatalf("budget committed %d, want %d", b.CommittedTiyn, o.TotalTiyn)
	}
	f := o.Fulfillments[0]
	if f.Status != orders.FulfillmentRouted || f.SiteID != w.siteFar.ID || f.LabourMinutes != 20*60 || f.Lines[1].FromStock != 3 {
		t.Fatalf("fulfillment %+v", f)
	}

	// Pavlodar declines; the router offers it to Karaganda.
	if _, err := s.Decline(ctx, w.manager, f.ID, ""); field(err, "reason") == "" {
		t.Fatalf("a decline without a reason: %v", err)
	}
	f, err = s.Decline(ctx, w.manager, f.ID, "Цех на ремонте до октября")
	if err != nil {
		t.Fatal(err)
	}
	if f.Status != orders.FulfillmentRouted || f.SiteID != w.siteNear.ID || len(f.DeclinedSiteIDs) != 1 {
		t.Fatalf("re-routed %+v", f)
	}
	// Illegal transitions are 409 naming the state.
	if _, err := s.Progress(ctx, w.master, f.ID, []orders.LineUnits{{OrderLineID: f.Lines[0].OrderLineID, Units: 1}}); code(err) != "conflict" || field(err, "state") != "routed" {
		t.Fatalf("progress before confirmation: %v", err)
	}
	if _, err := s.Confirm(ctx, w.requester, f.ID, orders.Date{}); code(err) != "not_found" && code(err) != "forbidden" {
		t.Fatalf("the buyer confirmed for the producer: %v", err)
	}
	f, err = s.Confirm(ctx, w.master, f.ID, orders.Date{})
	if err != nil {
		t.Fatal(err)
	}
	if f.Status != orders.FulfillmentConfirmed || f.PromisedDate != orders.DateOf(2026, 9, 11) {
		t.Fatalf("confirmed %+v", f)
	}
	desk, bench := f.Lines[0].OrderLineID, f.Lines[1].OrderLineID
	if _, err := s.Progress(ctx, w.master, f.ID, []orders.LineUnits{{OrderLineID: desk, Units: 21}}); field(err, "lines[0].units") == "" {
		t.Fatalf("progress past the quantity: %v", err)
	}
	if f, err = s.Progress(ctx, w.master, f.ID, []orders.LineUnits{{OrderLineID: desk, Units: 10}}); err != nil || f.Status != orders.FulfillmentInProduction {
		t.Fatalf("progress: %v %s", err, f.Status)
	}
	if f, err = s.MarkReady(ctx, w.master, f.ID); err != nil || f.Status != orders.FulfillmentReady {
		t.Fatalf("ready: %v %s", err, f.Status)
	}
	// Cancelling now needs the producer's agreement.
	if f, err = s.Cancel(ctx, w.requester, f.ID, orders.SideBuyer, "Передумали"); err != nil || f.Status != orders.FulfillmentReady || f.CancelRequestedBy != orders.SideBuyer {
		t.Fatalf("cancel request: %v %+v", err, f)
	}

	// Two shipments, the first partial.
	f, _, err = s.Ship(ctx, w.master, f.ID, orders.ShipmentInput{Waybill: "ТТН-001", Lines: []orders.LineUnits{{OrderLineID: desk, Units: 15}, {OrderLineID: bench, Units: 3}}}, nil)
	if err != nil || f.Status != orders.FulfillmentReady {
		t.Fatalf("partial shipment: %v %s", err, f.Status)
	}
	if _, _, err := s.Ship(ctx, w.master, f.ID, orders.ShipmentInput{Waybill: "ТТН-001"}, nil); field(err, "waybill") == "" {
		t.Fatalf("the same waybill twice: %v", err)
	}
	if f, _, err = s.Ship(ctx, w.master, f.ID, orders.ShipmentInput{Waybill: "ТТН-002"}, nil); err != nil || f.Status != orders.FulfillmentShipped || len(f.Shipments) != 2 {
		t.Fatalf("second shipment: %v %+v", err, f)
	}
	if _, _, err := s.Ship(ctx, w.master, f.ID, orders.ShipmentInput{Waybill: "ТТН-003"}, nil); code(err) != "conflict" {
		t.Fatalf("shipping with nothing left: %v", err)
	}
	if f, err = s.Deliver(ctx, w.requester, f.ID); err != nil || f.Status != orders.FulfillmentDelivered {
		t.Fatalf("delivered: %v %s", err, f.Status)
	}

	// One desk is rejected: it goes back as rework.
	if _, _, err := s.Accept(ctx, w.requester, f.ID, orders.AcceptanceInput{Lines: []orders.AcceptanceLine{{OrderLineID: desk, Accepted: 19, Rejected: 1}}}, nil); field(err, "defect_reason") == "" {
		t.Fatalf("a rejection without a reason: %v", err)
	}
	f, _, err = s.Accept(ctx, w.requester, f.ID, orders.AcceptanceInput{DefectReason: "Скол на столешнице",
		Lines: []orders.AcceptanceLine{{OrderLineID: desk, Accepted: 19, Rejected: 1}, {OrderLineID: bench, Accepted: 3}}}, nil)
	if err != nil || f.Status != orders.FulfillmentRework {
		t.Fatalf("acceptance with a reject: %v %+v", err, f)
	}
	if want := int64(19*2_500_000 + 3*9_000_000); f.SpentTiyn != want || f.CommittedTiyn != 2_500_000 {
		t.Fatalf("spent %d committed %d, want %d and 2500000", f.SpentTiyn, f.CommittedTiyn, want)
	}
	if accs, err := w.store.Acceptances(ctx, f.ID); err != nil || len(accs) != 1 || accs[0].AcceptedBy != w.requester.UserID {
		t.Fatalf("the acceptance names who accepted: %v %+v", err, accs)
	}
	if f, err = s.Progress(ctx, w.master, f.ID, []orders.LineUnits{{OrderLineID: desk, Units: 1}}); err != nil || f.Status != orders.FulfillmentReady {
		t.Fatalf("rework made: %v %s", err, f.Status)
	}
	if f, _, err = s.Ship(ctx, w.master, f.ID, orders.ShipmentInput{Waybill: "ТТН-003"}, nil); err != nil || f.Status != orders.FulfillmentShipped {
		t.Fatalf("rework shipped: %v %s", err, f.Status)
	}
	w.now = w.now.AddDate(0, 0, 12) // delivered on 13 September: 2 days late
	if f, err = s.Deliver(ctx, w.requester, f.ID); err != nil {
		t.Fatal(err)
	}
	f, _, err = s.Accept(ctx, w.requester, f.ID, orders.AcceptanceInput{Lines: []orders.AcceptanceLine{{OrderLineID: desk, Accepted: 1}}}, nil)
	// 2 days late on 20 desks and 3 benches (77,000,000 tiyn) at 0.1 % a day: 154,000 tiyn.
	if err != nil || f.Status != orders.FulfillmentClosed || f.CommittedTiyn != 0 || f.DaysOverdue != 2 || f.PenaltyTiyn != 154_000 {
		t.Fatalf("closed: %v %+v", err, f)
	}
	o, err = s.Order(ctx, w.requester, o.ID)
	if err != nil || o.Status != orders.StatusClosed || o.SpentTiyn != o.TotalTiyn || o.CommittedTiyn != 0 {
		t.Fatalf("order %v %+v", err, o)
	}
	b, _ = w.svc.BudgetLine(ctx, w.requester, w.budget.ID)
	if b.CommittedTiyn != 0 || b.SpentTiyn != o.TotalTiyn {
		t.Fatalf("budget %+v", b)
	}
	var stock int
	if err := w.db.GetContext(ctx, &stock, `SELECT ready_stock FROM listings WHERE id = $1`, w.bench.ID); err != nil || stock != 2 {
		t.Fatalf("bench stock %d, want 2: %v", stock, err)
	}
	var booked int
	if err := w.db.GetContext(ctx, &booked, `SELECT count(*) FROM capacity_bookings`); err != nil || booked != 0 {
		t.Fatalf("%d bookings left after closing: %v", booked, err)
	}

	// The record.
	evs, err := s.Events(ctx, w.requester, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range evs {
		actions = append(actions, string(e.Action))
	}
	want := []string{"create", "request_approval", "approve", "route", "decline", "route", "confirm", "progress", "mark_ready",
		"request_cancel", "ship", "ship", "deliver", "accept", "progress", "ship", "deliver", "accept", "close_order"}
	if len(actions) != len(want) {
		t.Fatalf("events %v\nwant   %v", actions, want)
	}
	for i := range want {
		if actions[i] != want[i] {
			t.Fatalf("events %v\nwant   %v", actions, want)
		}
	}
	if err := orders.VerifyChain(evs); err != nil {
		t.Fatal(err)
	}
	if n, m, err := orders.VerifyChains(ctx, w.store); err != nil || n != 1 || m != len(want) {
		t.Fatalf("verify: %d orders %d events %v", n, m, err)
	}
	// Notifications reached both sides, with their e-mails.
	var kinds []string
	if err := w.db.SelectContext(ctx, &kinds, `SELECT DISTINCT kind FROM notifications ORDER BY kind`); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"accepted", "approval_needed", "cancel_requested", "confirmed", "delivered", "new_fulfillment", "shipped"} {
		found := false
		for _, got := range kinds {
			found = found || got == k
		}
		if !found {
			t.Errorf("no %q notification (have %v)", k, kinds)
		}
	}
	var mails int
	if err := w.db.GetContext(ctx, &mails, `SELECT count(*) FROM email_outbox WHERE recipient = 'manager@enbek.test'`); err != nil || mails == 0 {
		t.Fatalf("no e-mail to the producer manager: %v", err)
	}
	// Read with its order or locked, each fulfillment has the same lines, counters and all.
	closed, err := s.Order(ctx, w.requester, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	sameLines(t, w, closed)
	// The closed fulfillment counts in its site's on-time record, as routing reads it
	// with the sites.
	ids := []int64{w.siteNear.ID, w.siteFar.ID}
	sites, records, err := w.store.SitesWithRecords(ctx, ids)
	if err != nil || len(sites) != 2 || sites[0].ID != min(ids[0], ids[1]) {
		t.Fatalf("SitesWithRecords = %+v, %v; want both sites by id", sites, err)
	}
	onTime, err := w.store.OnTimeRecords(ctx, ids)
	if err != nil || len(onTime) == 0 {
		t.Fatalf("OnTimeRecords = %v, %v; want the closed fulfillment's site", onTime, err)
	}
	for _, id := range ids {
		if records[id] != onTime[id] {
			t.Errorf("site %d: record %+v with the sites; want %+v", id, records[id], onTime[id])
		}
	}
}
