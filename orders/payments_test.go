package orders_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/orders"
)

// confirmedDesks orders n desks (25 000 ₸ each) and has the producer confirm the part.
func (w *world) confirmedDesks(n int) (orders.Order, orders.Fulfillment) {
	w.t.Helper()
	o := w.order(orders.LineInput{ListingID: w.desk.ID, Quantity: n})
	f, err := w.svc.Confirm(context.Background(), w.manager, o.Fulfillments[0].ID, orders.Date{})
	if err != nil {
		w.t.Fatal(err)
	}
	return o, f
}

// closeLate has the part made, shipped, delivered and accepted in full days after its
// promised date.
func (w *world) closeLate(f orders.Fulfillment, days int) orders.Fulfillment {
	w.t.Helper()
	ctx := context.Background()
	if _, err := w.svc.MarkReady(ctx, w.master, f.ID); err != nil {
		w.t.Fatal(err)
	}
	if _, _, err := w.svc.Ship(ctx, w.master, f.ID, orders.ShipmentInput{Waybill: fmt.Sprintf("TTN-%d", f.ID)}, nil); err != nil {
		w.t.Fatal(err)
	}
	w.now = f.PromisedDate.Time().Add(time.Duration(days)*24*time.Hour + 6*time.Hour)
	if _, err := w.svc.Deliver(ctx, w.requester, f.ID); err != nil {
		w.t.Fatal(err)
	}
	var lines []orders.AcceptanceLine
	for _, l := range f.Lines {
		lines = append(lines, orders.AcceptanceLine{OrderLineID: l.OrderLineID, Accepted: l.Quantity})
	}
	f, _, err := w.svc.Accept(ctx, w.requester, f.ID, orders.AcceptanceInput{Lines: lines}, nil)
	if err != nil {
		w.t.Fatal(err)
	}
	if f.Status != orders.FulfillmentClosed || f.DaysOverdue != days {
		w.t.Fatalf("closed %s, %d days overdue", f.Status, f.DaysOverdue)
	}
	return f
}

// The buyer records invoices and payments for a fulfillment order: refused before the
// producer confirms it, checked field by field, never beyond what is due, each on the
// order's record and told to the producer, who reads them as the inspector does; nobody
// else sees or records anything.
func TestInvoicesAndPayments(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	s := w.svc
	o := w.order(orders.LineInput{ListingID: w.desk.ID, Quantity: 2})
	fid := o.Fulfillments[0].ID
	good := orders.InvoiceInput{Number: "СФ-2026/15", IssuedOn: orders.DateOf(2026, 9, 1), AmountTiyn: 3_000_000, VATTiyn: 321_429, Note: "аванс"}

	if _, _, err := s.RecordInvoice(ctx, w.requester, fid, good, nil); code(err) != "conflict" || field(err, "state") != "routed" {
		t.Fatalf("an invoice before the producer's confirmation: %v", err)
	}
	if _, err := s.Confirm(ctx, w.manager, fid, orders.Date{}); err != nil {
		t.Fatal(err)
	}
	bad := []struct {
		name  string
		edit  func(*orders.InvoiceInput)
		field string
	}{
		{"no number", func(in *orders.InvoiceInput) { in.Number = "  " }, "number"},
		{"a long number", func(in *orders.InvoiceInput) { in.Number = strings.Repeat("7", orders.MaxInvoiceNumberLength+1) }, "number"},
		{"a number on two lines", func(in *orders.InvoiceInput) { in.Number = "15\n16" }, "number"},
		{"no date", func(in *orders.InvoiceInput) { in.IssuedOn = orders.Date{} }, "issued_on"},
		{"tomorrow", func(in *orders.InvoiceInput) { in.IssuedOn = orders.DateOf(2026, 9, 2) }, "issued_on"},
		{"before the order", func(in *orders.InvoiceInput) { in.IssuedOn = orders.DateOf(2026, 8, 31) }, "issued_on"},
		{"nothing", func(in *orders.InvoiceInput) { in.AmountTiyn = 0 }, "amount_tiyn"},
		{"negative", func(in *orders.InvoiceInput) { in.AmountTiyn = -5 }, "amount_tiyn"},
		{"more than due", func(in *orders.InvoiceInput) { in.AmountTiyn = 5_000_001 }, "amount_tiyn"},
		{"VAT above the amount", func(in *orders.InvoiceInput) { in.VATTiyn = in.AmountTiyn + 1 }, "vat_tiyn"},
		{"negative VAT", func(in *orders.InvoiceInput) { in.VATTiyn = -1 }, "vat_tiyn"},
		{"a long note", func(in *orders.InvoiceInput) { in.Note = strings.Repeat("я", orders.MaxInvoiceNoteLength+1) }, "note"},
	}
	for _, b := range bad {
		in := good
		b.edit(&in)
		if _, _, err := s.RecordInvoice(ctx, w.requester, fid, in, nil); code(err) != "invalid" || field(err, b.field) == "" {
			t.Errorf("%s: %v, want 422 naming %s", b.name, err, b.field)
		}
	}
	// Who may record: the buyer's requesters, approvers and accountant; the producer and
	// the inspector see the part and are forbidden; another school finds nothing.
	for _, c := range []struct {
		name  string
		actor accounts.Actor
		want  accounts.Code
	}{
		{"producer manager", w.manager, "forbidden"},
		{"inspector", w.inspector, "forbidden"},
		{"another school", w.outsider, "not_found"},
		{"inspector of another region", w.otherInspector, "not_found"},
		{"the public", accounts.Actor{}, "unauthenticated"},
	} {
		if _, _, err := s.RecordInvoice(ctx, c.actor, fid, good, nil); code(err) != c.want {
			t.Errorf("%s recorded an invoice: %v, want %s", c.name, err, c.want)
		}
	}
	inv, _, err := s.RecordInvoice(ctx, w.requester, fid, good, nil)
	if err != nil {
		t.Fatal(err)
	}
	if inv.ID == 0 || inv.Number != "СФ-2026/15" || inv.IssuedOn != good.IssuedOn || inv.AmountTiyn != 3_000_000 || inv.VATTiyn != 321_429 ||
		inv.RecordedBy != w.requester.UserID || inv.OrderID != o.ID {
		t.Fatalf("invoice %+v", inv)
	}
	if _, _, err := s.RecordInvoice(ctx, w.approver, fid, good, nil); code(err) != "conflict" || field(err, "number") == "" {
		t.Fatalf("the same number twice: %v", err)
	}
	second := good
	second.Number, second.AmountTiyn, second.VATTiyn = "СФ-2026/16", 2_000_001, 0
	if _, _, err := s.RecordInvoice(ctx, w.approver, fid, second, nil); field(err, "amount_tiyn") == "" {
		t.Fatalf("invoices beyond the amount due: %v", err)
	}
	second.AmountTiyn = 2_000_000
	inv2, _, err := s.RecordInvoice(ctx, w.approver, fid, second, nil)
	if err != nil {
		t.Fatal(err)
	}

	// Payments.
	w.now = w.now.Add(48 * time.Hour)
	pay := orders.PaymentInput{PaidOn: orders.DateOf(2026, 9, 2), AmountTiyn: 1_000_000, TreasuryRef: "ПП-000123"}
	badPay := []struct {
		name  string
		edit  func(*orders.PaymentInput)
		field string
	}{
		{"no reference", func(in *orders.PaymentInput) { in.TreasuryRef = "" }, "treasury_ref"},
		{"a long reference", func(in *orders.PaymentInput) { in.TreasuryRef = strings.Repeat("1", orders.MaxTreasuryRefLength+1) }, "treasury_ref"},
		{"a control character", func(in *orders.PaymentInput) { in.TreasuryRef = "12\x0034" }, "treasury_ref"},
		{"no date", func(in *orders.PaymentInput) { in.PaidOn = orders.Date{} }, "paid_on"},
		{"in the future", func(in *orders.PaymentInput) { in.PaidOn = orders.DateOf(2026, 9, 4) }, "paid_on"},
		{"before the invoice", func(in *orders.PaymentInput) { in.PaidOn = orders.DateOf(2026, 8, 31) }, "paid_on"},
		{"nothing", func(in *orders.PaymentInput) { in.AmountTiyn = 0 }, "amount_tiyn"},
		{"more than the invoice", func(in *orders.PaymentInput) { in.AmountTiyn = 3_000_001 }, "amount_tiyn"},
	}
	for _, b := range badPay {
		in := pay
		b.edit(&in)
		if _, _, err := s.RecordPayment(ctx, w.requester, inv.ID, in, nil); code(err) != "invalid" || field(err, b.field) == "" {
			t.Errorf("payment %s: %v, want 422 naming %s", b.name, err, b.field)
		}
	}
	if _, _, err := s.RecordPayment(ctx, w.manager, inv.ID, pay, nil); code(err) != "forbidden" {
		t.Errorf("the producer recorded a payment: %v", err)
	}
	if _, _, err := s.RecordPayment(ctx, w.outsider, inv.ID, pay, nil); code(err) != "not_found" {
		t.Errorf("another school recorded a payment: %v", err)
	}
	if _, _, err := s.RecordPayment(ctx, w.requester, 1<<40, pay, nil); code(err) != "not_found" {
		t.Errorf("a payment on no invoice: %v", err)
	}
	p1, _, err := s.RecordPayment(ctx, w.requester, inv.ID, pay, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p1.ID == 0 || p1.InvoiceID != inv.ID || p1.PaidOn != pay.PaidOn || p1.AmountTiyn != 1_000_000 || p1.TreasuryRef != "ПП-000123" {
		t.Fatalf("payment %+v", p1)
	}
	if _, _, err := s.RecordPayment(ctx, w.requester, inv.ID, pay, nil); code(err) != "conflict" || field(err, "treasury_ref") == "" {
		t.Fatalf("the same treasury reference twice: %v", err)
	}
	pay.TreasuryRef, pay.AmountTiyn = "ПП-000124", 2_000_001
	if _, _, err := s.RecordPayment(ctx, w.requester, inv.ID, pay, nil); field(err, "amount_tiyn") == "" {
		t.Fatalf("overpaying the invoice: %v", err)
	}
	pay.AmountTiyn = 2_000_000
	if _, _, err := s.RecordPayment(ctx, w.requester, inv.ID, pay, nil); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.RecordPayment(ctx, w.requester, inv2.ID, orders.PaymentInput{PaidOn: orders.DateOf(2026, 9, 3), AmountTiyn: 500_000, TreasuryRef: "ПП-000200"}, nil); err != nil {
		t.Fatal(err)
	}

	// The figures, for each side.
	for _, c := range []struct {
		name  string
		actor accounts.Actor
	}{{"requester", w.requester}, {"producer manager", w.manager}, {"inspector", w.inspector}} {
		ss, err := s.Settlements(ctx, c.actor, o.ID)
		if err != nil || len(ss) != 1 {
			t.Fatalf("%s: settlements %+v %v", c.name, ss, err)
		}
		st := ss[0]
		if st.DueTiyn() != 5_000_000 || st.InvoicedTiyn() != 5_000_000 || st.PaidTiyn() != 3_500_000 || st.OutstandingTiyn() != 1_500_000 ||
			st.UninvoicedTiyn() != 0 || len(st.Invoices) != 2 || len(st.Invoices[0].Payments) != 2 || st.Invoices[0].OutstandingTiyn() != 0 ||
			st.Invoices[1].PaidTiyn != 500_000 {
			t.Fatalf("%s: due %d invoiced %d paid %d outstanding %d: %+v", c.name, st.DueTiyn(), st.InvoicedTiyn(), st.PaidTiyn(), st.OutstandingTiyn(), st)
		}
		one, err := s.Settlement(ctx, c.actor, fid)
		if err != nil || one.PaidTiyn() != 3_500_000 {
			t.Fatalf("%s: settlement of the part %+v %v", c.name, one, err)
		}
	}
	for _, c := range []struct {
		name  string
		actor accounts.Actor
		want  accounts.Code
	}{{"another school", w.outsider, "not_found"}, {"inspector of another region", w.otherInspector, "not_found"}, {"the public", accounts.Actor{}, "unauthenticated"}} {
		if _, err := s.Settlements(ctx, c.actor, o.ID); code(err) != c.want {
			t.Errorf("%s read the settlements: %v, want %s", c.name, err, c.want)
		}
		if _, err := s.Settlement(ctx, c.actor, fid); code(err) != c.want {
			t.Errorf("%s read the part's settlement: %v, want %s", c.name, err, c.want)
		}
		if _, err := s.Invoice(ctx, c.actor, inv.ID); code(err) != c.want {
			t.Errorf("%s read the invoice: %v, want %s", c.name, err, c.want)
		}
		if _, err := s.Payment(ctx, c.actor, p1.ID); code(err) != c.want {
			t.Errorf("%s read the payment: %v, want %s", c.name, err, c.want)
		}
	}

	// The record: two invoices and three payments, the state unchanged; the chain holds.
	evs, err := s.Events(ctx, w.requester, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	var invoices, payments int
	for _, e := range evs {
		switch e.Action {
		case orders.ActionInvoice, orders.ActionPay:
			if e.From != "confirmed" || e.To != "confirmed" || e.FulfillmentID != fid || e.ActorOrgID != w.buyer.ID || e.Reason == "" {
				t.Errorf("event %+v", e)
			}
			if e.Action == orders.ActionInvoice {
				invoices++
			} else {
				payments++
			}
		}
	}
	if invoices != 2 || payments != 3 {
		t.Fatalf("%d invoice and %d payment events", invoices, payments)
	}
	if !strings.Contains(evs[len(evs)-1].Reason, "ПП-000200") || !strings.Contains(evs[len(evs)-1].Data, `"amount_tiyn":500000`) {
		t.Errorf("the last event does not carry the payment's facts: %+v", evs[len(evs)-1])
	}
	if _, _, err := orders.VerifyChains(ctx, w.store); err != nil {
		t.Fatal(err)
	}
	// The producer heard of each (one notice per person, with an e-mail).
	ns, err := s.Notifications(ctx, w.manager, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[orders.NotificationKind]int{}
	for _, n := range ns {
		kinds[n.Kind]++
	}
	if kinds[orders.NotifyInvoiceRecorded] != 2 || kinds[orders.NotifyPaymentRecorded] != 3 {
		t.Fatalf("producer's notifications %v", kinds)
	}
	if ns[0].Kind != orders.NotifyPaymentRecorded || !strings.Contains(ns[0].Note, "ПП-000200") || ns[0].Text("kk") == ns[0].Text("en") {
		t.Errorf("newest notification %+v", ns[0])
	}
	var mails int
	if err := w.db.GetContext(ctx, &mails, `SELECT count(*) FROM email_outbox WHERE recipient = 'manager@enbek.test' AND subject LIKE '%оплату%'`); err != nil || mails != 3 {
		t.Fatalf("%d payment e-mails to the manager: %v", mails, err)
	}

	// A cancelled part is not invoiced.
	o2 := w.order(orders.LineInput{ListingID: w.desk.ID, Quantity: 1})
	if _, err := s.Cancel(ctx, w.requester, o2.Fulfillments[0].ID, orders.SideBuyer, "не нужно"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.RecordInvoice(ctx, w.requester, o2.Fulfillments[0].ID, good, nil); code(err) != "conflict" || field(err, "state") != "cancelled" {
		t.Fatalf("an invoice for a cancelled part: %v", err)
	}
}

// What a late part is due is its amount less the penalty its closing acceptance computed:
// invoices stop there; one paid in full in advance shows the penalty as owed back.
func TestInvoicesNetOfLatePenalty(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	_, f := w.confirmedDesks(2)
	_, prepaid := w.confirmedDesks(2)
	inv, _, err := w.svc.RecordInvoice(ctx, w.requester, prepaid.ID, orders.InvoiceInput{Number: "1", IssuedOn: orders.DateOf(2026, 9, 1), AmountTiyn: 5_000_000}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.svc.RecordPayment(ctx, w.requester, inv.ID, orders.PaymentInput{PaidOn: orders.DateOf(2026, 9, 1), AmountTiyn: 5_000_000, TreasuryRef: "77"}, nil); err != nil {
		t.Fatal(err)
	}
	// Ten days late at 0.1 % a day: 1 % of 50 000 ₸.
	f = w.closeLate(f, 10)
	prepaid = w.closeLate(prepaid, 10)
	if f.PenaltyTiyn != 50_000 {
		t.Fatalf("penalty %d", f.PenaltyTiyn)
	}
	in := orders.InvoiceInput{Number: "2", IssuedOn: orders.Today(w.now), AmountTiyn: 4_950_001}
	if _, _, err := w.svc.RecordInvoice(ctx, w.requester, f.ID, in, nil); field(err, "amount_tiyn") == "" {
		t.Fatalf("an invoice for the penalty too: %v", err)
	}
	in.AmountTiyn = 4_950_000
	if _, _, err := w.svc.RecordInvoice(ctx, w.requester, f.ID, in, nil); err != nil {
		t.Fatal(err)
	}
	st, err := w.svc.Settlement(ctx, w.requester, f.ID)
	if err != nil || st.DueTiyn() != 4_950_000 || st.UninvoicedTiyn() != 0 || st.OutstandingTiyn() != 4_950_000 {
		t.Fatalf("settlement %+v %v", st, err)
	}
	st, err = w.svc.Settlement(ctx, w.requester, prepaid.ID)
	if err != nil || st.DueTiyn() != 4_950_000 || st.PaidTiyn() != 5_000_000 || st.OutstandingTiyn() != -50_000 || st.UninvoicedTiyn() != 0 {
		t.Fatalf("prepaid settlement %+v %v", st, err)
	}
	if _, _, err := w.svc.RecordInvoice(ctx, w.requester, prepaid.ID, orders.InvoiceInput{Number: "3", IssuedOn: orders.Today(w.now), AmountTiyn: 1}, nil); field(err, "amount_tiyn") == "" {
		t.Fatalf("an invoice beyond what is due: %v", err)
	}
}

// Parallel payers never overpay an invoice: of 16 payments of 10 000 ₸ on an invoice of
// 50 000 ₸, exactly 5 are recorded, the others refused naming the amount; the invoice's
// paid sum is the sum of its payments, and the record holds.
func TestPaymentsUnderConcurrency(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	o, f := w.confirmedDesks(2)
	inv, _, err := w.svc.RecordInvoice(ctx, w.requester, f.ID, orders.InvoiceInput{Number: "1", IssuedOn: orders.DateOf(2026, 9, 1), AmountTiyn: 5_000_000}, nil)
	if err != nil {
		t.Fatal(err)
	}
	const payers = 16
	var wg sync.WaitGroup
	errs := make([]error, payers)
	for i := 0; i < payers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			payer := w.requester
			if i%2 == 1 {
				payer = w.approver
			}
			_, _, errs[i] = w.svc.RecordPayment(ctx, payer, inv.ID, orders.PaymentInput{PaidOn: orders.DateOf(2026, 9, 1), AmountTiyn: 1_000_000,
				TreasuryRef: fmt.Sprintf("ПП-%03d", i)}, nil)
		}(i)
	}
	wg.Wait()
	ok := 0
	for i, err := range errs {
		switch {
		case err == nil:
			ok++
		case field(err, "amount_tiyn") == "":
			t.Fatalf("payer %d refused for another reason: %v", i, err)
		}
	}
	if ok != 5 {
		t.Fatalf("%d payments recorded on an invoice for 5", ok)
	}
	var paid, sum int64
	var n int
	if err := w.db.GetContext(ctx, &paid, `SELECT paid_tiyn FROM invoices WHERE id = $1`, inv.ID); err != nil {
		t.Fatal(err)
	}
	if err := w.db.QueryRowxContext(ctx, `SELECT COALESCE(sum(amount_tiyn), 0), count(*) FROM payments WHERE invoice_id = $1`, inv.ID).Scan(&sum, &n); err != nil {
		t.Fatal(err)
	}
	if paid != 5_000_000 || sum != paid || n != 5 {
		t.Fatalf("paid %d, payments %d in %d, want 5 000 000 in 5", paid, sum, n)
	}
	evs, err := w.svc.Events(ctx, w.requester, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	pays := 0
	for _, e := range evs {
		if e.Action == orders.ActionPay {
			pays++
		}
	}
	if pays != 5 {
		t.Fatalf("%d payment events", pays)
	}
	if _, _, err := orders.VerifyChains(ctx, w.store); err != nil {
		t.Fatal(err)
	}
	// The database's guard stands behind the service's check.
	if _, err := w.db.ExecContext(ctx, `UPDATE invoices SET paid_tiyn = paid_tiyn + 1 WHERE id = $1`, inv.ID); err == nil {
		t.Fatal("the database let an invoice be overpaid")
	}
}

// The same key with the same payment records it once (also when both arrive at once); the
// same key with another request is refused.
func TestPaymentIdempotency(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	_, f := w.confirmedDesks(1)
	in := orders.InvoiceInput{Number: "1", IssuedOn: orders.DateOf(2026, 9, 1), AmountTiyn: 2_500_000}
	inv, r, err := w.svc.RecordInvoice(ctx, w.requester, f.ID, in, key("user:1", "inv-1", "a"))
	if err != nil || r != nil {
		t.Fatalf("invoice %v %+v", err, r)
	}
	if _, r, err := w.svc.RecordInvoice(ctx, w.requester, f.ID, in, key("user:1", "inv-1", "a")); err != nil || r == nil || r.ResourceKind != "invoice" || r.ResourceID != inv.ID {
		t.Fatalf("repeated invoice %+v %v", r, err)
	}
	pay := orders.PaymentInput{PaidOn: orders.DateOf(2026, 9, 1), AmountTiyn: 100_000, TreasuryRef: "1"}
	const workers = 6
	var wg sync.WaitGroup
	replays := make([]*orders.IdempotentResult, workers)
	errs := make([]error, workers)
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, replays[i], errs[i] = w.svc.RecordPayment(ctx, w.requester, inv.ID, pay, key("user:1", "pay-1", "b"))
		}(i)
	}
	wg.Wait()
	created := 0
	for i := range errs {
		if errs[i] != nil {
			t.Fatalf("request %d: %v", i, errs[i])
		}
		if replays[i] == nil {
			created++
		} else if replays[i].ResourceKind != "payment" {
			t.Fatalf("replay %+v", replays[i])
		}
	}
	if created != 1 {
		t.Fatalf("%d payments for one key", created)
	}
	if _, _, err := w.svc.RecordPayment(ctx, w.requester, inv.ID, pay, key("user:1", "pay-1", "c")); field(err, "Idempotency-Key") == "" {
		t.Fatalf("the key with another body: %v", err)
	}
	st, err := w.svc.Settlement(ctx, w.requester, f.ID)
	if err != nil || st.PaidTiyn() != 100_000 {
		t.Fatalf("paid %d: %v", st.PaidTiyn(), err)
	}
}
