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

// The custom requests of orders.CustomRequestStore, on OrdersStore.

// CategoryWorkshopKind implements orders.CustomRequestStore.
func (s *OrdersStore) CategoryWorkshopKind(ctx context.Context, code string) (accounts.WorkshopKind, error) {
	var kind string
	if err := s.q.GetContext(ctx, &kind, `SELECT workshop_kind FROM categories WHERE code = $1`, code); err != nil {
		return "", translate(err)
	}
	return accounts.WorkshopKind(kind), nil
}

// SitesOfKind implements orders.CustomRequestStore.
func (s *OrdersStore) SitesOfKind(ctx context.Context, kind accounts.WorkshopKind) ([]orders.Site, error) {
	var rows []siteRow
	if err := s.q.SelectContext(ctx, &rows, `SELECT `+siteColumns+` WHERE s.workshop_kind = $1 ORDER BY s.id`, string(kind)); err != nil {
		return nil, translate(err)
	}
	out := make([]orders.Site, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.site())
	}
	return out, nil
}

type requestRow struct {
	ID              int64         `db:"id"`
	Number          string        `db:"number"`
	BuyerOrgID      int64         `db:"buyer_org_id"`
	BuyerRegion     string        `db:"buyer_region"`
	CreatedBy       sql.NullInt64 `db:"created_by"`
	Status          string        `db:"status"`
	CategoryCode    string        `db:"category_code"`
	Title           string        `db:"title"`
	Description     string        `db:"description"`
	Quantity        int           `db:"quantity"`
	Unit            string        `db:"unit"`
	WantedDate      sql.NullTime  `db:"wanted_date"`
	DeliveryAddress string        `db:"delivery_address"`
	DeliveryRegion  string        `db:"delivery_region"`
	BudgetLineID    int64         `db:"budget_line_id"`
	QuoteDeadline   time.Time     `db:"quote_deadline"`
	AcceptedQuoteID sql.NullInt64 `db:"accepted_quote_id"`
	OrderID         sql.NullInt64 `db:"order_id"`
	Version         int           `db:"version"`
	CreatedAt       time.Time     `db:"created_at"`
	UpdatedAt       time.Time     `db:"updated_at"`
	QuoteCount      int           `db:"quote_count"` // lists only
}

func (r requestRow) request() orders.CustomRequest {
	return orders.CustomRequest{ID: r.ID, Number: r.Number, BuyerOrgID: r.BuyerOrgID, BuyerRegion: r.BuyerRegion, CreatedBy: r.CreatedBy.Int64,
		Status: orders.RequestStatus(r.Status), CategoryCode: r.CategoryCode, Title: r.Title, Description: r.Description,
		Quantity: r.Quantity, Unit: r.Unit, WantedDate: dateOf(r.WantedDate), DeliveryAddress: r.DeliveryAddress,
		DeliveryRegion: r.DeliveryRegion, BudgetLineID: r.BudgetLineID, QuoteDeadline: r.QuoteDeadline.UTC(),
		AcceptedQuoteID: r.AcceptedQuoteID.Int64, OrderID: r.OrderID.Int64, Version: r.Version,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(), QuoteCount: r.QuoteCount}
}

const requestColumns = `r.id, r.number, r.buyer_org_id, COALESCE(b.region, '') AS buyer_region, r.created_by, r.status, r.category_code,
	r.title, r.description, r.quantity, r.unit, r.wanted_date, r.delivery_address, r.delivery_region, r.budget_line_id,
	r.quote_deadline, r.accepted_quote_id, r.order_id, r.version, r.created_at, r.updated_at
	FROM custom_requests r JOIN organizations b ON b.id = r.buyer_org_id`

// CreateCustomRequest implements orders.CustomRequestStore. The number is
// "CR-<year>-<sequence>".
func (s *OrdersStore) CreateCustomRequest(ctx context.Context, r *orders.CustomRequest) error {
	const q = `INSERT INTO custom_requests (number, buyer_org_id, created_by, status, category_code, title, description, quantity,
			unit, wanted_date, delivery_address, delivery_region, budget_line_id, quote_deadline)
		VALUES ('CR-' || to_char(now() AT TIME ZONE 'Asia/Almaty', 'YYYY') || '-' || lpad(nextval('custom_request_number_seq')::text, 6, '0'),
			$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
		RETURNING id, number, version, created_at, updated_at`
	err := s.q.QueryRowxContext(ctx, q, r.BuyerOrgID, nullID(r.CreatedBy), r.Status, r.CategoryCode, r.Title, r.Description,
		r.Quantity, r.Unit, dateArg(r.WantedDate), r.DeliveryAddress, r.DeliveryRegion, r.BudgetLineID, r.QuoteDeadline).
		Scan(&r.ID, &r.Number, &r.Version, &r.CreatedAt, &r.UpdatedAt)
	return translate(err)
}

// CustomRequest implements orders.CustomRequestStore.
func (s *OrdersStore) CustomRequest(ctx context.Context, id int64, lock bool) (orders.CustomRequest, error) {
	q := `SELECT ` + requestColumns + ` WHERE r.id = $1`
	if lock {
		q += ` FOR UPDATE OF r`
	}
	var row requestRow
	if err := s.q.GetContext(ctx, &row, q, id); err != nil {
		return orders.CustomRequest{}, translate(err)
	}
	r := row.request()
	var invs []struct {
		SiteID       int64         `db:"site_id"`
		EnterpriseID int64         `db:"enterprise_id"`
		InvitedBy    sql.NullInt64 `db:"invited_by"`
		InvitedOrg   int64         `db:"invited_org"`
		InvitedAt    time.Time     `db:"invited_at"`
	}
	const qi = `SELECT site_id, enterprise_id, invited_by, invited_org, invited_at FROM custom_request_invitations
		WHERE request_id = $1 ORDER BY invited_at, site_id`
	if err := s.q.SelectContext(ctx, &invs, qi, id); err != nil {
		return orders.CustomRequest{}, translate(err)
	}
	for _, i := range invs {
		r.Invitations = append(r.Invitations, orders.Invitation{SiteID: i.SiteID, EnterpriseID: i.EnterpriseID,
			InvitedBy: i.InvitedBy.Int64, InvitedOrg: i.InvitedOrg, InvitedAt: i.InvitedAt.UTC()})
	}
	var qs []struct {
		ID            int64         `db:"id"`
		SiteID        int64         `db:"site_id"`
		EnterpriseID  int64         `db:"enterprise_id"`
		UnitPriceTiyn int64         `db:"unit_price_tiyn"`
		VATIncluded   bool          `db:"vat_included"`
		PromisedDate  sql.NullTime  `db:"promised_date"`
		LabourHours   int           `db:"labour_hours"`
		Note          string        `db:"note"`
		CreatedBy     sql.NullInt64 `db:"created_by"`
		CreatedAt     time.Time     `db:"created_at"`
	}
	const qq = `SELECT id, site_id, enterprise_id, unit_price_tiyn, vat_included, promised_date, labour_hours, note, created_by, created_at
		FROM custom_request_quotes WHERE request_id = $1 ORDER BY id`
	if err := s.q.SelectContext(ctx, &qs, qq, id); err != nil {
		return orders.CustomRequest{}, translate(err)
	}
	for _, x := range qs {
		r.Quotes = append(r.Quotes, orders.CustomQuote{ID: x.ID, RequestID: id, SiteID: x.SiteID, EnterpriseID: x.EnterpriseID,
			UnitPriceTiyn: x.UnitPriceTiyn, VATIncluded: x.VATIncluded, PromisedDate: dateOf(x.PromisedDate), LabourHours: x.LabourHours,
			Note: x.Note, CreatedBy: x.CreatedBy.Int64, CreatedAt: x.CreatedAt.UTC()})
	}
	return r, nil
}

// UpdateCustomRequest implements orders.CustomRequestStore.
func (s *OrdersStore) UpdateCustomRequest(ctx context.Context, r *orders.CustomRequest) error {
	const q = `UPDATE custom_requests SET status = $2, accepted_quote_id = $3, order_id = $4, version = version + 1, updated_at = now()
		WHERE id = $1 RETURNING version, updated_at`
	err := s.q.QueryRowxContext(ctx, q, r.ID, r.Status, nullID(r.AcceptedQuoteID), nullID(r.OrderID)).Scan(&r.Version, &r.UpdatedAt)
	return translate(err)
}

// CustomRequests implements orders.CustomRequestStore.
func (s *OrdersStore) CustomRequests(ctx context.Context, f orders.RequestFilter) ([]orders.CustomRequest, error) {
	q := `SELECT (SELECT count(*) FROM custom_request_quotes cq WHERE cq.request_id = r.id) AS quote_count, ` + requestColumns + ` WHERE ($1 = 0 OR r.buyer_org_id = $1)
		AND ($2 = 0 OR EXISTS (SELECT 1 FROM custom_request_invitations i WHERE i.request_id = r.id AND i.enterprise_id = $2))
		AND ($3 = '' OR r.status = $3) AND ($4 = 0 OR r.id < $4)
		ORDER BY r.id DESC LIMIT $5`
	var rows []requestRow
	if err := s.listQ().SelectContext(ctx, &rows, q, f.BuyerOrgID, f.InvitedEnt, string(f.Status), f.BeforeID, f.Limit); err != nil {
		return nil, translate(err)
	}
	out := make([]orders.CustomRequest, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.request())
	}
	return out, nil
}

// AddInvitations implements orders.CustomRequestStore.
func (s *OrdersStore) AddInvitations(ctx context.Context, requestID int64, invs []orders.Invitation) error {
	const q = `INSERT INTO custom_request_invitations (request_id, site_id, enterprise_id, invited_by, invited_org, invited_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (request_id, site_id) DO NOTHING`
	for _, i := range invs {
		if _, err := s.q.ExecContext(ctx, q, requestID, i.SiteID, i.EnterpriseID, nullID(i.InvitedBy), i.InvitedOrg, i.InvitedAt); err != nil {
			return translate(err)
		}
	}
	return nil
}

// CreateQuote implements orders.CustomRequestStore.
func (s *OrdersStore) CreateQuote(ctx context.Context, q *orders.CustomQuote) error {
	const qi = `INSERT INTO custom_request_quotes (request_id, site_id, enterprise_id, unit_price_tiyn, vat_included, promised_date,
			labour_hours, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`
	err := s.q.QueryRowxContext(ctx, qi, q.RequestID, q.SiteID, q.EnterpriseID, q.UnitPriceTiyn, q.VATIncluded, dateArg(q.PromisedDate),
		q.LabourHours, q.Note, nullID(q.CreatedBy), q.CreatedAt).Scan(&q.ID)
	return translate(err)
}

// QuoteRequestID implements orders.CustomRequestStore.
func (s *OrdersStore) QuoteRequestID(ctx context.Context, quoteID int64) (int64, error) {
	var id int64
	if err := s.q.GetContext(ctx, &id, `SELECT request_id FROM custom_request_quotes WHERE id = $1`, quoteID); err != nil {
		return 0, translate(err)
	}
	return id, nil
}

// --- the record of requests ---

type requestEventRow struct {
	RequestID    int64         `db:"request_id"`
	Seq          int           `db:"seq"`
	QuoteID      sql.NullInt64 `db:"quote_id"`
	At           time.Time     `db:"at"`
	ActorUserID  sql.NullInt64 `db:"actor_user_id"`
	ActorTokenID sql.NullInt64 `db:"actor_token_id"`
	ActorOrgID   sql.NullInt64 `db:"actor_org_id"`
	Action       string        `db:"action"`
	From         string        `db:"from_state"`
	To           string        `db:"to_state"`
	Reason       string        `db:"reason"`
	Data         string        `db:"data"`
	PrevHash     []byte        `db:"prev_hash"`
	Hash         []byte        `db:"hash"`
}

func (r requestEventRow) event() orders.RequestEvent {
	return orders.RequestEvent{RequestID: r.RequestID, Seq: r.Seq, QuoteID: r.QuoteID.Int64, At: r.At.UTC(),
		ActorUserID: r.ActorUserID.Int64, ActorTokenID: r.ActorTokenID.Int64, ActorOrgID: r.ActorOrgID.Int64,
		Action: orders.Action(r.Action), From: r.From, To: r.To, Reason: r.Reason, Data: r.Data, PrevHash: r.PrevHash, Hash: r.Hash}
}

const requestEventColumns = `request_id, seq, quote_id, at, actor_user_id, actor_token_id, actor_org_id, action, from_state,
	to_state, reason, data, prev_hash, hash`

// LastRequestEvent implements orders.CustomRequestStore.
func (s *OrdersStore) LastRequestEvent(ctx context.Context, requestID int64) (*orders.RequestEvent, error) {
	var r requestEventRow
	err := s.q.GetContext(ctx, &r, `SELECT `+requestEventColumns+` FROM custom_request_events WHERE request_id = $1 ORDER BY seq DESC LIMIT 1`, requestID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, translate(err)
	}
	e := r.event()
	return &e, nil
}

// AppendRequestEvent implements orders.CustomRequestStore.
func (s *OrdersStore) AppendRequestEvent(ctx context.Context, e orders.RequestEvent) error {
	const q = `INSERT INTO custom_request_events (` + requestEventColumns + `) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`
	_, err := s.q.ExecContext(ctx, q, e.RequestID, e.Seq, nullID(e.QuoteID), e.At, nullID(e.ActorUserID), nullID(e.ActorTokenID),
		nullID(e.ActorOrgID), string(e.Action), e.From, e.To, e.Reason, e.Data, e.PrevHash, e.Hash)
	return translate(err)
}

// RequestEvents implements orders.CustomRequestStore.
func (s *OrdersStore) RequestEvents(ctx context.Context, requestID int64) ([]orders.RequestEvent, error) {
	var rows []requestEventRow
	if err := s.q.SelectContext(ctx, &rows, `SELECT `+requestEventColumns+` FROM custom_request_events WHERE request_id = $1 ORDER BY seq`, requestID); err != nil {
		return nil, translate(err)
	}
	out := make([]orders.RequestEvent, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.event())
	}
	return out, nil
}

// EachRequestChain implements orders.CustomRequestStore, chainBatch requests at a time.
func (s *OrdersStore) EachRequestChain(ctx context.Context, fn func(requestID int64, events []orders.RequestEvent) error) error {
	var after int64
	for {
		var ids []int64
		if err := s.q.SelectContext(ctx, &ids, `SELECT id FROM custom_requests WHERE id > $1 ORDER BY id LIMIT $2`, after, chainBatch); err != nil {
			return translate(err)
		}
		if len(ids) == 0 {
			return nil
		}
		var rows []requestEventRow
		if err := s.q.SelectContext(ctx, &rows, `SELECT `+requestEventColumns+` FROM custom_request_events WHERE request_id = ANY($1) ORDER BY request_id, seq`,
			pq.Array(ids)); err != nil {
			return translate(err)
		}
		by := make(map[int64][]orders.RequestEvent, len(ids))
		for _, r := range rows {
			by[r.RequestID] = append(by[r.RequestID], r.event())
		}
		for _, id := range ids {
			if err := fn(id, by[id]); err != nil {
				return err
			}
		}
		after = ids[len(ids)-1]
	}
}
