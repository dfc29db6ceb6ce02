package frontend

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/orders"
)

// The "Payments" section of each fulfillment order: on the buyer's order page its invoices
// with their payments, the totals (due, invoiced, paid, outstanding) and the forms that
// record an invoice and a payment; on the fulfillment order's page the same figures, read
// only. A refused form is shown again on the order page with each problem next to its
// field (422, or 409 for a state or a duplicate); a recorded one redirects back to it.

// paymentForms is a refused invoice or payment form, to fill in again.
type paymentForms struct {
	FulfillmentID int64 // the fulfillment order whose invoice form this is
	Invoice       form
	InvoiceID     int64 // the invoice whose payment form this is
	Payment       form
}

// settlementView is a fulfillment order's settlement with what the viewer may record.
type settlementView struct {
	orders.Settlement
	CanRecord bool
	CSRF      string
	Today     string // the date fields' bounds
	MinDate   string
	// InvoiceForm fills in the invoice form again after a refusal; PaymentForm the payment
	// form of invoice PaymentInvoice.
	InvoiceForm    form
	PaymentInvoice int64
	PaymentForm    form
}

// ShowsInvoiceForm reports whether the invoice form is shown: the viewer records, the
// state allows an invoice and something is left to invoice.
func (v settlementView) ShowsInvoiceForm() bool {
	return v.CanRecord && v.Invoiceable() && v.UninvoicedTiyn() > 0
}

// ShowsPaymentForm reports whether invoice inv has a payment form.
func (v settlementView) ShowsPaymentForm(inv orders.Invoice) bool {
	return v.CanRecord && inv.OutstandingTiyn() > 0 && v.OutstandingTiyn() > 0
}

// PaymentFormOf is the payment form of invoice id: as refused, or empty.
func (v settlementView) PaymentFormOf(id int64) form {
	if id == v.PaymentInvoice {
		return v.PaymentForm
	}
	return form{}
}

// Overpaid reports whether more was paid than is due (a penalty computed after payment).
func (v settlementView) Overpaid() bool { return v.OutstandingTiyn() < 0 }

// RefundTiyn is what was paid beyond what is due.
func (v settlementView) RefundTiyn() int64 { return -v.OutstandingTiyn() }

// newSettlementView builds the view of st for actor; pf is a refused form, if it is one of
// st's.
func (ui *UI) newSettlementView(c *fiber.Ctx, actor accounts.Actor, st orders.Settlement, placed orders.Date, pf paymentForms) *settlementView {
	f := st.Fulfillment
	v := &settlementView{Settlement: st, CSRF: ui.srv.CSRFToken(c), Today: orders.Today(ui.now()).String(), MinDate: placed.String(),
		CanRecord: accounts.Authorize(actor, accounts.ActionManage,
			accounts.Resource{Kind: accounts.ResourcePayments, OrgID: f.BuyerOrgID, Region: f.BuyerRegion}) == nil}
	if pf.FulfillmentID == f.ID {
		v.InvoiceForm = pf.Invoice
	}
	for _, inv := range st.Invoices {
		if inv.ID == pf.InvoiceID {
			v.PaymentInvoice, v.PaymentForm = pf.InvoiceID, pf.Payment
		}
	}
	return v
}

// settlementViews returns the views of order o's settlements by fulfillment order.
func (ui *UI) settlementViews(c *fiber.Ctx, actor accounts.Actor, svc *orders.Service, o orders.Order, pf paymentForms) (map[int64]*settlementView, error) {
	ss, err := svc.Settlements(c.UserContext(), actor, o.ID)
	if err != nil {
		return nil, err
	}
	placed := orders.Today(o.CreatedAt)
	if !o.SubmittedAt.IsZero() {
		placed = orders.Today(o.SubmittedAt)
	}
	out := make(map[int64]*settlementView, len(ss))
	for _, st := range ss {
		out[st.Fulfillment.ID] = ui.newSettlementView(c, actor, st, placed, pf)
	}
	return out, nil
}

// SettlementOf is the settlement of fulfillment order id on the order page (nil if none).
func (p orderPage) SettlementOf(id int64) *settlementView { return p.Settlements[id] }

// Fields of the invoice and payment forms; the domain's field names map onto them.
var (
	invoiceFields = []string{"number", "issued_on", "amount", "vat", "note"}
	paymentFields = []string{"paid_on", "amount", "treasury_ref"}
	formFieldOf   = map[string]string{"amount_tiyn": "amount", "vat_tiyn": "vat"}
)

// readPaymentForm reads fields from the request; amount fields ("amount", "vat") are
// tenge as people type them, an empty optional one zero.
func readPaymentForm(c *fiber.Ctx, fields []string) (form, map[string]int64, map[string]orders.Date) {
	f := form{Values: map[string]string{}, Errors: map[string]string{}}
	amounts, dates := map[string]int64{}, map[string]orders.Date{}
	for _, name := range fields {
		v := strings.TrimSpace(formValue(c, name))
		f.Values[name] = v
		switch {
		case len([]rune(v)) > maxFormFieldLength:
			f.Errors[name] = "too long"
		case name == "amount" || name == "vat":
			if v == "" && name == "vat" {
				continue
			}
			tiyn, ok := parseTenge(v)
			if !ok {
				f.Errors[name] = "enter the amount in tenge, like 12 345,67"
			}
			amounts[name] = tiyn
		case name == "issued_on" || name == "paid_on":
			if v == "" {
				continue // the domain says it is required
			}
			d, err := orders.ParseDate(v)
			if err != nil {
				f.Errors[name] = err.Error()
			}
			dates[name] = d
		}
	}
	return f, amounts, dates
}

// placeProblems puts the domain's field problems of err onto f's fields ("form" for the
// others, such as the state); ok is false if err is not about the form.
func placeProblems(err error, f form, fields []string) (int, bool) {
	status, problems, ok := formProblem(err)
	if !ok {
		return 0, false
	}
	for field, problem := range problems {
		if to, ok := formFieldOf[field]; ok {
			field = to
		}
		if !contains(fields, field) {
			field = "form"
		}
		if f.Errors[field] == "" {
			f.Errors[field] = problem
		}
	}
	return status, true
}

// recordInvoice records the invoice form of a fulfillment order on the order page.
func (ui *UI) recordInvoice(c *fiber.Ctx) error {
	svc, id, actor, err := ui.ordersCall(c, "id")
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	ff, err := svc.Fulfillment(ctx, actor, id)
	if err != nil {
		return err
	}
	f, amounts, dates := readPaymentForm(c, invoiceFields)
	again := func(status int) error {
		return ui.renderOrder(c, ff.OrderID, status, paymentForms{FulfillmentID: id, Invoice: f})
	}
	if f.HasErrors() {
		return again(fiber.StatusUnprocessableEntity)
	}
	_, _, err = svc.RecordInvoice(ctx, actor, id, orders.InvoiceInput{Number: f.Values["number"], IssuedOn: dates["issued_on"],
		AmountTiyn: amounts["amount"], VATTiyn: amounts["vat"], Note: f.Values["note"]}, nil)
	if status, ok := placeProblems(err, f, invoiceFields); ok {
		return again(status)
	}
	if err != nil {
		return err
	}
	return c.Redirect(paymentsAnchor(ff.OrderID, "invoice", id), fiber.StatusSeeOther)
}

// recordPayment records the payment form of an invoice on the order page.
func (ui *UI) recordPayment(c *fiber.Ctx) error {
	svc, id, actor, err := ui.ordersCall(c, "id")
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	inv, err := svc.Invoice(ctx, actor, id)
	if err != nil {
		return err
	}
	f, amounts, dates := readPaymentForm(c, paymentFields)
	again := func(status int) error {
		return ui.renderOrder(c, inv.OrderID, status, paymentForms{InvoiceID: id, Payment: f})
	}
	if f.HasErrors() {
		return again(fiber.StatusUnprocessableEntity)
	}
	_, _, err = svc.RecordPayment(ctx, actor, id, orders.PaymentInput{PaidOn: dates["paid_on"], AmountTiyn: amounts["amount"],
		TreasuryRef: f.Values["treasury_ref"]}, nil)
	if status, ok := placeProblems(err, f, paymentFields); ok {
		return again(status)
	}
	if err != nil {
		return err
	}
	return c.Redirect(paymentsAnchor(inv.OrderID, "pay", inv.FulfillmentID), fiber.StatusSeeOther)
}

// paymentsAnchor is the order page after done, at a fulfillment order's payments.
func paymentsAnchor(orderID int64, done string, fulfillmentID int64) string {
	return orderPath(orderID, done) + "#payments-" + strconv.FormatInt(fulfillmentID, 10)
}

// paymentFieldView is what the "payment-field" template needs to draw one labelled field
// of an invoice or a payment form; its element id is unique on the page.
type paymentFieldView struct {
	Form      form
	ID        string
	Name      string
	Label     string
	Type      string // an input type, "decimal" (a text field with that keyboard) or "textarea"
	Hint      string
	MaxLength int
	Min, Max  string // date bounds
}

// Value is what the field holds.
func (f paymentFieldView) Value() string { return f.Form.Value(f.Name) }

// Error is the problem with the field, or "".
func (f paymentFieldView) Error() string { return f.Form.Error(f.Name) }

// DescribedBy lists the ids of the field's hint and error, for aria-describedby.
func (f paymentFieldView) DescribedBy() string {
	var ids []string
	if f.Hint != "" {
		ids = append(ids, f.ID+"-hint")
	}
	if f.Error() != "" {
		ids = append(ids, f.ID+"-error")
	}
	return strings.Join(ids, " ")
}

// InvoiceField is a field of the invoice form.
func (v settlementView) InvoiceField(name, label, typ, hint string, maxLength int) paymentFieldView {
	f := paymentFieldView{Form: v.InvoiceForm, ID: "invoice-" + strconv.FormatInt(v.Fulfillment.ID, 10) + "-" + name, Name: name,
		Label: label, Type: typ, Hint: hint, MaxLength: maxLength}
	if typ == "date" {
		f.Min, f.Max = v.MinDate, v.Today
	}
	return f
}

// PaymentField is a field of invoice inv's payment form.
func (v settlementView) PaymentField(inv orders.Invoice, name, label, typ, hint string, maxLength int) paymentFieldView {
	f := paymentFieldView{Form: v.PaymentFormOf(inv.ID), ID: "payment-" + strconv.FormatInt(inv.ID, 10) + "-" + name, Name: name,
		Label: label, Type: typ, Hint: hint, MaxLength: maxLength}
	if typ == "date" {
		f.Min, f.Max = inv.IssuedOn.String(), v.Today
	}
	return f
}
