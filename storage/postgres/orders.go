package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/orders"
)

// OrdersStore implements orders.Store.
type OrdersStore struct {
	db *sqlx.DB
	q  queryer
	// pending holds back, in a transaction's store, the appends that nothing in the
	// transaction reads again (events, notifications), to write them in one statement
	// each just before the commit; nil outside a transaction.
	pending *pendingWrites
	// gate admits at most MaxOrderTransactions transactions at once (shared by the
	// store's copies).
	gate chan struct{}
	// lists runs the list reads with optional filters outside transactions: on the main
	// pool, whose plans are made for the values (q is on the generic pool, see DB).
	lists queryer
}

// listQ is where a list read with optional filters runs: the transaction if s is in one,
// else the main pool.
func (s *OrdersStore) listQ() queryer {
	if isTx(s.q) || s.lists == nil {
		return s.q
	}
	return s.lists
}

// MaxOrderTransactions bounds the orders transactions one process runs at once; the
// others wait for their turn in the process (within their request's deadline) before
// they begin. Orders transactions lock production sites and listings until they commit:
// past a few at once on 2 cores they mostly wait for each other's locks while holding
// their own, and the order rate falls as the load grows (the orders benchmark placed 175
// orders/s with 8 clients and 120 with 32). Alternating 10 s runs of the benchmark with 4,
// 8 and 16 at once: 253-261, 260 and 237-238 orders/s, p99 176-204, 246 and 345-361 ms.
const MaxOrderTransactions = 4

// NewOrdersStore returns the orders store on db.
func NewOrdersStore(db *DB) *OrdersStore {
	return &OrdersStore{db: db.generic, q: db.preparedGeneric(), lists: db.prepared(),
		gate: make(chan struct{}, MaxOrderTransactions)}
}

var _ orders.Store = (*OrdersStore)(nil)

// txAttempts is how often a transaction of orders is run when PostgreSQL picks it as the
// victim of a deadlock: the locks of one order (sites, stock) are taken in id order, but
// an order and a fulfillment transition can still meet the other way round, rarely.
const txAttempts = 3

// InTx implements orders.Store. It waits for its turn at the store's gate (at most
// MaxOrderTransactions at once); a transaction PostgreSQL aborts for a deadlock is run
// again, up to txAttempts times.
func (s *OrdersStore) InTx(ctx context.Context, fn func(orders.Store) error) error {
	if isTx(s.q) {
		return fn(s)
	}
	select {
	case s.gate <- struct{}{}:
		defer func() { <-s.gate }()
	case <-ctx.Done():
		return translate(ctx.Err())
	}
	var err error
	for attempt := 0; attempt < txAttempts; attempt++ {
		err = inTx(ctx, s.db, s.q, func(q queryer) error {
			tx := &OrdersStore{db: s.db, q: q, gate: s.gate, pending: &pendingWrites{last: map[int64]orders.Event{}, created: map[int64]bool{}}}
			if err := fn(tx); err != nil {
				return err
			}
			return tx.flush(ctx)
		})
		var pqErr *pq.Error
		if !errors.As(err, &pqErr) || pqErr.Code != "40P01" {
			return err
		}
	}
	return err
}

// dateArg is a date as a DATE parameter (NULL for the zero date).
func dateArg(d orders.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

func dateOf(t sql.NullTime) orders.Date {
	if !t.Valid {
		return orders.Date{}
	}
	return orders.DateFromTime(t.Time)
}

// --- settings and budget lines ---

// Settings implements orders.Store.
func (s *OrdersStore) Settings(ctx context.Context, orgID int64) (orders.Settings, error) {
	set := orders.Settings{OrgID: orgID}
	err := s.q.GetContext(ctx, &set.ApprovalRequired, `SELECT approval_required FROM buyer_settings WHERE org_id = $1`, orgID)
	if errors.Is(err, sql.ErrNoRows) {
		return set, nil
	}
	return set, translate(err)
}

// SaveSettings implements orders.Store.
func (s *OrdersStore) SaveSettings(ctx context.Context, set orders.Settings) error {
	const q = `INSERT INTO buyer_settings (org_id, approval_required) VALUES ($1, $2)
		ON CONFLICT (org_id) DO UPDATE SET approval_required = EXCLUDED.approval_required, updated_at = now()`
	_, err := s.q.ExecContext(ctx, q, set.OrgID, set.ApprovalRequired)
	return translate(err)
}

type budgetRow struct {
	ID            int64     `db:"id"`
	OrgID         int64     `db:"org_id"`
	Year          int       `db:"year"`
	Code          string    `db:"code"`
	Name          string    `db:"name"`
	AmountTiyn    int64     `db:"amount_tiyn"`
	CommittedTiyn int64     `db:"committed_tiyn"`
	SpentTiyn     int64     `db:"spent_tiyn"`
	CreatedAt     time.Time `db:"created_at"`
}

func (r budgetRow) line() orders.BudgetLine {
	return orders.BudgetLine{ID: r.ID, OrgID: r.OrgID, Year: r.Year, Code: r.Code, Name: r.Name, AmountTiyn: r.AmountTiyn,
		CommittedTiyn: r.CommittedTiyn, SpentTiyn: r.SpentTiyn, CreatedAt: r.CreatedAt}
}

const budgetColumns = `id, org_id, year, code, name, amount_tiyn, committed_tiyn, spent_tiyn, created_at`

// BudgetLines implements orders.Store.
func (s *OrdersStore) BudgetLines(ctx context.Context, orgID int64, year int) ([]orders.BudgetLine, error) {
	q := `SELECT ` + budgetColumns + ` FROM budget_lines WHERE org_id = $1 AND ($2 = 0 OR year = $2) ORDER BY year DESC, code`
	var rows []budgetRow
	if err := s.listQ().SelectContext(ctx, &rows, q, orgID, year); err != nil {
		return nil, translate(err)
	}
	out := make([]orders.BudgetLine, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.line())
	}
	return out, nil
}

// BudgetLine implements orders.Store.
func (s *OrdersStore) BudgetLine(ctx context.Context, id int64) (orders.BudgetLine, error) {
	var r budgetRow
	if err := s.q.GetContext(ctx, &r, `SELECT `+budgetColumns+` FROM budget_lines WHERE id = $1`, id); err != nil {
		return orders.BudgetLine{}, translate(err)
	}
	return r.line(), nil
}

// CreateBudgetLine implements orders.Store.
func (s *OrdersStore) CreateBudgetLine(ctx context.Context, b *orders.BudgetLine) error {
	const q = `INSERT INTO budget_lines (org_id, year, code, name, amount_tiyn) VALUES ($1, $2, $3, $4, $5) RETURNING id, created_at`
	return translate(s.q.QueryRowxContext(ctx, q, b.OrgID, b.Year, b.Code, b.Name, b.AmountTiyn).Scan(&b.ID, &b.CreatedAt))
}

// CommitBudget implements orders.Store: one UPDATE whose condition is the budget rule, so
// that concurrent submissions serialize on the line's row and none overspends.
func (s *OrdersStore) CommitBudget(ctx context.Context, lineID, amount int64) (bool, error) {
	const q = `UPDATE budget_lines SET committed_tiyn = committed_tiyn + $2
		WHERE id = $1 AND committed_tiyn + spent_tiyn + $2 <= amount_tiyn`
	res, err := s.q.ExecContext(ctx, q, lineID, amount)
	if err != nil {
		return false, translate(err)
	}
	n, err := res.RowsAffected()
	return n == 1, translate(err)
}

// ReleaseBudget implements orders.Store.
func (s *OrdersStore) ReleaseBudget(ctx context.Context, lineID, amount int64) error {
	res, err := s.q.ExecContext(ctx, `UPDATE budget_lines SET committed_tiyn = committed_tiyn - $2 WHERE id = $1`, lineID, amount)
	return affected(res, err, "no such budget line")
}

// SpendBudget implements orders.Store.
func (s *OrdersStore) SpendBudget(ctx context.Context, lineID, amount int64) error {
	const q = `UPDATE budget_lines SET committed_tiyn = committed_tiyn - $2, spent_tiyn = spent_tiyn + $2 WHERE id = $1`
	res, err := s.q.ExecContext(ctx, q, lineID, amount)
	return affected(res, err, "no such budget line")
}

// --- carts and listings ---

type cartListingRow struct {
	ID                   int64         `db:"id"`
	EnterpriseID         int64         `db:"enterprise_id"`
	CategoryCode         string        `db:"category_code"`
	TitleRU              string        `db:"title_ru"`
	TitleKK              string        `db:"title_kk"`
	TitleEN              string        `db:"title_en"`
	Unit                 string        `db:"unit"`
	PriceTiyn            int64         `db:"price_tiyn"`
	VATIncluded          bool          `db:"vat_included"`
	MinOrderQty          int           `db:"min_order_qty"`
	LeadTimeDays         int           `db:"lead_time_days"`
	LabourMinutesPerUnit int           `db:"labour_minutes_per_unit"`
	ReadyStock           int           `db:"ready_stock"`
	Status               string        `db:"status"`
	SiteIDs              pq.Int64Array `db:"site_ids"`
	EnterpriseSubtype    string        `db:"enterprise_subtype"`
}

func (r cartListingRow) listing() orders.CartListing {
	return orders.CartListing{EnterpriseID: r.EnterpriseID, CategoryCode: r.CategoryCode,
		Title: accounts.Text{RU: r.TitleRU, KK: r.TitleKK, EN: r.TitleEN}, Unit: r.Unit, UnitPriceTiyn: r.PriceTiyn,
		VATIncluded: r.VATIncluded, MinOrderQty: r.MinOrderQty, LeadTimeDays: r.LeadTimeDays,
		LabourMinutesPerUnit: r.LabourMinutesPerUnit, ReadyStock: r.ReadyStock, Published: r.Status == "published",
		SiteIDs: []int64(r.SiteIDs), EnterpriseSubtype: accounts.Subtype(r.EnterpriseSubtype)}
}

// cartListingColumns are read from listings l joined with their enterprises e, so that an
// order learns its producers' subtypes (which choose its procurement route) with its
// listings, in the same statement.
const cartListingColumns = `l.id, l.enterprise_id, l.category_code, l.title_ru, l.title_kk, l.title_en, l.unit, l.price_tiyn,
	l.vat_included, l.min_order_qty, l.lead_time_days, l.labour_minutes_per_unit, l.ready_stock, l.status,
	COALESCE((SELECT array_agg(ls.site_id ORDER BY ls.site_id) FROM listing_sites ls WHERE ls.listing_id = l.id), '{}') AS site_ids,
	e.subtype AS enterprise_subtype`

// Listings implements orders.Store.
func (s *OrdersStore) Listings(ctx context.Context, ids []int64) (map[int64]orders.CartListing, error) {
	q := `SELECT ` + cartListingColumns + ` FROM listings l JOIN organizations e ON e.id = l.enterprise_id WHERE l.id = ANY($1)`
	var rows []cartListingRow
	if err := s.q.SelectContext(ctx, &rows, q, pq.Array(ids)); err != nil {
		return nil, translate(err)
	}
	out := make(map[int64]orders.CartListing, len(rows))
	for _, r := range rows {
		out[r.ID] = r.listing()
	}
	return out, nil
}

// Cart implements orders.Store.
func (s *OrdersStore) Cart(ctx context.Context, orgID, userID int64) ([]orders.CartItem, error) {
	q := `SELECT c.quantity, c.added_at, ` + cartListingColumns + `
		FROM cart_items c JOIN listings l ON l.id = c.listing_id JOIN organizations e ON e.id = l.enterprise_id
		WHERE c.org_id = $1 AND c.user_id = $2 ORDER BY c.added_at, l.id`
	var rows []struct {
		Quantity int       `db:"quantity"`
		AddedAt  time.Time `db:"added_at"`
		cartListingRow
	}
	if err := s.q.SelectContext(ctx, &rows, q, orgID, userID); err != nil {
		return nil, translate(err)
	}
	out := make([]orders.CartItem, 0, len(rows))
	for _, r := range rows {
		out = append(out, orders.CartItem{ListingID: r.ID, Quantity: r.Quantity, AddedAt: r.AddedAt, Listing: r.listing()})
	}
	return out, nil
}

// SetCartItem implements orders.Store.
func (s *OrdersStore) SetCartItem(ctx context.Context, orgID, userID, listingID int64, quantity int) error {
	if quantity == 0 {
		_, err := s.q.ExecContext(ctx, `DELETE FROM cart_items WHERE org_id = $1 AND user_id = $2 AND listing_id = $3`, orgID, userID, listingID)
		return translate(err)
	}
	const q = `INSERT INTO cart_items (org_id, user_id, listing_id, quantity) VALUES ($1, $2, $3, $4)
		ON CONFLICT (org_id, user_id, listing_id) DO UPDATE SET quantity = EXCLUDED.quantity`
	_, err := s.q.ExecContext(ctx, q, orgID, userID, listingID, quantity)
	return translate(err)
}

// ClearCart implements orders.Store.
func (s *OrdersStore) ClearCart(ctx context.Context, orgID, userID int64) error {
	_, err := s.q.ExecContext(ctx, `DELETE FROM cart_items WHERE org_id = $1 AND user_id = $2`, orgID, userID)
	return translate(err)
}

// ReserveStock implements orders.Store in one statement: each row's own arithmetic, so a
// stock never goes negative whatever runs at the same time. The rows are locked in id
// order (so two orders of the same listings do not deadlock), FOR NO KEY UPDATE as an
// UPDATE locks: it does not wait for the key-share locks of order lines referring to them.
func (s *OrdersStore) ReserveStock(ctx context.Context, want map[int64]int) (map[int64]int, error) {
	ids, qty := make([]int64, 0, len(want)), make([]int64, 0, len(want))
	for id, n := range want {
		if n > 0 {
			ids, qty = append(ids, id), append(qty, int64(n))
		}
	}
	took := make(map[int64]int, len(ids))
	if len(ids) == 0 {
		return took, nil
	}
	const q = `UPDATE listings l SET ready_stock = l.ready_stock - least(l.ready_stock, old.want)
		FROM (SELECT x.id, x.ready_stock, u.want FROM listings x JOIN unnest($1::bigint[], $2::bigint[]) AS u(id, want) ON u.id = x.id
			WHERE x.ready_stock > 0 ORDER BY x.id FOR NO KEY UPDATE OF x) old
		WHERE l.id = old.id
		RETURNING l.id, least(old.ready_stock, old.want)`
	rows, err := s.q.QueryContext(ctx, q, pq.Array(ids), pq.Array(qty))
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, translate(err)
		}
		took[id] = n
	}
	return took, translate(rows.Err())
}

// ReturnStock implements orders.Store.
func (s *OrdersStore) ReturnStock(ctx context.Context, listingID int64, n int) error {
	_, err := s.q.ExecContext(ctx, `UPDATE listings SET ready_stock = ready_stock + $2 WHERE id = $1`, listingID, n)
	return translate(err)
}

// --- orders ---

type orderRow struct {
	ID               int64          `db:"id"`
	Number           string         `db:"number"`
	BuyerOrgID       int64          `db:"buyer_org_id"`
	BuyerRegion      sql.NullString `db:"buyer_region"`
	CreatedBy        sql.NullInt64  `db:"created_by"`
	Status           string         `db:"status"`
	DeliveryAddress  string         `db:"delivery_address"`
	DeliveryRegion   string         `db:"delivery_region"`
	RequestedDate    sql.NullTime   `db:"requested_date"`
	BudgetLineID     int64          `db:"budget_line_id"`
	Note             string         `db:"note"`
	ProcurementRoute string         `db:"procurement_route"`
	PenaltyPerDay    int            `db:"penalty_bp_per_day"`
	PenaltyCap       int            `db:"penalty_cap_bp"`
	TotalTiyn        int64          `db:"total_tiyn"`
	CommittedTiyn    int64          `db:"committed_tiyn"`
	SpentTiyn        int64          `db:"spent_tiyn"`
	Version          int            `db:"version"`
	CreatedAt        time.Time      `db:"created_at"`
	UpdatedAt        time.Time      `db:"updated_at"`
	SubmittedAt      sql.NullTime   `db:"submitted_at"`
}

func (r orderRow) order() orders.Order {
	return orders.Order{ID: r.ID, Number: r.Number, BuyerOrgID: r.BuyerOrgID, BuyerRegion: r.BuyerRegion.String,
		CreatedBy: r.CreatedBy.Int64, Status: orders.Status(r.Status), DeliveryAddress: r.DeliveryAddress,
		DeliveryRegion: r.DeliveryRegion, RequestedDate: dateOf(r.RequestedDate), BudgetLineID: r.BudgetLineID, Note: r.Note,
		ProcurementRoute: r.ProcurementRoute, Penalty: orders.PenaltyRule{BasisPointsPerDay: r.PenaltyPerDay, CapBasisPoints: r.PenaltyCap}, TotalTiyn: r.TotalTiyn, CommittedTiyn: r.CommittedTiyn, SpentTiyn: r.SpentTiyn,
		Version: r.Version, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, SubmittedAt: r.SubmittedAt.Time}
}

const orderColumns = `o.id, o.number, o.buyer_org_id, b.region AS buyer_region, o.created_by, o.status, o.delivery_address,
	o.delivery_region, o.requested_date, o.budget_line_id, o.note, o.procurement_route, o.penalty_bp_per_day, o.penalty_cap_bp, o.total_tiyn, o.committed_tiyn,
	o.spent_tiyn, o.version, o.created_at, o.updated_at, o.submitted_at`

// CreateOrder implements orders.Store in one statement: the order, then its lines with
// the order's new id; the lines' ids come back with their positions. The number is
// "SH-<year>-<sequence>".
func (s *OrdersStore) CreateOrder(ctx context.Context, o *orders.Order) error {
	const q = `WITH o AS (
			INSERT INTO orders (number, buyer_org_id, created_by, status, delivery_address, delivery_region, requested_date,
				budget_line_id, note, procurement_route, penalty_bp_per_day, penalty_cap_bp, total_tiyn)
			VALUES ('SH-' || to_char(now() AT TIME ZONE 'Asia/Almaty', 'YYYY') || '-' || lpad(nextval('order_number_seq')::text, 6, '0'),
				$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
			RETURNING id, number, version, created_at, updated_at),
		l AS (
			INSERT INTO order_lines (order_id, position, listing_id, enterprise_id, category_code, title_ru, title_kk, title_en,
				unit, unit_price_tiyn, vat_included, quantity, labour_minutes_per_unit, lead_time_days, amount_tiyn)
			SELECT o.id, u.* FROM o, unnest($13::int[], $14::bigint[], $15::bigint[], $16::text[], $17::text[], $18::text[], $19::text[],
				$20::text[], $21::bigint[], $22::boolean[], $23::int[], $24::int[], $25::int[], $26::bigint[]) AS u
			RETURNING position, id)
		SELECT o.id, o.number, o.version, o.created_at, o.updated_at,
			COALESCE((SELECT array_agg(l.position ORDER BY l.position) FROM l), '{}') AS positions,
			COALESCE((SELECT array_agg(l.id ORDER BY l.position) FROM l), '{}') AS line_ids
		FROM o`
	var createdBy any
	if o.CreatedBy != 0 {
		createdBy = o.CreatedBy
	}
	var (
		positions, quantities, labour, leads []int
		listings                             []sql.NullInt64
		enterprises, prices, amounts         []int64
		categories, ru, kk, en, units        []string
		vat                                  []bool
	)
	byPosition := make(map[int64]*orders.Line, len(o.Lines))
	for i := range o.Lines {
		l := &o.Lines[i]
		byPosition[int64(l.Position)] = l
		positions, listings = append(positions, l.Position), append(listings, nullInt(l.ListingID))
		enterprises, categories = append(enterprises, l.EnterpriseID), append(categories, l.CategoryCode)
		ru, kk, en, units = append(ru, l.Title.RU), append(kk, l.Title.KK), append(en, l.Title.EN), append(units, l.Unit)
		prices, vat, quantities = append(prices, l.UnitPriceTiyn), append(vat, l.VATIncluded), append(quantities, l.Quantity)
		labour, leads, amounts = append(labour, l.LabourMinutesPerUnit), append(leads, l.LeadTimeDays), append(amounts, l.AmountTiyn)
	}
	var linePositions, lineIDs pq.Int64Array
	err := s.q.QueryRowxContext(ctx, q, o.BuyerOrgID, createdBy, o.Status, o.DeliveryAddress, o.DeliveryRegion,
		dateArg(o.RequestedDate), o.BudgetLineID, o.Note, o.ProcurementRoute, o.Penalty.BasisPointsPerDay, o.Penalty.CapBasisPoints, o.TotalTiyn,
		pq.Array(positions), pq.Array(listings), pq.Array(enterprises), pq.Array(categories),
		pq.Array(ru), pq.Array(kk), pq.Array(en), pq.Array(units), pq.Array(prices), pq.Array(vat), pq.Array(quantities),
		pq.Array(labour), pq.Array(leads), pq.Array(amounts)).
		Scan(&o.ID, &o.Number, &o.Version, &o.CreatedAt, &o.UpdatedAt, &linePositions, &lineIDs)
	if err != nil {
		return translate(err)
	}
	if s.pending != nil {
		s.pending.created[o.ID] = true
	}
	for i, position := range linePositions {
		if l, ok := byPosition[position]; ok && i < len(lineIDs) {
			l.ID = lineIDs[i]
		}
	}
	return nil
}

// orderLineFields are an order line's, as linesByOrder and Order read them.
const orderLineFields = `id, order_id, position, listing_id, enterprise_id, category_code, title_ru, title_kk, title_en, unit,
	unit_price_tiyn, vat_included, quantity, labour_minutes_per_unit, lead_time_days, amount_tiyn`

// Order implements orders.Store. The order's lines come with it, as one JSON array in the
// same statement: they are written with the order and never change, so that they are
// the order's even when the statement waited for the order's lock.
func (s *OrdersStore) Order(ctx context.Context, id int64, lock bool) (orders.Order, error) {
	q := `SELECT ` + orderColumns + `,
			(SELECT COALESCE(json_agg(x ORDER BY x.position), '[]') FROM (SELECT ` + orderLineFields + `
				FROM order_lines WHERE order_id = o.id) x) AS lines
		FROM orders o JOIN organizations b ON b.id = o.buyer_org_id WHERE o.id = $1`
	if lock {
		q += ` FOR UPDATE OF o`
	}
	var r struct {
		orderRow
		Lines []byte `db:"lines"`
	}
	if err := s.q.GetContext(ctx, &r, q, id); err != nil {
		return orders.Order{}, translate(err)
	}
	o := r.order()
	var lines []lineRow
	if err := json.Unmarshal(r.Lines, &lines); err != nil {
		return orders.Order{}, accounts.Internal(fmt.Errorf("postgres: lines of order %d: %w", id, err))
	}
	for _, l := range lines {
		o.Lines = append(o.Lines, l.line())
	}
	var err error
	if o.Fulfillments, err = s.fulfillments(ctx, false, `f.order_id = $1 ORDER BY f.id`, id); err != nil {
		return orders.Order{}, err
	}
	return o, nil
}

// lineRow is an order line as SQL (db) or JSON (json) returns it.
type lineRow struct {
	ID                   int64         `db:"id" json:"id"`
	OrderID              int64         `db:"order_id" json:"order_id"`
	Position             int           `db:"position" json:"position"`
	ListingID            sql.NullInt64 `db:"listing_id" json:"-"`
	JSONListingID        *int64        `db:"-" json:"listing_id"`
	EnterpriseID         int64         `db:"enterprise_id" json:"enterprise_id"`
	CategoryCode         string        `db:"category_code" json:"category_code"`
	TitleRU              string        `db:"title_ru" json:"title_ru"`
	TitleKK              string        `db:"title_kk" json:"title_kk"`
	TitleEN              string        `db:"title_en" json:"title_en"`
	Unit                 string        `db:"unit" json:"unit"`
	UnitPriceTiyn        int64         `db:"unit_price_tiyn" json:"unit_price_tiyn"`
	VATIncluded          bool          `db:"vat_included" json:"vat_included"`
	Quantity             int           `db:"quantity" json:"quantity"`
	LabourMinutesPerUnit int           `db:"labour_minutes_per_unit" json:"labour_minutes_per_unit"`
	LeadTimeDays         int           `db:"lead_time_days" json:"lead_time_days"`
	AmountTiyn           int64         `db:"amount_tiyn" json:"amount_tiyn"`
}

func (r lineRow) line() orders.Line {
	listingID := r.ListingID.Int64
	if r.JSONListingID != nil {
		listingID = *r.JSONListingID
	}
	return orders.Line{ID: r.ID, Position: r.Position, ListingID: listingID, EnterpriseID: r.EnterpriseID,
		CategoryCode: r.CategoryCode, Title: accounts.Text{RU: r.TitleRU, KK: r.TitleKK, EN: r.TitleEN}, Unit: r.Unit,
		UnitPriceTiyn: r.UnitPriceTiyn, VATIncluded: r.VATIncluded, Quantity: r.Quantity,
		LabourMinutesPerUnit: r.LabourMinutesPerUnit, LeadTimeDays: r.LeadTimeDays, AmountTiyn: r.AmountTiyn}
}

// linesByOrder returns the lines of each of the orders, by position.
func (s *OrdersStore) linesByOrder(ctx context.Context, orderIDs []int64) (map[int64][]orders.Line, error) {
	const q = `SELECT ` + orderLineFields + ` FROM order_lines WHERE order_id = ANY($1) ORDER BY order_id, position`
	var rows []lineRow
	if err := s.q.SelectContext(ctx, &rows, q, pq.Array(orderIDs)); err != nil {
		return nil, translate(err)
	}
	out := make(map[int64][]orders.Line, len(orderIDs))
	for _, r := range rows {
		out[r.OrderID] = append(out[r.OrderID], r.line())
	}
	return out, nil
}

// UpdateOrder implements orders.Store.
func (s *OrdersStore) UpdateOrder(ctx context.Context, o *orders.Order) error {
	const q = `UPDATE orders SET status = $2, committed_tiyn = $3, spent_tiyn = $4, submitted_at = $5, procurement_route = $6,
			version = version + 1, updated_at = now()
		WHERE id = $1 RETURNING version, updated_at`
	var submitted any
	if !o.SubmittedAt.IsZero() {
		submitted = o.SubmittedAt
	}
	return translate(s.q.QueryRowxContext(ctx, q, o.ID, o.Status, o.CommittedTiyn, o.SpentTiyn, submitted, o.ProcurementRoute).
		Scan(&o.Version, &o.UpdatedAt))
}

// Orders implements orders.Store.
func (s *OrdersStore) Orders(ctx context.Context, f orders.OrderFilter) ([]orders.Order, error) {
	q := `SELECT ` + orderColumns + ` FROM orders o JOIN organizations b ON b.id = o.buyer_org_id
		WHERE ($1 = 0 OR o.buyer_org_id = $1) AND ($2 = '' OR b.region = $2) AND ($3 = '' OR o.status = $3)
			AND ($4 = 0 OR o.id < $4)
		ORDER BY o.id DESC LIMIT $5`
	var rows []orderRow
	if err := s.listQ().SelectContext(ctx, &rows, q, f.BuyerOrgID, f.Region, f.Status, f.BeforeID, f.Limit); err != nil {
		return nil, translate(err)
	}
	out := make([]orders.Order, 0, len(rows))
	ids := make([]int64, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.order())
		ids = append(ids, r.ID)
	}
	lines, err := s.linesByOrder(ctx, ids)
	if err != nil {
		return nil, err
	}
	fs, err := s.fulfillments(ctx, false, `f.order_id = ANY($1) ORDER BY f.id`, pq.Array(ids))
	if err != nil {
		return nil, err
	}
	byOrder := map[int64]*orders.Order{}
	for i := range out {
		out[i].Lines = lines[out[i].ID]
		byOrder[out[i].ID] = &out[i]
	}
	for _, f := range fs {
		if o := byOrder[f.OrderID]; o != nil {
			o.Fulfillments = append(o.Fulfillments, f)
		}
	}
	return out, nil
}
