package search

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/meilisearch/meilisearch-go"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog"
)

// Listings is what the searcher reads from the system of record: result pages are
// hydrated from it, so a page never shows a listing as the index last saw it.
type Listings interface {
	// PublishedListings returns the published listings among ids, in the order of ids.
	PublishedListings(ctx context.Context, ids []int64) ([]catalog.Listing, error)
	// Categories returns the category tree, parents first.
	Categories(ctx context.Context) ([]catalog.Category, error)
}

// Searcher implements catalog.Searcher on the listings index.
type Searcher struct {
	engine   *Engine
	uid      string
	listings Listings
}

var _ catalog.Searcher = (*Searcher)(nil)

// Searcher returns the catalog searcher on the listings index, hydrating pages from
// listings.
func (e *Engine) Searcher(listings Listings) *Searcher {
	return &Searcher{engine: e, uid: IndexUID, listings: listings}
}

// filters are the query's conditions in Meilisearch's filter syntax (the elements of an
// array are ANDed). Codes are validated before they get here and quoted anyway.
func filters(q catalog.SearchQuery) []string {
	f := []string{`status = "published"`}
	if q.Category != "" {
		f = append(f, "category_path = "+strconv.Quote(q.Category))
	}
	if q.Region != "" {
		f = append(f, "regions = "+strconv.Quote(q.Region))
	}
	if q.InstitutionID != 0 {
		f = append(f, fmt.Sprintf("institution_ids = %d", q.InstitutionID))
	}
	if q.EnterpriseID != 0 {
		f = append(f, fmt.Sprintf("enterprise_id = %d", q.EnterpriseID))
	}
	if q.PriceMin > 0 {
		f = append(f, fmt.Sprintf("price_tiyn >= %d", q.PriceMin))
	}
	if q.PriceMax > 0 {
		f = append(f, fmt.Sprintf("price_tiyn <= %d", q.PriceMax))
	}
	if q.InStock {
		f = append(f, "in_stock = true")
	}
	if q.LeadTimeMax != nil {
		f = append(f, fmt.Sprintf("lead_time_days <= %d", *q.LeadTimeMax))
	}
	return f
}

func sortOf(q catalog.SearchQuery) []string {
	switch {
	case q.Sort == catalog.SortPriceAsc:
		return []string{"price_tiyn:asc", "published_at:desc", "id:desc"}
	case q.Sort == catalog.SortPriceDesc:
		return []string{"price_tiyn:desc", "published_at:desc", "id:desc"}
	case q.Sort == catalog.SortNewest || strings.TrimSpace(q.Text) == "":
		return []string{"published_at:desc", "id:desc"}
	}
	return nil // relevance: Meilisearch's ranking rules
}

// Search implements catalog.Searcher. One multi-search request carries the page (with the
// category, region and enterprise facets, exact totals by page-based pagination) and
// one count per price band; the page is then read from PostgreSQL in the index's order.
func (s *Searcher) Search(ctx context.Context, q catalog.SearchQuery) (catalog.SearchResult, error) {
	if q.Page < 1 {
		q.Page = 1
	}
	if q.PerPage < 1 {
		q.PerPage = catalog.DefaultPerPage
	}
	text := strings.Join(strings.Fields(catalog.Fold(q.Text)), " ")
	base := filters(q)
	per := int64(q.PerPage)
	queries := []*meilisearch.SearchRequest{{IndexUID: s.uid, Query: text, Filter: base, Sort: sortOf(q),
		Page: int64(q.Page), HitsPerPage: &per, AttributesToRetrieve: []string{"id"},
		Facets: []string{"category", "regions", "enterprise_id"}}}
	zero := int64(0)
	for _, b := range catalog.PriceBands {
		f := append(append([]string{}, base...), fmt.Sprintf("price_tiyn >= %d", b.Min))
		if b.Max > 0 {
			f = append(f, fmt.Sprintf("price_tiyn < %d", b.Max))
		}
		queries = append(queries, &meilisearch.SearchRequest{IndexUID: s.uid, Query: text, Filter: f, Page: 1, HitsPerPage: &zero})
	}
	resp, err := s.engine.client.MultiSearchWithContext(ctx, &meilisearch.MultiSearchRequest{Queries: queries})
	if err != nil {
		return catalog.SearchResult{}, fmt.Errorf("search: %w", err)
	}
	if len(resp.Results) != len(queries) {
		return catalog.SearchResult{}, fmt.Errorf("search: %d results for %d queries", len(resp.Results), len(queries))
	}
	page := resp.Results[0]
	var hits []struct {
		ID int64 `json:"id"`
	}
	if err := page.Hits.DecodeInto(&hits); err != nil {
		return catalog.SearchResult{}, fmt.Errorf("search: decode hits: %w", err)
	}
	ids := make([]int64, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	items := []catalog.Listing{}
	if len(ids) > 0 {
		if items, err = s.listings.PublishedListings(ctx, ids); err != nil {
			return catalog.SearchResult{}, err
		}
	}
	var dist map[string]map[string]int
	if len(page.FacetDistribution) > 0 {
		if err := json.Unmarshal(page.FacetDistribution, &dist); err != nil {
			return catalog.SearchResult{}, fmt.Errorf("search: decode facets: %w", err)
		}
	}
	out := catalog.SearchResult{Items: items, Total: int(page.TotalHits), Facets: catalog.Facets{
		Categories: facetCounts(dist["category"]), Regions: facetCounts(dist["regions"]),
		Enterprises: facetCounts(dist["enterprise_id"]), PriceBands: make([]catalog.PriceBand, len(catalog.PriceBands))}}
	for i, b := range catalog.PriceBands {
		out.Facets.PriceBands[i] = catalog.PriceBand{Min: b.Min, Max: b.Max, Count: int(resp.Results[i+1].TotalHits)}
	}
	return out, nil
}

// facetCounts orders a facet's counts as the PostgreSQL engine does: most first, then by key.
func facetCounts(m map[string]int) []catalog.FacetCount {
	out := make([]catalog.FacetCount, 0, len(m))
	for k, n := range m {
		if n > 0 {
			out = append(out, catalog.FacetCount{Key: k, Count: n})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Key < out[j].Key
	})
	return out
}

// Suggest implements catalog.Searcher: categories whose folded name has a word starting
// with the prefix (from the tree, as the PostgreSQL engine does), then listing titles the
// index matches on the folded title (prefix and typo tolerant).
func (s *Searcher) Suggest(ctx context.Context, prefix string, limit int) ([]catalog.Suggestion, error) {
	prefix = strings.Join(strings.Fields(catalog.Fold(prefix)), " ")
	out := []catalog.Suggestion{}
	if prefix == "" || limit <= 0 {
		return out, nil
	}
	cats, err := s.listings.Categories(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range cats {
		if len(out) >= limit {
			return out, nil
		}
		name := catalog.Fold(c.Name.RU + " " + c.Name.KK + " " + c.Name.EN)
		if strings.HasPrefix(name, prefix) || strings.Contains(name, " "+prefix) {
			out = append(out, catalog.Suggestion{Kind: "category", Text: c.Name, Category: c.Code})
		}
	}
	resp, err := s.engine.client.Index(s.uid).SearchWithContext(ctx, prefix, &meilisearch.SearchRequest{
		Limit: int64(limit - len(out)), Filter: []string{`status = "published"`}, AttributesToSearchOn: []string{"title"},
		AttributesToRetrieve: []string{"id", "title_ru", "title_kk", "title_en"}})
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	var hits []document
	if err := resp.Hits.DecodeInto(&hits); err != nil {
		return nil, fmt.Errorf("search: decode hits: %w", err)
	}
	for _, h := range hits {
		out = append(out, catalog.Suggestion{Kind: "listing", ListingID: h.ID,
			Text: accounts.Text{RU: h.TitleRU, KK: h.TitleKK, EN: h.TitleEN}})
	}
	return out, nil
}
