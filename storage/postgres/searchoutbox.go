package postgres

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog"
)

// SearchOutbox implements catalog.SearchOutbox on the search_outbox table of migration
// 00006, which triggers on listings, listing_sites and listing_images fill.
type SearchOutbox struct{ db *sqlx.DB }

// NewSearchOutbox returns the search outbox on db.
func NewSearchOutbox(db *DB) *SearchOutbox { return &SearchOutbox{db: db.DB} }

var _ catalog.SearchOutbox = (*SearchOutbox)(nil)

type searchChangeRow struct {
	ListingID int64 `db:"listing_id"`
	Seq       int64 `db:"seq"`
	Attempts  int   `db:"attempts"`
}

// ClaimSearchChanges implements catalog.SearchOutbox. FOR UPDATE SKIP LOCKED lets
// concurrent workers claim disjoint batches; a row another worker claimed and committed in
// the meantime is re-checked on its new version and no longer qualifies.
func (o *SearchOutbox) ClaimSearchChanges(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]catalog.SearchChange, error) {
	const q = `UPDATE search_outbox SET lease_until = $2
		WHERE listing_id IN (SELECT listing_id FROM search_outbox
			WHERE next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until <= $1)
			ORDER BY next_attempt_at, seq LIMIT $3 FOR UPDATE SKIP LOCKED)
		RETURNING listing_id, seq, attempts`
	var rows []searchChangeRow
	if err := o.db.SelectContext(ctx, &rows, q, now, now.Add(lease), limit); err != nil {
		return nil, translate(err)
	}
	out := make([]catalog.SearchChange, len(rows))
	for i, r := range rows {
		out[i] = catalog.SearchChange{ListingID: r.ListingID, Seq: r.Seq, Attempts: r.Attempts}
	}
	return out, nil
}

func changeArrays(changes []catalog.SearchChange) (ids, seqs []int64) {
	ids, seqs = make([]int64, len(changes)), make([]int64, len(changes))
	for i, c := range changes {
		ids[i], seqs[i] = c.ListingID, c.Seq
	}
	return ids, seqs
}

// CompleteSearchChanges implements catalog.SearchOutbox. A row whose seq moved was changed
// during the delivery: it stays, with its lease released (and its attempts reset by the
// trigger that moved it).
func (o *SearchOutbox) CompleteSearchChanges(ctx context.Context, changes []catalog.SearchChange) error {
	const q = `WITH done AS (SELECT * FROM unnest($1::bigint[], $2::bigint[]) AS d(listing_id, seq)),
		removed AS (DELETE FROM search_outbox o USING done d WHERE o.listing_id = d.listing_id AND o.seq = d.seq
			RETURNING o.listing_id)
		UPDATE search_outbox o SET lease_until = NULL FROM done d
		WHERE o.listing_id = d.listing_id AND o.seq <> d.seq`
	ids, seqs := changeArrays(changes)
	_, err := o.db.ExecContext(ctx, q, pq.Array(ids), pq.Array(seqs))
	return translate(err)
}

// FailSearchChanges implements catalog.SearchOutbox. A row changed since the claim was
// re-queued as due now by its trigger; it keeps that rather than the back-off.
func (o *SearchOutbox) FailSearchChanges(ctx context.Context, changes []catalog.SearchChange, cause string, next []time.Time) error {
	const q = `UPDATE search_outbox o SET attempts = o.attempts + 1, last_error = $4, next_attempt_at = f.next, lease_until = NULL
		FROM unnest($1::bigint[], $2::bigint[], $3::timestamptz[]) AS f(listing_id, seq, next)
		WHERE o.listing_id = f.listing_id AND o.seq = f.seq`
	const release = `UPDATE search_outbox SET lease_until = NULL WHERE listing_id = ANY($1)`
	ids, seqs := changeArrays(changes)
	if len(cause) > maxOutboxError {
		cause = cause[:maxOutboxError]
	}
	if _, err := o.db.ExecContext(ctx, q, pq.Array(ids), pq.Array(seqs), pq.Array(next), cause); err != nil {
		return translate(err)
	}
	_, err := o.db.ExecContext(ctx, release, pq.Array(ids))
	return translate(err)
}

// StuckSearchChanges implements catalog.SearchOutbox.
func (o *SearchOutbox) StuckSearchChanges(ctx context.Context, minAttempts int) (int, error) {
	var n int
	err := o.db.GetContext(ctx, &n, `SELECT count(*) FROM search_outbox WHERE attempts >= $1`, minAttempts)
	return n, translate(err)
}

// RequeueSearchChanges queues ids in the search outbox (as a change to each would), so
// that the worker delivers them as they are then; `sheber search reindex` uses it for
// the listings that changed while it ran.
func (o *SearchOutbox) RequeueSearchChanges(ctx context.Context, ids []int64) error {
	_, err := o.db.ExecContext(ctx, `SELECT search_outbox_enqueue(id) FROM unnest($1::bigint[]) AS id`, pq.Array(ids))
	return translate(err)
}

// maxOutboxError bounds the stored text of a delivery error (bytes).
const maxOutboxError = 2000

type searchDocRow struct {
	ID             int64          `db:"id"`
	Title          string         `db:"search_title"`
	Body           string         `db:"search_body"`
	TitleRU        string         `db:"title_ru"`
	TitleKK        string         `db:"title_kk"`
	TitleEN        string         `db:"title_en"`
	CategoryPath   pq.StringArray `db:"category_path"`
	Regions        pq.StringArray `db:"regions"`
	InstitutionIDs pq.Int64Array  `db:"institution_ids"`
	EnterpriseID   int64          `db:"enterprise_id"`
	PriceTiyn      int64          `db:"price_tiyn"`
	ReadyStock     int            `db:"ready_stock"`
	LeadTimeDays   int            `db:"lead_time_days"`
	Status         string         `db:"status"`
	PublishedAt    time.Time      `db:"published_at"`
}

const searchDocSelect = `l.id, l.search_title, l.search_body, l.title_ru, l.title_kk, l.title_en,
	ARRAY(WITH RECURSIVE up(code, parent) AS (
			SELECT c.code, c.parent_code FROM categories c WHERE c.code = l.category_code
			UNION ALL SELECT c.code, c.parent_code FROM categories c JOIN up ON c.code = up.parent)
		SELECT code FROM up) AS category_path,
	ARRAY(SELECT DISTINCT i.region FROM listing_sites ls
		JOIN production_sites ps ON ps.id = ls.site_id JOIN organizations i ON i.id = ps.institution_id
		WHERE ls.listing_id = l.id AND i.region IS NOT NULL ORDER BY 1) AS regions,
	ARRAY(SELECT DISTINCT ps.institution_id FROM listing_sites ls JOIN production_sites ps ON ps.id = ls.site_id
		WHERE ls.listing_id = l.id ORDER BY 1) AS institution_ids,
	l.enterprise_id, l.price_tiyn, l.ready_stock, l.lead_time_days, l.status,
	coalesce(l.published_at, l.created_at) AS published_at`

func (r searchDocRow) doc() catalog.SearchDocument {
	return catalog.SearchDocument{ID: r.ID, Title: r.Title, Body: r.Body,
		Titles:       accounts.Text{RU: r.TitleRU, KK: r.TitleKK, EN: r.TitleEN},
		CategoryPath: r.CategoryPath, Regions: r.Regions, InstitutionIDs: r.InstitutionIDs,
		EnterpriseID: r.EnterpriseID, PriceTiyn: r.PriceTiyn, InStock: r.ReadyStock > 0, LeadTimeDays: r.LeadTimeDays,
		Status: catalog.Status(r.Status), PublishedAt: r.PublishedAt.UTC()}
}

// SearchDocuments implements catalog.SearchOutbox.
func (o *SearchOutbox) SearchDocuments(ctx context.Context, ids []int64) ([]catalog.SearchDocument, error) {
	const q = `SELECT ` + searchDocSelect + ` FROM listings l WHERE l.id = ANY($1) AND l.status = 'published' ORDER BY l.id`
	var rows []searchDocRow
	if err := o.db.SelectContext(ctx, &rows, q, pq.Array(ids)); err != nil {
		return nil, translate(err)
	}
	out := make([]catalog.SearchDocument, len(rows))
	for i, r := range rows {
		out[i] = r.doc()
	}
	return out, nil
}

// PublishedSearchDocuments returns the documents of at most limit published listings
// with IDs above after, ascending: a full reindex pages through them.
func (o *SearchOutbox) PublishedSearchDocuments(ctx context.Context, after int64, limit int) ([]catalog.SearchDocument, error) {
	const q = `SELECT ` + searchDocSelect + ` FROM listings l WHERE l.id > $1 AND l.status = 'published' ORDER BY l.id LIMIT $2`
	var rows []searchDocRow
	if err := o.db.SelectContext(ctx, &rows, q, after, limit); err != nil {
		return nil, translate(err)
	}
	out := make([]catalog.SearchDocument, len(rows))
	for i, r := range rows {
		out[i] = r.doc()
	}
	return out, nil
}

// PublishedListings returns the published listings among ids, in the order of ids (a
// search engine's ranking), with their images and documents; missing and unpublished ones
// are left out.
func (s *CatalogStore) PublishedListings(ctx context.Context, ids []int64) ([]catalog.Listing, error) {
	const q = `SELECT ` + listingSelect + ` FROM listings l
		JOIN unnest($1::bigint[]) WITH ORDINALITY AS o(id, ord) ON o.id = l.id
		WHERE l.status = 'published' ORDER BY o.ord`
	var rows []listingRow
	if err := s.q.SelectContext(ctx, &rows, q, pq.Array(ids)); err != nil {
		return nil, translate(err)
	}
	out := make([]catalog.Listing, len(rows))
	for i, r := range rows {
		out[i] = r.listing()
	}
	if err := attachMedia(ctx, s.q, out); err != nil {
		return nil, err
	}
	return out, nil
}
