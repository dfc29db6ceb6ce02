package postgres

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lib/pq"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog"
)

// The PostgreSQL search engine, on the narrow listing_search table of migration 00014 (one
// row per published listing): full text (stemmed and verbatim) on the folded title and
// body, and for a word with a typo pg_trgm word similarity against the vocabulary of titles
// (search_words), whose similar words are then looked up in the titles' full-text index.

var _ catalog.Searcher = (*CatalogStore)(nil)

// wordSimilarity is the least pg_trgm word_similarity between a query word and a word of
// the titles' vocabulary for the title word to count as the query word with a typo: one
// typo at the end of a word of five letters ("партв" for "парта" scores 0.67) or inside a
// longer one passes; words that only share an ending do not ("одноместная" and
// "двухместная" score 0.5).
const wordSimilarity = "0.6"

// suggestSimilarity is the least word similarity for a suggestion that does not start
// like the prefix: stricter, since a prefix is short ("пар" is 0.5 like "павинг").
const suggestSimilarity = "0.7"

// maxSearchWords bounds the per-word conditions of one statement; further words are
// ignored (the text is at most catalog.MaxQueryLength characters anyway).
const maxSearchWords = 32

// searchWorkMem is PostgreSQL's work_mem for a search's transaction: the memory each sort
// or hash of the statement may use before it spills to disk (32 searches at once may use
// a few times this each).
const searchWorkMem = "16MB"

// maxFuzzyWords bounds the vocabulary words one query word stands for by similarity (the
// most similar first): a short word is like many ("ст" is like a dozen), and each is one
// more lexeme for the title index to look up.
const maxFuzzyWords = 50

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
const listingJSONExpr = `(to_jsonb(l) - 'search_title' - 'search_body' - 'regions' - 'institution_ids') || jsonb_build_object(
	'external_code', jsonb_build_object('String', coalesce(l.external_code, ''), 'Valid', l.external_code IS NOT NULL),
	'published_at', CASE WHEN l.published_at IS NULL THEN jsonb_build_object('Valid', false)
		ELSE jsonb_build_object('Time', l.published_at, 'Valid', true) END,
	'site_ids', to_jsonb(ARRAY(SELECT ls.site_id FROM listing_sites ls WHERE ls.listing_id = l.id ORDER BY ls.site_id)))`

// facetGroup is one row of the search's grouping sets: the hits counted by one facet's key
// (the others null), or all of them (set "total").
type facetGroup struct {
	Set          string `json:"set"` // "category", "enterprise", "region", "band" or "total"
	CategoryCode string `json:"category_code"`
	EnterpriseID int64  `json:"enterprise_id"`
	RegionSet    string `json:"region_set"` // the listing's regions joined by commas
	Band         int    `json:"band"`       // 1-based index into catalog.PriceBands
	Count        int    `json:"n"`
}

type searchJSON struct {
	Items  []listingJSON `json:"items"`
	Groups []facetGroup  `json:"groups"`
}

// Search implements catalog.Searcher, in one transaction: Search's settings, the fuzzy
// forms of the words (vocabulary words like each), then one statement that returns the
// page and the grouping sets of every facet and the total (each over the whole filtered
// set), so they are of one snapshot. q.Text is already folded; every word of it must
// match, by full text (stemmed or verbatim, in the title or the body) or, in the title, by
// a vocabulary word like it. Relevance ranks title hits over body hits (weights A and B)
// and exact hits over fuzzy ones, with a bonus when the folded title starts with or
// contains the text; ties go to the newest.
func (s *CatalogStore) Search(ctx context.Context, q catalog.SearchQuery) (catalog.SearchResult, error) {
	words := searchWords(q.Text)
	var raw []byte
	err := inTx(ctx, s.db, s.q, func(tx queryer) error {
		query, args, err := prepareSearch(ctx, tx, q, words)
		if err != nil {
			return err
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
	out := catalog.SearchResult{Items: make([]catalog.Listing, len(res.Items))}
	for i, it := range res.Items {
		out.Items[i] = listingRow(it).listing()
	}
	// The page's images and documents: one more statement for the whole page.
	if err := attachMedia(ctx, s.q, out.Items); err != nil {
		return catalog.SearchResult{}, err
	}
	out.Total, out.Facets = facetsOf(res.Groups)
	return out, nil
}

// facetsOf turns the statement's grouping sets into the total and the facets, each
// ordered by count (most first), then key. A listing made in two regions counts once in
// each.
func facetsOf(groups []facetGroup) (int, catalog.Facets) {
	f := catalog.Facets{Categories: []catalog.FacetCount{}, Regions: []catalog.FacetCount{},
		Enterprises: []catalog.FacetCount{}, PriceBands: make([]catalog.PriceBand, len(catalog.PriceBands))}
	for i, b := range catalog.PriceBands {
		f.PriceBands[i] = catalog.PriceBand{Min: b.Min, Max: b.Max}
	}
	total := 0
	regions := map[string]int{}
	for _, g := range groups {
		switch g.Set {
		case "total":
			total = g.Count
		case "category":
			f.Categories = append(f.Categories, catalog.FacetCount{Key: g.CategoryCode, Count: g.Count})
		case "enterprise":
			f.Enterprises = append(f.Enterprises, catalog.FacetCount{Key: strconv.FormatInt(g.EnterpriseID, 10), Count: g.Count})
		case "region":
			for _, r := range strings.Split(g.RegionSet, ",") {
				if r != "" {
					regions[r] += g.Count
				}
			}
		case "band":
			if g.Band >= 1 && g.Band <= len(f.PriceBands) {
				f.PriceBands[g.Band-1].Count += g.Count
			}
		}
	}
	for r, n := range regions {
		f.Regions = append(f.Regions, catalog.FacetCount{Key: r, Count: n})
	}
	for _, fc := range [][]catalog.FacetCount{f.Categories, f.Regions, f.Enterprises} {
		slices.SortFunc(fc, func(a, b catalog.FacetCount) int {
			if a.Count != b.Count {
				return cmp.Compare(b.Count, a.Count)
			}
			return strings.Compare(a.Key, b.Key)
		})
	}
	return total, f
}

// searchWords are the words of a folded query text, at most maxSearchWords.
func searchWords(text string) []string {
	words := strings.Fields(text)
	if len(words) > maxSearchWords {
		words = words[:maxSearchWords]
	}
	return words
}

// searchSettings are set for the search's transaction only (set_config's third argument).
//
// "word <% vocabulary word" is word_similarity(word, vocabulary word) >=
// pg_trgm.word_similarity_threshold, in the form the trigram index serves.
//
// JIT compilation is off: the planner's cost of the search statement (per-row text
// functions it cannot estimate well) is above jit_above_cost, and PostgreSQL 15 spent about
// 1.1 s compiling a statement that ran in 90 ms (EXPLAIN ANALYZE, "JIT: ... Optimization
// 669 ms, Emission 426 ms").
//
// With words ($1), operators are priced 100 times the default (cpu_operator_cost): the
// planner counts the match conditions as cheap operators, but each costs microseconds a
// row (reading a tsvector), so at the default price it may read every published listing
// instead of looking the words up in the text indexes (TestSearchPlanUsesTheIndexes).
//
// Parallel workers are off: a search is one of many at once (32 in make bench-search), and
// on 2 cores the workers it would start only compete with the other searches.
//
// work_mem is searchWorkMem, so that the hits of a search of the whole catalog are sorted
// and counted in memory rather than in temporary files.
const searchSettings = `SELECT set_config('pg_trgm.word_similarity_threshold', '` + wordSimilarity + `', true),
	set_config('work_mem', '` + searchWorkMem + `', true),
	set_config('jit', 'off', true),
	set_config('max_parallel_workers_per_gather', '0', true),
	set_config('cpu_operator_cost', CASE WHEN $1::boolean THEN '0.25' ELSE current_setting('cpu_operator_cost') END, true)`

// fuzzyWordsQuery is, for each word of $1 in order, the tsquery (as text) of the
// vocabulary words like it, or ” when there are none.
const fuzzyWordsQuery = `SELECT coalesce((SELECT search_tsquery_or(search_word_query(v.word))::text
		FROM (SELECT sw.word FROM search_words sw WHERE x.word <% sw.word
			ORDER BY word_similarity(x.word, sw.word) DESC, sw.word LIMIT ` + "$2" + `) v), '') AS fuzzy
	FROM unnest($1::text[]) WITH ORDINALITY AS x(word, n) ORDER BY x.n`

// prepareSearch sets Search's settings in tx, looks up the fuzzy forms of the words and
// returns the search statement and its arguments.
func prepareSearch(ctx context.Context, tx queryer, q catalog.SearchQuery, words []string) (string, []any, error) {
	if _, err := tx.ExecContext(ctx, searchSettings, len(words) > 0); err != nil {
		return "", nil, translate(err)
	}
	fuzzy := []string{}
	if len(words) > 0 {
		if err := tx.SelectContext(ctx, &fuzzy, fuzzyWordsQuery, pq.Array(words), maxFuzzyWords); err != nil {
			return "", nil, translate(err)
		}
	}
	query, args := searchStatement(q, words, fuzzy)
	return query, args, nil
}

// searchStatement is Search's statement and its arguments, for the words of q.Text and
// their fuzzy forms (fuzzy[i] is the tsquery text of words[i]'s, or ”).
func searchStatement(q catalog.SearchQuery, words, fuzzy []string) (string, []any) {
	if q.Page < 1 {
		q.Page = 1
	}
	if q.PerPage < 1 {
		q.PerPage = catalog.DefaultPerPage
	}
	text := strings.Join(words, " ")
	var leadMax sql.NullInt64
	if q.LeadTimeMax != nil {
		leadMax = sql.NullInt64{Int64: int64(*q.LeadTimeMax), Valid: true}
	}
	bandMins := make([]int64, len(catalog.PriceBands))
	for i, b := range catalog.PriceBands {
		bandMins[i] = b.Min
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
	}
	// One condition per word, each on its own numbered parameters: no user text is ever
	// part of the SQL. A word matches the title exactly or by a vocabulary word like it,
	// or the body exactly.
	var wordConds strings.Builder
	var anyFuzzy []string
	for i, w := range words {
		args = append(args, w)
		n := len(args)
		exact := fmt.Sprintf(`(plainto_tsquery('russian', $%[1]d) || plainto_tsquery('simple', $%[1]d))`, n)
		title := exact
		if i < len(fuzzy) && fuzzy[i] != "" {
			args = append(args, fuzzy[i])
			title = fmt.Sprintf(`(%s || $%d::tsquery)`, exact, len(args))
			anyFuzzy = append(anyFuzzy, fuzzy[i])
		}
		fmt.Fprintf(&wordConds, `
				AND (s.title_tsv @@ %s OR s.body_tsv @@ %s)`, title, exact)
	}
	// The relevance of a hit is computed only when it orders. Each part reads only the
	// narrow row, except that a hit found neither exactly nor fuzzily in its title (so in
	// its body) reads its body's tsvector.
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
		all := `(plainto_tsquery('russian', $1) || plainto_tsquery('simple', $1))`
		fuzzyAll, fuzzyRank := `''::tsquery`, `0`
		if len(anyFuzzy) > 0 {
			args = append(args, strings.Join(anyFuzzy, " | "))
			fuzzyAll = fmt.Sprintf(`$%d::tsquery`, len(args))
			fuzzyRank = fmt.Sprintf(`0.5 * ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', s.title_tsv, %s)`, fuzzyAll)
		}
		rank = `ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', s.title_tsv, ` + all + `)
					+ ` + fuzzyRank + `
					+ CASE WHEN s.title_tsv @@ ` + all + ` OR s.title_tsv @@ ` + fuzzyAll + ` THEN 0
						ELSE ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', s.body_tsv, ` + all + `) END
					+ CASE WHEN starts_with(s.title, $1) THEN 0.5
						WHEN strpos(s.title, $1) > 0 THEN 0.25 ELSE 0 END`
	}
	// Hits ranked by relevance are few and costly: computed once (MATERIALIZED). Without
	// relevance they may be the whole catalog: the page (through the creation-time index
	// when it orders) and the facets each read them as they need.
	// The total and the facets: the hits are counted by all four keys at once (one hash
	// table), then those cells by each key (grouping sets over hundreds of cells, not over
	// tens of thousands of hits: four times cheaper on the whole catalog).
	materialized := "NOT MATERIALIZED"
	if strings.HasPrefix(order, "h.rank") {
		materialized = "MATERIALIZED"
	}
	query := `WITH hits AS ` + materialized + ` (
			SELECT s.listing_id AS id, s.category_code, s.enterprise_id, s.price_tiyn, s.created_at, s.region_set,
				` + rank + ` AS rank
			FROM listing_search s
			WHERE ($2::text = '' OR s.category_code IN (SELECT c.code FROM categories c WHERE c.code = $2 OR c.parent_code = $2))
				AND ($3::text = '' OR $3 = ANY (s.regions))
				AND ($4::bigint = 0 OR $4 = ANY (s.institution_ids))
				AND ($5::bigint = 0 OR s.enterprise_id = $5)
				AND s.price_tiyn >= $6::bigint
				AND ($7::bigint = 0 OR s.price_tiyn <= $7)
				AND (NOT $8::boolean OR s.in_stock)
				AND ($9::int IS NULL OR s.lead_time_days <= $9::int)` + wordConds.String() + `
		),
		page AS (
			SELECT h.id, row_number() OVER (ORDER BY ` + order + `) AS ord
			FROM hits h ORDER BY ` + order + ` LIMIT $10 OFFSET $11
		)
		SELECT json_build_object(
			'items', coalesce((SELECT json_agg(` + listingJSONExpr + ` ORDER BY p.ord)
				FROM page p JOIN listings l ON l.id = p.id), '[]'),
			'groups', (SELECT json_agg(json_build_object('set', CASE g.gs
					WHEN 7 THEN 'category' WHEN 11 THEN 'enterprise' WHEN 13 THEN 'region' WHEN 14 THEN 'band' ELSE 'total' END,
				'category_code', g.category_code, 'enterprise_id', g.enterprise_id, 'region_set', g.region_set, 'band', g.band, 'n', g.n))
				FROM (SELECT c.category_code, c.enterprise_id, c.region_set, c.band, coalesce(sum(c.n), 0) AS n,
						GROUPING(c.category_code, c.enterprise_id, c.region_set, c.band) AS gs
					FROM (SELECT h.category_code, h.enterprise_id, h.region_set, width_bucket(h.price_tiyn, $12::bigint[]) AS band,
							count(*) AS n
						FROM hits h GROUP BY 1, 2, 3, 4) c
					GROUP BY GROUPING SETS ((c.category_code), (c.enterprise_id), (c.region_set), (c.band), ())) g)
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
// with the prefix, or is nearly like it (pg_trgm word similarity, for a typo): the prefix
// matches first, newest first, then the others by similarity.
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
	// The candidates are the listings whose title has a vocabulary word that starts with
	// the prefix's last word or is like it (the indexes of migration 00014 find both);
	// among them the conditions above decide, and a prefix match needs no similarity.
	words := strings.Fields(prefix)
	last := words[len(words)-1]
	likeLast := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(last) + "%"
	const q = `WITH terms AS (
			SELECT search_tsquery_or(search_word_query(v.word)) AS q
			FROM (SELECT sw.word FROM search_words sw WHERE sw.word LIKE $3
				UNION SELECT sw.word FROM search_words sw WHERE $4 <% sw.word) v
		)
		SELECT 'listing' AS kind, l.id AS listing_id, NULL::text AS category,
			l.title_ru AS ru, l.title_kk AS kk, l.title_en AS en
		FROM (SELECT s.listing_id, s.created_at,
				CASE WHEN starts_with(s.title, $1) OR strpos(s.title, ' ' || $1) > 0 THEN 2
					ELSE word_similarity($1, s.title) END AS rank
			FROM terms, listing_search s
			WHERE s.title_tsv @@ terms.q
				AND (starts_with(s.title, $1) OR strpos(s.title, ' ' || $1) > 0
					OR word_similarity($1, s.title) >= ` + suggestSimilarity + `)
			ORDER BY 3 DESC, s.created_at DESC, s.listing_id DESC
			LIMIT $2) c
		JOIN listings l ON l.id = c.listing_id
		ORDER BY c.rank DESC, c.created_at DESC, c.listing_id DESC`
	var rows []suggestionRow
	err = inTx(ctx, s.db, s.q, func(tx queryer) error {
		if _, err := tx.ExecContext(ctx, `SELECT set_config('pg_trgm.word_similarity_threshold', '`+suggestSimilarity+`', true),
			set_config('jit', 'off', true)`); err != nil {
			return translate(err)
		}
		return translate(tx.SelectContext(ctx, &rows, q, prefix, limit-len(out), likeLast, last))
	})
	if err != nil {
		return nil, err
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
