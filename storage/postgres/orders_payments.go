package postgres

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/lib/pq"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/orders"
)

// Invoices and payments of fulfillment orders (migration 00012).

var _ orders.SettlementStore = (*OrdersStore)(nil)

type invoiceRow struct {
	ID              int64         `db:"id"`
	FulfillmentID   int64         `db:"fulfillment_id"`
	OrderID         int64         `db:"order_id"`
	Number          string        `db:"number"`
	IssuedOn        time.Time     `db:"issued_on"`
	AmountTiyn      int64         `db:"amount_tiyn"`
	VATTiyn         int64         `db:"vat_tiyn"`
	Note            string        `db:"note"`
	PaidTiyn        int64         `db:"paid_tiyn"`
	RecordedBy      sql.NullInt64 `db:"recorded_by"`
	RecordedByToken sql.NullInt64 `db:"recorded_by_token"`
	RecordedAt      time.Time     `db:"recorded_at"`
}

func (r invoiceRow) invoice() orders.Invoice {
	return orders.Invoice{ID: r.ID, FulfillmentID: r.FulfillmentID, OrderID: r.OrderID, Number: r.Number,
		IssuedOn: orders.DateFromTime(r.IssuedOn), AmountTiyn: r.AmountTiyn, VATTiyn: r.VATTiyn, Note: r.Note,
		PaidTiyn: r.PaidTiyn, RecordedBy: r.RecordedBy.Int64, RecordedByToken: r.RecordedByToken.Int64, RecordedAt: r.RecordedAt}
}

const invoiceColumns = `i.id, i.fulfillment_id, f.order_id, i.number, i.issued_on, i.amount_tiyn, i.vat_tiyn, i.note,
	i.paid_tiyn, i.recorded_by, i.recorded_by_token, i.recorded_at
	FROM invoices i JOIN fulfillments f ON f.id = i.fulfillment_id`

type paymentRow struct {
	ID              int64         `db:"id"`
	InvoiceID       int64         `db:"invoice_id"`
	PaidOn          time.Time     `db:"paid_on"`
	AmountTiyn      int64         `db:"amount_tiyn"`
	TreasuryRef     string        `db:"treasury_ref"`
	RecordedBy      sql.NullInt64 `db:"recorded_by"`
	RecordedByToken sql.NullInt64 `db:"recorded_by_token"`
	RecordedAt      time.Time     `db:"recorded_at"`
}

func (r paymentRow) payment() orders.Payment {
	return orders.Payment{ID: r.ID, InvoiceID: r.InvoiceID, PaidOn: orders.DateFromTime(r.PaidOn), AmountTiyn: r.AmountTiyn,
		TreasuryRef: r.TreasuryRef, RecordedBy: r.RecordedBy.Int64, RecordedByToken: r.RecordedByToken.Int64, RecordedAt: r.RecordedAt}
}

const paymentColumns = `id, invoice_id, paid_on, amount_tiyn, treasury_ref, recorded_by, recorded_by_token, recorded_at FROM payments`

// invoices loads the invoices matching where (with its ORDER BY) and their payments.
func (s *OrdersStore) invoices(ctx context.Context, where string, args ...any) ([]orders.Invoice, error) {
	var rows []invoiceRow
	if err := s.q.SelectContext(ctx, &rows, `SELECT `+invoiceColumns+` WHERE `+where, args...); err != nil {
		return nil, translate(err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	out := make([]orders.Invoice, len(rows))
	ids := make([]int64, len(rows))
	index := make(map[int64]int, len(rows))
	for i, r := range rows {
		out[i], ids[i], index[r.ID] = r.invoice(), r.ID, i
	}
	var ps []paymentRow
	if err := s.q.SelectContext(ctx, &ps, `SELECT `+paymentColumns+` WHERE invoice_id = ANY($1) ORDER BY paid_on, id`, pq.Array(ids)); err != nil {
		return nil, translate(err)
	}
	for _, p := range ps {
		inv := &out[index[p.InvoiceID]]
		inv.Payments = append(inv.Payments, p.payment())
	}
	return out, nil
}

// Invoices implements orders.SettlementStore.
func (s *OrdersStore) Invoices(ctx context.Context, fulfillmentIDs []int64) ([]orders.Invoice, error) {
	return s.invoices(ctx, `i.fulfillment_id = ANY($1) ORDER BY i.fulfillment_id, i.issued_on, i.id`, pq.Array(fulfillmentIDs))
}

// Invoice implements orders.SettlementStore.
func (s *OrdersStore) Invoice(ctx context.Context, id int64) (orders.Invoice, error) {
	invs, err := s.invoices(ctx, `i.id = $1`, id)
	if err != nil {
		return orders.Invoice{}, err
	}
	if len(invs) == 0 {
		return orders.Invoice{}, &accounts.Error{Code: accounts.CodeNotFound, Message: "no such invoice"}
	}
	return invs[0], nil
}

// CreateInvoice implements orders.SettlementStore.
func (s *OrdersStore) CreateInvoice(ctx context.Context, inv *orders.Invoice) error {
	const q = `INSERT INTO invoices (fulfillment_id, number, issued_on, amount_tiyn, vat_tiyn, note, recorded_by, recorded_by_token, recorded_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`
	err := s.q.QueryRowxContext(ctx, q, inv.FulfillmentID, inv.Number, inv.IssuedOn.String(), inv.AmountTiyn, inv.VATTiyn, inv.Note,
		nullID(inv.RecordedBy), nullID(inv.RecordedByToken), inv.RecordedAt).Scan(&inv.ID)
	return translate(err)
}

// CreatePayment implements orders.SettlementStore: the payment and its invoice's paid sum
// together, the sum checked by the invoice's CHECK (paid_tiyn <= amount_tiyn).
func (s *OrdersStore) CreatePayment(ctx context.Context, p *orders.Payment) error {
	res, err := s.q.ExecContext(ctx, `UPDATE invoices SET paid_tiyn = paid_tiyn + $2 WHERE id = $1`, p.InvoiceID, p.AmountTiyn)
	if err != nil {
		var pqErr *pq.Error
		if errors.As(err, &pqErr) && pqErr.Code == "23514" {
			return &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed",
				Fields: map[string]string{"amount_tiyn": "more than is left to pay on this invoice"}, Err: err}
		}
		return translate(err)
	}
	if err := affected(res, nil, "no such invoice"); err != nil {
		return err
	}
	const q = `INSERT INTO payments (invoice_id, paid_on, amount_tiyn, treasury_ref, recorded_by, recorded_by_token, recorded_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`
	err = s.q.QueryRowxContext(ctx, q, p.InvoiceID, p.PaidOn.String(), p.AmountTiyn, p.TreasuryRef,
		nullID(p.RecordedBy), nullID(p.RecordedByToken), p.RecordedAt).Scan(&p.ID)
	return translate(err)
}

// Payment implements orders.SettlementStore.
func (s *OrdersStore) Payment(ctx context.Context, id int64) (orders.Payment, error) {
	var r paymentRow
	if err := s.q.GetContext(ctx, &r, `SELECT `+paymentColumns+` WHERE id = $1`, id); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return orders.Payment{}, &accounts.Error{Code: accounts.CodeNotFound, Message: "no such payment"}
		}
		return orders.Payment{}, translate(err)
	}
	return r.payment(), nil
}
