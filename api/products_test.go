package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/sheber-kz/sheber/catalog"
	"github.com/sheber-kz/sheber/storage/redis"
)

// searchOut is a page of search results as the API shows it.
type searchOut struct {
	Items   []listingOut `json:"items"`
	Total   int          `json:"total"`
	Page    int          `json:"page"`
	PerPage int          `json:"per_page"`
	Facets  struct {
		Categories  []facetOut `json:"categories"`
		Regions     []facetOut `json:"regions"`
		Enterprises []facetOut `json:"enterprises"`
		PriceBands  []struct {
			Min   int64 `json:"min"`
			Max   int64 `json:"max"`
			Count int   `json:"count"`
		} `json:"price_bands"`
	} `json:"facets"`
}

type facetOut struct {
	Key   string `json:"key"`
	Count int    `json:"count"`
}

// decodeSearch decodes search results strictly: exactly the documented fields.
func decodeSearch(t *testing.T, r resp) searchOut {
	t.Helper()
	var s searchOut
	dec := json.NewDecoder(strings.NewReader(r.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		t.Fatalf("decode search results: %v: %s", err, r)
	}
	return s
}

// found checks that a search found exactly the listings with these IDs, in any order.
func found(ids ...int64) func(t *testing.T, r resp) {
	return func(t *testing.T, r resp) {
		t.Helper()
		s := decodeSearch(t, r)
		got := map[int64]bool{}
		for _, l := range s.Items {
			got[l.ID] = true
			if l.Status != "published" {
				t.Errorf("search found listing %d, which is %s", l.ID, l.Status)
			}
		}
		for _, id := range ids {
			if !got[id] {
				t.Errorf("search did not find listing %d: %s", id, r.body)
			}
		}
		if len(s.Items) != len(ids) || s.Total != len(ids) {
			t.Errorf("search found %d listings (total %d), want %d: %s", len(s.Items), s.Total, len(ids), r.body)
		}
	}
}

// TestProductsParameters: every problem with the query string is 422 naming the parameter,
// before any search runs.
func TestProductsParameters(t *testing.T) {
	e := newEnv(t)
	invalid := func(name, query string, field, says string) scenario {
		return scenario{name: name, method: "GET", path: "/api/v1/products?" + query, wantStatus: 422, wantCode: "invalid",
			wantFields: []string{field}, after: naming(field, says)}
	}
	e.run(t, []scenario{
		invalid("an unknown parameter", "q=desk&colour=red", "colour", "unknown parameter"),
		invalid("a repeated parameter", "region=almaty&region=astana", "region", "more than once"),
		invalid("a word for a page", "page=two", "page", "whole number"),
		invalid("a fraction for a price", "price_min=10.5", "price_min", "whole number"),
		invalid("a hexadecimal per_page", "per_page=0x10", "per_page", "whole number"),
		invalid("a price beyond int64", "price_max=99999999999999999999", "price_max", "out of range"),
		invalid("per_page 101", "per_page=101", "per_page", "between 1 and 100"),
		invalid("a negative page", "page=-1", "page", "between 1 and 1000"),
		invalid("price_max below price_min", "price_min=5000&price_max=100", "price_max", "price_min"),
		invalid("an unknown sort", "sort=cheapest", "sort", "price_asc"),
		invalid("an unknown region", "region=atlantis", "region", "unknown region"),
		invalid("an unknown category", "category=no-such-category", "category", "unknown category"),
		invalid("in_stock not a boolean", "in_stock=yes", "in_stock", "true or false"),
		invalid("a lead time over a year", "lead_time_max=366", "lead_time_max", "365"),
		invalid("a negative enterprise", "enterprise=-3", "enterprise", "organization ID"),
		invalid("too long a text", "q="+strings.Repeat("а", 201), "q", "200"),
	})
	e.run(t, []scenario{
		{name: "suggest: an unknown parameter", method: "GET", path: "/api/v1/suggest?q=desk&limit=3", wantStatus: 422, wantCode: "invalid",
			wantFields: []string{"limit"}},
		{name: "suggest: q twice", method: "GET", path: "/api/v1/suggest?q=de&q=sk", wantStatus: 422, wantCode: "invalid", wantFields: []string{"q"}},
		{name: "suggest: too long", method: "GET", path: "/api/v1/suggest?q=" + strings.Repeat("x", 201), wantStatus: 422, wantCode: "invalid",
			wantFields: []string{"q"}},
		{name: "suggest: one letter proposes nothing", method: "GET", path: "/api/v1/suggest?q=" + url.QueryEscape("ш"), wantStatus: 200,
			wantContains: []string{`{"items":[]}`}},
		{name: "suggest: nothing typed", method: "GET", path: "/api/v1/suggest", wantStatus: 200, wantContains: []string{`{"items":[]}`}},
		{name: "product: not an ID", method: "GET", path: "/api/v1/products/desk", wantStatus: 404, wantCode: "not_found"},
		{name: "product: no such listing", method: "GET", path: fmt.Sprintf("/api/v1/products/%d", missingID), wantStatus: 404, wantCode: "not_found"},
	})
}

// TestProduct: the public catalog shows published listings only, to everyone, their own
// enterprise included.
func TestProduct(t *testing.T) {
	p := newProducers(t)
	e := p.env
	list := fmt.Sprintf("/api/v1/organizations/%d/listings", p.enterprise.ID)
	var draft, pub, archived listingOut
	e.run(t, []scenario{
		{name: "create a draft", method: "POST", path: list, bearer: p.token, body: p.body(), wantStatus: 201, after: into(&draft)},
		{name: "create one to publish", method: "POST", path: list, bearer: p.token, body: p.body(), wantStatus: 201, after: into(&pub)},
		{name: "create one to archive", method: "POST", path: list, bearer: p.token, body: p.body(), wantStatus: 201, after: into(&archived)},
	})
	e.run(t, []scenario{
		{name: "publish", method: "POST", path: fmt.Sprintf("/api/v1/listings/%d/publish", pub.ID), bearer: p.token, body: version(pub.Version),
			wantStatus: 200},
		{name: "archive", method: "POST", path: fmt.Sprintf("/api/v1/listings/%d/archive", archived.ID), bearer: p.token,
			body: version(archived.Version), wantStatus: 200},
	})
	product := func(id int64) string { return fmt.Sprintf("/api/v1/products/%d", id) }
	e.run(t, []scenario{
		{name: "a published listing to the public", method: "GET", path: product(pub.ID), wantStatus: 200, after: is("published", 2, 3_850_000)},
		{name: "a published listing to a buyer", method: "GET", path: product(pub.ID), session: p.requester, wantStatus: 200,
			after: is("published", 2, 3_850_000)},
		{name: "a draft to the public", method: "GET", path: product(draft.ID), wantStatus: 404, wantCode: "not_found"},
		{name: "a draft to its own enterprise", method: "GET", path: product(draft.ID), bearer: p.token, wantStatus: 404, wantCode: "not_found"},
		{name: "a draft to its enterprise's admin", method: "GET", path: product(draft.ID), session: p.admin, wantStatus: 404, wantCode: "not_found"},
		{name: "which sees it as a listing", method: "GET", path: fmt.Sprintf("/api/v1/listings/%d", draft.ID), session: p.admin, wantStatus: 200,
			after: is("draft", 1, 3_850_000)},
		{name: "an archived listing to its own enterprise", method: "GET", path: product(archived.ID), bearer: p.token, wantStatus: 404,
			wantCode: "not_found"},
	})
}

// TestProductSearch: search finds published listings only, by any spelling of a Kazakh
// title, and counts facets.
func TestProductSearch(t *testing.T) {
	p := newProducers(t)
	e := p.env
	list := fmt.Sprintf("/api/v1/organizations/%d/listings", p.enterprise.ID)
	var yurt, desk, draft listingOut
	kazakh := set("title", map[string]string{"ru": "Шанырак сувенирный", "kk": "Шаңырақ кәдесыйы"})
	e.run(t, []scenario{
		{name: "create a shanyraq", method: "POST", path: list, bearer: p.token, body: p.body(kazakh, set("price_tiyn", 500_000), set("ready_stock", 5)),
			wantStatus: 201, after: into(&yurt)},
		{name: "create a desk", method: "POST", path: list, bearer: p.token, body: p.body(), wantStatus: 201, after: into(&desk)},
		{name: "create a draft shanyraq", method: "POST", path: list, bearer: p.token, body: p.body(kazakh), wantStatus: 201, after: into(&draft)},
	})
	e.run(t, []scenario{
		{name: "publish the shanyraq", method: "POST", path: fmt.Sprintf("/api/v1/listings/%d/publish", yurt.ID), bearer: p.token,
			body: version(yurt.Version), wantStatus: 200},
		{name: "publish the desk", method: "POST", path: fmt.Sprintf("/api/v1/listings/%d/publish", desk.ID), bearer: p.token,
			body: version(desk.Version), wantStatus: 200},
	})
	search := func(query string) string { return "/api/v1/products?" + query }
	ent := fmt.Sprintf("enterprise=%d", p.enterprise.ID)
	e.run(t, []scenario{
		{name: "Kazakh Cyrillic", method: "GET", path: search(ent + "&q=" + url.QueryEscape("Шаңырақ")), wantStatus: 200, after: found(yurt.ID)},
		{name: "Kazakh Latin", method: "GET", path: search(ent + "&q=shanyraq"), wantStatus: 200, after: found(yurt.ID)},
		{name: "plain Cyrillic", method: "GET", path: search(ent + "&q=" + url.QueryEscape("шанырак")), wantStatus: 200, after: found(yurt.ID)},
		{name: "in stock only", method: "GET", path: search(ent + "&in_stock=true"), wantStatus: 200, after: found(yurt.ID)},
		{name: "under 10,000 tenge", method: "GET", path: search(ent + "&price_max=1000000"), wantStatus: 200, after: found(yurt.ID)},
		{name: "everything of the enterprise, with facets", method: "GET", path: search(ent + "&sort=price_asc&per_page=10"), wantStatus: 200,
			after: func(t *testing.T, r resp) {
				found(yurt.ID, desk.ID)(t, r)
				s := decodeSearch(t, r)
				if s.Page != 1 || s.PerPage != 10 {
					t.Errorf("page %d, per_page %d; want 1, 10", s.Page, s.PerPage)
				}
				if len(s.Items) == 2 && s.Items[0].ID != yurt.ID {
					t.Errorf("price_asc: the cheaper shanyraq is not first: %s", r.body)
				}
				want := facetOut{Key: fmt.Sprint(p.enterprise.ID), Count: 2}
				if len(s.Facets.Enterprises) != 1 || s.Facets.Enterprises[0] != want {
					t.Errorf("enterprise facets %v, want [%v]", s.Facets.Enterprises, want)
				}
				// 5,000 and 38,500 tenge: the first band and the second.
				if b := s.Facets.PriceBands; len(b) != 5 || b[0].Count != 1 || b[1].Count != 1 || b[0].Min != 0 || b[0].Max != 1_000_000 {
					t.Errorf("price bands %+v", b)
				}
			}},
		{name: "defaults", method: "GET", path: search("q=shanyraq"), wantStatus: 200, after: func(t *testing.T, r resp) {
			s := decodeSearch(t, r)
			if s.Page != 1 || s.PerPage != 24 {
				t.Errorf("page %d, per_page %d; want 1, 24", s.Page, s.PerPage)
			}
		}},
		{name: "suggest a title as it is typed", method: "GET", path: "/api/v1/suggest?q=shany", wantStatus: 200,
			wantContains: []string{fmt.Sprintf(`"listing_id":%d`, yurt.ID)}, wantAbsent: []string{fmt.Sprintf(`"listing_id":%d`, draft.ID)}},
	})
}

// With a response cache, GET /api/v1/products answers the same bytes as without one, from
// Redis once stored, and a committed change of the catalog is seen by the next search.
func TestProductSearchResponseCache(t *testing.T) {
	p := newProducers(t)
	e := p.env
	e.catalog.Store = redis.NewCatalogChanges(e.redis, e.catalog.Store)
	cache := redis.NewSearchCache(e.redis, e.catalog.Searcher)
	list := fmt.Sprintf("/api/v1/organizations/%d/listings", p.enterprise.ID)
	var desk listingOut
	e.run(t, []scenario{
		{name: "create a desk", method: "POST", path: list, bearer: p.token, body: p.body(), wantStatus: 201, after: into(&desk)},
	})
	e.run(t, []scenario{
		{name: "publish it", method: "POST", path: fmt.Sprintf("/api/v1/listings/%d/publish", desk.ID), bearer: p.token,
			body: version(desk.Version), wantStatus: 200, after: into(&desk)},
	})
	path := fmt.Sprintf("/api/v1/products?enterprise=%d&q=%s", p.enterprise.ID, url.QueryEscape("парта"))
	get := func(name string) resp {
		t.Helper()
		r := e.do(t, req{method: "GET", path: path})
		if r.status != 200 {
			t.Fatalf("%s: %s", name, r)
		}
		if ct := r.header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("%s: Content-Type %q", name, ct)
		}
		return r
	}
	uncached := get("uncached")
	found(desk.ID)(t, uncached)
	e.srv.Responses = cache
	first, second := get("first cached"), get("second cached")
	if first.body != uncached.body || second.body != uncached.body {
		t.Errorf("the cache changed the answer:\nuncached %s\nfirst    %s\nsecond   %s", uncached.body, first.body, second.body)
	}
	// Served from Redis: the engine is not asked again.
	e.catalog.Searcher = failingSearcher{}
	if r := get("from Redis"); r.body != uncached.body {
		t.Errorf("not served from the cache: %s", r.body)
	}
	e.catalog.Searcher = cache
	// A bad parameter is refused before the cache.
	if r := e.do(t, req{method: "GET", path: path + "&page=0x"}); r.status != 422 {
		t.Errorf("bad page: %s", r)
	}
	e.run(t, []scenario{
		{name: "archive it", method: "POST", path: fmt.Sprintf("/api/v1/listings/%d/archive", desk.ID), bearer: p.token,
			body: version(desk.Version), wantStatus: 200},
	})
	found()(t, get("after the change"))
}

// failingSearcher fails every search: a cached answer must not reach it.
type failingSearcher struct{}

func (failingSearcher) Search(context.Context, catalog.SearchQuery) (catalog.SearchResult, error) {
	return catalog.SearchResult{}, errors.New("the engine was asked")
}

func (failingSearcher) Suggest(context.Context, string, int) ([]catalog.Suggestion, error) {
	return nil, errors.New("the engine was asked")
}
