package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/lib/pq"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog"
)

// The PostgreSQL search engine: full text (stemmed and verbatim) on the folded
// search_tsv of migration 00004, and pg_trgm word similarity on the folded title so that a
// word with a typo still matches.

var _ catalog.Searcher = (*CatalogStore)(nil)

// wordSimilarity is the least pg_trgm word_similarity between a query word and the folded
// title for the word to match without a full-text hit: one typo at the end of a word of
// five letters ("партв" for "парта" scores 0.67) or inside a longer one passes; words that
// only share an ending do not ("одноместная" and "двухместная" score 0.5).
const wordSimilarity = "0.6"

// suggestSimilarity is the least word similarity for a suggestion that does not start
// like the prefix: stricter, since a prefix is short ("пар" is 0.5 like "павинг").
const suggestSimilarity = "0.7"

// maxSearchWords bounds the per-word conditions of one statement; further words are
// ignored (the text is at most catalog.MaxQueryLength characters anyway).
const maxSearchWords = 32

// searchArgs are the folded search columns of a listing: search_title (the titles) and
// search_body (descriptions, material, colour and standard), as catalog.Fold folds them.
func searchArgs(l *catalog.Listing) []any {
	join := func(parts ...string) string {
		var nonEmpty []string
		for _, p := range parts {
			if p = strings.TrimSpace(p); p != "" {
				nonEmpty = append(nonEmpty, p)
			}
		}
		return catalog.Fold(strings.Join(nonEmpty, " "))
	}
	a := l.Attributes
	return []any{
		join(l.Title.RU, l.Title.KK, l.Title.EN),
		join(l.Description.RU, l.Description.KK, l.Description.EN, a.Material.RU, a.Material.KK, a.Material.EN,
			a.Colour.RU, a.Colour.KK, a.Colour.EN, a.Standard),
	}
}

// listingJSON is listingRow as the search statement returns it, in JSON: the same fields
// (so it converts to listingRow) with the column names as JSON keys.
type listingJSON struct {
	ID                   int64          `json:"id"`
	EnterpriseID         int64          `json:"enterprise_id"`
	ExternalCode         sql.NullString `json:"external_code"` // {"String", "Valid"}
	TitleRU              string         `json:"title_ru"`
	TitleKK              string         `json:"title_kk"`
	TitleEN              string         `json:"title_en"`
	DescriptionRU        string         `json:"description_ru"`
	DescriptionKK        string         `json:"description_kk"`
	DescriptionEN        string         `json:"description_en"`
	CategoryCode         string         `json:"category_code"`
	LengthMM             int            `json:"length_mm"`
	WidthMM              int            `json:"width_mm"`
	HeightMM             int            `json:"height_mm"`
	MaterialRU           string         `json:"material_ru"`
	MaterialKK           string         `json:"material_kk"`
	MaterialEN           string         `json:"material_en"`
	ColourRU             string         `json:"colour_ru"`
	ColourKK             string         `json:"colour_kk"`
	ColourEN             string         `json:"colour_en"`
	Standard             string         `json:"standard"`
	AgeGroup             string         `json:"age_group"`
	Certification        string         `json:"certification"`
	Unit                 string         `json:"unit"`
	PriceTiyn            int64          `json:"price_tiyn"`
	VATIncluded          bool           `json:"vat_included"`
	MinOrderQty          int            `json:"min_order_qty"`
	LeadTimeDays         int            `json:"lead_time_days"`
	LabourMinutesPerUnit int            `json:"labour_minutes_per_unit"`
	ReadyStock           int            `json:"ready_stock"`
	Status               string         `json:"status"`
	Version              int            `json:"version"`
	CreatedAt            time.Time      `json:"created_at"`
	UpdatedAt            time.Time      `json:"updated_at"`
	PublishedAt          sql.NullTime   `json:"published_at"` // {"Time", "Valid"}
	SiteIDs              pq.Int64Array  `json:"site_ids"`
}

// listingJSONExpr is a listing (aliased l) as a JSON object listingJSON decodes: the row's
// columns, with the nullable ones as the objects of sql.NullString and sql.NullTime, and
// the site ids ascending.
const listingJSONExpr = `(to_jsonb(l) - 'search_tsv' - 'search_title' - 'search_body' - 'regions' - 'institution_ids') || jsonb_build_object(
	'external_code', jsonb_build_object('String', coalesce(l.external_code, ''), 'Valid', l.external_code IS NOT NULL),
	'published_at', CASE WHEN l.published_at IS NULL THEN jsonb_build_object('Valid', false)
		ELSE jsonb_build_object('Time', l.published_at, 'Valid', true) END,
	'site_ids', to_jsonb(ARRAY(SELECT ls.site_id FROM listing_sites ls WHERE ls.listing_id = l.id ORDER BY ls.site_id)))`

type facetJSON struct {
	Key   string `json:"key"`
	Count int    `json:"count"`
}

type searchJSON struct {
	Total       int           `json:"total"`
	Items       []listingJSON `json:"items"`
	Categories  []facetJSON   `json:"categories"`
	Regions     []facetJSON   `json:"regions"`
	Enterprises []facetJSON   `json:"enterprises"`
	PriceBands  []int         `json:"price_bands"` // counts, in the order of catalog.PriceBands
}

// Search implements catalog.Searcher. One statement returns the page, the total and every
// facet (each over the whole filtered set), so they are of one snapshot. q.Text is already
// folded; every word of it must match, by full text (stemmed or verbatim, in the title or
// the body) or by trigram word similarity with the title. Relevance ranks title hits over
// body hits (weights A and B), adds the trigram similarity of the whole text with the
// title and a bonus when the folded title starts with or contains the text; ties go to
// the newest.
func (s *CatalogStore) Search(ctx context.Context, q catalog.SearchQuery) (catalog.SearchResult, error) {
	query, args := searchStatement(q)
	var raw []byte
	err := inTx(ctx, s.db, s.q, func(tx queryer) error {
		if _, err := tx.ExecContext(ctx, searchSettings, strings.TrimSpace(q.Text) != ""); err != nil {
			return translate(err)
		}
		return translate(tx.QueryRowxContext(ctx, query, args...).Scan(&raw))
	})
	if err != nil {
		return catalog.SearchResult{}, err
	}
	var res searchJSON
	if err := json.Unmarshal(raw, &res); err != nil {
		return catalog.SearchResult{}, fmt.Errorf("search: decode the result: %w", err)
	}
	out := catalog.SearchResult{Items: make([]catalog.Listing, len(res.Items)), Total: res.Total}
	for i, it := range res.Items {
		out.Items[i] = listingRow(it).listing()
	}
	// The page's images and documents: one more statement for the whole page.
	if err := attachMedia(ctx, s.q, out.Items); err != nil {
		return catalog.SearchResult{}, err
	}
	facets := func(in []facetJSON) []catalog.FacetCount {
		f := make([]catalog.FacetCount, len(in))
		for i, c := range in {
			f[i] = catalog.FacetCount{Key: c.Key, Count: c.Count}
		}
		return f
	}
	out.Facets = catalog.Facets{Categories: facets(res.Categories), Regions: facets(res.Regions),
		Enterprises: facets(res.Enterprises), PriceBands: make([]catalog.PriceBand, len(catalog.PriceBands))}
	for i, b := range catalog.PriceBands {
		out.Facets.PriceBands[i] = catalog.PriceBand{Min: b.Min, Max: b.Max}
		if i < len(res.PriceBands) {
			out.Facets.PriceBands[i].Count = res.PriceBands[i]
		}
	}
	return out, nil
}

// searchSettings are set for the search's transaction only (set_config's third argument).
//
// "word <% title" is word_similarity(word, title) >= pg_trgm.word_similarity_threshold, in
// a form that the trigram index serves (the function call form makes PostgreSQL compute it
// for every published row: seconds on 50,000 listings).
//
// JIT compilation is off: the planner's cost of the search statement (per-row text
// functions it cannot estimate well) is far above jit_above_cost, and on 50,000 listings
// PostgreSQL 15 spent about 1.1 s compiling a statement that runs in 90 ms (EXPLAIN
// ANALYZE, "JIT: ... Optimization 669 ms, Emission 426 ms").
//
// With words ($1), operators are priced 100 times the default (cpu_operator_cost): the
// planner counts the match conditions as cheap operators, but each costs tens of
// microseconds a row (reading the tsvector, pg_trgm's word similarity of the whole title).
// At the default price it read every published listing through a sequential scan (2.6 s
// for a common word on 50,000 listings) or the status index (3,000 listings in
// TestSearchPlanUsesTheIndexes) instead of the two text indexes (0.2 s).
//
// Parallel workers are off: a search is one of many at once (32 in make bench-search), and
// on 2 cores the workers it would start only compete with the other searches.
const searchSettings = `SELECT set_config('pg_trgm.word_similarity_threshold', '` + wordSimilarity + `', true),
	set_config('jit', 'off', true),
	set_config('max_parallel_workers_per_gather', '0', true),
	set_config('cpu_operator_cost', CASE WHEN $1::boolean THEN '0.25' ELSE current_setting('cpu_operator_cost') END, true)`

// searchStatement is Search's statement and its arguments.
func searchStatement(q catalog.SearchQuery) (string, []any) {
	if q.Page < 1 {
		q.Page = 1
	}
	if q.PerPage < 1 {
		q.PerPage = catalog.DefaultPerPage
	}
	text := strings.Join(strings.Fields(q.Text), " ")
	words := strings.Fields(text)
	if len(words) > maxSearchWords {
		words = words[:maxSearchWords]
	}
	var leadMax sql.NullInt64
	if q.LeadTimeMax != nil {
		leadMax = sql.NullInt64{Int64: int64(*q.LeadTimeMax), Valid: true}
	}
	bandMins, bandMaxes := make([]int64, len(catalog.PriceBands)), make([]int64, len(catalog.PriceBands))
	for i, b := range catalog.PriceBands {
		bandMins[i], bandMaxes[i] = b.Min, b.Max
	}
	args := []any{
		text,                     // $1
		q.Category,               // $2
		q.Region,                 // $3
		q.InstitutionID,          // $4
		q.EnterpriseID,           // $5
		q.PriceMin,               // $6
		q.PriceMax,               // $7
		q.InStock,                // $8
		leadMax,                  // $9
		q.PerPage,                // $10
		(q.Page - 1) * q.PerPage, // $11
		pq.Array(bandMins),       // $12
		pq.Array(bandMaxes),      // $13
	}
	// One condition per word, each on its own numbered parameter: no user text is ever
	// part of the SQL.
	var wordConds strings.Builder
	for _, w := range words {
		args = append(args, w)
		n := len(args)
		// One tsquery for both configurations (|| is OR): the tsvector, which is usually
		// compressed or out of line, is read once a row instead of twice.
		fmt.Fprintf(&wordConds, `
			AND (l.search_tsv @@ (plainto_tsquery('russian', $%[1]d) || plainto_tsquery('simple', $%[1]d))
				OR $%[1]d <%% l.search_title)`, n)
	}
	// The total and every price band in one pass over the hits.
	var bandCounts strings.Builder
	for i := range catalog.PriceBands {
		if i > 0 {
			bandCounts.WriteString(", ")
		}
		fmt.Fprintf(&bandCounts, `count(*) FILTER (WHERE h.price_tiyn >= ($12::bigint[])[%[1]d]
				AND (($13::bigint[])[%[1]d] = 0 OR h.price_tiyn < ($13::bigint[])[%[1]d]))`, i+1)
	}
	// The relevance of a hit costs about as much as matching it (the tsvector read again,
	// two trigram similarities of the title), so it is computed only when it orders.
	var order string
	rank := `length($1::text) * 0` // $1 still named, so that PostgreSQL learns its type
	switch {
	case q.Sort == catalog.SortPriceAsc:
		order = `h.price_tiyn, h.created_at DESC, h.id DESC`
	case q.Sort == catalog.SortPriceDesc:
		order = `h.price_tiyn DESC, h.created_at DESC, h.id DESC`
	case q.Sort == catalog.SortNewest || text == "":
		order = `h.created_at DESC, h.id DESC`
	default:
		order = `h.rank DESC, h.created_at DESC, h.id DESC`
		rank = `ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', l.search_tsv, plainto_tsquery('russian', $1) || plainto_tsquery('simple', $1))
					+ 0.5 * similarity(l.search_title, $1)
					+ 0.5 * word_similarity($1, l.search_title)
					+ CASE WHEN starts_with(l.search_title, $1) THEN 0.5
						WHEN strpos(l.search_title, $1) > 0 THEN 0.25 ELSE 0 END`
	}
	query := `WITH hits AS (
			SELECT l.id, l.category_code, l.enterprise_id, l.price_tiyn, l.created_at, l.regions,
				` + rank + ` AS rank
			FROM listings l
			WHERE l.status = 'published'
				AND ($2::text = '' OR l.category_code IN (SELECT c.code FROM categories c WHERE c.code = $2 OR c.parent_code = $2))
				AND ($3::text = '' OR $3 = ANY (l.regions))
				AND ($4::bigint = 0 OR $4 = ANY (l.institution_ids))
				AND ($5::bigint = 0 OR l.enterprise_id = $5)
				AND l.price_tiyn >= $6::bigint
				AND ($7::bigint = 0 OR l.price_tiyn <= $7)
				AND (NOT $8::boolean OR l.ready_stock > 0)
				AND ($9::int IS NULL OR l.lead_time_days <= $9::int)` + wordConds.String() + `
		),
		page AS (
			SELECT h.id, row_number() OVER (ORDER BY ` + order + `) AS ord
			FROM hits h ORDER BY ` + order + ` LIMIT $10 OFFSET $11
		),
		counts AS (
			SELECT count(*) AS total, ARRAY[` + bandCounts.String() + `] AS bands FROM hits h
		)
		SELECT json_build_object(
			'total', (SELECT total FROM counts),
			'items', coalesce((SELECT json_agg(` + listingJSONExpr + ` ORDER BY p.ord)
				FROM page p JOIN listings l ON l.id = p.id), '[]'),
			'categories', coalesce((SELECT json_agg(json_build_object('key', f.key, 'count', f.n) ORDER BY f.n DESC, f.key)
				FROM (SELECT category_code AS key, count(*) AS n FROM hits GROUP BY category_code) f), '[]'),
			'regions', coalesce((SELECT json_agg(json_build_object('key', f.key, 'count', f.n) ORDER BY f.n DESC, f.key)
				FROM (SELECT r.region AS key, count(*) AS n FROM hits h, unnest(h.regions) AS r(region) GROUP BY r.region) f), '[]'),
			'enterprises', coalesce((SELECT json_agg(json_build_object('key', f.key::text, 'count', f.n) ORDER BY f.n DESC, f.key)
				FROM (SELECT enterprise_id AS key, count(*) AS n FROM hits GROUP BY enterprise_id) f), '[]'),
			'price_bands', (SELECT to_json(bands) FROM counts)
		)`
	return query, args
}

type suggestionRow struct {
	Kind      string         `db:"kind"`
	ListingID sql.NullInt64  `db:"listing_id"`
	Category  sql.NullString `db:"category"`
	RU        string         `db:"ru"`
	KK        string         `db:"kk"`
	EN        string         `db:"en"`
}

// Suggest implements catalog.Searcher. Categories come first (there are few, and a
// category narrows a search more than one listing does): those whose folded name (in any
// language) has a word starting with the prefix, in tree order; names are folded in Go,
// the tree being small. Then published listings whose folded title has a word starting
// with the prefix, or is nearly like it (pg_trgm word similarity, for a typo), the
// prefix matches first, then by similarity, then newest first.
func (s *CatalogStore) Suggest(ctx context.Context, prefix string, limit int) ([]catalog.Suggestion, error) {
	prefix = strings.Join(strings.Fields(prefix), " ")
	if prefix == "" || limit <= 0 {
		return []catalog.Suggestion{}, nil
	}
	out := []catalog.Suggestion{}
	cats, err := s.Categories(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range cats { // in tree order: parents first, siblings by position
		if len(out) >= limit {
			return out, nil
		}
		if startsWord(catalog.Fold(c.Name.RU+" "+c.Name.KK+" "+c.Name.EN), prefix) {
			out = append(out, catalog.Suggestion{Kind: "category", Text: c.Name, Category: c.Code})
		}
	}
	const q = `SELECT 'listing' AS kind, l.id AS listing_id, NULL::text AS category,
			l.title_ru AS ru, l.title_kk AS kk, l.title_en AS en
		FROM listings l
		WHERE l.status = 'published'
			AND (starts_with(l.search_title, $1) OR strpos(l.search_title, ' ' || $1) > 0
				OR word_similarity($1, l.search_title) >= ` + suggestSimilarity + `)
		ORDER BY (starts_with(l.search_title, $1) OR strpos(l.search_title, ' ' || $1) > 0) DESC,
			word_similarity($1, l.search_title) DESC, l.created_at DESC, l.id DESC
		LIMIT $2`
	var rows []suggestionRow
	if err := s.q.SelectContext(ctx, &rows, q, prefix, limit-len(out)); err != nil {
		return nil, translate(err)
	}
	for _, r := range rows {
		out = append(out, catalog.Suggestion{Kind: r.Kind, ListingID: r.ListingID.Int64, Category: r.Category.String,
			Text: accounts.Text{RU: r.RU, KK: r.KK, EN: r.EN}})
	}
	return out, nil
}

// startsWord reports whether some word of s starts with prefix.
func startsWord(s, prefix string) bool {
	if strings.HasPrefix(s, prefix) {
		return true
	}
	return strings.Contains(s, " "+prefix)
}
