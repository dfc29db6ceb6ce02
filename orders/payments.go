package orders

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/sheber-kz/sheber/accounts"
)

// Invoices and payments. The producer enterprise invoices the buyer for its fulfillment
// order; the buyer records each invoice (the producer's number and date, the amount and the
// VAT it contains) and each payment made on it through the treasury (the date, the amount
// and the treasury's payment order number). The rules:
//
//   - A fulfillment order is invoiced once its producer confirmed it, until it is
//     cancelled or returned: never while it is only routed, never when no site took it.
//   - Its invoices never add up to more than it is due: its amount less the late-delivery
//     penalty its closing acceptance computed; a cancelled (or returned) one is due only
//     what the buyer accepted of it before (its spent amount).
//   - Payments on an invoice never add up to more than the invoice, and the payments on a
//     fulfillment order never to more than it is due (a penalty computed after an invoice
//     was paid in advance shows as a negative outstanding amount: the producer owes it back).
//   - Dates are days in Asia/Almaty, never in the future, never before the order was
//     placed with the producers (submitted: no producer saw it before, and it was made
//     before that); a payment is never dated before its invoice.
//   - Each recording is locked against the others by the order's row (as every transition
//     of the order is), so parallel payers cannot overpay; the database keeps each
//     invoice's paid sum within its amount whatever writes.
//   - Each recording is an event of the order's hash chain (the fulfillment's state is
//     unchanged: from and to are equal) and a notification to the producer enterprise.

// Limits of invoices and payments. The README lists them too.
const (
	// MaxInvoiceNumberLength bounds the producer's invoice number, in characters.
	MaxInvoiceNumberLength = 40
	// MaxTreasuryRefLength bounds the treasury reference of a payment (the number of the
	// treasury's payment order), in characters.
	MaxTreasuryRefLength = 50
	// MaxInvoiceNoteLength bounds an invoice's note, in characters.
	MaxInvoiceNoteLength = 500
	// MaxInvoicesPerFulfillment is the most invoices one fulfillment order may have.
	MaxInvoicesPerFulfillment = 50
	// MaxPaymentsPerInvoice is the most payments one invoice may have.
	MaxPaymentsPerInvoice = 50
)

// Actions of the record on invoices and payments: the fulfillment's state stays as it was.
const (
	ActionInvoice Action = "invoice"
	ActionPay     Action = "pay"
)

// Notification kinds of invoices and payments, to the producer enterprise.
const (
	NotifyInvoiceRecorded NotificationKind = "invoice_recorded"
	NotifyPaymentRecorded NotificationKind = "payment_recorded"
)

// Invoice is a producer's invoice for a fulfillment order, as the buyer recorded it.
type Invoice struct {
	ID            int64
	FulfillmentID int64
	OrderID       int64
	Number        string // the producer's number, unique within the fulfillment order
	IssuedOn      Date
	AmountTiyn    int64
	VATTiyn       int64 // the VAT the amount contains (0 if the producer pays none)
	Note          string
	// PaidTiyn is the sum of its payments.
	PaidTiyn int64
	// RecordedBy is the user who recorded it, RecordedByToken the machine client (one of
	// them is 0).
	RecordedBy      int64
	RecordedByToken int64
	RecordedAt      time.Time
	Payments        []Payment // oldest first
}

// OutstandingTiyn is what is still to be paid on the invoice.
func (i Invoice) OutstandingTiyn() int64 { return i.AmountTiyn - i.PaidTiyn }

// Payment is a payment made on an invoice through the treasury.
type Payment struct {
	ID        int64
	InvoiceID int64
	PaidOn    Date
	// AmountTiyn is the amount paid.
	AmountTiyn int64
	// TreasuryRef is the number of the treasury's payment order.
	TreasuryRef     string
	RecordedBy      int64
	RecordedByToken int64
	RecordedAt      time.Time
}

// Settlement is where a fulfillment order stands with its money: what it is due, its
// invoices with their payments, and the totals.
type Settlement struct {
	Fulfillment Fulfillment
	Invoices    []Invoice // by issue date
}

// DueTiyn is what the fulfillment order is due: its amount less its late-delivery penalty,
// or, cancelled or returned, what the buyer accepted of it.
func (s Settlement) DueTiyn() int64 { return amountDue(s.Fulfillment) }

// InvoicedTiyn is the sum of its invoices.
func (s Settlement) InvoicedTiyn() int64 {
	var n int64
	for _, i := range s.Invoices {
		n += i.AmountTiyn
	}
	return n
}

// PaidTiyn is the sum of the payments on its invoices.
func (s Settlement) PaidTiyn() int64 {
	var n int64
	for _, i := range s.Invoices {
		n += i.PaidTiyn
	}
	return n
}

// OutstandingTiyn is what is due and not paid yet; negative when more was paid than is
// due (a penalty computed after the payment).
func (s Settlement) OutstandingTiyn() int64 { return s.DueTiyn() - s.PaidTiyn() }

// UninvoicedTiyn is what is due and not invoiced yet (never negative).
func (s Settlement) UninvoicedTiyn() int64 { return max(0, s.DueTiyn()-s.InvoicedTiyn()) }

// Invoiceable reports whether the fulfillment order's state allows a new invoice.
func (s Settlement) Invoiceable() bool { return slices.Contains(invoiceable, s.Fulfillment.Status) }

// invoiceable are the states of a fulfillment order in which it may be invoiced: from its
// producer's confirmation to its close.
var invoiceable = append(slices.Clone(working), FulfillmentClosed)

// amountDue is what f is due (see Settlement.DueTiyn).
func amountDue(f Fulfillment) int64 {
	if f.Status == FulfillmentCancelled || f.Status == FulfillmentReturned {
		return f.SpentTiyn
	}
	return max(0, f.AmountTiyn-f.PenaltyTiyn)
}

// SettlementStore persists invoices and payments; it is part of Store.
// Methods return CodeNotFound for a missing row.
type SettlementStore interface {
	// Invoices returns the invoices of the fulfillment orders with ids, each with its
	// payments, by fulfillment, issue date and id.
	Invoices(ctx context.Context, fulfillmentIDs []int64) ([]Invoice, error)
	// Invoice returns one invoice with its payments.
	Invoice(ctx context.Context, id int64) (Invoice, error)
	// CreateInvoice inserts inv and sets its ID; CodeConflict if its fulfillment order has
	// an invoice with its number already.
	CreateInvoice(ctx context.Context, inv *Invoice) error
	// CreatePayment inserts p, adds its amount to its invoice's paid sum and sets its ID;
	// CodeConflict if the invoice has a payment with its treasury reference already,
	// CodeInvalid if the invoice would be overpaid (the database's guard).
	CreatePayment(ctx context.Context, p *Payment) error
	// Payment returns one payment.
	Payment(ctx context.Context, id int64) (Payment, error)
}

// InvoiceInput is an invoice the buyer records.
type InvoiceInput struct {
	Number     string
	IssuedOn   Date
	AmountTiyn int64
	VATTiyn    int64
	Note       string
}

// PaymentInput is a payment the buyer records on an invoice.
type PaymentInput struct {
	PaidOn      Date
	AmountTiyn  int64
	TreasuryRef string
}

// paymentsResource is a fulfillment order's invoices and payments as the policy sees
// them: the buyer organization's.
func paymentsResource(f Fulfillment) accounts.Resource {
	return accounts.Resource{Kind: accounts.ResourcePayments, OrgID: f.BuyerOrgID, Region: f.BuyerRegion}
}

// canSeePayments allows the buyer's side, the producer's side and oversight of either
// region to see f's invoices and payments.
func canSeePayments(a accounts.Actor, f Fulfillment) error {
	err := accounts.Authorize(a, accounts.ActionView, paymentsResource(f))
	if err == nil {
		return nil
	}
	if accounts.Authorize(a, accounts.ActionView, f.Resource()) == nil {
		return nil
	}
	return err
}

// Settlements returns the settlement of each fulfillment order of an order that the actor
// may see: all of them for the buyer's side, the enterprise's own for a producer.
func (s *Service) Settlements(ctx context.Context, a accounts.Actor, orderID int64) ([]Settlement, error) {
	if a.Anonymous() {
		return nil, &accounts.Error{Code: accounts.CodeUnauthenticated, Message: "sign in first"}
	}
	o, err := s.Store.Order(ctx, orderID, false)
	if err != nil {
		return nil, err
	}
	var visible []Fulfillment
	refusal := error(&accounts.Error{Code: accounts.CodeNotFound, Message: "not found"})
	for _, f := range o.Fulfillments {
		if err := canSeePayments(a, f); err != nil {
			refusal = err
			continue
		}
		visible = append(visible, f)
	}
	if len(visible) == 0 {
		// An order without fulfillment orders yet is its buyer's to see, empty.
		if err := accounts.Authorize(a, accounts.ActionView, accounts.Resource{Kind: accounts.ResourcePayments, OrgID: o.BuyerOrgID, Region: o.BuyerRegion}); err != nil {
			if len(o.Fulfillments) > 0 {
				return nil, refusal
			}
			return nil, err
		}
		return []Settlement{}, nil
	}
	return s.settlements(ctx, s.Store, visible)
}

// Settlement returns one fulfillment order's settlement.
func (s *Service) Settlement(ctx context.Context, a accounts.Actor, fulfillmentID int64) (Settlement, error) {
	if a.Anonymous() {
		return Settlement{}, &accounts.Error{Code: accounts.CodeUnauthenticated, Message: "sign in first"}
	}
	f, err := s.Store.Fulfillment(ctx, fulfillmentID, false)
	if err != nil {
		return Settlement{}, err
	}
	if err := canSeePayments(a, f); err != nil {
		return Settlement{}, err
	}
	ss, err := s.settlements(ctx, s.Store, []Fulfillment{f})
	if err != nil {
		return Settlement{}, err
	}
	return ss[0], nil
}

// settlements reads the invoices of fs and pairs them up.
func (s *Service) settlements(ctx context.Context, st Store, fs []Fulfillment) ([]Settlement, error) {
	ids := make([]int64, len(fs))
	for i, f := range fs {
		ids[i] = f.ID
	}
	invs, err := st.Invoices(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Settlement, len(fs))
	for i, f := range fs {
		out[i].Fulfillment = f
		for _, inv := range invs {
			if inv.FulfillmentID == f.ID {
				out[i].Invoices = append(out[i].Invoices, inv)
			}
		}
	}
	return out, nil
}

// Invoice returns one invoice with its payments, to those who may see its fulfillment
// order's payments.
func (s *Service) Invoice(ctx context.Context, a accounts.Actor, id int64) (Invoice, error) {
	if a.Anonymous() {
		return Invoice{}, &accounts.Error{Code: accounts.CodeUnauthenticated, Message: "sign in first"}
	}
	inv, err := s.Store.Invoice(ctx, id)
	if err != nil {
		return Invoice{}, err
	}
	f, err := s.Store.Fulfillment(ctx, inv.FulfillmentID, false)
	if err != nil {
		return Invoice{}, err
	}
	if err := canSeePayments(a, f); err != nil {
		return Invoice{}, err
	}
	return inv, nil
}

// Payment returns one payment, to those who may see its invoice.
func (s *Service) Payment(ctx context.Context, a accounts.Actor, id int64) (Payment, error) {
	p, err := s.Store.Payment(ctx, id)
	if err != nil {
		return Payment{}, err
	}
	if _, err := s.Invoice(ctx, a, p.InvoiceID); err != nil {
		return Payment{}, err
	}
	return p, nil
}

// RecordInvoice records a producer's invoice for fulfillment order id. With key, a repeat
// of the same request returns what the first recorded instead (the replay).
func (s *Service) RecordInvoice(ctx context.Context, a accounts.Actor, id int64, in InvoiceInput, key *IdempotencyKey) (Invoice, *IdempotentResult, error) {
	in.Number, in.Note = strings.TrimSpace(in.Number), strings.TrimSpace(in.Note)
	var inv Invoice
	replay, err := s.settle(ctx, a, key, func(Store) (int64, error) { return id, nil }, func(tx Store, o *Order, f *Fulfillment) error {
		if !slices.Contains(invoiceable, f.Status) {
			return illegalSettlement(f.Status, "be invoiced")
		}
		existing, err := tx.Invoices(ctx, []int64{f.ID})
		if err != nil {
			return err
		}
		st := Settlement{Fulfillment: *f, Invoices: existing}
		v := accounts.Validation{}
		checkText(v, "number", in.Number, MaxInvoiceNumberLength)
		s.checkDate(v, "issued_on", in.IssuedOn, placedOn(o))
		switch {
		case in.AmountTiyn <= 0:
			v.Add("amount_tiyn", "must be more than 0")
		case in.AmountTiyn > st.UninvoicedTiyn():
			v.Add("amount_tiyn", fmt.Sprintf("only %d tiyn of the %d due is not invoiced yet", st.UninvoicedTiyn(), st.DueTiyn()))
		}
		if in.VATTiyn < 0 || in.VATTiyn > max(in.AmountTiyn, 0) {
			v.Add("vat_tiyn", "must be between 0 and the amount")
		}
		if tooLong(in.Note, MaxInvoiceNoteLength) {
			v.Add("note", fmt.Sprintf("is longer than %d characters", MaxInvoiceNoteLength))
		}
		if len(existing) >= MaxInvoicesPerFulfillment {
			v.Add("number", fmt.Sprintf("a fulfillment order has at most %d invoices", MaxInvoicesPerFulfillment))
		}
		if slices.ContainsFunc(existing, func(i Invoice) bool { return i.Number == in.Number }) {
			return &accounts.Error{Code: accounts.CodeConflict, Message: "this fulfillment order has an invoice with this number already",
				Fields: map[string]string{"number": "already recorded"}}
		}
		if err := v.Err(); err != nil {
			return err
		}
		inv = Invoice{FulfillmentID: f.ID, OrderID: f.OrderID, Number: in.Number, IssuedOn: in.IssuedOn, AmountTiyn: in.AmountTiyn,
			VATTiyn: in.VATTiyn, Note: in.Note, RecordedBy: a.UserID, RecordedByToken: a.TokenID, RecordedAt: s.now()}
		if err := tx.CreateInvoice(ctx, &inv); err != nil {
			if accounts.ErrorCode(err) == accounts.CodeConflict {
				return &accounts.Error{Code: accounts.CodeConflict, Message: "this fulfillment order has an invoice with this number already",
					Fields: map[string]string{"number": "already recorded"}}
			}
			return err
		}
		reason := fmt.Sprintf("invoice %s of %s: %s, VAT %s", inv.Number, inv.IssuedOn, tengeWords(inv.AmountTiyn), tengeWords(inv.VATTiyn))
		if err := s.event(ctx, tx, a, f, o.BuyerOrgID, ActionInvoice, f.Status, reason, map[string]any{"invoice_id": inv.ID,
			"number": inv.Number, "issued_on": inv.IssuedOn.String(), "amount_tiyn": inv.AmountTiyn, "vat_tiyn": inv.VATTiyn}); err != nil {
			return err
		}
		if key != nil {
			if err := tx.SetIdempotentResource(ctx, *key, "invoice", inv.ID); err != nil {
				return err
			}
		}
		return s.notifyOrg(ctx, tx, f.EnterpriseID, producerRoles, NotifyInvoiceRecorded, o, f, inv.Number+" · "+tengeWords(inv.AmountTiyn))
	})
	if err != nil || replay != nil {
		return Invoice{}, replay, err
	}
	inv, err = s.Store.Invoice(ctx, inv.ID)
	return inv, nil, err
}

// RecordPayment records a payment on invoice id. With key, as RecordInvoice.
func (s *Service) RecordPayment(ctx context.Context, a accounts.Actor, id int64, in PaymentInput, key *IdempotencyKey) (Payment, *IdempotentResult, error) {
	in.TreasuryRef = strings.TrimSpace(in.TreasuryRef)
	var p Payment
	locate := func(tx Store) (int64, error) {
		inv, err := tx.Invoice(ctx, id)
		return inv.FulfillmentID, err
	}
	replay, err := s.settle(ctx, a, key, locate, func(tx Store, o *Order, f *Fulfillment) error {
		if f.Status == FulfillmentRouted { // cannot happen: it was invoiced after its confirmation
			return illegalSettlement(f.Status, "be paid")
		}
		// Read again under the order's lock: now no other payment can come in between.
		all, err := tx.Invoices(ctx, []int64{f.ID})
		if err != nil {
			return err
		}
		st := Settlement{Fulfillment: *f, Invoices: all}
		i := slices.IndexFunc(all, func(inv Invoice) bool { return inv.ID == id })
		if i < 0 {
			return &accounts.Error{Code: accounts.CodeNotFound, Message: "no such invoice"}
		}
		inv := all[i]
		v := accounts.Validation{}
		s.checkDate(v, "paid_on", in.PaidOn, inv.IssuedOn)
		checkText(v, "treasury_ref", in.TreasuryRef, MaxTreasuryRefLength)
		left := min(inv.OutstandingTiyn(), st.OutstandingTiyn())
		switch {
		case in.AmountTiyn <= 0:
			v.Add("amount_tiyn", "must be more than 0")
		case in.AmountTiyn > left:
			v.Add("amount_tiyn", fmt.Sprintf("only %d tiyn is left to pay on this invoice", max(left, 0)))
		}
		if len(inv.Payments) >= MaxPaymentsPerInvoice {
			v.Add("amount_tiyn", fmt.Sprintf("an invoice has at most %d payments", MaxPaymentsPerInvoice))
		}
		dup := &accounts.Error{Code: accounts.CodeConflict, Message: "this invoice has a payment with this treasury reference already",
			Fields: map[string]string{"treasury_ref": "already recorded on this invoice"}}
		if slices.ContainsFunc(inv.Payments, func(p Payment) bool { return p.TreasuryRef == in.TreasuryRef }) {
			return dup
		}
		if err := v.Err(); err != nil {
			return err
		}
		p = Payment{InvoiceID: inv.ID, PaidOn: in.PaidOn, AmountTiyn: in.AmountTiyn, TreasuryRef: in.TreasuryRef,
			RecordedBy: a.UserID, RecordedByToken: a.TokenID, RecordedAt: s.now()}
		if err := tx.CreatePayment(ctx, &p); err != nil {
			if accounts.ErrorCode(err) == accounts.CodeConflict {
				return dup
			}
			return err
		}
		reason := fmt.Sprintf("payment %s of %s: %s on invoice %s", p.TreasuryRef, p.PaidOn, tengeWords(p.AmountTiyn), inv.Number)
		if err := s.event(ctx, tx, a, f, o.BuyerOrgID, ActionPay, f.Status, reason, map[string]any{"payment_id": p.ID,
			"invoice_id": inv.ID, "treasury_ref": p.TreasuryRef, "paid_on": p.PaidOn.String(), "amount_tiyn": p.AmountTiyn}); err != nil {
			return err
		}
		if key != nil {
			if err := tx.SetIdempotentResource(ctx, *key, "payment", p.ID); err != nil {
				return err
			}
		}
		return s.notifyOrg(ctx, tx, f.EnterpriseID, producerRoles, NotifyPaymentRecorded, o, f,
			inv.Number+" · "+p.TreasuryRef+" · "+tengeWords(p.AmountTiyn))
	})
	if err != nil || replay != nil {
		return Payment{}, replay, err
	}
	p, err = s.Store.Payment(ctx, p.ID)
	return p, nil, err
}

// settle runs change on the fulfillment order that fulfillmentOf names, in one
// transaction, with its order and then itself locked (the order every transition locks
// them in), if a may record its invoices and payments. The idempotency key is claimed
// before change checks anything, so that a repeat of a request gets its replay.
func (s *Service) settle(ctx context.Context, a accounts.Actor, key *IdempotencyKey, fulfillmentOf func(tx Store) (int64, error),
	change func(tx Store, o *Order, f *Fulfillment) error) (*IdempotentResult, error) {
	if a.Anonymous() {
		return nil, &accounts.Error{Code: accounts.CodeUnauthenticated, Message: "sign in first"}
	}
	var replay *IdempotentResult
	err := s.Store.InTx(ctx, func(tx Store) error {
		id, err := fulfillmentOf(tx)
		if err != nil {
			return err
		}
		peek, err := tx.Fulfillment(ctx, id, false)
		if err != nil {
			return err
		}
		if err := canSeePayments(a, peek); err != nil {
			return err
		}
		if err := accounts.Authorize(a, accounts.ActionManage, paymentsResource(peek)); err != nil {
			if accounts.ErrorCode(err) == accounts.CodeNotFound { // it may see them (above), not record them
				return &accounts.Error{Code: accounts.CodeForbidden, Message: "your role does not allow this"}
			}
			return err
		}
		o, err := tx.Order(ctx, peek.OrderID, true)
		if err != nil {
			return err
		}
		f, err := tx.Fulfillment(ctx, id, true)
		if err != nil {
			return err
		}
		r, err := claim(ctx, tx, key)
		if err != nil {
			return err
		}
		if r != nil {
			replay = r
			return errReplay
		}
		return change(tx, &o, &f)
	})
	if replay != nil {
		return replay, nil
	}
	return nil, err
}

// illegalSettlement refuses an invoice or a payment that the fulfillment's state does not
// allow: 409 naming the state.
func illegalSettlement(current FulfillmentStatus, what string) error {
	return &accounts.Error{Code: accounts.CodeConflict,
		Message: fmt.Sprintf("a fulfillment order in state %q cannot %s", current, what),
		Fields:  map[string]string{"state": string(current)}}
}

// checkText checks a required one-line text of at most n printable characters.
func checkText(v accounts.Validation, field, s string, n int) {
	switch {
	case s == "":
		v.Add(field, "is required")
	case tooLong(s, n):
		v.Add(field, fmt.Sprintf("is longer than %d characters", n))
	case !utf8.ValidString(s) || strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) && r != ' ' }) >= 0:
		v.Add(field, "may hold only printable characters on one line")
	}
}

// placedOn is the day order o was placed with its producers: submitted (created, if it
// never was).
func placedOn(o *Order) Date {
	if !o.SubmittedAt.IsZero() {
		return Today(o.SubmittedAt)
	}
	return Today(o.CreatedAt)
}

// checkDate checks a required date between earliest and today.
func (s *Service) checkDate(v accounts.Validation, field string, d, earliest Date) {
	today := Today(s.now())
	switch {
	case d.IsZero():
		v.Add(field, "is required")
	case d.After(today):
		v.Add(field, "cannot be in the future")
	case d.Before(earliest):
		v.Add(field, fmt.Sprintf("cannot be before %s", earliest))
	}
}

// tengeWords writes tiyn as "1234.56 KZT", the same in every language, for the record and
// for notifications' notes.
func tengeWords(tiyn int64) string {
	sign := ""
	if tiyn < 0 {
		sign, tiyn = "-", -tiyn
	}
	return fmt.Sprintf("%s%d.%02d KZT", sign, tiyn/100, tiyn%100)
}
