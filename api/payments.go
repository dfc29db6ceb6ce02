package api

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/sheber-kz/sheber/orders"
)

// Invoices and payments of fulfillment orders: the buyer records the producer's invoices
// and the payments made on them through the treasury; both sides and oversight read where
// each fulfillment order stands.

type paymentDTO struct {
	ID              int64     `json:"id"`
	InvoiceID       int64     `json:"invoice_id"`
	PaidOn          string    `json:"paid_on"`
	AmountTiyn      int64     `json:"amount_tiyn"`
	TreasuryRef     string    `json:"treasury_ref"`
	RecordedBy      int64     `json:"recorded_by"`
	RecordedByToken int64     `json:"recorded_by_token"`
	RecordedAt      time.Time `json:"recorded_at"`
}

func newPayment(p orders.Payment) paymentDTO {
	return paymentDTO{ID: p.ID, InvoiceID: p.InvoiceID, PaidOn: p.PaidOn.String(), AmountTiyn: p.AmountTiyn, TreasuryRef: p.TreasuryRef,
		RecordedBy: p.RecordedBy, RecordedByToken: p.RecordedByToken, RecordedAt: p.RecordedAt.UTC()}
}

type invoiceDTO struct {
	ID              int64        `json:"id"`
	FulfillmentID   int64        `json:"fulfillment_id"`
	OrderID         int64        `json:"order_id"`
	Number          string       `json:"number"`
	IssuedOn        string       `json:"issued_on"`
	AmountTiyn      int64        `json:"amount_tiyn"`
	VATTiyn         int64        `json:"vat_tiyn"`
	Note            string       `json:"note"`
	PaidTiyn        int64        `json:"paid_tiyn"`
	OutstandingTiyn int64        `json:"outstanding_tiyn"`
	RecordedBy      int64        `json:"recorded_by"`
	RecordedByToken int64        `json:"recorded_by_token"`
	RecordedAt      time.Time    `json:"recorded_at"`
	Payments        []paymentDTO `json:"payments"`
}

func newInvoice(i orders.Invoice) invoiceDTO {
	ps := make([]paymentDTO, len(i.Payments))
	for k, p := range i.Payments {
		ps[k] = newPayment(p)
	}
	return invoiceDTO{ID: i.ID, FulfillmentID: i.FulfillmentID, OrderID: i.OrderID, Number: i.Number, IssuedOn: i.IssuedOn.String(),
		AmountTiyn: i.AmountTiyn, VATTiyn: i.VATTiyn, Note: i.Note, PaidTiyn: i.PaidTiyn, OutstandingTiyn: i.OutstandingTiyn(),
		RecordedBy: i.RecordedBy, RecordedByToken: i.RecordedByToken, RecordedAt: i.RecordedAt.UTC(), Payments: ps}
}

// settlementDTO is one fulfillment order's money: what it is due (its amount less the
// late-delivery penalty), invoiced, paid and outstanding, with its invoices.
type settlementDTO struct {
	FulfillmentID   int64        `json:"fulfillment_id"`
	EnterpriseID    int64        `json:"enterprise_id"`
	Status          string       `json:"status"`
	AmountTiyn      int64        `json:"amount_tiyn"`
	PenaltyTiyn     int64        `json:"penalty_tiyn"`
	DueTiyn         int64        `json:"due_tiyn"`
	InvoicedTiyn    int64        `json:"invoiced_tiyn"`
	PaidTiyn        int64        `json:"paid_tiyn"`
	OutstandingTiyn int64        `json:"outstanding_tiyn"`
	UninvoicedTiyn  int64        `json:"uninvoiced_tiyn"`
	Invoiceable     bool         `json:"invoiceable"`
	Invoices        []invoiceDTO `json:"invoices"`
}

func newSettlement(s orders.Settlement) settlementDTO {
	invs := make([]invoiceDTO, len(s.Invoices))
	for i, inv := range s.Invoices {
		invs[i] = newInvoice(inv)
	}
	f := s.Fulfillment
	return settlementDTO{FulfillmentID: f.ID, EnterpriseID: f.EnterpriseID, Status: string(f.Status), AmountTiyn: f.AmountTiyn,
		PenaltyTiyn: f.PenaltyTiyn, DueTiyn: s.DueTiyn(), InvoicedTiyn: s.InvoicedTiyn(), PaidTiyn: s.PaidTiyn(),
		OutstandingTiyn: s.OutstandingTiyn(), UninvoicedTiyn: s.UninvoicedTiyn(), Invoiceable: s.Invoiceable(), Invoices: invs}
}

type invoiceRequest struct {
	Number     string `json:"number"`
	IssuedOn   string `json:"issued_on"`
	AmountTiyn int64  `json:"amount_tiyn"`
	VATTiyn    int64  `json:"vat_tiyn"`
	Note       string `json:"note"`
}

type paymentRequest struct {
	PaidOn      string `json:"paid_on"`
	AmountTiyn  int64  `json:"amount_tiyn"`
	TreasuryRef string `json:"treasury_ref"`
}

func (s *Server) orderInvoices(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	ss, err := s.Orders.Settlements(c.UserContext(), ActorOf(c), id)
	if err != nil {
		return err
	}
	out := make([]settlementDTO, len(ss))
	for i, st := range ss {
		out[i] = newSettlement(st)
	}
	return c.JSON(listDTO[settlementDTO]{Items: out})
}

func (s *Server) fulfillmentInvoices(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	st, err := s.Orders.Settlement(c.UserContext(), ActorOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(newSettlement(st))
}

func (s *Server) createInvoice(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	var in invoiceRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	issued, err := dateField("issued_on", in.IssuedOn)
	if err != nil {
		return err
	}
	ii := orders.InvoiceInput{Number: in.Number, IssuedOn: issued, AmountTiyn: in.AmountTiyn, VATTiyn: in.VATTiyn, Note: in.Note}
	return s.idempotent(c, func(key *orders.IdempotencyKey) (any, *orders.IdempotentResult, error) {
		inv, replay, err := s.Orders.RecordInvoice(c.UserContext(), ActorOf(c), id, ii, key)
		return newInvoice(inv), replay, err
	})
}

func (s *Server) createPayment(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	var in paymentRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	paid, err := dateField("paid_on", in.PaidOn)
	if err != nil {
		return err
	}
	pi := orders.PaymentInput{PaidOn: paid, AmountTiyn: in.AmountTiyn, TreasuryRef: in.TreasuryRef}
	return s.idempotent(c, func(key *orders.IdempotencyKey) (any, *orders.IdempotentResult, error) {
		p, replay, err := s.Orders.RecordPayment(c.UserContext(), ActorOf(c), id, pi, key)
		return newPayment(p), replay, err
	})
}
