package api_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/api"
)

// producers is the cast of the catalog tests: a producer enterprise with two production
// sites in a penal institution, a second enterprise with a site of its own there, a school,
// and people of all three.
type producers struct {
	*env
	enterprise, other, school accounts.Organization
	sites                     []int64 // the enterprise's production sites
	otherSite                 int64   // the other enterprise's
	manager, master, admin    *session
	otherAdmin, requester     *session
	token                     string // the enterprise's API token, role producer_manager
	category                  string // a category that exists (not a top-level one)
}

func newProducers(t *testing.T) *producers {
	t.Helper()
	e := newEnv(t)
	institution := e.org(accounts.KindProducerInstitution, "Institution No. 16")
	p := &producers{env: e,
		enterprise: e.org(accounts.KindProducerEnterprise, "Enbek Workshops"),
		other:      e.org(accounts.KindProducerEnterprise, "Other Workshops"),
		school:     e.org(accounts.KindBuyer, "School No. 7"),
	}
	if p.enterprise.Subtype != accounts.SubtypeStateEnterprise {
		t.Fatalf("the enterprise's subtype is %q, want %q", p.enterprise.Subtype, accounts.SubtypeStateEnterprise)
	}
	p.sites = []int64{e.site(p.enterprise, institution, "W1", accounts.WorkshopWoodwork), e.site(p.enterprise, institution, "M1", accounts.WorkshopMetalwork)}
	p.otherSite = e.site(p.other, institution, "S1", accounts.WorkshopSewing)

	e.user("manager@enbek.kz", map[int64]accounts.Role{p.enterprise.ID: accounts.RoleProducerManager})
	e.user("master@enbek.kz", map[int64]accounts.Role{p.enterprise.ID: accounts.RoleWorkshopMaster})
	e.user("admin@enbek.kz", map[int64]accounts.Role{p.enterprise.ID: accounts.RoleAdmin})
	e.user("admin@other.kz", map[int64]accounts.Role{p.other.ID: accounts.RoleAdmin})
	e.user("requester@school.kz", map[int64]accounts.Role{p.school.ID: accounts.RoleRequester})
	p.manager, p.master, p.admin = e.login(t, "manager@enbek.kz"), e.login(t, "master@enbek.kz"), e.login(t, "admin@enbek.kz")
	p.otherAdmin, p.requester = e.login(t, "admin@other.kz"), e.login(t, "requester@school.kz")

	r := e.do(t, req{method: "POST", path: fmt.Sprintf("/api/v1/organizations/%d/tokens", p.enterprise.ID), session: p.admin,
		headers: p.admin.csrfHeader(), body: `{"name":"stock system","role":"producer_manager"}`})
	if r.status != http.StatusCreated {
		t.Fatalf("issue the enterprise's token: %s", r)
	}
	var tok struct {
		Secret string `json:"secret"`
	}
	r.decode(t, &tok)
	p.token = tok.Secret

	for _, c := range categories(t, e) {
		if c.ParentCode != nil {
			p.category = c.Code
			break
		}
	}
	if p.category == "" {
		t.Fatal("no category below the top level is seeded")
	}
	return p
}

// site creates a production site of enterprise in institution.
func (e *env) site(enterprise, institution accounts.Organization, code string, kind accounts.WorkshopKind) int64 {
	e.t.Helper()
	s := accounts.ProductionSite{EnterpriseID: enterprise.ID, InstitutionID: institution.ID, Code: code,
		Name: accounts.Text{RU: "Цех " + code, KK: "Цех " + code, EN: "Workshop " + code}, WorkshopKind: kind, WeeklyCapacityHours: 400}
	if err := s.Validate(); err != nil {
		e.t.Fatalf("site: %v", err)
	}
	if err := e.store.CreateProductionSite(e.ctx(), &s); err != nil {
		e.t.Fatalf("site: %v", err)
	}
	return s.ID
}

type categoryOut struct {
	Code         string  `json:"code"`
	ParentCode   *string `json:"parent_code"`
	Name         textOut `json:"name"`
	Position     int     `json:"position"`
	WorkshopKind string  `json:"workshop_kind"`
}

func categories(t *testing.T, e *env) []categoryOut {
	t.Helper()
	r := e.do(t, req{method: "GET", path: "/api/v1/categories"})
	if r.status != http.StatusOK {
		t.Fatalf("categories: %s", r)
	}
	var list struct {
		Items []categoryOut `json:"items"`
	}
	r.decode(t, &list)
	return list.Items
}

type textOut struct {
	RU string `json:"ru"`
	KK string `json:"kk"`
	EN string `json:"en"`
}

// listingOut is a listing as the API shows it.
type listingOut struct {
	ID           int64   `json:"id"`
	EnterpriseID int64   `json:"enterprise_id"`
	ExternalCode string  `json:"external_code"`
	Title        textOut `json:"title"`
	Description  textOut `json:"description"`
	Category     string  `json:"category"`
	Attributes   struct {
		LengthMM      int     `json:"length_mm"`
		WidthMM       int     `json:"width_mm"`
		HeightMM      int     `json:"height_mm"`
		Material      textOut `json:"material"`
		Colour        textOut `json:"colour"`
		Standard      string  `json:"standard"`
		AgeGroup      string  `json:"age_group"`
		Certification string  `json:"certification"`
	} `json:"attributes"`
	Unit                 string     `json:"unit"`
	PriceTiyn            int64      `json:"price_tiyn"`
	VATIncluded          bool       `json:"vat_included"`
	MinOrderQty          int        `json:"min_order_qty"`
	LeadTimeDays         int        `json:"lead_time_days"`
	LabourMinutesPerUnit int        `json:"labour_minutes_per_unit"`
	ReadyStock           int        `json:"ready_stock"`
	SiteIDs              []int64    `json:"site_ids"`
	Status               string     `json:"status"`
	Version              int        `json:"version"`
	CreatedAt            time.Time  `json:"created_at"`
	UpdatedAt            time.Time  `json:"updated_at"`
	PublishedAt          *time.Time `json:"published_at"`
	Images               []imageOut `json:"images"`
	Documents            []docOut   `json:"documents"`
}

// decodeListing decodes a listing strictly: the response has exactly the documented fields.
func decodeListing(t *testing.T, r resp) listingOut {
	t.Helper()
	var l listingOut
	dec := json.NewDecoder(strings.NewReader(r.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&l); err != nil {
		t.Fatalf("decode listing: %v: %s", err, r)
	}
	return l
}

// into decodes the listing of a response into dst (and fails the test if it is none).
func into(dst *listingOut) func(t *testing.T, r resp) {
	return func(t *testing.T, r resp) { *dst = decodeListing(t, r) }
}

// is checks a listing's status, version and price.
func is(status string, version int, price int64) func(t *testing.T, r resp) {
	return func(t *testing.T, r resp) {
		t.Helper()
		l := decodeListing(t, r)
		if l.Status != status || l.Version != version || l.PriceTiyn != price {
			t.Errorf("listing is %s, version %d, price %d; want %s, version %d, price %d", l.Status, l.Version, l.PriceTiyn, status, version, price)
		}
		if l.Status == "published" && l.PublishedAt == nil {
			t.Errorf("published without published_at: %s", r.body)
		}
	}
}

// fields is a listing body as a client writes it; set changes one field.
type fields map[string]any

func set(key string, value any) func(fields) { return func(f fields) { f[key] = value } }

func drop(key string) func(fields) { return func(f fields) { delete(f, key) } }

// body returns a valid listing body, changed by mods.
func (p *producers) body(mods ...func(fields)) string {
	f := fields{
		"external_code": "",
		"title":         map[string]string{"ru": "Парта ученическая двухместная", "kk": "Екі орындық оқушы партасы"},
		"description":   map[string]string{"ru": "Регулируемая по высоте, ростовая группа 5-6"},
		"category":      p.category,
		"attributes": map[string]any{"length_mm": 1200, "width_mm": 500, "height_mm": 760,
			"material": map[string]string{"ru": "ЛДСП, металл", "kk": "ЛДСП, металл", "en": "chipboard, steel"},
			"colour":   map[string]string{"ru": "бук"}, "standard": "ГОСТ 11015-93", "age_group": "7-17", "certification": "ЕАЭС N RU Д-KZ.1234"},
		"unit":                    "piece",
		"price_tiyn":              3_850_000,
		"vat_included":            true,
		"min_order_qty":           10,
		"lead_time_days":          21,
		"labour_minutes_per_unit": 95,
		"ready_stock":             0,
		"site_ids":                p.sites,
	}
	for _, m := range mods {
		m(f)
	}
	b, err := json.Marshal(f)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// version is the body of a status change.
func version(n int) string { return fmt.Sprintf(`{"version":%d}`, n) }

// naming checks that a refusal's field names what it should.
func naming(field, substring string) func(t *testing.T, r resp) {
	return func(t *testing.T, r resp) {
		t.Helper()
		_, _, fs := r.errorEnvelope(t)
		if !strings.Contains(fs[field], substring) {
			t.Errorf("fields.%s = %q, want it to say %q", field, fs[field], substring)
		}
	}
}

// prices checks a listing's price history, oldest first.
func prices(want ...int64) func(t *testing.T, r resp) {
	return func(t *testing.T, r resp) {
		t.Helper()
		var h struct {
			Items []struct {
				PriceTiyn   int64     `json:"price_tiyn"`
				VATIncluded bool      `json:"vat_included"`
				From        time.Time `json:"from"`
			} `json:"items"`
		}
		dec := json.NewDecoder(strings.NewReader(r.body))
		dec.DisallowUnknownFields() // changed_by is not for the public
		if err := dec.Decode(&h); err != nil {
			t.Fatalf("decode prices: %v: %s", err, r)
		}
		var got []int64
		for i, it := range h.Items {
			got = append(got, it.PriceTiyn)
			if i > 0 && it.From.Before(h.Items[i-1].From) {
				t.Errorf("price history not oldest first: %s", r.body)
			}
			if it.From.IsZero() {
				t.Errorf("a price without a date: %s", r.body)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("price history %v, want %v", got, want)
		}
	}
}

// items checks the titles (Russian) of a list of listings, in order, and that no listing
// has a status outside allowed.
func items(allowed []string, titles ...string) func(t *testing.T, r resp) {
	return func(t *testing.T, r resp) {
		t.Helper()
		var list struct {
			Items []listingOut `json:"items"`
		}
		r.decode(t, &list)
		var got []string
		for _, l := range list.Items {
			got = append(got, l.Title.RU)
			if !slices.Contains(allowed, l.Status) {
				t.Errorf("listing %d (%s) is %s: not one of %v", l.ID, l.Title.RU, l.Status, allowed)
			}
		}
		sortedGot, sortedWant := slices.Clone(got), slices.Clone(titles)
		slices.Sort(sortedGot)
		slices.Sort(sortedWant)
		if !slices.Equal(sortedGot, sortedWant) {
			t.Errorf("listings %q, want %q", got, titles)
		}
	}
}

const (
	deskTitle  = "Парта ученическая двухместная"
	chairTitle = "Стул ученический"
	benchTitle = "Скамейка парковая"
	missingID  = 987654
)

var (
	published = []string{"published"}
	anyStatus = []string{"draft", "published", "archived"}
)

// TestListingLifecycle takes listings through creation, the privacy of drafts, publishing,
// optimistic edits with their price history, concurrent edits and archiving, with every
// refusal on the way.
func TestListingLifecycle(t *testing.T) {
	p := newProducers(t)
	e := p.env
	list := fmt.Sprintf("/api/v1/organizations/%d/listings", p.enterprise.ID)
	csrf := p.manager.csrfHeader()
	var desk, chair, bench listingOut
	var winner int64 // the price of the edit that won the race

	t.Run("create", func(t *testing.T) {
		e.run(t, []scenario{
			{name: "a producer manager lists a product", method: "POST", path: list, session: p.manager, headers: csrf,
				body: p.body(set("external_code", "PD-2-01")), wantStatus: 201,
				wantContains: []string{`"status":"draft"`, `"version":1`, `"published_at":null`},
				after: func(t *testing.T, r resp) {
					desk = decodeListing(t, r)
					l := desk
					if l.ID == 0 || l.EnterpriseID != p.enterprise.ID || l.ExternalCode != "PD-2-01" || l.Category != p.category {
						t.Errorf("identity: %s", r.body)
					}
					if l.Title.RU != deskTitle || l.Title.KK != "Екі орындық оқушы партасы" || l.Title.EN != "" || l.Description.KK != "" {
						t.Errorf("texts: %s", r.body)
					}
					a := l.Attributes
					if a.LengthMM != 1200 || a.WidthMM != 500 || a.HeightMM != 760 || a.Material.EN != "chipboard, steel" || a.Colour.RU != "бук" ||
						a.Standard != "ГОСТ 11015-93" || a.AgeGroup != "7-17" || a.Certification != "ЕАЭС N RU Д-KZ.1234" {
						t.Errorf("attributes: %s", r.body)
					}
					if l.Unit != "piece" || l.PriceTiyn != 3_850_000 || !l.VATIncluded || l.MinOrderQty != 10 || l.LeadTimeDays != 21 ||
						l.LabourMinutesPerUnit != 95 || l.ReadyStock != 0 {
						t.Errorf("terms: %s", r.body)
					}
					if got := slices.Sorted(slices.Values(l.SiteIDs)); !slices.Equal(got, p.sites) {
						t.Errorf("site_ids %v, want %v", got, p.sites)
					}
					if l.CreatedAt.IsZero() || l.UpdatedAt.IsZero() || l.CreatedAt.Location() != time.UTC {
						t.Errorf("timestamps: %s", r.body)
					}
				}},
			{name: "a draft needs no production site yet", method: "POST", path: list, session: p.manager, headers: csrf,
				body:       p.body(set("title", map[string]string{"kk": "Оқушы орындығы", "ru": "  " + chairTitle + "  "}), set("site_ids", []int64{}), drop("attributes"), drop("description")),
				wantStatus: 201, wantContains: []string{`"site_ids":[]`, `"ru":"` + chairTitle + `"`}, after: into(&chair)},
			{name: "the enterprise's API token needs no CSRF token", method: "POST", path: list, bearer: p.token,
				body:       p.body(set("title", map[string]string{"ru": benchTitle, "en": "Park bench"}), set("unit", "set"), set("vat_included", false), set("site_ids", p.sites[1:])),
				wantStatus: 201, wantContains: []string{`"status":"draft"`, `"version":1`}, after: into(&bench)},
			{name: "a session without the CSRF token", method: "POST", path: list, session: p.manager, body: p.body(),
				wantStatus: 403, wantCode: "csrf_failed"},
			{name: "a workshop master may not list", method: "POST", path: list, session: p.master, headers: p.master.csrfHeader(), body: p.body(),
				wantStatus: 403, wantCode: "forbidden"},
			{name: "another enterprise's admin cannot tell the enterprise is there", method: "POST", path: list, session: p.otherAdmin,
				headers: p.otherAdmin.csrfHeader(), body: p.body(), wantStatus: 404, wantCode: "not_found"},
			{name: "a buyer neither", method: "POST", path: list, session: p.requester, headers: p.requester.csrfHeader(), body: p.body(),
				wantStatus: 404, wantCode: "not_found"},
			{name: "the public is asked to sign in", method: "POST", path: list, body: p.body(), wantStatus: 401, wantCode: "unauthenticated"},
			{name: "into an organization that does not exist", method: "POST", path: fmt.Sprintf("/api/v1/organizations/%d/listings", missingID),
				session: p.manager, headers: csrf, body: p.body(), wantStatus: 404, wantCode: "not_found"},
			{name: "the same external code twice", method: "POST", path: list, session: p.manager, headers: csrf,
				body: p.body(set("external_code", "PD-2-01")), wantStatus: 409, wantCode: "conflict"},

			{name: "an unknown category", method: "POST", path: list, session: p.manager, headers: csrf,
				body: p.body(set("category", "no_such_category")), wantStatus: 422, wantCode: "invalid", wantFields: []string{"category"}},
			{name: "a price of 0", method: "POST", path: list, session: p.manager, headers: csrf,
				body: p.body(set("price_tiyn", 0)), wantStatus: 422, wantCode: "invalid", wantFields: []string{"price_tiyn"}},
			{name: "an unknown unit", method: "POST", path: list, session: p.manager, headers: csrf,
				body: p.body(set("unit", "barrel")), wantStatus: 422, wantCode: "invalid", wantFields: []string{"unit"}},
			{name: "another enterprise's site", method: "POST", path: list, session: p.manager, headers: csrf,
				body: p.body(set("site_ids", []int64{p.sites[0], p.otherSite})), wantStatus: 422, wantCode: "invalid",
				after: naming("site_ids", fmt.Sprint(p.otherSite))},
			{name: "a site twice", method: "POST", path: list, session: p.manager, headers: csrf,
				body: p.body(set("site_ids", []int64{p.sites[0], p.sites[0]})), wantStatus: 422, wantCode: "invalid", wantFields: []string{"site_ids"}},
			{name: "a title too long", method: "POST", path: list, session: p.manager, headers: csrf,
				body:       p.body(set("title", map[string]string{"ru": strings.Repeat("ы", 201), "kk": "Парта"})),
				wantStatus: 422, wantCode: "invalid", wantFields: []string{"title.ru"}},
			{name: "a title of 200 characters is fine", method: "POST", path: list, session: p.manager, headers: csrf,
				body: p.body(set("title", map[string]string{"ru": strings.Repeat("ы", 200)})), wantStatus: 201},
			{name: "neither a Russian nor a Kazakh title", method: "POST", path: list, session: p.manager, headers: csrf,
				body: p.body(set("title", map[string]string{"en": "School desk"})), wantStatus: 422, wantCode: "invalid", wantFields: []string{"title"}},
			{name: "a blank title is none", method: "POST", path: list, session: p.manager, headers: csrf,
				body: p.body(set("title", map[string]string{"ru": " \t ", "kk": ""})), wantStatus: 422, wantCode: "invalid", wantFields: []string{"title"}},
			{name: "everything wrong at once", method: "POST", path: list, session: p.manager, headers: csrf,
				body: p.body(set("price_tiyn", -5), set("min_order_qty", 0), set("lead_time_days", 366), set("ready_stock", -1),
					set("labour_minutes_per_unit", 100_001), set("attributes", map[string]any{"length_mm": -1, "standard": strings.Repeat("x", 201)})),
				wantStatus: 422, wantCode: "invalid",
				wantFields: []string{"price_tiyn", "min_order_qty", "lead_time_days", "ready_stock", "labour_minutes_per_unit", "attributes.length_mm", "attributes.standard"}},
			{name: "a price as a string", method: "POST", path: list, session: p.manager, headers: csrf,
				body: p.body(set("price_tiyn", "38500.00")), wantStatus: 422, wantCode: "invalid", wantFields: []string{"price_tiyn"}},
			{name: "a fraction of a tiyn", method: "POST", path: list, session: p.manager, headers: csrf,
				body: p.body(set("price_tiyn", 3850000.5)), wantStatus: 422, wantCode: "invalid", wantFields: []string{"price_tiyn"}},
			{name: "malformed JSON", method: "POST", path: list, session: p.manager, headers: csrf,
				body: `{"title":{"ru":"Парта"`, wantStatus: 400, wantCode: "bad_request"},
			{name: "an unknown field", method: "POST", path: list, session: p.manager, headers: csrf,
				body: p.body(set("price_tenge", 38500)), wantStatus: 400, wantCode: "bad_request", wantFields: []string{"price_tenge"}},
			{name: "an unknown attribute", method: "POST", path: list, session: p.manager, headers: csrf,
				body: p.body(set("attributes", map[string]any{"weight_kg": 12})), wantStatus: 400, wantCode: "bad_request", wantFields: []string{"weight_kg"}},
			{name: "the status is not the client's to set", method: "POST", path: list, session: p.manager, headers: csrf,
				body: p.body(set("status", "published")), wantStatus: 400, wantCode: "bad_request", wantFields: []string{"status"}},
			{name: "nor the version", method: "POST", path: list, session: p.manager, headers: csrf,
				body: p.body(set("version", 7)), wantStatus: 400, wantCode: "bad_request", wantFields: []string{"version"}},
			{name: "not JSON", method: "POST", path: list, session: p.manager,
				headers: map[string]string{api.CSRFHeader: p.manager.csrf, "Content-Type": "text/plain"}, body: p.body(),
				wantStatus: 415, wantCode: "unsupported_type"},
			{name: "the refusals created nothing", method: "GET", path: list, session: p.manager, wantStatus: 200,
				after: items(anyStatus, deskTitle, chairTitle, benchTitle, strings.Repeat("ы", 200))},
		})
	})
	if desk.ID == 0 || chair.ID == 0 || bench.ID == 0 {
		t.Fatal("the listings the rest builds on were not created")
	}
	deskPath := fmt.Sprintf("/api/v1/listings/%d", desk.ID)
	chairPath := fmt.Sprintf("/api/v1/listings/%d", chair.ID)
	benchPath := fmt.Sprintf("/api/v1/listings/%d", bench.ID)
	var hidden string // the body of a hidden draft, to compare with a missing listing's

	t.Run("drafts are private", func(t *testing.T) {
		e.run(t, []scenario{
			{name: "hidden from a buyer", method: "GET", path: deskPath, session: p.requester, wantStatus: 404, wantCode: "not_found",
				wantAbsent: []string{deskTitle}, after: func(t *testing.T, r resp) { hidden = r.body }},
			{name: "the same as a listing that does not exist", method: "GET", path: fmt.Sprintf("/api/v1/listings/%d", missingID),
				session: p.requester, wantStatus: 404, wantCode: "not_found",
				after: func(t *testing.T, r resp) {
					if r.body != hidden {
						t.Errorf("a hidden draft (%s) and a missing listing (%s) can be told apart", hidden, r.body)
					}
				}},
			{name: "hidden from the public", method: "GET", path: deskPath, wantStatus: 404, wantCode: "not_found", wantAbsent: []string{deskTitle}},
			{name: "hidden from another enterprise", method: "GET", path: deskPath, session: p.otherAdmin, wantStatus: 404, wantCode: "not_found"},
			{name: "not a listing ID", method: "GET", path: "/api/v1/listings/desk", wantStatus: 404, wantCode: "not_found"},
			{name: "the workshop master sees it", method: "GET", path: deskPath, session: p.master, wantStatus: 200, after: is("draft", 1, 3_850_000)},
			{name: "so does the enterprise's token", method: "GET", path: deskPath, bearer: p.token, wantStatus: 200, after: is("draft", 1, 3_850_000)},
			{name: "its prices are hidden too", method: "GET", path: deskPath + "/prices", wantStatus: 404, wantCode: "not_found"},
			{name: "the enterprise sees its first price", method: "GET", path: deskPath + "/prices", session: p.master, wantStatus: 200,
				wantAbsent: []string{"changed_by"}, after: prices(3_850_000)},
			{name: "the public list has no drafts", method: "GET", path: list, wantStatus: 200, wantContains: []string{`{"items":[]}`}},
			{name: "nor a buyer's", method: "GET", path: list, session: p.requester, wantStatus: 200, wantContains: []string{`{"items":[]}`}},
			{name: "a buyer asking for drafts", method: "GET", path: list + "?status=draft", session: p.requester,
				wantStatus: 404, wantCode: "not_found", wantAbsent: []string{deskTitle, chairTitle}},
			{name: "another enterprise asking for drafts", method: "GET", path: list + "?status=draft", session: p.otherAdmin,
				wantStatus: 404, wantCode: "not_found", wantAbsent: []string{deskTitle}},
			{name: "the public asking for drafts", method: "GET", path: list + "?status=draft", wantStatus: 401, wantCode: "unauthenticated"},
			{name: "the workshop master lists the drafts", method: "GET", path: list + "?status=draft", session: p.master, wantStatus: 200,
				after: items([]string{"draft"}, deskTitle, chairTitle, benchTitle, strings.Repeat("ы", 200))},
			{name: "an unknown status", method: "GET", path: list + "?status=sold", session: p.manager, wantStatus: 422, wantCode: "invalid",
				wantFields: []string{"status"}},
			{name: "the listings of nothing", method: "GET", path: fmt.Sprintf("/api/v1/organizations/%d/listings", missingID),
				wantStatus: 404, wantCode: "not_found"},
		})
	})

	t.Run("publish", func(t *testing.T) {
		e.run(t, []scenario{
			{name: "publishing needs a production site", method: "POST", path: chairPath + "/publish", session: p.manager, headers: csrf,
				body: version(1), wantStatus: 422, wantCode: "invalid", wantFields: []string{"site_ids"}},
			{name: "a status change without a version", method: "POST", path: deskPath + "/publish", session: p.manager, headers: csrf,
				body: `{}`, wantStatus: 422, wantCode: "invalid", wantFields: []string{"version"}},
			{name: "version 0", method: "POST", path: deskPath + "/publish", session: p.manager, headers: csrf,
				body: version(0), wantStatus: 422, wantCode: "invalid", wantFields: []string{"version"}},
			{name: "a version that is no number", method: "POST", path: deskPath + "/publish", session: p.manager, headers: csrf,
				body: `{"version":"1"}`, wantStatus: 422, wantCode: "invalid", wantFields: []string{"version"}},
			{name: "a status in the body", method: "POST", path: deskPath + "/publish", session: p.manager, headers: csrf,
				body: `{"version":1,"status":"archived"}`, wantStatus: 400, wantCode: "bad_request", wantFields: []string{"status"}},
			{name: "a workshop master may not publish", method: "POST", path: deskPath + "/publish", session: p.master,
				headers: p.master.csrfHeader(), body: version(1), wantStatus: 403, wantCode: "forbidden"},
			{name: "another enterprise's admin cannot", method: "POST", path: deskPath + "/publish", session: p.otherAdmin,
				headers: p.otherAdmin.csrfHeader(), body: version(1), wantStatus: 404, wantCode: "not_found"},
			{name: "the public cannot see a draft to publish", method: "POST", path: deskPath + "/publish", body: version(1),
				wantStatus: 404, wantCode: "not_found"},
			{name: "a stale version", method: "POST", path: deskPath + "/publish", session: p.manager, headers: csrf,
				body: version(2), wantStatus: 409, wantCode: "conflict", after: naming("version", "1")},
			{name: "publish", method: "POST", path: deskPath + "/publish", session: p.manager, headers: csrf,
				body: version(1), wantStatus: 200, after: is("published", 2, 3_850_000)},
			{name: "publishing twice", method: "POST", path: deskPath + "/publish", session: p.manager, headers: csrf,
				body: version(2), wantStatus: 409, wantCode: "conflict", wantFields: []string{"status"}},
			{name: "the token publishes its own", method: "POST", path: benchPath + "/publish", bearer: p.token,
				body: version(1), wantStatus: 200, after: is("published", 2, 3_850_000)},
			{name: "now public", method: "GET", path: deskPath, wantStatus: 200, after: is("published", 2, 3_850_000)},
			{name: "to buyers too", method: "GET", path: deskPath, session: p.requester, wantStatus: 200, wantContains: []string{deskTitle}},
			{name: "in the public list, without the drafts", method: "GET", path: list, wantStatus: 200,
				after: items(published, deskTitle, benchTitle)},
			{name: "its prices are public", method: "GET", path: deskPath + "/prices", wantStatus: 200,
				wantAbsent: []string{"changed_by"}, after: prices(3_850_000)},
		})
	})

	put := func(name string, s *session, v int, mods ...func(fields)) scenario {
		sc := scenario{name: name, method: "PUT", path: deskPath, session: s, body: p.body(append([]func(fields){set("version", v)}, mods...)...)}
		if s != nil {
			sc.headers = s.csrfHeader()
		}
		return sc
	}
	with := func(sc scenario, status int, code string, after func(*testing.T, resp), fs ...string) scenario {
		sc.wantStatus, sc.wantCode, sc.after, sc.wantFields = status, code, after, fs
		return sc
	}
	t.Run("edit", func(t *testing.T) {
		e.run(t, []scenario{
			with(put("a new price", p.manager, 2, set("price_tiyn", 4_100_000)), 200, "", is("published", 3, 4_100_000)),
			{name: "is added to the history", method: "GET", path: deskPath + "/prices", wantStatus: 200, after: prices(3_850_000, 4_100_000)},
			with(put("an edit that keeps the price", p.manager, 3, set("price_tiyn", 4_100_000), set("lead_time_days", 30)), 200, "", is("published", 4, 4_100_000)),
			{name: "adds no price", method: "GET", path: deskPath + "/prices", wantStatus: 200, after: prices(3_850_000, 4_100_000)},
			with(put("a stale edit", p.manager, 3, set("price_tiyn", 100), set("lead_time_days", 1)), 409, "conflict", naming("version", "4"), "version"),
			{name: "changed nothing", method: "GET", path: deskPath, wantStatus: 200,
				after: func(t *testing.T, r resp) {
					if l := decodeListing(t, r); l.Version != 4 || l.PriceTiyn != 4_100_000 || l.LeadTimeDays != 30 {
						t.Errorf("after a stale edit: %s", r.body)
					}
				}},
			{name: "nor the history", method: "GET", path: deskPath + "/prices", wantStatus: 200, after: prices(3_850_000, 4_100_000)},
			with(put("an edit without a version", p.manager, 0, drop("version")), 422, "invalid", nil, "version"),
			with(put("a workshop master may not edit", p.master, 4), 403, "forbidden", nil),
			with(put("the public may not", nil, 4), 401, "unauthenticated", nil),
			// The listing is published, so its existence is no secret: the refusal says why.
			with(put("another enterprise cannot", p.otherAdmin, 4), 403, "forbidden", nil),
			with(put("a published listing keeps a site", p.manager, 4, set("site_ids", []int64{})), 422, "invalid", nil, "site_ids"),
			with(put("an invalid edit", p.manager, 4, set("unit", "barrel"), set("category", "")), 422, "invalid", nil, "unit", "category"),
			with(put("the status is not edited here", p.manager, 4, set("status", "draft")), 400, "bad_request", nil, "status"),
			with(put("the enterprise's admin edits", p.admin, 4, set("site_ids", p.sites[1:])), 200, "",
				func(t *testing.T, r resp) {
					is("published", 5, 3_850_000)(t, r)
					if l := decodeListing(t, r); !slices.Equal(l.SiteIDs, p.sites[1:]) {
						t.Errorf("site_ids %v, want %v", l.SiteIDs, p.sites[1:])
					}
				}),
			{name: "a price back to the first is still a change", method: "GET", path: deskPath + "/prices", wantStatus: 200,
				after: prices(3_850_000, 4_100_000, 3_850_000)},
			{name: "a listing that does not exist", method: "PUT", path: fmt.Sprintf("/api/v1/listings/%d", missingID), session: p.manager,
				headers: csrf, body: p.body(set("version", 1)), wantStatus: 404, wantCode: "not_found"},
		})
	})

	t.Run("concurrent edits of one version", func(t *testing.T) {
		base := e.listen(t)
		const n = 6
		type result struct {
			status int
			body   string
			price  int64
		}
		results := make([]result, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				price := int64(5_000_000 + 100*i)
				hr, err := http.NewRequest("PUT", base+deskPath, strings.NewReader(p.body(set("version", 5), set("price_tiyn", price), set("site_ids", p.sites))))
				if err != nil {
					results[i] = result{body: err.Error()}
					return
				}
				hr.Header.Set("Content-Type", "application/json")
				hr.Header.Set(api.CSRFHeader, p.manager.csrf)
				hr.AddCookie(&http.Cookie{Name: api.SessionCookie, Value: p.manager.cookie})
				<-start
				res, err := http.DefaultClient.Do(hr)
				if err != nil {
					results[i] = result{body: err.Error()}
					return
				}
				defer res.Body.Close()
				b, _ := io.ReadAll(res.Body)
				results[i] = result{status: res.StatusCode, body: string(b), price: price}
			}()
		}
		close(start)
		wg.Wait()
		var statuses []int
		for _, r := range results {
			statuses = append(statuses, r.status)
			switch r.status {
			case http.StatusOK:
				winner = r.price
				if !strings.Contains(r.body, `"version":6`) {
					t.Errorf("the edit that won is not version 6: %s", r.body)
				}
			case http.StatusConflict:
				naming("version", "6")(t, resp{status: r.status, header: http.Header{"Content-Type": {"application/json"}}, body: r.body})
			default:
				t.Errorf("an edit got %d: %s", r.status, r.body)
			}
		}
		if n200 := strings.Count(fmt.Sprint(statuses), "200"); n200 != 1 {
			t.Fatalf("%d edits of version 5 succeeded (statuses %v); want exactly one, the rest 409", n200, statuses)
		}
		e.run(t, []scenario{
			{name: "the winner's edit stands", method: "GET", path: deskPath, wantStatus: 200, after: is("published", 6, winner)},
			{name: "and only its price was added", method: "GET", path: deskPath + "/prices", wantStatus: 200,
				after: prices(3_850_000, 4_100_000, 3_850_000, winner)},
		})
	})

	t.Run("archive", func(t *testing.T) {
		e.run(t, []scenario{
			{name: "a workshop master may not archive", method: "POST", path: deskPath + "/archive", session: p.master,
				headers: p.master.csrfHeader(), body: version(6), wantStatus: 403, wantCode: "forbidden"},
			{name: "the public may not", method: "POST", path: deskPath + "/archive", body: version(6), wantStatus: 401, wantCode: "unauthenticated"},
			{name: "a stale archive", method: "POST", path: deskPath + "/archive", session: p.manager, headers: csrf, body: version(5),
				wantStatus: 409, wantCode: "conflict", after: naming("version", "6")},
			{name: "archive", method: "POST", path: deskPath + "/archive", session: p.manager, headers: csrf, body: version(6),
				wantStatus: 200, after: func(t *testing.T, r resp) { is("archived", 7, winner)(t, r) }},
			{name: "gone from the public", method: "GET", path: deskPath, wantStatus: 404, wantCode: "not_found", wantAbsent: []string{deskTitle}},
			{name: "from buyers", method: "GET", path: deskPath, session: p.requester, wantStatus: 404, wantCode: "not_found"},
			{name: "its prices too", method: "GET", path: deskPath + "/prices", wantStatus: 404, wantCode: "not_found"},
			{name: "and from the public list", method: "GET", path: list, wantStatus: 200, after: items(published, benchTitle)},
			{name: "the enterprise still sees it", method: "GET", path: deskPath, session: p.master, wantStatus: 200,
				wantContains: []string{`"status":"archived"`}},
			{name: "among its archived listings", method: "GET", path: list + "?status=archived", session: p.master, wantStatus: 200,
				after: items([]string{"archived"}, deskTitle)},
			{name: "a buyer asking for archived listings", method: "GET", path: list + "?status=archived", session: p.requester,
				wantStatus: 404, wantCode: "not_found", wantAbsent: []string{deskTitle}},
			{name: "archiving an archived listing", method: "POST", path: deskPath + "/archive", session: p.manager, headers: csrf,
				body: version(7), wantStatus: 409, wantCode: "conflict", wantFields: []string{"status"}},
			{name: "back to draft", method: "POST", path: deskPath + "/unpublish", session: p.manager, headers: csrf, body: version(7),
				wantStatus: 200, wantContains: []string{`"status":"draft"`, `"version":8`}},
			{name: "a draft cannot be unpublished", method: "POST", path: deskPath + "/unpublish", session: p.manager, headers: csrf,
				body: version(8), wantStatus: 409, wantCode: "conflict", wantFields: []string{"status"}},
			{name: "a published listing returns to draft", method: "POST", path: benchPath + "/unpublish", bearer: p.token, body: version(2),
				wantStatus: 200, wantContains: []string{`"status":"draft"`, `"version":3`}},
			{name: "and leaves the public", method: "GET", path: benchPath, wantStatus: 404, wantCode: "not_found"},
			{name: "an archived draft never was public", method: "POST", path: chairPath + "/archive", session: p.admin,
				headers: p.admin.csrfHeader(), body: version(1), wantStatus: 200, wantContains: []string{`"status":"archived"`, `"published_at":null`}},
			{name: "nothing is public now", method: "GET", path: list, wantStatus: 200, wantContains: []string{`{"items":[]}`}},
			{name: "the enterprise sees them all", method: "GET", path: list, session: p.manager, wantStatus: 200,
				after: items(anyStatus, deskTitle, chairTitle, benchTitle, strings.Repeat("ы", 200))},
		})
	})
}

// TestListingsListShowsOnlyPublished: without a status, those with no standing in the
// enterprise see its published listings and nothing else, whatever else it has.
func TestListingsListShowsOnlyPublished(t *testing.T) {
	p := newProducers(t)
	e := p.env
	list := fmt.Sprintf("/api/v1/organizations/%d/listings", p.enterprise.ID)
	create := func(title string) listingOut {
		t.Helper()
		r := e.do(t, req{method: "POST", path: list, bearer: p.token, body: p.body(set("title", map[string]string{"ru": title}))})
		if r.status != 201 {
			t.Fatalf("create %s: %s", title, r)
		}
		return decodeListing(t, r)
	}
	status := func(l listingOut, action string) {
		t.Helper()
		if r := e.do(t, req{method: "POST", path: fmt.Sprintf("/api/v1/listings/%d/%s", l.ID, action), bearer: p.token, body: version(l.Version)}); r.status != 200 {
			t.Fatalf("%s %d: %s", action, l.ID, r)
		}
	}
	create("Черновик")
	status(create("Опубликовано"), "publish")
	status(create("В архиве"), "archive")
	other := e.do(t, req{method: "POST", path: fmt.Sprintf("/api/v1/organizations/%d/listings", p.other.ID), session: p.otherAdmin,
		headers: p.otherAdmin.csrfHeader(), body: p.body(set("site_ids", []int64{p.otherSite}), set("title", map[string]string{"ru": "Чужое"}))})
	if other.status != 201 {
		t.Fatalf("create in the other enterprise: %s", other)
	}

	var sc []scenario
	for _, who := range []struct {
		name string
		s    *session
	}{{"the public", nil}, {"a buyer", p.requester}, {"another enterprise", p.otherAdmin}} {
		sc = append(sc,
			scenario{name: who.name + " without a status", method: "GET", path: list, session: who.s, wantStatus: 200,
				after: items(published, "Опубликовано")},
			scenario{name: who.name + " asking for published", method: "GET", path: list + "?status=published", session: who.s, wantStatus: 200,
				after: items(published, "Опубликовано")},
			scenario{name: who.name + " with an empty status", method: "GET", path: list + "?status=", session: who.s, wantStatus: 200,
				after: items(published, "Опубликовано")})
	}
	sc = append(sc,
		scenario{name: "the enterprise's token sees all of its own", method: "GET", path: list, bearer: p.token, wantStatus: 200,
			after: items(anyStatus, "Черновик", "Опубликовано", "В архиве")},
		scenario{name: "the other enterprise's list", method: "GET", path: fmt.Sprintf("/api/v1/organizations/%d/listings", p.other.ID),
			session: p.otherAdmin, wantStatus: 200, after: items([]string{"draft"}, "Чужое")},
		scenario{name: "a buyer organization lists nothing", method: "GET", path: fmt.Sprintf("/api/v1/organizations/%d/listings", p.school.ID),
			wantStatus: 200, wantContains: []string{`{"items":[]}`}},
		scenario{name: "and lists no goods", method: "POST", path: fmt.Sprintf("/api/v1/organizations/%d/listings", p.school.ID),
			session: p.requester, headers: p.requester.csrfHeader(), body: p.body(), wantStatus: 403, wantCode: "forbidden"},
	)
	e.run(t, sc)
}

// TestCategories: the category tree is public, parents come before their children, and
// every category is named in Russian and Kazakh.
func TestCategories(t *testing.T) {
	e := newEnv(t)
	cats := categories(t, e)
	if len(cats) < 5 {
		t.Fatalf("only %d categories are seeded", len(cats))
	}
	seen := map[string]bool{}
	positions := map[string][]int{} // parent -> positions of its children, in order
	top, children := 0, 0
	for _, c := range cats {
		if c.Code == "" || seen[c.Code] {
			t.Errorf("category code %q is empty or repeated", c.Code)
		}
		if c.Name.RU == "" || c.Name.KK == "" || c.Name.EN == "" {
			t.Errorf("category %s is not named in every language: %+v", c.Code, c.Name)
		}
		if !slices.Contains(accounts.WorkshopKinds, accounts.WorkshopKind(c.WorkshopKind)) {
			t.Errorf("category %s: unknown workshop kind %q", c.Code, c.WorkshopKind)
		}
		parent := ""
		if c.ParentCode == nil {
			top++
		} else {
			children++
			parent = *c.ParentCode
			if !seen[parent] {
				t.Errorf("category %s comes before its parent %q (or the parent does not exist)", c.Code, parent)
			}
		}
		if ps := positions[parent]; len(ps) > 0 && ps[len(ps)-1] > c.Position {
			t.Errorf("category %s (position %d) comes after a sibling with a higher position", c.Code, c.Position)
		}
		positions[parent] = append(positions[parent], c.Position)
		seen[c.Code] = true
	}
	if top == 0 || children == 0 {
		t.Errorf("not a tree: %d top-level categories, %d below them", top, children)
	}
	e.run(t, []scenario{
		{name: "anonymous", method: "GET", path: "/api/v1/categories", wantStatus: 200,
			wantContains: []string{`"parent_code":null`}},
		{name: "a bad token is refused even here", method: "GET", path: "/api/v1/categories", bearer: "shb_nope", wantStatus: 401, wantCode: "unauthenticated"},
	})
}
