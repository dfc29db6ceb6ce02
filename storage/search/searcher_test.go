package search_test

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog"
	"github.com/sheber-kz/sheber/storage/postgres"
	"github.com/sheber-kz/sheber/storage/postgres/postgrestest"
	"github.com/sheber-kz/sheber/storage/search"
)

func newBIN(t *testing.T, n int) string {
	t.Helper()
	for month := 1; month <= 12; month++ {
		prefix := fmt.Sprintf("24%02d5%06d", month, n)
		if d, ok := accounts.BINCheckDigit(prefix); ok {
			return fmt.Sprintf("%s%d", prefix, d)
		}
	}
	t.Fatalf("no BIN for %d", n)
	return ""
}

type searchWorld struct {
	store   *postgres.CatalogStore
	outbox  *postgres.SearchOutbox
	ent     accounts.Organization
	ids     map[string]int64 // external code -> listing id
	siteKar int64            // a site in Karaganda
	siteAst int64            // a site in Astana
}

// newSearchWorld puts a few listings in a fresh PostgreSQL database and delivers them to
// the index through the outbox, as `sheber worker` does.
func newSearchWorld(t *testing.T, index catalog.SearchIndex) searchWorld {
	t.Helper()
	ctx := testCtx(t)
	db := postgrestest.New(t)
	acc := postgres.NewAccountsStore(db)
	w := searchWorld{store: postgres.NewCatalogStore(db), outbox: postgres.NewSearchOutbox(db), ids: map[string]int64{}}
	org := func(n int, kind accounts.Kind, region string) accounts.Organization {
		o := accounts.Organization{BIN: newBIN(t, n), Kind: kind, Subtype: accounts.Subtypes[kind][0],
			Name: accounts.Text{RU: "Орг", KK: "Ұйым", EN: "Org"}, Region: region}
		if kind == accounts.KindProducerInstitution {
			o.Subtype, o.InstitutionNumber = accounts.SubtypePenalInstitution, n
		}
		if err := acc.CreateOrganization(ctx, &o); err != nil {
			t.Fatalf("CreateOrganization: %v", err)
		}
		return o
	}
	kar := org(16, accounts.KindProducerInstitution, "karaganda")
	ast := org(22, accounts.KindProducerInstitution, "astana")
	w.ent = org(1, accounts.KindProducerEnterprise, "karaganda")
	site := func(inst accounts.Organization, code string) int64 {
		s := accounts.ProductionSite{EnterpriseID: w.ent.ID, InstitutionID: inst.ID, Code: code, Name: accounts.Text{RU: code},
			WorkshopKind: accounts.WorkshopWoodwork, WeeklyCapacityHours: 100}
		if err := acc.CreateProductionSite(ctx, &s); err != nil {
			t.Fatalf("CreateProductionSite: %v", err)
		}
		return s.ID
	}
	w.siteKar, w.siteAst = site(kar, "kar"), site(ast, "ast")
	add := func(code, ru, kk, category string, price int64, stock int, status catalog.Status, sites ...int64) {
		l := catalog.Listing{EnterpriseID: w.ent.ID, ExternalCode: code, Title: accounts.Text{RU: ru, KK: kk},
			CategoryCode: category, Unit: catalog.UnitPiece, PriceTiyn: price, VATIncluded: true, MinOrderQty: 1,
			LeadTimeDays: 10, ReadyStock: stock, SiteIDs: sites, Status: status}
		if err := w.store.CreateListing(ctx, &l); err != nil {
			t.Fatalf("CreateListing(%s): %v", code, err)
		}
		w.ids[code] = l.ID
	}
	add("desk", "Парта ученическая", "Оқушы партасы", "furniture-desks", 3_000_000, 5, catalog.StatusPublished, w.siteKar)
	add("chair", "Стул ученический", "Оқушы орындығы", "furniture-chairs", 900_000, 0, catalog.StatusPublished, w.siteAst)
	add("shanyrak", "Игровой уголок «Шанырак»", "Шаңырақ ойын бұрышы", "play-corners", 25_000_000, 1, catalog.StatusPublished, w.siteKar, w.siteAst)
	add("bench", "Скамейка парковая", "Саябақ орындығы", "small-forms-benches", 12_000_000, 2, catalog.StatusPublished, w.siteKar)
	add("draft", "Парта черновик", "", "furniture-desks", 1_000_000, 1, catalog.StatusDraft, w.siteKar)
	for {
		n, err := catalog.DeliverSearchChanges(ctx, w.outbox, index, time.Now().UTC().Add(time.Second), nil)
		if err != nil {
			t.Fatalf("DeliverSearchChanges: %v", err)
		}
		if n == 0 {
			break
		}
	}
	return w
}

func codes(w searchWorld, items []catalog.Listing) []string {
	byID := map[int64]string{}
	for c, id := range w.ids {
		byID[id] = c
	}
	out := []string{}
	for _, l := range items {
		out = append(out, byID[l.ID])
	}
	return out
}

// The adapter's queries, through the fake Meilisearch, give pages hydrated from
// PostgreSQL in the index's order, exact totals and every facet.
func TestSearcherAgainstFake(t *testing.T) {
	_, srv := newFakeEngine(t, "key")
	e := search.Open(srv.URL, "key")
	defer e.Close()
	if err := e.Setup(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	w := newSearchWorld(t, e.Index())
	s := e.Searcher(w.store)
	lead := 10
	tests := []struct {
		name  string
		q     catalog.SearchQuery
		want  []string
		total int
	}{
		{"all, newest first", catalog.SearchQuery{}, []string{"bench", "shanyrak", "chair", "desk"}, 4},
		{"kazakh letters fold", catalog.SearchQuery{Text: "Шаңырақ"}, []string{"shanyrak"}, 1},
		{"latin transliterates", catalog.SearchQuery{Text: "shanyraq"}, []string{"shanyrak"}, 1},
		{"category includes subcategories", catalog.SearchQuery{Category: "furniture", Sort: catalog.SortPriceAsc}, []string{"chair", "desk"}, 2},
		{"region", catalog.SearchQuery{Region: "astana", Sort: catalog.SortPriceDesc}, []string{"shanyrak", "chair"}, 2},
		{"price range and stock", catalog.SearchQuery{PriceMin: 1_000_000, PriceMax: 20_000_000, InStock: true, LeadTimeMax: &lead, Sort: catalog.SortPriceAsc}, []string{"desk", "bench"}, 2},
		{"enterprise", catalog.SearchQuery{EnterpriseID: w.ent.ID, Sort: catalog.SortPriceAsc}, []string{"chair", "desk", "bench", "shanyrak"}, 4},
		{"page 2", catalog.SearchQuery{Sort: catalog.SortPriceAsc, Page: 2, PerPage: 3}, []string{"shanyrak"}, 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := s.Search(testCtx(t), tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if got := codes(w, res.Items); fmt.Sprint(got) != fmt.Sprint(tc.want) || res.Total != tc.total {
				t.Errorf("got %v (total %d); want %v (total %d)", got, res.Total, tc.want, tc.total)
			}
			for _, l := range res.Items {
				if l.Status != catalog.StatusPublished || l.Title.RU == "" {
					t.Errorf("item %+v not hydrated from PostgreSQL", l)
				}
			}
		})
	}
	res, err := s.Search(testCtx(t), catalog.SearchQuery{})
	if err != nil {
		t.Fatal(err)
	}
	f := res.Facets
	if fmt.Sprint(f.Categories) != "[{furniture-chairs 1} {furniture-desks 1} {play-corners 1} {small-forms-benches 1}]" {
		t.Errorf("category facet %v", f.Categories)
	}
	if fmt.Sprint(f.Regions) != "[{karaganda 3} {astana 2}]" {
		t.Errorf("region facet %v", f.Regions)
	}
	if fmt.Sprint(f.Enterprises) != fmt.Sprintf("[{%d 4}]", w.ent.ID) {
		t.Errorf("enterprise facet %v", f.Enterprises)
	}
	bands := []int{}
	for _, b := range f.PriceBands {
		bands = append(bands, b.Count)
	}
	if fmt.Sprint(bands) != "[1 1 1 1 0]" {
		t.Errorf("price bands %v; want [1 1 1 1 0]", bands)
	}

	sug, err := s.Suggest(testCtx(t), "пар", 8)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, x := range sug {
		got = append(got, x.Kind+":"+x.Category+fmt.Sprint(x.ListingID != 0))
	}
	// "пар" starts a word of the desks category ("парты"), of the desk and of the bench
	// ("скамейка парковая"); the draft desk is not proposed.
	if len(sug) != 3 || sug[0].Kind != "category" || sug[0].Category != "furniture-desks" ||
		!(sug[1].ListingID == w.ids["desk"] && sug[2].ListingID == w.ids["bench"] || sug[1].ListingID == w.ids["bench"] && sug[2].ListingID == w.ids["desk"]) {
		t.Errorf("Suggest(пар) = %v; want the desks category, then the desk and the bench", got)
	}
}

// TestRealMeilisearch runs the same queries against a real Meilisearch (compose) when
// MEILI_URL is set.
func TestRealMeilisearch(t *testing.T) {
	url := os.Getenv("MEILI_URL")
	if url == "" {
		t.Skip("MEILI_URL is not set: run with a real Meilisearch (docker compose up meilisearch) to check the adapter against it")
	}
	e := search.Open(url, os.Getenv("MEILI_KEY"))
	defer e.Close()
	ctx := testCtx(t)
	if err := e.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	if err := e.Setup(ctx); err != nil {
		t.Fatal(err)
	}
	w := newSearchWorld(t, e.Index())
	if _, err := e.Reindex(ctx, w.outbox, time.Now()); err != nil {
		t.Fatalf("Reindex: %v", err)
	}
	s := e.Searcher(w.store)
	for _, q := range []string{"шанырак", "Шаңырақ", "shanyraq", "шанырок"} {
		res, err := s.Search(ctx, catalog.SearchQuery{Text: q})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Items) == 0 || res.Items[0].ID != w.ids["shanyrak"] {
			t.Errorf("Search(%q) = %v; want the shanyrak corner first", q, codes(w, res.Items))
		}
	}
	res, err := s.Search(ctx, catalog.SearchQuery{Category: "furniture", Sort: catalog.SortPriceAsc})
	if err != nil || fmt.Sprint(codes(w, res.Items)) != "[chair desk]" || res.Total != 2 {
		t.Errorf("category furniture: %v, %d, %v", codes(w, res.Items), res.Total, err)
	}
}
