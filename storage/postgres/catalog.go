package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog"
)

// CatalogStore implements catalog.Store.
type CatalogStore struct {
	db *sqlx.DB
	q  queryer
}

// NewCatalogStore returns a catalog.Store on db.
func NewCatalogStore(db *DB) *CatalogStore { return &CatalogStore{db: db.DB, q: db.DB} }

var _ catalog.Store = (*CatalogStore)(nil)

// InTx implements catalog.Store.
func (s *CatalogStore) InTx(ctx context.Context, fn func(catalog.Store) error) error {
	return inTx(ctx, s.db, s.q, func(q queryer) error { return fn(&CatalogStore{db: s.db, q: q}) })
}

type categoryRow struct {
	Code         string         `db:"code"`
	ParentCode   sql.NullString `db:"parent_code"`
	NameRU       string         `db:"name_ru"`
	NameKK       string         `db:"name_kk"`
	NameEN       string         `db:"name_en"`
	Position     int            `db:"position"`
	WorkshopKind string         `db:"workshop_kind"`
}

func (r categoryRow) category() catalog.Category {
	return catalog.Category{Code: r.Code, ParentCode: r.ParentCode.String, Name: accounts.Text{RU: r.NameRU, KK: r.NameKK, EN: r.NameEN},
		Position: r.Position, WorkshopKind: accounts.WorkshopKind(r.WorkshopKind)}
}

// Categories implements catalog.Store. The tree is walked depth first from the top-level
// categories, each node sorted by the path of (position, code) pairs from its root, so a
// parent comes before its children and siblings follow their positions. The path is text
// compared under the C collation: zero-padded positions sort as numbers and no locale
// skips the separators.
func (s *CatalogStore) Categories(ctx context.Context) ([]catalog.Category, error) {
	const q = `WITH RECURSIVE tree AS (
			SELECT c.*, lpad(c.position::text, 10, '0') || ':' || c.code AS path
			FROM categories c WHERE c.parent_code IS NULL
			UNION ALL
			SELECT c.*, t.path || '/' || lpad(c.position::text, 10, '0') || ':' || c.code
			FROM categories c JOIN tree t ON c.parent_code = t.code
		)
		SELECT code, parent_code, name_ru, name_kk, name_en, position, workshop_kind
		FROM tree ORDER BY path COLLATE "C"`
	var rows []categoryRow
	if err := s.q.SelectContext(ctx, &rows, q); err != nil {
		return nil, translate(err)
	}
	out := make([]catalog.Category, len(rows))
	for i, r := range rows {
		out[i] = r.category()
	}
	return out, nil
}

type listingRow struct {
	ID                   int64          `db:"id"`
	EnterpriseID         int64          `db:"enterprise_id"`
	ExternalCode         sql.NullString `db:"external_code"`
	TitleRU              string         `db:"title_ru"`
	TitleKK              string         `db:"title_kk"`
	TitleEN              string         `db:"title_en"`
	DescriptionRU        string         `db:"description_ru"`
	DescriptionKK        string         `db:"description_kk"`
	DescriptionEN        string         `db:"description_en"`
	CategoryCode         string         `db:"category_code"`
	LengthMM             int            `db:"length_mm"`
	WidthMM              int            `db:"width_mm"`
	HeightMM             int            `db:"height_mm"`
	MaterialRU           string         `db:"material_ru"`
	MaterialKK           string         `db:"material_kk"`
	MaterialEN           string         `db:"material_en"`
	ColourRU             string         `db:"colour_ru"`
	ColourKK             string         `db:"colour_kk"`
	ColourEN             string         `db:"colour_en"`
	Standard             string         `db:"standard"`
	AgeGroup             string         `db:"age_group"`
	Certification        string         `db:"certification"`
	Unit                 string         `db:"unit"`
	PriceTiyn            int64          `db:"price_tiyn"`
	VATIncluded          bool           `db:"vat_included"`
	MinOrderQty          int            `db:"min_order_qty"`
	LeadTimeDays         int            `db:"lead_time_days"`
	LabourMinutesPerUnit int            `db:"labour_minutes_per_unit"`
	ReadyStock           int            `db:"ready_stock"`
	Status               string         `db:"status"`
	Version              int            `db:"version"`
	CreatedAt            time.Time      `db:"created_at"`
	UpdatedAt            time.Time      `db:"updated_at"`
	PublishedAt          sql.NullTime   `db:"published_at"`
	SiteIDs              pq.Int64Array  `db:"site_ids"`
}

// listingSelect reads a listing (aliased l) with its site ids, ascending.
const listingSelect = `l.id, l.enterprise_id, l.external_code, l.title_ru, l.title_kk, l.title_en,
	l.description_ru, l.description_kk, l.description_en, l.category_code, l.length_mm, l.width_mm, l.height_mm,
	l.material_ru, l.material_kk, l.material_en, l.colour_ru, l.colour_kk, l.colour_en, l.standard, l.age_group, l.certification,
	l.unit, l.price_tiyn, l.vat_included, l.min_order_qty, l.lead_time_days, l.labour_minutes_per_unit, l.ready_stock,
	l.status, l.version, l.created_at, l.updated_at, l.published_at,
	ARRAY(SELECT ls.site_id FROM listing_sites ls WHERE ls.listing_id = l.id ORDER BY ls.site_id) AS site_ids`

func (r listingRow) listing() catalog.Listing {
	var sites []int64 // nil for none, as the domain makes it
	if len(r.SiteIDs) > 0 {
		sites = []int64(r.SiteIDs)
	}
	return catalog.Listing{
		ID: r.ID, EnterpriseID: r.EnterpriseID, ExternalCode: r.ExternalCode.String,
		Title:        accounts.Text{RU: r.TitleRU, KK: r.TitleKK, EN: r.TitleEN},
		Description:  accounts.Text{RU: r.DescriptionRU, KK: r.DescriptionKK, EN: r.DescriptionEN},
		CategoryCode: r.CategoryCode,
		Attributes: catalog.Attributes{
			LengthMM: r.LengthMM, WidthMM: r.WidthMM, HeightMM: r.HeightMM,
			Material: accounts.Text{RU: r.MaterialRU, KK: r.MaterialKK, EN: r.MaterialEN},
			Colour:   accounts.Text{RU: r.ColourRU, KK: r.ColourKK, EN: r.ColourEN},
			Standard: r.Standard, AgeGroup: r.AgeGroup, Certification: r.Certification,
		},
		Unit: catalog.Unit(r.Unit), PriceTiyn: r.PriceTiyn, VATIncluded: r.VATIncluded, MinOrderQty: r.MinOrderQty,
		LeadTimeDays: r.LeadTimeDays, LabourMinutesPerUnit: r.LabourMinutesPerUnit, ReadyStock: r.ReadyStock,
		SiteIDs: sites, Status: catalog.Status(r.Status), Version: r.Version,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(), PublishedAt: timePtr(r.PublishedAt),
	}
}

func nullTime(t *time.Time) sql.NullTime {
	if t == nil {
		return sql.NullTime{}
	}
	return sql.NullTime{Time: t.UTC(), Valid: true}
}

// listingArgs are the values of a listing's content columns, from external_code to
// published_at: $2 to $30 in both CreateListing's INSERT and UpdateListing's UPDATE.
func listingArgs(l *catalog.Listing) []any {
	a := l.Attributes
	return []any{nullString(l.ExternalCode), l.Title.RU, l.Title.KK, l.Title.EN,
		l.Description.RU, l.Description.KK, l.Description.EN, l.CategoryCode, a.LengthMM, a.WidthMM, a.HeightMM,
		a.Material.RU, a.Material.KK, a.Material.EN, a.Colour.RU, a.Colour.KK, a.Colour.EN, a.Standard, a.AgeGroup, a.Certification,
		l.Unit, l.PriceTiyn, l.VATIncluded, l.MinOrderQty, l.LeadTimeDays, l.LabourMinutesPerUnit, l.ReadyStock,
		l.Status, nullTime(l.PublishedAt)}
}

// translateListing is translate with the listing tables' constraints named in the terms of
// the domain (the field names are the API's, as in catalog's validation).
func translateListing(err error) error {
	var pqErr *pq.Error
	if !errors.As(err, &pqErr) {
		return translate(err)
	}
	invalid := func(field, problem string) error {
		return &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed", Fields: map[string]string{field: problem}, Err: err}
	}
	switch pqErr.Constraint {
	case "listings_enterprise_external_code":
		return &accounts.Error{Code: accounts.CodeConflict, Message: "this external code is already used",
			Fields: map[string]string{"external_code": "already used by another listing of this enterprise"}, Err: err}
	case "listing_sites_site_fkey":
		return invalid("site_ids", "a site is not one of this enterprise's production sites")
	case "listing_sites_pkey":
		return invalid("site_ids", "a site is listed twice")
	case "listings_category_fkey":
		return invalid("category", "unknown category")
	case "listings_enterprise_fkey":
		return invalid("enterprise_id", "no such organization")
	case "listing_prices_listing_fkey":
		return &accounts.Error{Code: accounts.CodeNotFound, Message: "no such listing", Err: err}
	}
	return translate(err)
}

// CreateListing implements catalog.Store. The row and its sites are written together: in
// the caller's transaction, or in one of their own.
func (s *CatalogStore) CreateListing(ctx context.Context, l *catalog.Listing) error {
	const q = `INSERT INTO listings (enterprise_id, external_code, title_ru, title_kk, title_en,
			description_ru, description_kk, description_en, category_code, length_mm, width_mm, height_mm,
			material_ru, material_kk, material_en, colour_ru, colour_kk, colour_en, standard, age_group, certification,
			unit, price_tiyn, vat_included, min_order_qty, lead_time_days, labour_minutes_per_unit, ready_stock,
			status, published_at, search_title, search_body)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
			$21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32)
		RETURNING id, version, created_at, updated_at, published_at`
	var (
		id                   int64
		version              int
		createdAt, updatedAt time.Time
		publishedAt          sql.NullTime
	)
	err := inTx(ctx, s.db, s.q, func(tx queryer) error {
		args := append(append([]any{l.EnterpriseID}, listingArgs(l)...), searchArgs(l)...)
		if err := tx.QueryRowxContext(ctx, q, args...).Scan(&id, &version, &createdAt, &updatedAt, &publishedAt); err != nil {
			return translateListing(err)
		}
		return insertSites(ctx, tx, id, l.EnterpriseID, l.SiteIDs)
	})
	if err != nil {
		return err
	}
	// l changes only once the listing is stored: a failed attempt leaves it as it was.
	// Times as stored: in UTC, to the microsecond.
	l.ID, l.Version, l.CreatedAt, l.UpdatedAt = id, version, createdAt.UTC(), updatedAt.UTC()
	l.PublishedAt, l.SiteIDs = timePtr(publishedAt), sortedSites(l.SiteIDs)
	return nil
}

// insertSites links a listing to its sites in one statement. The composite foreign key
// refuses a site of another enterprise.
func insertSites(ctx context.Context, q queryer, listingID, enterpriseID int64, siteIDs []int64) error {
	if len(siteIDs) == 0 {
		return nil
	}
	const ins = `INSERT INTO listing_sites (listing_id, site_id, enterprise_id)
		SELECT $1, site_id, $3 FROM unnest($2::bigint[]) AS site_id`
	_, err := q.ExecContext(ctx, ins, listingID, pq.Array(siteIDs), enterpriseID)
	return translateListing(err)
}

// sortedSites returns a sorted copy of ids (nil for none): the order in which Listing
// reads them back, so that a listing just written equals the one read.
func sortedSites(ids []int64) []int64 {
	if len(ids) == 0 {
		return nil
	}
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}

// Listing implements catalog.Store. The row and its sites come from one statement, so
// they are of one snapshot: never the row of one version with the sites of another.
func (s *CatalogStore) Listing(ctx context.Context, id int64) (catalog.Listing, error) {
	const q = `SELECT ` + listingSelect + ` FROM listings l WHERE l.id = $1`
	var r listingRow
	if err := s.q.GetContext(ctx, &r, q, id); err != nil {
		return catalog.Listing{}, translate(err)
	}
	ls := []catalog.Listing{r.listing()}
	if err := attachMedia(ctx, s.q, ls); err != nil {
		return catalog.Listing{}, err
	}
	return ls[0], nil
}

// UpdateListing implements catalog.Store. The version check and the write are one
// statement, so of concurrent edits based on the same version exactly one wins: the others
// wait for its row lock and then no longer match. The listing's enterprise and creation
// time never change (l.EnterpriseID is set back to the stored one); its sites are
// replaced in the same transaction as the row.
func (s *CatalogStore) UpdateListing(ctx context.Context, l *catalog.Listing, expectedVersion int) error {
	const q = `UPDATE listings SET external_code = $2, title_ru = $3, title_kk = $4, title_en = $5,
			description_ru = $6, description_kk = $7, description_en = $8, category_code = $9,
			length_mm = $10, width_mm = $11, height_mm = $12,
			material_ru = $13, material_kk = $14, material_en = $15, colour_ru = $16, colour_kk = $17, colour_en = $18,
			standard = $19, age_group = $20, certification = $21,
			unit = $22, price_tiyn = $23, vat_included = $24, min_order_qty = $25, lead_time_days = $26,
			labour_minutes_per_unit = $27, ready_stock = $28, status = $29, published_at = $30,
			search_title = $32, search_body = $33, version = version + 1, updated_at = now()
		WHERE id = $1 AND version = $31
		RETURNING enterprise_id, version, updated_at, published_at`
	const current = `SELECT version FROM listings WHERE id = $1`
	const deleteSites = `DELETE FROM listing_sites WHERE listing_id = $1`
	var (
		enterpriseID int64
		version      int
		updatedAt    time.Time
		publishedAt  sql.NullTime
	)
	err := inTx(ctx, s.db, s.q, func(tx queryer) error {
		args := append(append(append([]any{l.ID}, listingArgs(l)...), expectedVersion), searchArgs(l)...)
		err := tx.QueryRowxContext(ctx, q, args...).Scan(&enterpriseID, &version, &updatedAt, &publishedAt)
		if errors.Is(err, sql.ErrNoRows) {
			var v int
			if err := tx.GetContext(ctx, &v, current, l.ID); err != nil {
				return translate(err) // no such listing: CodeNotFound
			}
			return &accounts.Error{Code: accounts.CodeConflict, Message: "the listing was changed since it was loaded",
				Fields: map[string]string{"version": fmt.Sprintf("the current version is %d", v)}}
		}
		if err != nil {
			return translateListing(err)
		}
		if _, err := tx.ExecContext(ctx, deleteSites, l.ID); err != nil {
			return translate(err)
		}
		// The stored enterprise, not l's: a listing never moves to another enterprise.
		return insertSites(ctx, tx, l.ID, enterpriseID, l.SiteIDs)
	})
	if err != nil {
		return err
	}
	l.EnterpriseID, l.Version, l.UpdatedAt = enterpriseID, version, updatedAt.UTC()
	l.PublishedAt, l.SiteIDs = timePtr(publishedAt), sortedSites(l.SiteIDs)
	return nil
}

// EnterpriseListings implements catalog.Store. Each listing's sites come in the same
// statement (an index lookup per row inside the server, not a round trip per listing).
func (s *CatalogStore) EnterpriseListings(ctx context.Context, enterpriseID int64, status catalog.Status, limit int) ([]catalog.Listing, error) {
	const q = `SELECT ` + listingSelect + ` FROM listings l
		WHERE l.enterprise_id = $1 AND ($2::text = '' OR l.status = $2::text)
		ORDER BY l.created_at DESC, l.id DESC LIMIT $3`
	var rows []listingRow
	if err := s.q.SelectContext(ctx, &rows, q, enterpriseID, string(status), limit); err != nil {
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

// AddPricePoint implements catalog.Store. A zero p.From means now. Returns CodeNotFound
// if there is no such listing.
func (s *CatalogStore) AddPricePoint(ctx context.Context, listingID int64, p catalog.PricePoint) error {
	const q = `INSERT INTO listing_prices (listing_id, price_tiyn, vat_included, valid_from, changed_by)
		VALUES ($1, $2, $3, coalesce($4, now()), $5)`
	from := sql.NullTime{Time: p.From.UTC(), Valid: !p.From.IsZero()}
	_, err := s.q.ExecContext(ctx, q, listingID, p.PriceTiyn, p.VATIncluded, from, nullInt(p.ChangedBy))
	return translateListing(err)
}

type pricePointRow struct {
	PriceTiyn   int64         `db:"price_tiyn"`
	VATIncluded bool          `db:"vat_included"`
	ValidFrom   time.Time     `db:"valid_from"`
	ChangedBy   sql.NullInt64 `db:"changed_by"`
}

// PriceHistory implements catalog.Store. Points with the same time keep the order they
// were added in.
func (s *CatalogStore) PriceHistory(ctx context.Context, listingID int64) ([]catalog.PricePoint, error) {
	const q = `SELECT price_tiyn, vat_included, valid_from, changed_by FROM listing_prices
		WHERE listing_id = $1 ORDER BY valid_from, id`
	var rows []pricePointRow
	if err := s.q.SelectContext(ctx, &rows, q, listingID); err != nil {
		return nil, translate(err)
	}
	out := make([]catalog.PricePoint, len(rows))
	for i, r := range rows {
		out[i] = catalog.PricePoint{PriceTiyn: r.PriceTiyn, VATIncluded: r.VATIncluded, From: r.ValidFrom.UTC(), ChangedBy: r.ChangedBy.Int64}
	}
	return out, nil
}
