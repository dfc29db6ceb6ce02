package frontend

import (
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/api"
	"github.com/sheber-kz/sheber/catalog"
)

// The public catalog: /catalog is a plain GET form whose every choice is in the URL, so
// that it works without JavaScript and a result page can be shared; static/catalog.js
// only makes it quicker (suggestions, results swapped in place).

// catalogLeadTimes are the lead-time choices of the catalog's filter, in days.
var catalogLeadTimes = []int{0, 7, 14, 30, 60}

// maxPageLinks is how many numbered page links the pagination shows around the current page.
const maxPageLinks = 7

// catalogFilters are the catalog form's values as sent, which the page writes back
// into the form and into its links. The names are the URL's parameters.
type catalogFilters struct {
	Q, Category, Region, Enterprise, Price, LeadTimeMax, Sort string
	InStock                                                   bool
	Page                                                      int
}

// parseCatalogQuery reads the catalog page's URL into filters and a validated search
// query. Problems are CodeInvalid naming the parameter, as in the API.
func parseCatalogQuery(get func(string) string) (catalogFilters, catalog.SearchQuery, error) {
	f := catalogFilters{
		Q: get("q"), Category: get("category"), Region: get("region"), Enterprise: get("enterprise"),
		Price: get("price"), LeadTimeMax: get("lead_time_max"), Sort: get("sort"),
	}
	v := accounts.Validation{}
	q := catalog.SearchQuery{Text: f.Q, Category: f.Category, Region: f.Region, Sort: catalog.Sort(f.Sort), PerPage: catalog.DefaultPerPage}
	if f.Enterprise != "" {
		id, err := strconv.ParseInt(f.Enterprise, 10, 64)
		if err != nil || id <= 0 {
			v.Add("enterprise", "must be an organization ID")
		}
		q.EnterpriseID = id
	}
	if f.Price != "" {
		band, ok := priceBandByKey(f.Price)
		if !ok {
			v.Add("price", "not one of the price bands")
		}
		q.PriceMin, q.PriceMax = band.Min, band.Max
		if band.Max > 0 {
			q.PriceMax = band.Max - 1 // bands are [min, max): the search's maximum is inclusive
		}
	}
	switch strings.ToLower(get("in_stock")) {
	case "", "0", "false":
	case "1", "true", "on":
		f.InStock, q.InStock = true, true
	default:
		v.Add("in_stock", "must be 1 or empty")
	}
	if f.LeadTimeMax != "" {
		n, err := strconv.Atoi(f.LeadTimeMax)
		if err != nil {
			v.Add("lead_time_max", "must be a number of days")
		}
		q.LeadTimeMax = &n
	}
	if p := get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			v.Add("page", "must be a page number")
		}
		q.Page = n
	}
	if err := v.Err(); err != nil {
		return f, q, err
	}
	err := q.Validate()
	f.Page = q.Page
	return f, q, err
}

// bandKey names a price band in the catalog's URL: "min-max" in tiyn, max empty for the
// open-ended top band.
func bandKey(b catalog.PriceBand) string {
	key := strconv.FormatInt(b.Min, 10) + "-"
	if b.Max > 0 {
		key += strconv.FormatInt(b.Max, 10)
	}
	return key
}

func priceBandByKey(key string) (catalog.PriceBand, bool) {
	for _, b := range catalog.PriceBands {
		if bandKey(b) == key {
			return b, true
		}
	}
	return catalog.PriceBand{}, false
}

// values returns the filters as URL parameters, leaving out the empty ones and page 1.
func (f catalogFilters) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"q": f.Q, "category": f.Category, "region": f.Region, "enterprise": f.Enterprise,
		"price": f.Price, "lead_time_max": f.LeadTimeMax, "sort": f.Sort} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if f.InStock {
		v.Set("in_stock", "1")
	}
	if f.Page > 1 {
		v.Set("page", strconv.Itoa(f.Page))
	}
	return v
}

// URL is the catalog's address with these filters.
func (f catalogFilters) URL() string {
	if q := f.values().Encode(); q != "" {
		return "/catalog?" + q
	}
	return "/catalog"
}

// PageURL is the address of page n of the same results.
func (f catalogFilters) PageURL(n int) string {
	f.Page = n
	return f.URL()
}

// facetOption is one choice of a filter with the number of results it would keep.
type facetOption struct {
	Value    string
	Name     accounts.Text
	Depth    int // in the category tree
	Count    int
	Selected bool
}

// pageLink is one link of the pagination; Number 0 is a gap ("…").
type pageLink struct {
	Number  int
	Current bool
}

// productCard is one result of the catalog.
type productCard struct {
	Listing  catalog.Listing
	Producer accounts.Organization
}

// catalogPage is the data of the catalog page.
type catalogPage struct {
	Filters     catalogFilters
	Total       int
	Cards       []productCard
	Categories  []facetOption
	Regions     []facetOption
	Enterprises []facetOption
	PriceBands  []facetOption
	LeadTimes   []facetOption
	Sorts       []facetOption
	Pages       []pageLink
	Prev, Next  int // page numbers; 0 when there is none
	Searched    bool
}

func (ui *UI) catalogPage(c *fiber.Ctx) error {
	get := func(name string) string { return strings.TrimSpace(strings.Clone(c.Query(name))) }
	filters, q, err := parseCatalogQuery(get)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	res, err := ui.srv.Catalog.Search(ctx, q)
	if err != nil {
		return err
	}
	cats, err := ui.srv.Catalog.Categories(ctx)
	if err != nil {
		return err
	}
	ids := make([]int64, 0, len(res.Items)+len(res.Facets.Enterprises))
	for _, l := range res.Items {
		ids = append(ids, l.EnterpriseID)
	}
	for _, fc := range res.Facets.Enterprises {
		if id, err := strconv.ParseInt(fc.Key, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	producers, err := ui.srv.Catalog.Producers(ctx, ids)
	if err != nil {
		return err
	}
	page := catalogPage{Filters: filters, Total: res.Total, Searched: filters.Q != ""}
	for _, l := range res.Items {
		page.Cards = append(page.Cards, productCard{Listing: l, Producer: producers[l.EnterpriseID]})
	}
	page.Categories = categoryOptions(cats, res.Facets.Categories, filters.Category)
	page.Regions = regionOptions(res.Facets.Regions, filters.Region)
	for _, fc := range res.Facets.Enterprises {
		id, _ := strconv.ParseInt(fc.Key, 10, 64)
		org, ok := producers[id]
		if !ok {
			continue
		}
		page.Enterprises = append(page.Enterprises, facetOption{Value: fc.Key, Name: org.Name, Count: fc.Count, Selected: fc.Key == filters.Enterprise})
	}
	if filters.Enterprise != "" && !anySelected(page.Enterprises) {
		// Chosen but with no result left: keep it in the form, so that it can be undone.
		id, _ := strconv.ParseInt(filters.Enterprise, 10, 64)
		if org, err := ui.srv.Catalog.Producers(ctx, []int64{id}); err == nil && org[id].ID != 0 {
			page.Enterprises = append(page.Enterprises, facetOption{Value: filters.Enterprise, Name: org[id].Name, Selected: true})
		}
	}
	for i, b := range catalog.PriceBands {
		count := 0
		if i < len(res.Facets.PriceBands) {
			count = res.Facets.PriceBands[i].Count
		}
		page.PriceBands = append(page.PriceBands, facetOption{Value: bandKey(b), Count: count, Selected: bandKey(b) == filters.Price,
			Name: accounts.Text{RU: bandName(langRU, b), KK: bandName(langKK, b), EN: bandName(langEN, b)}})
	}
	for _, d := range catalogLeadTimes {
		page.LeadTimes = append(page.LeadTimes, facetOption{Value: strconv.Itoa(d), Selected: filters.LeadTimeMax == strconv.Itoa(d)})
	}
	for _, s := range []catalog.Sort{catalog.SortRelevance, catalog.SortPriceAsc, catalog.SortPriceDesc, catalog.SortNewest} {
		page.Sorts = append(page.Sorts, facetOption{Value: string(s), Selected: q.Sort == s})
	}
	pages := (res.Total + q.PerPage - 1) / q.PerPage
	if pages > catalog.MaxPage {
		pages = catalog.MaxPage
	}
	page.Pages = pagination(q.Page, pages)
	if q.Page > 1 {
		page.Prev = q.Page - 1
	}
	if q.Page < pages {
		page.Next = q.Page + 1
	}
	return ui.render(c, fiber.StatusOK, pageCatalog, ui.newView(c, page))
}

func anySelected(opts []facetOption) bool {
	for _, o := range opts {
		if o.Selected {
			return true
		}
	}
	return false
}

// bandName writes a price band in lang: "up to 10 000 ₸", "10 000 – 50 000 ₸", "from 1 000 000 ₸".
func bandName(lang string, b catalog.PriceBand) string {
	switch {
	case b.Min == 0:
		return map[string]string{langRU: "до ", langKK: "", langEN: "under "}[lang] + formatTenge(lang, b.Max) +
			map[string]string{langRU: "", langKK: " дейін", langEN: ""}[lang]
	case b.Max == 0:
		return map[string]string{langRU: "от ", langKK: "", langEN: "from "}[lang] + formatTenge(lang, b.Min) +
			map[string]string{langRU: "", langKK: " бастап", langEN: ""}[lang]
	default:
		return formatTengeAmount(lang, b.Min, true) + " – " + formatTenge(lang, b.Max)
	}
}

// categoryOptions lists the category tree, parents before children, each with the results
// in it and its subcategories.
func categoryOptions(cats []catalog.Category, counts []catalog.FacetCount, chosen string) []facetOption {
	count := map[string]int{}
	parent := map[string]string{}
	for _, c := range cats {
		parent[c.Code] = c.ParentCode
	}
	for _, fc := range counts {
		for code, depth := fc.Key, 0; code != "" && depth <= len(cats); code, depth = parent[code], depth+1 {
			count[code] += fc.Count
		}
	}
	children := map[string][]catalog.Category{}
	for _, c := range cats {
		children[c.ParentCode] = append(children[c.ParentCode], c)
	}
	var out []facetOption
	var walk func(code string, depth int)
	walk = func(code string, depth int) {
		kids := children[code]
		sort.SliceStable(kids, func(i, j int) bool { return kids[i].Position < kids[j].Position })
		for _, c := range kids {
			out = append(out, facetOption{Value: c.Code, Name: c.Name, Depth: depth, Count: count[c.Code], Selected: c.Code == chosen})
			if depth < 8 {
				walk(c.Code, depth+1)
			}
		}
	}
	walk("", 0)
	return out
}

// regionOptions lists every region with the results made there.
func regionOptions(counts []catalog.FacetCount, chosen string) []facetOption {
	count := map[string]int{}
	for _, fc := range counts {
		count[fc.Key] = fc.Count
	}
	out := make([]facetOption, 0, len(accounts.Regions))
	for _, r := range accounts.Regions {
		out = append(out, facetOption{Value: r.Code, Name: r.Name, Count: count[r.Code], Selected: r.Code == chosen})
	}
	return out
}

// pagination returns the numbered links for page current of total: the first, the last
// and a window around the current one, with gaps between.
func pagination(current, total int) []pageLink {
	if total <= 1 {
		return nil
	}
	lo, hi := current-maxPageLinks/2, current+maxPageLinks/2
	if lo < 1 {
		lo = 1
	}
	if hi > total {
		hi = total
	}
	var out []pageLink
	if lo > 1 {
		out = append(out, pageLink{Number: 1})
		if lo > 2 {
			out = append(out, pageLink{})
		}
	}
	for n := lo; n <= hi; n++ {
		out = append(out, pageLink{Number: n, Current: n == current})
	}
	if hi < total {
		if hi < total-1 {
			out = append(out, pageLink{})
		}
		out = append(out, pageLink{Number: total})
	}
	return out
}

// productPage is the data of a product's page.
type productPage struct {
	catalog.ProductDetails
	// CartOrgs are the buyer organizations in whose cart the visitor may put the product.
	CartOrgs []accounts.Member
}

func (ui *UI) productPage(c *fiber.Ctx) error {
	id, err := api.PathID(c, "id")
	if err != nil {
		return err
	}
	d, err := ui.srv.Catalog.ProductDetails(c.UserContext(), id)
	if err != nil {
		return err
	}
	page := productPage{ProductDetails: d}
	if ui.srv.Orders != nil {
		page.CartOrgs = cartOrgs(api.ActorOf(c))
	}
	return ui.render(c, fiber.StatusOK, pageProduct, ui.newView(c, page))
}
