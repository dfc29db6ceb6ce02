package catalog

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/sheber-kz/sheber/accounts"
)

// Limits of search.
const (
	MaxPerPage       = 100
	DefaultPerPage   = 24
	MaxQueryLength   = 200 // characters of the search text
	MaxPage          = 1000
	MaxSuggestions   = 8
	MinSuggestLength = 2
)

// Sort orders search results.
type Sort string

// Sort orders.
const (
	SortRelevance Sort = "relevance" // best match first; newest when there is no text
	SortPriceAsc  Sort = "price_asc"
	SortPriceDesc Sort = "price_desc"
	SortNewest    Sort = "newest"
)

// SearchQuery asks the public catalog for published listings. Zero values mean "any".
type SearchQuery struct {
	Text          string
	Category      string // includes its subcategories
	Region        string // where the goods are made: a region of one of the listing's sites
	InstitutionID int64  // made at this institution (one of the listing's sites)
	EnterpriseID  int64
	PriceMin      int64 // tiyn, inclusive
	PriceMax      int64 // tiyn, inclusive; 0 = no maximum
	InStock       bool  // ready stock > 0
	LeadTimeMax   *int  // days, inclusive
	Sort          Sort
	Page          int // from 1
	PerPage       int
}

// FacetCount is how many results have one value of a facet.
type FacetCount struct {
	Key   string // category code, region code, or enterprise ID in decimal
	Count int
}

// PriceBand is how many results cost between Min and Max tiyn (Max 0: and above).
type PriceBand struct {
	Min, Max int64
	Count    int
}

// Facets count the results of a query by category, region, enterprise and price band,
// each computed with all of the query's filters.
type Facets struct {
	Categories  []FacetCount
	Regions     []FacetCount
	Enterprises []FacetCount
	PriceBands  []PriceBand
}

// PriceBands are the price bands facets count, in tiyn: under 10,000 tenge, 10-50
// thousand, 50-200 thousand, 200 thousand to 1 million, and above.
var PriceBands = []PriceBand{{0, 1_000_000, 0}, {1_000_000, 5_000_000, 0}, {5_000_000, 20_000_000, 0}, {20_000_000, 100_000_000, 0}, {100_000_000, 0, 0}}

// SearchResult is one page of results with the total and the facets.
type SearchResult struct {
	Items  []Listing
	Total  int
	Facets Facets
}

// Suggestion is one search-as-you-type proposal: a listing title or a category.
type Suggestion struct {
	Kind      string // "listing" or "category"
	Text      accounts.Text
	ListingID int64  // for a listing
	Category  string // for a category
}

// Searcher finds published listings. The PostgreSQL store is the default engine.
type Searcher interface {
	// Search returns one page of published listings matching q (already validated and
	// with Text folded by Fold), total and facets.
	Search(ctx context.Context, q SearchQuery) (SearchResult, error)
	// Suggest returns at most limit titles of published listings and categories that
	// start like, or nearly like, the folded prefix.
	Suggest(ctx context.Context, prefix string, limit int) ([]Suggestion, error)
}

// Validate checks a query and fills in defaults; the field names are the API's
// parameters. It does not fold the text: Search does.
func (q *SearchQuery) Validate() error {
	v := accounts.Validation{}
	q.Text = strings.TrimSpace(q.Text)
	if utf8.RuneCountInString(q.Text) > MaxQueryLength {
		v.Add("q", fmt.Sprintf("at most %d characters", MaxQueryLength))
	}
	if q.Region != "" {
		if _, ok := accounts.RegionByCode(q.Region); !ok {
			v.Add("region", "unknown region")
		}
	}
	if q.InstitutionID < 0 {
		v.Add("institution", "must be an organization ID")
	}
	if q.EnterpriseID < 0 {
		v.Add("enterprise", "must be an organization ID")
	}
	if q.PriceMin < 0 || q.PriceMin > MaxPriceTiyn {
		v.Add("price_min", "must be a price in tiyn")
	}
	if q.PriceMax < 0 || q.PriceMax > MaxPriceTiyn {
		v.Add("price_max", "must be a price in tiyn")
	}
	if q.PriceMax > 0 && q.PriceMin > q.PriceMax {
		v.Add("price_max", "must not be below price_min")
	}
	if q.LeadTimeMax != nil && (*q.LeadTimeMax < 0 || *q.LeadTimeMax > MaxLeadTimeDays) {
		v.Add("lead_time_max", fmt.Sprintf("between 0 and %d days", MaxLeadTimeDays))
	}
	switch q.Sort {
	case "":
		q.Sort = SortRelevance
	case SortRelevance, SortPriceAsc, SortPriceDesc, SortNewest:
	default:
		v.Add("sort", "relevance, price_asc, price_desc or newest")
	}
	switch {
	case q.Page == 0:
		q.Page = 1
	case q.Page < 1 || q.Page > MaxPage:
		v.Add("page", fmt.Sprintf("between 1 and %d", MaxPage))
	}
	switch {
	case q.PerPage == 0:
		q.PerPage = DefaultPerPage
	case q.PerPage < 1 || q.PerPage > MaxPerPage:
		v.Add("per_page", fmt.Sprintf("between 1 and %d", MaxPerPage))
	}
	return v.Err()
}

// Search finds published listings; it is public. Unknown categories are refused.
func (s *Service) Search(ctx context.Context, q SearchQuery) (SearchResult, error) {
	if err := q.Validate(); err != nil {
		return SearchResult{}, err
	}
	if q.Category != "" {
		cats, err := s.Store.Categories(ctx)
		if err != nil {
			return SearchResult{}, err
		}
		known := false
		for _, c := range cats {
			known = known || c.Code == q.Category
		}
		if !known {
			return SearchResult{}, &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed", Fields: map[string]string{"category": "unknown category"}}
		}
	}
	q.Text = Fold(q.Text)
	return s.Searcher.Search(ctx, q)
}

// Suggest proposes titles and categories for what a visitor is typing; it is public.
// Shorter prefixes get no proposals.
func (s *Service) Suggest(ctx context.Context, prefix string) ([]Suggestion, error) {
	prefix = strings.TrimSpace(prefix)
	if utf8.RuneCountInString(prefix) > MaxQueryLength {
		return nil, &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed", Fields: map[string]string{"q": fmt.Sprintf("at most %d characters", MaxQueryLength)}}
	}
	if utf8.RuneCountInString(prefix) < MinSuggestLength {
		return []Suggestion{}, nil
	}
	return s.Searcher.Suggest(ctx, Fold(prefix), MaxSuggestions)
}
