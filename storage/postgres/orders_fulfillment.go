package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/lib/pq"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/orders"
)

type fulfillmentRow struct {
	ID                int64          `db:"id"`
	OrderID           int64          `db:"order_id"`
	OrderNumber       string         `db:"order_number"`
	BuyerOrgID        int64          `db:"buyer_org_id"`
	BuyerRegion       sql.NullString `db:"buyer_region"`
	EnterpriseID      int64          `db:"enterprise_id"`
	SiteID            sql.NullInt64  `db:"site_id"`
	Region            string         `db:"region"`
	Status            string         `db:"status"`
	LabourMinutes     int64          `db:"labour_minutes"`
	AmountTiyn        int64          `db:"amount_tiyn"`
	CommittedTiyn     int64          `db:"committed_tiyn"`
	SpentTiyn         int64          `db:"spent_tiyn"`
	QuotedDate        sql.NullTime   `db:"quoted_date"`
	PromisedDate      sql.NullTime   `db:"promised_date"`
	DeliveredOn       sql.NullTime   `db:"delivered_on"`
	CancelRequestedBy sql.NullString `db:"cancel_requested_by"`
	CancelReason      string         `db:"cancel_reason"`
	DaysOverdue       int            `db:"days_overdue"`
	PenaltyTiyn       int64          `db:"penalty_tiyn"`
	Version           int            `db:"version"`
	CreatedAt         time.Time      `db:"created_at"`
	UpdatedAt         time.Time      `db:"updated_at"`
	Declined          pq.Int64Array  `db:"declined"`
}

func (r fulfillmentRow) fulfillment() orders.Fulfillment {
	return orders.Fulfillment{ID: r.ID, OrderID: r.OrderID, OrderNumber: r.OrderNumber, BuyerOrgID: r.BuyerOrgID,
		BuyerRegion: r.BuyerRegion.String, EnterpriseID: r.EnterpriseID, SiteID: r.SiteID.Int64, Region: r.Region,
		Status: orders.FulfillmentStatus(r.Status), LabourMinutes: r.LabourMinutes, AmountTiyn: r.AmountTiyn,
		CommittedTiyn: r.CommittedTiyn, SpentTiyn: r.SpentTiyn, QuotedDate: dateOf(r.QuotedDate),
		PromisedDate: dateOf(r.PromisedDate), DeliveredOn: dateOf(r.DeliveredOn), CancelRequestedBy: orders.Side(r.CancelRequestedBy.String),
		CancelReason: r.CancelReason, DaysOverdue: r.DaysOverdue, PenaltyTiyn: r.PenaltyTiyn, Version: r.Version,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, DeclinedSiteIDs: []int64(r.Declined)}
}

const fulfillmentColumns = `f.id, f.order_id, o.number AS order_number, o.buyer_org_id, b.region AS buyer_region, f.enterprise_id,
	f.site_id, f.region, f.status, f.labour_minutes, f.amount_tiyn, f.committed_tiyn, f.spent_tiyn, f.quoted_date,
	f.promised_date, f.delivered_on, f.cancel_requested_by, f.cancel_reason, f.days_overdue, f.penalty_tiyn, f.version,
	f.created_at, f.updated_at,
	COALESCE((SELECT array_agg(d.site_id ORDER BY d.declined_at) FROM fulfillment_declines d WHERE d.fulfillment_id = f.id), '{}') AS declined`

const fulfillmentFrom = ` FROM fulfillments f JOIN orders o ON o.id = f.order_id JOIN organizations b ON b.id = o.buyer_org_id `

// fulfillmentLineRow is a fulfillment's line as SQL (db) or JSON (json) returns it.
type fulfillmentLineRow struct {
	FulfillmentID int64  `db:"fulfillment_id" json:"-"`
	OrderLineID   int64  `db:"order_line_id" json:"order_line_id"`
	TitleRU       string `db:"title_ru" json:"title_ru"`
	TitleKK       string `db:"title_kk" json:"title_kk"`
	TitleEN       string `db:"title_en" json:"title_en"`
	Unit          string `db:"unit" json:"unit"`
	UnitPriceTiyn int64  `db:"unit_price_tiyn" json:"unit_price_tiyn"`
	Quantity      int    `db:"quantity" json:"quantity"`
	FromStock     int    `db:"from_stock" json:"from_stock"`
	Made          int    `db:"made" json:"made"`
	Shipped       int    `db:"shipped" json:"shipped"`
	Delivered     int    `db:"delivered" json:"delivered"`
	Accepted      int    `db:"accepted" json:"accepted"`
	Rejected      int    `db:"rejected" json:"rejected"`
}

func (l fulfillmentLineRow) line() orders.FulfillmentLine {
	return orders.FulfillmentLine{OrderLineID: l.OrderLineID, Title: accounts.Text{RU: l.TitleRU, KK: l.TitleKK, EN: l.TitleEN},
		Unit: l.Unit, UnitPriceTiyn: l.UnitPriceTiyn, Quantity: l.Quantity, FromStock: l.FromStock, Made: l.Made,
		Shipped: l.Shipped, Delivered: l.Delivered, Accepted: l.Accepted, Rejected: l.Rejected}
}

const fulfillmentLineFields = `fl.order_line_id, ol.title_ru, ol.title_kk, ol.title_en, ol.unit, ol.unit_price_tiyn,
	fl.quantity, fl.from_stock, fl.made, fl.shipped, fl.delivered, fl.accepted, fl.rejected`

// fulfillmentLinesJSON is each fulfillment f's lines, by position, as one JSON array.
const fulfillmentLinesJSON = `(SELECT COALESCE(json_agg(x ORDER BY x.position), '[]') FROM (SELECT ` + fulfillmentLineFields + `, ol.position
		FROM fulfillment_lines fl JOIN order_lines ol ON ol.id = fl.order_line_id WHERE fl.fulfillment_id = f.id) x) AS lines`

// fulfillments loads the fulfillments matching where (with its ORDER BY), with their lines
// and shipments. locks says where locks the fulfillments (FOR UPDATE): then their lines
// are read in a statement of their own, after the locks are held; otherwise they come in
// the fulfillments' statement, as JSON. (A statement that waited for a row's lock reads
// that row anew, but what it reads from other tables as it was when it began: lines read
// with the locking statement could be older than the fulfillment.)
func (s *OrdersStore) fulfillments(ctx context.Context, locks bool, where string, args ...any) ([]orders.Fulfillment, error) {
	lines := `, NULL::json AS lines`
	if !locks {
		lines = `, ` + fulfillmentLinesJSON
	}
	var rows []struct {
		fulfillmentRow
		Lines []byte `db:"lines"`
	}
	if err := s.q.SelectContext(ctx, &rows, `SELECT `+fulfillmentColumns+lines+fulfillmentFrom+`WHERE `+where, args...); err != nil {
		return nil, translate(err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	out := make([]orders.Fulfillment, len(rows))
	ids := make([]int64, len(rows))
	index := make(map[int64]int, len(rows))
	for i, r := range rows {
		out[i], ids[i], index[r.ID] = r.fulfillment(), r.ID, i
		if locks {
			continue
		}
		var ls []fulfillmentLineRow
		if err := json.Unmarshal(r.Lines, &ls); err != nil {
			return nil, accounts.Internal(fmt.Errorf("postgres: lines of fulfillment %d: %w", r.ID, err))
		}
		for _, l := range ls {
			out[i].Lines = append(out[i].Lines, l.line())
		}
	}
	if locks {
		const ql = `SELECT fl.fulfillment_id, ` + fulfillmentLineFields + `
			FROM fulfillment_lines fl JOIN order_lines ol ON ol.id = fl.order_line_id
			WHERE fl.fulfillment_id = ANY($1) ORDER BY fl.fulfillment_id, ol.position`
		var ls []fulfillmentLineRow
		if err := s.q.SelectContext(ctx, &ls, ql, pq.Array(ids)); err != nil {
			return nil, translate(err)
		}
		for _, l := range ls {
			f := &out[index[l.FulfillmentID]]
			f.Lines = append(f.Lines, l.line())
		}
	}
	shipments, err := s.shipments(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, sh := range shipments {
		f := &out[index[sh.FulfillmentID]]
		f.Shipments = append(f.Shipments, sh)
	}
	return out, nil
}

func (s *OrdersStore) shipments(ctx context.Context, fulfillmentIDs []int64) ([]orders.Shipment, error) {
	const q = `SELECT sh.id, sh.fulfillment_id, sh.waybill, sh.shipped_at, sh.delivered_at, sl.order_line_id, sl.quantity
		FROM shipments sh JOIN shipment_lines sl ON sl.shipment_id = sh.id
		WHERE sh.fulfillment_id = ANY($1) ORDER BY sh.id, sl.order_line_id`
	var rows []struct {
		ID            int64        `db:"id"`
		FulfillmentID int64        `db:"fulfillment_id"`
		Waybill       string       `db:"waybill"`
		ShippedAt     time.Time    `db:"shipped_at"`
		DeliveredAt   sql.NullTime `db:"delivered_at"`
		OrderLineID   int64        `db:"order_line_id"`
		Quantity      int          `db:"quantity"`
	}
	if err := s.q.SelectContext(ctx, &rows, q, pq.Array(fulfillmentIDs)); err != nil {
		return nil, translate(err)
	}
	var out []orders.Shipment
	for _, r := range rows {
		if len(out) == 0 || out[len(out)-1].ID != r.ID {
			out = append(out, orders.Shipment{ID: r.ID, FulfillmentID: r.FulfillmentID, Waybill: r.Waybill, ShippedAt: r.ShippedAt, DeliveredAt: r.DeliveredAt.Time})
		}
		sh := &out[len(out)-1]
		sh.Lines = append(sh.Lines, orders.ShipmentLine{OrderLineID: r.OrderLineID, Quantity: r.Quantity})
	}
	return out, nil
}

// createFulfillments inserts fulfillments, their lines and their bookings in one round
// trip: their ids are drawn from the sequence first (in a materialized CTE), so that the
// lines and bookings, given by the fulfillment's ordinal n, can refer to them.
const createFulfillments = `WITH ids AS MATERIALIZED (
		SELECT nextval(pg_get_serial_sequence('fulfillments', 'id')) AS id, n FROM generate_series(1, $1::int) AS n),
	f AS (INSERT INTO fulfillments (id, order_id, enterprise_id, site_id, region, status, labour_minutes, amount_tiyn,
			committed_tiyn, quoted_date)
		SELECT ids.id, u.order_id, u.enterprise_id, u.site_id, u.region, u.status, u.labour_minutes, u.amount_tiyn,
			u.committed_tiyn, u.quoted_date
		FROM unnest($2::bigint[], $3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::bigint[], $8::bigint[],
			$9::bigint[], $10::date[]) WITH ORDINALITY
			AS u(order_id, enterprise_id, site_id, region, status, labour_minutes, amount_tiyn, committed_tiyn, quoted_date, n)
		JOIN ids USING (n)
		RETURNING id, version, created_at, updated_at),
	l AS (INSERT INTO fulfillment_lines (fulfillment_id, order_line_id, quantity, from_stock, made)
		SELECT ids.id, u.order_line_id, u.quantity, u.from_stock, u.made
		FROM unnest($11::int[], $12::bigint[], $13::int[], $14::int[], $15::int[]) AS u(n, order_line_id, quantity, from_stock, made)
		JOIN ids USING (n)),
	b AS (INSERT INTO capacity_bookings (fulfillment_id, site_id, week, minutes)
		SELECT ids.id, u.site_id, u.week, u.minutes
		FROM unnest($16::int[], $17::bigint[], $18::date[], $19::bigint[]) AS u(n, site_id, week, minutes)
		JOIN ids USING (n))
	SELECT ids.n, f.id, f.version, f.created_at, f.updated_at FROM f JOIN ids USING (id)`

// CreateFulfillments implements orders.Store.
func (s *OrdersStore) CreateFulfillments(ctx context.Context, fs []*orders.Fulfillment, bookings [][]orders.WeekLoad) error {
	if len(fs) == 0 {
		return nil
	}
	var (
		orderIDs, enterpriseIDs, labour, amounts, committed []int64
		siteIDs                                             []sql.NullInt64
		regions, statuses                                   []string
		quoted                                              []sql.NullString
		lineN, lineQty, lineStock, lineMade                 []int
		lineIDs                                             []int64
		bookN                                               []int
		bookSites, bookMinutes                              []int64
		bookWeeks                                           []string
	)
	for i, f := range fs {
		n := i + 1
		orderIDs, enterpriseIDs = append(orderIDs, f.OrderID), append(enterpriseIDs, f.EnterpriseID)
		siteIDs = append(siteIDs, nullInt(f.SiteID))
		regions, statuses = append(regions, f.Region), append(statuses, string(f.Status))
		labour, amounts, committed = append(labour, f.LabourMinutes), append(amounts, f.AmountTiyn), append(committed, f.CommittedTiyn)
		quoted = append(quoted, sql.NullString{String: f.QuotedDate.String(), Valid: !f.QuotedDate.IsZero()})
		for _, l := range f.Lines {
			lineN, lineIDs = append(lineN, n), append(lineIDs, l.OrderLineID)
			lineQty, lineStock, lineMade = append(lineQty, l.Quantity), append(lineStock, l.FromStock), append(lineMade, l.Made)
		}
		if i < len(bookings) {
			for _, w := range bookings[i] {
				bookN, bookSites = append(bookN, n), append(bookSites, f.SiteID)
				bookWeeks, bookMinutes = append(bookWeeks, w.Week.String()), append(bookMinutes, w.Minutes)
			}
		}
	}
	rows, err := s.q.QueryxContext(ctx, createFulfillments, len(fs),
		pq.Array(orderIDs), pq.Array(enterpriseIDs), pq.Array(siteIDs), pq.Array(regions), pq.Array(statuses),
		pq.Array(labour), pq.Array(amounts), pq.Array(committed), pq.Array(quoted),
		pq.Array(lineN), pq.Array(lineIDs), pq.Array(lineQty), pq.Array(lineStock), pq.Array(lineMade),
		pq.Array(bookN), pq.Array(bookSites), pq.Array(bookWeeks), pq.Array(bookMinutes))
	if err != nil {
		return translate(err)
	}
	defer rows.Close()
	created := 0
	for rows.Next() {
		var n int
		var id int64
		var version int
		var createdAt, updatedAt time.Time
		if err := rows.Scan(&n, &id, &version, &createdAt, &updatedAt); err != nil {
			return translate(err)
		}
		f := fs[n-1]
		f.ID, f.Version, f.CreatedAt, f.UpdatedAt = id, version, createdAt, updatedAt
		created++
	}
	if err := rows.Err(); err != nil {
		return translate(err)
	}
	if created != len(fs) {
		return fmt.Errorf("postgres: %d of %d fulfillments created", created, len(fs))
	}
	return nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// Fulfillment implements orders.Store.
func (s *OrdersStore) Fulfillment(ctx context.Context, id int64, lock bool) (orders.Fulfillment, error) {
	where := `f.id = $1`
	if lock {
		where += ` FOR UPDATE OF f`
	}
	fs, err := s.fulfillments(ctx, lock, where, id)
	if err != nil {
		return orders.Fulfillment{}, err
	}
	if len(fs) == 0 {
		return orders.Fulfillment{}, &accounts.Error{Code: accounts.CodeNotFound, Message: "no such fulfillment order"}
	}
	return fs[0], nil
}

// UpdateFulfillment implements orders.Store.
func (s *OrdersStore) UpdateFulfillment(ctx context.Context, f *orders.Fulfillment) error {
	const q = `UPDATE fulfillments SET site_id = $2, region = $3, status = $4, labour_minutes = $5, committed_tiyn = $6,
			spent_tiyn = $7, quoted_date = $8, promised_date = $9, delivered_on = $10, cancel_requested_by = $11,
			cancel_reason = $12, days_overdue = $13, penalty_tiyn = $14, version = version + 1, updated_at = now()
		WHERE id = $1 RETURNING version, updated_at`
	var side any
	if f.CancelRequestedBy != "" {
		side = string(f.CancelRequestedBy)
	}
	if err := s.q.QueryRowxContext(ctx, q, f.ID, nullID(f.SiteID), f.Region, f.Status, f.LabourMinutes, f.CommittedTiyn,
		f.SpentTiyn, dateArg(f.QuotedDate), dateArg(f.PromisedDate), dateArg(f.DeliveredOn), side, f.CancelReason,
		f.DaysOverdue, f.PenaltyTiyn).Scan(&f.Version, &f.UpdatedAt); err != nil {
		return translate(err)
	}
	const ql = `UPDATE fulfillment_lines SET made = $3, shipped = $4, delivered = $5, accepted = $6, rejected = $7
		WHERE fulfillment_id = $1 AND order_line_id = $2`
	for _, l := range f.Lines {
		if _, err := s.q.ExecContext(ctx, ql, f.ID, l.OrderLineID, l.Made, l.Shipped, l.Delivered, l.Accepted, l.Rejected); err != nil {
			return translate(err)
		}
	}
	return nil
}

// Queue implements orders.Store.
func (s *OrdersStore) Queue(ctx context.Context, q orders.QueueFilter) ([]orders.Fulfillment, error) {
	statuses := make([]string, 0, len(q.Statuses))
	for _, st := range q.Statuses {
		statuses = append(statuses, string(st))
	}
	where := `($1 = 0 OR f.enterprise_id = $1) AND ($2 = 0 OR f.site_id = $2) AND (cardinality($3::text[]) = 0 OR f.status = ANY($3))
		AND ($4 = 0 OR f.order_id = $4)
		ORDER BY COALESCE(f.promised_date, f.quoted_date) NULLS LAST, f.id LIMIT $5`
	lists := *s // the queue's read on the main pool (listQ), the rest of it as usual
	lists.q = s.listQ()
	return lists.fulfillments(ctx, false, where, q.EnterpriseID, q.SiteID, pq.Array(statuses), q.OrderID, q.Limit)
}

// AddDecline implements orders.Store.
func (s *OrdersStore) AddDecline(ctx context.Context, fulfillmentID, siteID, userID int64, reason string, at time.Time) error {
	const q = `INSERT INTO fulfillment_declines (fulfillment_id, site_id, declined_by, reason, declined_at) VALUES ($1, $2, $3, $4, $5)`
	_, err := s.q.ExecContext(ctx, q, fulfillmentID, siteID, nullID(userID), reason, at)
	return translate(err)
}

// --- sites and capacity ---

type siteRow struct {
	ID                  int64  `db:"id"`
	EnterpriseID        int64  `db:"enterprise_id"`
	InstitutionID       int64  `db:"institution_id"`
	Region              string `db:"region"`
	Code                string `db:"code"`
	NameRU              string `db:"name_ru"`
	NameKK              string `db:"name_kk"`
	NameEN              string `db:"name_en"`
	InstRU              string `db:"inst_ru"`
	InstKK              string `db:"inst_kk"`
	InstEN              string `db:"inst_en"`
	WorkshopKind        string `db:"workshop_kind"`
	WeeklyCapacityHours int    `db:"weekly_capacity_hours"`
}

func (r siteRow) site() orders.Site {
	return orders.Site{ID: r.ID, EnterpriseID: r.EnterpriseID, InstitutionID: r.InstitutionID, Region: r.Region, Code: r.Code,
		Name: accounts.Text{RU: r.NameRU, KK: r.NameKK, EN: r.NameEN}, InstitutionName: accounts.Text{RU: r.InstRU, KK: r.InstKK, EN: r.InstEN},
		WorkshopKind: accounts.WorkshopKind(r.WorkshopKind), WeeklyCapacityHours: r.WeeklyCapacityHours}
}

// siteFields are a siteRow's, from production_sites s joined with their institutions i.
const siteFields = `s.id, s.enterprise_id, s.institution_id, COALESCE(i.region, '') AS region, s.code, s.name_ru, s.name_kk, s.name_en,
	i.name_ru AS inst_ru, i.name_kk AS inst_kk, i.name_en AS inst_en, s.workshop_kind, s.weekly_capacity_hours`

const siteColumns = siteFields + `
	FROM production_sites s JOIN organizations i ON i.id = s.institution_id`

// Sites implements orders.Store.
func (s *OrdersStore) Sites(ctx context.Context, enterpriseID int64) ([]orders.Site, error) {
	var rows []siteRow
	if err := s.q.SelectContext(ctx, &rows, `SELECT `+siteColumns+` WHERE s.enterprise_id = $1 ORDER BY s.code`, enterpriseID); err != nil {
		return nil, translate(err)
	}
	out := make([]orders.Site, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.site())
	}
	return out, nil
}

// SitesWithRecords implements orders.Store: the sites and their closed fulfillments
// counted in one statement.
func (s *OrdersStore) SitesWithRecords(ctx context.Context, ids []int64) ([]orders.Site, map[int64]orders.OnTimeRecord, error) {
	const q = `SELECT ` + siteFields + `, r.closed, r.on_time
		FROM production_sites s JOIN organizations i ON i.id = s.institution_id
		CROSS JOIN LATERAL (SELECT count(*) AS closed, count(*) FILTER (WHERE f.delivered_on <= f.promised_date) AS on_time
			FROM fulfillments f WHERE f.site_id = s.id AND f.status = 'closed') r
		WHERE s.id = ANY($1) ORDER BY s.id`
	var rows []struct {
		siteRow
		Closed int `db:"closed"`
		OnTime int `db:"on_time"`
	}
	if err := s.q.SelectContext(ctx, &rows, q, pq.Array(ids)); err != nil {
		return nil, nil, translate(err)
	}
	sites := make([]orders.Site, 0, len(rows))
	records := make(map[int64]orders.OnTimeRecord, len(rows))
	for _, r := range rows {
		sites = append(sites, r.site())
		if r.Closed > 0 {
			records[r.ID] = orders.OnTimeRecord{Closed: r.Closed, OnTime: r.OnTime}
		}
	}
	return sites, records, nil
}

// Site implements orders.Store.
func (s *OrdersStore) Site(ctx context.Context, id int64) (orders.Site, error) {
	var r siteRow
	if err := s.q.GetContext(ctx, &r, `SELECT `+siteColumns+` WHERE s.id = $1`, id); err != nil {
		return orders.Site{}, translate(err)
	}
	return r.site(), nil
}

// LockSites implements orders.Store. FOR NO KEY UPDATE serializes routings of a site
// without waiting for the key-share locks that bookings and fulfillments referring to it
// hold.
func (s *OrdersStore) LockSites(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := s.q.ExecContext(ctx, `SELECT id FROM production_sites WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE`, pq.Array(ids))
	return translate(err)
}

// SiteLoad implements orders.Store.
func (s *OrdersStore) SiteLoad(ctx context.Context, siteIDs []int64, from orders.Date) (map[int64]map[orders.Date]int64, error) {
	const q = `SELECT site_id, week, sum(minutes) AS minutes FROM capacity_bookings
		WHERE site_id = ANY($1) AND week >= $2 GROUP BY site_id, week`
	var rows []struct {
		SiteID  int64     `db:"site_id"`
		Week    time.Time `db:"week"`
		Minutes int64     `db:"minutes"`
	}
	if err := s.q.SelectContext(ctx, &rows, q, pq.Array(siteIDs), from.String()); err != nil {
		return nil, translate(err)
	}
	out := make(map[int64]map[orders.Date]int64, len(siteIDs))
	for _, id := range siteIDs {
		out[id] = map[orders.Date]int64{}
	}
	for _, r := range rows {
		out[r.SiteID][orders.DateFromTime(r.Week)] = r.Minutes
	}
	return out, nil
}

// Book implements orders.Store.
func (s *OrdersStore) Book(ctx context.Context, fulfillmentID, siteID int64, weeks []orders.WeekLoad) error {
	const q = `INSERT INTO capacity_bookings (fulfillment_id, site_id, week, minutes) VALUES ($1, $2, $3, $4)
		ON CONFLICT (fulfillment_id, site_id, week) DO UPDATE SET minutes = capacity_bookings.minutes + EXCLUDED.minutes`
	for _, w := range weeks {
		if _, err := s.q.ExecContext(ctx, q, fulfillmentID, siteID, w.Week.String(), w.Minutes); err != nil {
			return translate(err)
		}
	}
	return nil
}

// ReleaseBookings implements orders.Store.
func (s *OrdersStore) ReleaseBookings(ctx context.Context, fulfillmentID int64) error {
	_, err := s.q.ExecContext(ctx, `DELETE FROM capacity_bookings WHERE fulfillment_id = $1`, fulfillmentID)
	return translate(err)
}

// OnTimeRecords implements orders.Store.
func (s *OrdersStore) OnTimeRecords(ctx context.Context, siteIDs []int64) (map[int64]orders.OnTimeRecord, error) {
	const q = `SELECT site_id, count(*) AS closed, count(*) FILTER (WHERE delivered_on <= promised_date) AS on_time
		FROM fulfillments WHERE site_id = ANY($1) AND status = 'closed' GROUP BY site_id`
	var rows []struct {
		SiteID int64 `db:"site_id"`
		Closed int   `db:"closed"`
		OnTime int   `db:"on_time"`
	}
	if err := s.q.SelectContext(ctx, &rows, q, pq.Array(siteIDs)); err != nil {
		return nil, translate(err)
	}
	out := make(map[int64]orders.OnTimeRecord, len(rows))
	for _, r := range rows {
		out[r.SiteID] = orders.OnTimeRecord{Closed: r.Closed, OnTime: r.OnTime}
	}
	return out, nil
}

// --- shipments and acceptances ---

// CreateShipment implements orders.Store.
func (s *OrdersStore) CreateShipment(ctx context.Context, sh *orders.Shipment) error {
	const q = `INSERT INTO shipments (fulfillment_id, waybill, shipped_at) VALUES ($1, $2, $3) RETURNING id`
	if err := s.q.QueryRowxContext(ctx, q, sh.FulfillmentID, sh.Waybill, sh.ShippedAt).Scan(&sh.ID); err != nil {
		return translate(err)
	}
	for _, l := range sh.Lines {
		if _, err := s.q.ExecContext(ctx, `INSERT INTO shipment_lines (shipment_id, order_line_id, quantity) VALUES ($1, $2, $3)`,
			sh.ID, l.OrderLineID, l.Quantity); err != nil {
			return translate(err)
		}
	}
	return nil
}

// MarkShipmentsDelivered implements orders.Store.
func (s *OrdersStore) MarkShipmentsDelivered(ctx context.Context, fulfillmentID int64, at time.Time) ([]orders.Shipment, error) {
	var ids []int64
	if err := s.q.SelectContext(ctx, &ids, `UPDATE shipments SET delivered_at = $2 WHERE fulfillment_id = $1 AND delivered_at IS NULL RETURNING id`,
		fulfillmentID, at); err != nil {
		return nil, translate(err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	all, err := s.shipments(ctx, []int64{fulfillmentID})
	if err != nil {
		return nil, err
	}
	var out []orders.Shipment
	for _, sh := range all {
		for _, id := range ids {
			if sh.ID == id {
				out = append(out, sh)
			}
		}
	}
	return out, nil
}

// CreateAcceptance implements orders.Store.
func (s *OrdersStore) CreateAcceptance(ctx context.Context, a *orders.Acceptance) error {
	const q = `INSERT INTO acceptances (fulfillment_id, accepted_at, accepted_by, defect_reason, days_overdue, penalty_tiyn)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`
	if err := s.q.QueryRowxContext(ctx, q, a.FulfillmentID, a.AcceptedAt, nullID(a.AcceptedBy), a.DefectReason, a.DaysOverdue, a.PenaltyTiyn).
		Scan(&a.ID); err != nil {
		return translate(err)
	}
	for _, l := range a.Lines {
		if _, err := s.q.ExecContext(ctx, `INSERT INTO acceptance_lines (acceptance_id, order_line_id, accepted, rejected) VALUES ($1, $2, $3, $4)`,
			a.ID, l.OrderLineID, l.Accepted, l.Rejected); err != nil {
			return translate(err)
		}
	}
	return nil
}

// acceptanceRow is an acceptances row as the stores read it.
type acceptanceRow struct {
	ID            int64         `db:"id"`
	FulfillmentID int64         `db:"fulfillment_id"`
	AcceptedAt    time.Time     `db:"accepted_at"`
	AcceptedBy    sql.NullInt64 `db:"accepted_by"`
	DefectReason  string        `db:"defect_reason"`
	DaysOverdue   int           `db:"days_overdue"`
	PenaltyTiyn   int64         `db:"penalty_tiyn"`
}

func (r acceptanceRow) acceptance() orders.Acceptance {
	return orders.Acceptance{ID: r.ID, FulfillmentID: r.FulfillmentID, AcceptedAt: r.AcceptedAt, AcceptedBy: r.AcceptedBy.Int64,
		DefectReason: r.DefectReason, DaysOverdue: r.DaysOverdue, PenaltyTiyn: r.PenaltyTiyn}
}

// Acceptances implements orders.Store.
func (s *OrdersStore) Acceptances(ctx context.Context, fulfillmentID int64) ([]orders.Acceptance, error) {
	const q = `SELECT a.id, a.fulfillment_id, a.accepted_at, a.accepted_by, a.defect_reason, a.days_overdue, a.penalty_tiyn,
			l.order_line_id, l.accepted, l.rejected
		FROM acceptances a JOIN acceptance_lines l ON l.acceptance_id = a.id
		WHERE a.fulfillment_id = $1 ORDER BY a.id, l.order_line_id`
	var rows []struct {
		acceptanceRow
		OrderLineID int64 `db:"order_line_id"`
		Accepted    int   `db:"accepted"`
		Rejected    int   `db:"rejected"`
	}
	if err := s.q.SelectContext(ctx, &rows, q, fulfillmentID); err != nil {
		return nil, translate(err)
	}
	var out []orders.Acceptance
	for _, r := range rows {
		if len(out) == 0 || out[len(out)-1].ID != r.ID {
			out = append(out, r.acceptance())
		}
		a := &out[len(out)-1]
		a.Lines = append(a.Lines, orders.AcceptanceLine{OrderLineID: r.OrderLineID, Accepted: r.Accepted, Rejected: r.Rejected})
	}
	return out, nil
}
