package api

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog"
)

// searchParams are the query parameters of GET /api/v1/products; the names are those of
// catalog.SearchQuery.Validate's fields.
var searchParams = map[string]bool{
	"q": true, "category": true, "region": true, "institution": true, "enterprise": true,
	"price_min": true, "price_max": true, "in_stock": true, "lead_time_max": true,
	"sort": true, "page": true, "per_page": true,
}

// queryArgs copies a request's query string into a map: Fiber reuses the buffers the
// arguments live in.
func queryArgs(args *fasthttp.Args) map[string][]string {
	out := map[string][]string{}
	for k, v := range args.All() {
		key := string(k)
		out[key] = append(out[key], string(v))
	}
	return out
}

// checkParams refuses parameters not in known and parameters given more than once; the
// problems are named after the parameters.
func checkParams(args map[string][]string, known map[string]bool) accounts.Validation {
	v := accounts.Validation{}
	for k, vals := range args {
		switch {
		case !known[k]:
			v.Add(k, "unknown parameter")
		case len(vals) > 1:
			v.Add(k, "given more than once")
		}
	}
	return v
}

// parseSearchQuery turns the query parameters of GET /api/v1/products into a validated
// catalog.SearchQuery (defaults filled in). An empty value is the same as an absent one.
// Every problem is CodeInvalid naming its parameter.
func parseSearchQuery(args map[string][]string) (catalog.SearchQuery, error) {
	v := checkParams(args, searchParams)
	get := func(name string) string {
		if vals := args[name]; len(vals) == 1 {
			return strings.TrimSpace(vals[0])
		}
		return ""
	}
	integer := func(name string) int64 {
		s := get(name)
		if s == "" {
			return 0
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
				v.Add(name, "out of range")
			} else {
				v.Add(name, "must be a whole number")
			}
			return 0
		}
		return n
	}
	// small narrows an integer to int, keeping values no int can hold out of range.
	small := func(name string) int {
		n := integer(name)
		if n > 1<<31-1 || n < -(1<<31) {
			v.Add(name, "out of range")
			return 0
		}
		return int(n)
	}
	q := catalog.SearchQuery{
		Text:          get("q"),
		Category:      get("category"),
		Region:        get("region"),
		InstitutionID: integer("institution"),
		EnterpriseID:  integer("enterprise"),
		PriceMin:      integer("price_min"),
		PriceMax:      integer("price_max"),
		Sort:          catalog.Sort(get("sort")),
		Page:          small("page"),
		PerPage:       small("per_page"),
	}
	if get("lead_time_max") != "" {
		n := small("lead_time_max")
		q.LeadTimeMax = &n
	}
	switch strings.ToLower(get("in_stock")) {
	case "", "false", "0":
	case "true", "1":
		q.InStock = true
	default:
		v.Add("in_stock", "must be true or false")
	}
	if err := v.Err(); err != nil {
		return catalog.SearchQuery{}, err
	}
	if err := q.Validate(); err != nil {
		return catalog.SearchQuery{}, err
	}
	return q, nil
}

func (s *Server) products(c *fiber.Ctx) error {
	q, err := parseSearchQuery(queryArgs(c.Context().QueryArgs()))
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	render := func() ([]byte, error) {
		res, err := s.Catalog.Search(ctx, q)
		if err != nil {
			return nil, err
		}
		return json.Marshal(newSearchResult(res, q))
	}
	var body []byte
	if s.Responses == nil {
		body, err = render()
	} else {
		// The answer is a function of the validated query (defaults filled in) and the
		// catalog, so a hit is the stored bytes: no search, no decoding, no encoding.
		var key []byte
		if key, err = json.Marshal(q); err != nil {
			return err
		}
		body, err = s.Responses.Cached(ctx, "products", key, render)
	}
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(body)
}

// product is a listing of the public catalog: published only. Others are 404 for everyone,
// their enterprise's members too, who see them under /api/v1/listings/{id}.
func (s *Server) product(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	l, err := s.Catalog.Product(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(newListing(l))
}

var suggestParams = map[string]bool{"q": true}

func (s *Server) suggest(c *fiber.Ctx) error {
	args := queryArgs(c.Context().QueryArgs())
	if err := checkParams(args, suggestParams).Err(); err != nil {
		return err
	}
	var prefix string
	if vals := args["q"]; len(vals) == 1 {
		prefix = vals[0]
	}
	ss, err := s.Catalog.Suggest(c.UserContext(), prefix)
	if err != nil {
		return err
	}
	out := make([]suggestionDTO, len(ss))
	for i, sg := range ss {
		out[i] = suggestionDTO{Kind: sg.Kind, Text: newText(sg.Text), ListingID: sg.ListingID, Category: sg.Category}
	}
	return c.JSON(listDTO[suggestionDTO]{Items: out})
}

func newSearchResult(res catalog.SearchResult, q catalog.SearchQuery) searchResultDTO {
	items := make([]listingDTO, len(res.Items))
	for i, l := range res.Items {
		items[i] = newListing(l)
	}
	bands := make([]priceBandDTO, len(res.Facets.PriceBands))
	for i, b := range res.Facets.PriceBands {
		bands[i] = priceBandDTO{Min: b.Min, Max: b.Max, Count: b.Count}
	}
	return searchResultDTO{Items: items, Total: res.Total, Page: q.Page, PerPage: q.PerPage,
		Facets: facetsDTO{Categories: newFacetCounts(res.Facets.Categories), Regions: newFacetCounts(res.Facets.Regions),
			Enterprises: newFacetCounts(res.Facets.Enterprises), PriceBands: bands}}
}

func newFacetCounts(fs []catalog.FacetCount) []facetCountDTO {
	out := make([]facetCountDTO, len(fs))
	for i, f := range fs {
		out[i] = facetCountDTO{Key: f.Key, Count: f.Count}
	}
	return out
}
