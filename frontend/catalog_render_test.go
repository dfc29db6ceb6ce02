package frontend

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog"
)

// sampleListing is a published listing with every field that pages show filled in;
// its title has no English, to show the fallback.
func sampleListing() catalog.Listing {
	at := time.Date(2025, 8, 25, 4, 30, 0, 0, time.UTC)
	return catalog.Listing{ID: 42, EnterpriseID: 9, Title: accounts.Text{RU: "Шанырак декоративный", KK: "Сәндік шаңырақ"},
		Description: accounts.Text{RU: "Из берёзы.\nРучная работа."}, CategoryCode: "play-corners",
		Attributes: catalog.Attributes{LengthMM: 1200, WidthMM: 1200, HeightMM: 300, Material: accounts.Text{RU: "берёза"},
			Colour: accounts.Text{RU: "натуральный"}, Standard: "ГОСТ 25779-90", AgeGroup: "3-7", Certification: "ЕАЭС N RU Д-KZ.0001"},
		Unit: catalog.UnitPiece, PriceTiyn: 12_345_67, VATIncluded: true, MinOrderQty: 2, LeadTimeDays: 14, ReadyStock: 3,
		SiteIDs: []int64{5}, Status: catalog.StatusPublished, Version: 3, CreatedAt: at, UpdatedAt: at, PublishedAt: &at,
		Images: []catalog.Image{sampleImage(7, "Шанырак сверху"), sampleImage(8, "")},
		Documents: []catalog.Document{{ID: 3, Title: accounts.Text{RU: "Сертификат"}, FileName: "cert.pdf", Key: "documents/" + strings.Repeat("c", 64) + ".pdf", SizeBytes: 3_500_000},
			{ID: 4, FileName: "drawing.pdf", Key: "documents/" + strings.Repeat("d", 64) + ".pdf", SizeBytes: 20_000}}}
}

func sampleImage(id int64, alt string) catalog.Image {
	key := func(w int) string { return "images/" + strings.Repeat(strconv.Itoa(w%10), 64) + ".jpg" }
	return catalog.Image{ID: id, Alt: accounts.Text{RU: alt}, Width: 1600, Height: 1200,
		Variants: []catalog.ImageVariant{{Width: 320, Height: 240, Key: key(1)}, {Width: 800, Height: 600, Key: key(2)}, {Width: 1600, Height: 1200, Key: key(3)}}}
}

func sampleEnterprise() accounts.Organization {
	return accounts.Organization{ID: 9, Kind: accounts.KindProducerEnterprise, Name: accounts.Text{RU: "РГП «Енбек»", KK: "«Еңбек» РМК", EN: "Enbek"}, Region: "karaganda"}
}

func sampleCatalogPages() []any {
	l := sampleListing()
	made := l
	made.ID, made.ReadyStock, made.VATIncluded, made.Title = 43, 0, false, accounts.Text{EN: "Bench"}
	cats := []catalog.Category{{Code: "play", Name: accounts.Text{RU: "Игры"}}, {Code: "play-corners", ParentCode: "play", Name: accounts.Text{RU: "Уголки"}}}
	full := catalogPage{
		Filters: catalogFilters{Q: "шанырак", Category: "play", Price: bandKey(catalog.PriceBands[1]), InStock: true, LeadTimeMax: "14", Sort: "price_asc", Page: 2},
		Total:   60, Cards: []productCard{{Listing: l, Producer: sampleEnterprise()}, {Listing: made}},
		Categories:  categoryOptions(cats, []catalog.FacetCount{{Key: "play-corners", Count: 2}}, "play"),
		Regions:     regionOptions([]catalog.FacetCount{{Key: "karaganda", Count: 2}}, "karaganda"),
		Enterprises: []facetOption{{Value: "9", Name: sampleEnterprise().Name, Count: 2, Selected: true}},
		Pages:       pagination(2, 3), Prev: 1, Next: 3, Searched: true,
	}
	for _, b := range catalog.PriceBands {
		full.PriceBands = append(full.PriceBands, facetOption{Value: bandKey(b), Name: accounts.Text{RU: bandName(langRU, b)}, Count: 1})
	}
	for _, d := range catalogLeadTimes {
		full.LeadTimes = append(full.LeadTimes, facetOption{Value: strconv.Itoa(d)})
	}
	full.Sorts = []facetOption{{Value: "relevance"}, {Value: "price_asc", Selected: true}}
	return []any{full, catalogPage{}}
}

func sampleProductPages() []any {
	inst := accounts.Organization{ID: 3, Kind: accounts.KindProducerInstitution, Name: accounts.Text{RU: "Учреждение № 16"}, Region: "karaganda"}
	d := catalog.ProductDetails{Listing: sampleListing(), Enterprise: sampleEnterprise(),
		Sites:      []catalog.Site{{ProductionSite: accounts.ProductionSite{ID: 5, Name: accounts.Text{RU: "Столярный цех"}}, Institution: inst}},
		Breadcrumb: []catalog.Category{{Code: "play", Name: accounts.Text{RU: "Игры"}}, {Code: "play-corners", Name: accounts.Text{RU: "Уголки"}}}}
	bare := catalog.ProductDetails{Listing: catalog.Listing{ID: 1, Title: accounts.Text{KK: "Орындық"}, Unit: catalog.UnitSet, MinOrderQty: 1}}
	return []any{productPage{ProductDetails: d}, productPage{ProductDetails: bare}}
}

func TestFormatTenge(t *testing.T) {
	tests := []struct {
		lang string
		tiyn int64
		want string
	}{
		{langRU, 1_234_567, "12\u00a0345,67\u00a0₸"},
		{langKK, 100_000_000, "1\u00a0000\u00a0000\u00a0₸"},
		{langEN, 1_234_567, "12,345.67\u00a0₸"},
		{langEN, 5, "0.05\u00a0₸"},
		{langRU, 0, "0\u00a0₸"},
		{langRU, 99_900, "999\u00a0₸"},
	}
	for _, tt := range tests {
		if got := formatTenge(tt.lang, tt.tiyn); got != tt.want {
			t.Errorf("formatTenge(%s, %d) = %q, want %q", tt.lang, tt.tiyn, got, tt.want)
		}
	}
}

func TestParseTenge(t *testing.T) {
	good := map[string]int64{
		"12 345,67": 1_234_567, "12345.67": 1_234_567, "12\u00a0345,67 ₸": 1_234_567, "12 345": 1_234_500,
		"1,234,567.89": 123_456_789, "1.234.567,89": 123_456_789, "0,5": 50, "7": 700, " 15 000 ": 1_500_000,
		"1'000": 100_000, "92233720368547758,07": 9_223_372_036_854_775_807,
	}
	for in, want := range good {
		if got, ok := parseTenge(in); !ok || got != want {
			t.Errorf("parseTenge(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", " ", "abc", "12,345", "1.234", "12,3456", "-5", "1e5", "12,34,56", "1,234.567.8", ",5", "5,", "1..2",
		"92233720368547758,08", "99999999999999999999", "1,2,3", "12 34,5x", "١٢"} {
		if got, ok := parseTenge(in); ok {
			t.Errorf("parseTenge(%q) = %d, want a refusal", in, got)
		}
	}
}

func FuzzParseTenge(f *testing.F) {
	for _, s := range []string{"12 345,67", "1,234,567.89", "0,05", "1.234", "₸", "9223372036854775807"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tiyn, ok := parseTenge(s)
		if !ok {
			return
		}
		if tiyn < 0 {
			t.Fatalf("parseTenge(%q) = %d: negative", s, tiyn)
		}
		// What the editor writes back reads as the same amount, in every language.
		for _, lang := range languages {
			back := formatTengeAmount(lang, tiyn, false)
			if again, ok := parseTenge(back); !ok || again != tiyn {
				t.Fatalf("parseTenge(%q) = %d, written %q in %s, read back as %d, %v", s, tiyn, back, lang, again, ok)
			}
		}
	})
}

func TestCatalogFiltersRoundTrip(t *testing.T) {
	q := map[string]string{"q": "парта", "category": "furniture", "region": "almaty", "price": bandKey(catalog.PriceBands[2]),
		"in_stock": "1", "lead_time_max": "14", "sort": "price_desc", "page": "3", "utm_source": "x"}
	f, sq, err := parseCatalogQuery(func(k string) string { return q[k] })
	if err != nil {
		t.Fatal(err)
	}
	if sq.PriceMin != catalog.PriceBands[2].Min || sq.PriceMax != catalog.PriceBands[2].Max-1 || !sq.InStock || *sq.LeadTimeMax != 14 || sq.Page != 3 {
		t.Errorf("query = %+v", sq)
	}
	want := "/catalog?category=furniture&in_stock=1&lead_time_max=14&page=3&price=5000000-20000000&q=%D0%BF%D0%B0%D1%80%D1%82%D0%B0&region=almaty&sort=price_desc"
	if got := f.URL(); got != want {
		t.Errorf("URL() = %s\nwant    %s", got, want)
	}
	if got := f.PageURL(1); strings.Contains(got, "page=") {
		t.Errorf("PageURL(1) = %s: page 1 has no parameter", got)
	}
	for param, bad := range map[string]string{"price": "1-2", "enterprise": "x", "in_stock": "maybe", "lead_time_max": "soon", "page": "0", "sort": "cheap", "region": "mars"} {
		_, _, err := parseCatalogQuery(func(k string) string {
			if k == param {
				return bad
			}
			return ""
		})
		var de *accounts.Error
		if !errors.As(err, &de) || de.Code != accounts.CodeInvalid || de.Fields[param] == "" {
			t.Errorf("%s=%s: err = %v, want invalid naming %s", param, bad, err, param)
		}
	}
}

func TestPagination(t *testing.T) {
	render := func(links []pageLink) string {
		var b strings.Builder
		for _, l := range links {
			switch {
			case l.Number == 0:
				b.WriteString("… ")
			case l.Current:
				b.WriteString("[" + strconv.Itoa(l.Number) + "] ")
			default:
				b.WriteString(strconv.Itoa(l.Number) + " ")
			}
		}
		return strings.TrimSpace(b.String())
	}
	for _, tt := range []struct {
		current, total int
		want           string
	}{
		{1, 1, ""}, {1, 3, "[1] 2 3"}, {10, 20, "1 … 7 8 9 [10] 11 12 13 … 20"}, {2, 20, "1 [2] 3 4 5 … 20"}, {20, 20, "1 … 17 18 19 [20]"},
	} {
		if got := render(pagination(tt.current, tt.total)); got != tt.want {
			t.Errorf("pagination(%d, %d) = %q, want %q", tt.current, tt.total, got, tt.want)
		}
	}
}

func TestResultCardsShowTheLanguageFallback(t *testing.T) {
	ui := newTestUI(t)
	var buf bytes.Buffer
	if err := ui.execute(&buf, pageCatalog, view{Lang: langEN, Page: sampleCatalogPages()[0]}); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	for _, want := range []string{`lang="ru">Шанырак декоративный</a> <span class="lang-badge"`, ">ru</span>", "12,345.67\u00a0₸", "VAT included",
		`lang="en">Bench</a></h3>`, "In stock: 3 pcs", "Made in 14 days", `href="/catalog?category=play&amp;in_stock=1&amp;lead_time_max=14&amp;page=3&amp;price=`,
		`aria-current="page">2</a>`, `<option value="play" selected>Игры (2)</option>`} {
		if !strings.Contains(html, want) {
			t.Errorf("no %q in the catalog page:\n%s", want, html)
		}
	}
}

func sampleListingsPages() []any {
	l := sampleListing()
	draft := l
	draft.ID, draft.Status, draft.ExternalCode, draft.Title = 44, catalog.StatusDraft, "A-17", accounts.Text{KK: "Орындық"}
	return []any{
		listingsPage{Org: sampleEnterprise(), Listings: []catalog.Listing{l, draft}, CanEdit: true, Status: "draft", Statuses: []string{"draft", "published", "archived"}},
		listingsPage{Org: sampleEnterprise()},
	}
}

func sampleEditorPages() []any {
	l := sampleListing()
	sites := []siteOption{{Site: catalog.Site{ProductionSite: accounts.ProductionSite{ID: 5, Name: accounts.Text{RU: "Цех"}}}, Checked: true},
		{Site: catalog.Site{ProductionSite: accounts.ProductionSite{ID: 6, Name: accounts.Text{RU: "Цех 2"}}}}}
	cats := categoryOptions([]catalog.Category{{Code: "play", Name: accounts.Text{RU: "Игры"}}, {Code: "play-corners", ParentCode: "play", Name: accounts.Text{RU: "Уголки"}}}, nil, "play-corners")
	edit := listingEditPage{Org: sampleEnterprise(), Listing: l, Form: listingForm(l, langRU), Categories: cats, Units: catalog.Units, Sites: sites,
		Action: "/listings/42/edit", Done: "saved"}
	bad := form{Values: map[string]string{"price": "12,34,5"}, Errors: map[string]string{"price": "enter the price", "title": "required",
		"title_ru": "too long", "category": "unknown", "unit": "unknown", "site_ids": "not a site", "form": "nope", "version": "required", "description_kk": "too long"}}
	stale := edit
	stale.Done, stale.Stale, stale.Form = "", 4, bad
	archived := edit
	archived.Listing.Status, archived.Listing.SiteIDs, archived.Done = catalog.StatusArchived, nil, ""
	return []any{
		edit, stale, archived,
		listingEditPage{Org: sampleEnterprise(), Form: bad, Categories: cats, Units: catalog.Units, Action: "/orgs/9/listings"},
	}
}

func TestImageAttributes(t *testing.T) {
	img := sampleImage(1, "x")
	if got := imageSrc(img); got != "/media/images/"+strings.Repeat("1", 64)+".jpg" {
		t.Errorf("imageSrc = %s", got)
	}
	want := "/media/images/" + strings.Repeat("1", 64) + ".jpg 320w, /media/images/" + strings.Repeat("2", 64) + ".jpg 800w, /media/images/" + strings.Repeat("3", 64) + ".jpg 1600w"
	if got := imageSrcset(img); got != want {
		t.Errorf("imageSrcset = %s", got)
	}
	ui := newTestUI(t)
	var buf bytes.Buffer
	if err := ui.execute(&buf, pageProduct, view{Lang: langRU, Page: sampleProductPages()[0]}); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	for _, w := range []string{`srcset="` + want + `"`, `width="1600" height="1200" decoding="async" alt="Шанырак сверху"`, `loading="lazy"`,
		"type=\"application/pdf\">Сертификат</a> <span class=\"muted\">(PDF, 3,3\u00a0МБ)", `>drawing.pdf</a>`} {
		if !strings.Contains(html, w) {
			t.Errorf("no %q in the product page", w)
		}
	}
}

func TestFileSize(t *testing.T) {
	for _, tt := range []struct {
		lang string
		n    int64
		want string
	}{{langRU, 20_000, "20\u00a0КБ"}, {langEN, 3_500_000, "3.3\u00a0MB"}, {langKK, 1 << 20, "1,0\u00a0МБ"}, {langEN, 1, "1\u00a0KB"}} {
		if got := fileSize(tt.lang, tt.n); got != tt.want {
			t.Errorf("fileSize(%s, %d) = %q, want %q", tt.lang, tt.n, got, tt.want)
		}
	}
}

func TestMovedOrder(t *testing.T) {
	imgs := []catalog.Image{{ID: 1}, {ID: 2}, {ID: 3}}
	for _, tt := range []struct {
		id   int64
		up   bool
		want string
		ok   bool
	}{{2, true, "[2 1 3]", true}, {2, false, "[1 3 2]", true}, {1, true, "[1 2 3]", false}, {3, false, "[1 2 3]", false}, {9, true, "[1 2 3]", false}} {
		got, ok := movedOrder(imgs, tt.id, tt.up)
		if fmt.Sprint(got) != tt.want || ok != tt.ok {
			t.Errorf("movedOrder(%d, up=%v) = %v, %v; want %s, %v", tt.id, tt.up, got, ok, tt.want, tt.ok)
		}
	}
}
