package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/lib/pq"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog"
)

// importBatch is how many listings one statement of a bulk write carries: each statement
// sends its rows as arrays (unnest), so 10,000 listings are ten round trips, not 10,000.
const importBatch = 1000

// importLockClass is the first key of the advisory locks that serialize an enterprise's
// imports (the second is the enterprise); two-key locks never meet the migrations'
// one-key lock.
const importLockClass = 0x53484249 // "SHBI"

// LockImports implements catalog.Store with a transaction-level advisory lock.
func (s *CatalogStore) LockImports(ctx context.Context, enterpriseID int64) error {
	const q = `SELECT pg_advisory_xact_lock($1::int, ($2::bigint % 2147483647)::int)`
	_, err := s.q.ExecContext(ctx, q, importLockClass, enterpriseID)
	return translate(err)
}

// ListingsByExternalCode implements catalog.Store; the rows are locked FOR UPDATE.
func (s *CatalogStore) ListingsByExternalCode(ctx context.Context, enterpriseID int64, codes []string) ([]catalog.Listing, error) {
	const q = `SELECT ` + listingSelect + ` FROM listings l
		WHERE l.enterprise_id = $1 AND l.external_code = ANY($2::text[])
		ORDER BY l.id FOR UPDATE OF l`
	var rows []listingRow
	if err := s.q.SelectContext(ctx, &rows, q, enterpriseID, pq.Array(codes)); err != nil {
		return nil, translate(err)
	}
	out := make([]catalog.Listing, len(rows))
	for i, r := range rows {
		out[i] = r.listing()
	}
	return out, nil
}

// listingColumns are the arrays of a batch of listings, one per column, in the order of
// listingUnnest.
type listingColumns struct {
	ids, versions, enterprises                                  []int64
	external, titleRU, titleKK, titleEN, descRU, descKK, descEN []string
	category                                                    []string
	length, width, height                                       []int64
	matRU, matKK, matEN, colRU, colKK, colEN                    []string
	standard, ageGroup, certification, unit                     []string
	price                                                       []int64
	vat                                                         []bool
	minOrder, leadTime, labour, stock                           []int64
	status, publishedAt, searchTitle, searchBody                []string
}

// listingUnnest turns the 34 arrays of listingColumns.args back into rows named u.
const listingUnnest = `unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[],
		$8::text[], $9::text[], $10::text[], $11::text[], $12::bigint[], $13::bigint[], $14::bigint[],
		$15::text[], $16::text[], $17::text[], $18::text[], $19::text[], $20::text[], $21::text[], $22::text[], $23::text[],
		$24::text[], $25::bigint[], $26::boolean[], $27::bigint[], $28::bigint[], $29::bigint[], $30::bigint[],
		$31::text[], $32::text[], $33::text[], $34::text[])
	AS u(id, version, enterprise_id, external_code, title_ru, title_kk, title_en, description_ru, description_kk, description_en,
		category_code, length_mm, width_mm, height_mm, material_ru, material_kk, material_en, colour_ru, colour_kk, colour_en,
		standard, age_group, certification, unit, price_tiyn, vat_included, min_order_qty, lead_time_days,
		labour_minutes_per_unit, ready_stock, status, published_at, search_title, search_body)`

func newListingColumns(ls []*catalog.Listing) listingColumns {
	var c listingColumns
	for _, l := range ls {
		a := l.Attributes
		search := searchArgs(l)
		published := ""
		if l.PublishedAt != nil {
			published = l.PublishedAt.UTC().Format(time.RFC3339Nano)
		}
		c.ids, c.versions, c.enterprises = append(c.ids, l.ID), append(c.versions, int64(l.Version)), append(c.enterprises, l.EnterpriseID)
		c.external, c.titleRU, c.titleKK, c.titleEN = append(c.external, l.ExternalCode), append(c.titleRU, l.Title.RU), append(c.titleKK, l.Title.KK), append(c.titleEN, l.Title.EN)
		c.descRU, c.descKK, c.descEN = append(c.descRU, l.Description.RU), append(c.descKK, l.Description.KK), append(c.descEN, l.Description.EN)
		c.category = append(c.category, l.CategoryCode)
		c.length, c.width, c.height = append(c.length, int64(a.LengthMM)), append(c.width, int64(a.WidthMM)), append(c.height, int64(a.HeightMM))
		c.matRU, c.matKK, c.matEN = append(c.matRU, a.Material.RU), append(c.matKK, a.Material.KK), append(c.matEN, a.Material.EN)
		c.colRU, c.colKK, c.colEN = append(c.colRU, a.Colour.RU), append(c.colKK, a.Colour.KK), append(c.colEN, a.Colour.EN)
		c.standard, c.ageGroup, c.certification = append(c.standard, a.Standard), append(c.ageGroup, a.AgeGroup), append(c.certification, a.Certification)
		c.unit, c.price, c.vat = append(c.unit, string(l.Unit)), append(c.price, l.PriceTiyn), append(c.vat, l.VATIncluded)
		c.minOrder, c.leadTime = append(c.minOrder, int64(l.MinOrderQty)), append(c.leadTime, int64(l.LeadTimeDays))
		c.labour, c.stock = append(c.labour, int64(l.LabourMinutesPerUnit)), append(c.stock, int64(l.ReadyStock))
		c.status, c.publishedAt = append(c.status, string(l.Status)), append(c.publishedAt, published)
		c.searchTitle, c.searchBody = append(c.searchTitle, search[0].(string)), append(c.searchBody, search[1].(string))
	}
	return c
}

func (c listingColumns) args() []any {
	arrays := []any{c.ids, c.versions, c.enterprises, c.external, c.titleRU, c.titleKK, c.titleEN, c.descRU, c.descKK, c.descEN,
		c.category, c.length, c.width, c.height, c.matRU, c.matKK, c.matEN, c.colRU, c.colKK, c.colEN,
		c.standard, c.ageGroup, c.certification, c.unit, c.price, c.vat, c.minOrder, c.leadTime, c.labour, c.stock,
		c.status, c.publishedAt, c.searchTitle, c.searchBody}
	out := make([]any, len(arrays))
	for i, a := range arrays {
		out[i] = pq.Array(a)
	}
	return out
}

// batches calls fn with consecutive slices of ls of at most importBatch listings.
func batches(ls []*catalog.Listing, fn func([]*catalog.Listing) error) error {
	for start := 0; start < len(ls); start += importBatch {
		if err := fn(ls[start:min(start+importBatch, len(ls))]); err != nil {
			return err
		}
	}
	return nil
}

// CreateListings implements catalog.Store. The IDs are drawn from the sequence first, so
// that each row written is known by its ID without relying on the order of RETURNING.
func (s *CatalogStore) CreateListings(ctx context.Context, ls []*catalog.Listing) error {
	const ids = `SELECT nextval(pg_get_serial_sequence('listings', 'id')) FROM generate_series(1, $1)`
	const q = `INSERT INTO listings (id, enterprise_id, external_code, title_ru, title_kk, title_en,
			description_ru, description_kk, description_en, category_code, length_mm, width_mm, height_mm,
			material_ru, material_kk, material_en, colour_ru, colour_kk, colour_en, standard, age_group, certification,
			unit, price_tiyn, vat_included, min_order_qty, lead_time_days, labour_minutes_per_unit, ready_stock,
			status, published_at, search_title, search_body)
		SELECT u.id, u.enterprise_id, NULLIF(u.external_code, ''), u.title_ru, u.title_kk, u.title_en,
			u.description_ru, u.description_kk, u.description_en, u.category_code, u.length_mm, u.width_mm, u.height_mm,
			u.material_ru, u.material_kk, u.material_en, u.colour_ru, u.colour_kk, u.colour_en, u.standard, u.age_group, u.certification,
			u.unit, u.price_tiyn, u.vat_included, u.min_order_qty, u.lead_time_days, u.labour_minutes_per_unit, u.ready_stock,
			u.status, NULLIF(u.published_at, '')::timestamptz, u.search_title, u.search_body
		FROM ` + listingUnnest + `
		RETURNING id, version, created_at, updated_at`
	return inTx(ctx, s.db, s.q, func(tx queryer) error {
		return batches(ls, func(batch []*catalog.Listing) error {
			var newIDs []int64
			if err := tx.SelectContext(ctx, &newIDs, ids, len(batch)); err != nil {
				return translate(err)
			}
			for i, l := range batch {
				l.ID, l.Version = newIDs[i], 1
			}
			stamps, err := writeBatch(ctx, tx, q, batch)
			if err != nil {
				return err
			}
			return replaceSites(ctx, tx, batch, stamps, false)
		})
	})
}

// stamp is what the database set on a written listing.
type stamp struct {
	ID        int64     `db:"id"`
	Version   int       `db:"version"`
	CreatedAt time.Time `db:"created_at"`
	UpdatedAt time.Time `db:"updated_at"`
}

// writeBatch runs an INSERT or UPDATE over listingUnnest and sets each listing's version
// and times from what it returns; it returns the stamps by ID.
func writeBatch(ctx context.Context, tx queryer, q string, batch []*catalog.Listing) (map[int64]stamp, error) {
	var rows []stamp
	if err := tx.SelectContext(ctx, &rows, q, newListingColumns(batch).args()...); err != nil {
		return nil, translateListing(err)
	}
	byID := make(map[int64]stamp, len(rows))
	for _, r := range rows {
		byID[r.ID] = r
	}
	return byID, nil
}

// replaceSites writes the sites of a batch whose rows were just written (stamps), after
// deleting the old ones when the listings existed before.
func replaceSites(ctx context.Context, tx queryer, batch []*catalog.Listing, stamps map[int64]stamp, existed bool) error {
	const del = `DELETE FROM listing_sites WHERE listing_id = ANY($1::bigint[])`
	const ins = `INSERT INTO listing_sites (listing_id, site_id, enterprise_id)
		SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[])`
	var ids, listingIDs, siteIDs, enterprises []int64
	for _, l := range batch {
		st := stamps[l.ID]
		l.Version, l.UpdatedAt = st.Version, st.UpdatedAt.UTC()
		if !existed {
			l.CreatedAt = st.CreatedAt.UTC()
		}
		l.SiteIDs = sortedSites(l.SiteIDs)
		ids = append(ids, l.ID)
		for _, site := range l.SiteIDs {
			listingIDs, siteIDs, enterprises = append(listingIDs, l.ID), append(siteIDs, site), append(enterprises, l.EnterpriseID)
		}
	}
	if existed {
		if _, err := tx.ExecContext(ctx, del, pq.Array(ids)); err != nil {
			return translate(err)
		}
	}
	if len(listingIDs) == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, ins, pq.Array(listingIDs), pq.Array(siteIDs), pq.Array(enterprises))
	return translateListing(err)
}

// UpdateListings implements catalog.Store. As in UpdateListing, the version check and the
// write are one statement; a listing never moves to another enterprise (the stored one is
// kept) and its creation time stays.
func (s *CatalogStore) UpdateListings(ctx context.Context, ls []*catalog.Listing) error {
	const q = `UPDATE listings l SET external_code = NULLIF(u.external_code, ''), title_ru = u.title_ru, title_kk = u.title_kk,
			title_en = u.title_en, description_ru = u.description_ru, description_kk = u.description_kk,
			description_en = u.description_en, category_code = u.category_code,
			length_mm = u.length_mm, width_mm = u.width_mm, height_mm = u.height_mm,
			material_ru = u.material_ru, material_kk = u.material_kk, material_en = u.material_en,
			colour_ru = u.colour_ru, colour_kk = u.colour_kk, colour_en = u.colour_en,
			standard = u.standard, age_group = u.age_group, certification = u.certification,
			unit = u.unit, price_tiyn = u.price_tiyn, vat_included = u.vat_included, min_order_qty = u.min_order_qty,
			lead_time_days = u.lead_time_days, labour_minutes_per_unit = u.labour_minutes_per_unit, ready_stock = u.ready_stock,
			status = u.status, published_at = NULLIF(u.published_at, '')::timestamptz,
			search_title = u.search_title, search_body = u.search_body, version = l.version + 1, updated_at = now()
		FROM ` + listingUnnest + `
		WHERE l.id = u.id AND l.version = u.version AND l.enterprise_id = u.enterprise_id
		RETURNING l.id, l.version, l.created_at, l.updated_at`
	return inTx(ctx, s.db, s.q, func(tx queryer) error {
		return batches(ls, func(batch []*catalog.Listing) error {
			stamps, err := writeBatch(ctx, tx, q, batch)
			if err != nil {
				return err
			}
			if len(stamps) != len(batch) {
				return &accounts.Error{Code: accounts.CodeConflict, Message: "listings were changed while the import ran; run it again",
					Fields: map[string]string{"version": fmt.Sprintf("%d of %d listings had moved on", len(batch)-len(stamps), len(batch))}}
			}
			return replaceSites(ctx, tx, batch, stamps, true)
		})
	})
}

// AddPricePoints implements catalog.Store in one statement per batch. A zero From means
// now.
func (s *CatalogStore) AddPricePoints(ctx context.Context, points []catalog.ListingPrice) error {
	const q = `INSERT INTO listing_prices (listing_id, price_tiyn, vat_included, valid_from, changed_by)
		SELECT u.listing_id, u.price_tiyn, u.vat_included, coalesce(NULLIF(u.valid_from, '')::timestamptz, now()), NULLIF(u.changed_by, 0)
		FROM unnest($1::bigint[], $2::bigint[], $3::boolean[], $4::text[], $5::bigint[])
			AS u(listing_id, price_tiyn, vat_included, valid_from, changed_by)`
	return inTx(ctx, s.db, s.q, func(tx queryer) error {
		for start := 0; start < len(points); start += importBatch {
			var ids, prices, changedBy []int64
			var vat []bool
			var from []string
			for _, p := range points[start:min(start+importBatch, len(points))] {
				at := ""
				if !p.From.IsZero() {
					at = p.From.UTC().Format(time.RFC3339Nano)
				}
				ids, prices, vat, from, changedBy = append(ids, p.ListingID), append(prices, p.PriceTiyn), append(vat, p.VATIncluded), append(from, at), append(changedBy, p.ChangedBy)
			}
			if _, err := tx.ExecContext(ctx, q, pq.Array(ids), pq.Array(prices), pq.Array(vat), pq.Array(from), pq.Array(changedBy)); err != nil {
				return translateListing(err)
			}
		}
		return nil
	})
}
