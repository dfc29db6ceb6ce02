package main

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog"
	"github.com/sheber-kz/sheber/cmd/sheber/internal/demoart"
	"github.com/sheber-kz/sheber/storage/objects/objectstest"
	"github.com/sheber-kz/sheber/storage/postgres"
	"github.com/sheber-kz/sheber/storage/postgres/postgrestest"
)

// demoCatalogEnv is a fresh database with the demo organizations and accounts seeded, and
// the catalog service on it.
type demoCatalogEnv struct {
	db    *postgres.DB
	accts accounts.Store
	cat   *catalog.Service
}

func newDemoCatalogEnv(t *testing.T) demoCatalogEnv {
	t.Helper()
	db := postgrestest.New(t)
	accts := postgres.NewAccountsStore(db)
	if _, err := seedDemo(context.Background(), accts, seedTestHasher()); err != nil {
		t.Fatal(err)
	}
	store := postgres.NewCatalogStore(db)
	return demoCatalogEnv{db: db, accts: accts, cat: &catalog.Service{Store: store, Directory: accts, Searcher: store, Objects: objectstest.New(t)}}
}

// demoCatalogListings returns every listing of the demo enterprises by external code, as
// their manager sees them, with each listing's price history length.
func (e demoCatalogEnv) listings(t *testing.T) (map[string]catalog.Listing, map[string]int) {
	t.Helper()
	ctx := context.Background()
	u, err := e.accts.UserByEmail(ctx, demoCatalogManager)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := e.accts.UserMemberships(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	actor := accounts.Actor{UserID: u.ID, Memberships: ms}
	out, history := map[string]catalog.Listing{}, map[string]int{}
	for _, m := range ms {
		if m.OrgKind != accounts.KindProducerEnterprise {
			continue
		}
		list, err := e.cat.EnterpriseListings(ctx, actor, m.OrgID, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range list {
			if _, dup := out[l.ExternalCode]; dup {
				t.Errorf("listing %s twice", l.ExternalCode)
			}
			out[l.ExternalCode] = l
			h, err := e.cat.Store.PriceHistory(ctx, l.ID)
			if err != nil {
				t.Fatal(err)
			}
			history[l.ExternalCode] = len(h)
		}
	}
	return out, history
}

// The demo catalog: about sixty published listings over every category, each on sites of
// its enterprise whose workshop kind is the category's, with titles in ru, kk and en; a
// second run changes nothing.
func TestSeedDemoCatalog(t *testing.T) {
	ctx := context.Background()
	e := newDemoCatalogEnv(t)
	sum, err := seedDemoCatalog(ctx, e.accts, e.cat)
	if err != nil {
		t.Fatal(err)
	}
	n := len(demoListings)
	if n < 60 || n > 64 {
		t.Errorf("%d demo listings, want 60 to 64", n)
	}
	if want := (catalogSummary{Listings: seedCount{Created: n}, Images: seedCount{Created: n}, Published: seedCount{Created: n}}); sum != want {
		t.Errorf("first run: %s\nwant       %s", sum, want)
	}
	got, history := e.listings(t)
	if len(got) != n {
		t.Errorf("%d listings in the demo enterprises, want %d", len(got), n)
	}

	cats, err := e.cat.Categories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]accounts.WorkshopKind{}
	covered := map[string]int{}
	for _, c := range cats {
		kinds[c.Code] = c.WorkshopKind
	}
	siteKinds := map[int64]accounts.WorkshopKind{}
	siteEnterprise := map[int64]int64{}
	for _, o := range demoOrgs {
		if o.Kind != accounts.KindProducerEnterprise {
			continue
		}
		org, err := e.accts.OrganizationByBIN(ctx, o.BIN)
		if err != nil {
			t.Fatal(err)
		}
		sites, err := e.accts.ProductionSites(ctx, org.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range sites {
			siteKinds[s.ID], siteEnterprise[s.ID] = s.WorkshopKind, org.ID
		}
	}
	enterprises := map[int64]bool{}
	for _, d := range demoListings {
		l, ok := got[d.Code]
		if !ok {
			t.Errorf("%s was not created", d.Code)
			continue
		}
		covered[l.CategoryCode]++
		enterprises[l.EnterpriseID] = true
		if l.Status != catalog.StatusPublished || l.PublishedAt == nil {
			t.Errorf("%s is %s, not published", d.Code, l.Status)
		}
		if l.Title.RU == "" || l.Title.KK == "" || l.Title.EN == "" {
			t.Errorf("%s: title %+v lacks a language", d.Code, l.Title)
		}
		if l.PriceTiyn != d.PriceTiyn || l.Unit != d.Unit || l.MinOrderQty != d.MinOrder || l.LeadTimeDays != d.LeadDays {
			t.Errorf("%s: stored %+v differs from the demo table", d.Code, l)
		}
		if len(l.SiteIDs) == 0 {
			t.Errorf("%s has no production site", d.Code)
		}
		for _, id := range l.SiteIDs {
			if siteEnterprise[id] != l.EnterpriseID {
				t.Errorf("%s: site %d is not its enterprise's", d.Code, id)
			}
			if siteKinds[id] != kinds[l.CategoryCode] {
				t.Errorf("%s (%s) is made on a %s site, the category needs %s", d.Code, l.CategoryCode, siteKinds[id], kinds[l.CategoryCode])
			}
		}
		if history[d.Code] != 1 {
			t.Errorf("%s: %d price points, want 1", d.Code, history[d.Code])
		}
		if len(l.Images) != 1 {
			t.Errorf("%s has %d images, want its drawing", d.Code, len(l.Images))
			continue
		}
		img := l.Images[0]
		if img.Alt.RU == "" || img.Alt.KK == "" || img.Alt.EN == "" || !strings.Contains(img.Alt.RU, d.Title.RU) {
			t.Errorf("%s: alt text %+v", d.Code, img.Alt)
		}
		if img.Width != demoart.Width || img.Height != demoart.Height || len(img.Variants) != 2 {
			t.Errorf("%s: image %dx%d with %d variants", d.Code, img.Width, img.Height, len(img.Variants))
		}
	}
	// The variants are in the bucket.
	first := got["DEMO-030"].Images
	if len(first) == 1 {
		for _, v := range first[0].Variants {
			obj, err := e.cat.Objects.Get(ctx, v.Key)
			if err != nil {
				t.Errorf("variant %s of DEMO-030: %v", v.Key, err)
				continue
			}
			obj.Body.Close()
		}
	}
	for _, c := range cats {
		if covered[c.Code] == 0 {
			t.Errorf("category %s has no demo listing", c.Code)
		}
	}
	if len(enterprises) != 4 {
		t.Errorf("the demo listings belong to %d enterprises, want all 4", len(enterprises))
	}

	// The search columns were filled as for any listing: the public search finds them.
	for q, code := range map[string]string{"шанырак": "DEMO-033", "парта": "DEMO-002", "тротуарная плитка": "DEMO-050", "конструктор 2500": "DEMO-030"} {
		res, err := e.cat.Search(ctx, catalog.SearchQuery{Text: q})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, l := range res.Items {
			found = found || l.ExternalCode == code
		}
		if !found {
			t.Errorf("searching %q does not find %s (%d results)", q, code, res.Total)
		}
	}

	second, err := seedDemoCatalog(ctx, e.accts, e.cat)
	if err != nil {
		t.Fatal(err)
	}
	if want := (catalogSummary{Listings: seedCount{Present: n}, Images: seedCount{Present: n}, Published: seedCount{Present: n}}); second != want {
		t.Errorf("second run: %s\nwant        %s", second, want)
	}
	again, againHistory := e.listings(t)
	for code, l := range got {
		a := again[code]
		if a.Version != l.Version || !a.UpdatedAt.Equal(l.UpdatedAt) || againHistory[code] != history[code] {
			t.Errorf("the second run changed %s: version %d -> %d, updated %v -> %v", code, l.Version, a.Version, l.UpdatedAt, a.UpdatedAt)
		}
	}
	if len(again) != len(got) {
		t.Errorf("the second run left %d listings, the first %d", len(again), len(got))
	}
}

// A demo listing someone withdrew stays withdrawn; a draft (as an interrupted run leaves)
// is published; a listing whose images were removed gets its drawing again.
func TestSeedDemoCatalogLeavesEditsAlone(t *testing.T) {
	ctx := context.Background()
	e := newDemoCatalogEnv(t)
	if _, err := seedDemoCatalog(ctx, e.accts, e.cat); err != nil {
		t.Fatal(err)
	}
	got, _ := e.listings(t)
	u, _ := e.accts.UserByEmail(ctx, demoCatalogManager)
	ms, _ := e.accts.UserMemberships(ctx, u.ID)
	actor := accounts.Actor{UserID: u.ID, Memberships: ms}
	if _, err := e.cat.SetStatus(ctx, actor, got["DEMO-001"].ID, got["DEMO-001"].Version, catalog.StatusArchived); err != nil {
		t.Fatal(err)
	}
	if _, err := e.cat.SetStatus(ctx, actor, got["DEMO-002"].ID, got["DEMO-002"].Version, catalog.StatusDraft); err != nil {
		t.Fatal(err)
	}
	if err := e.cat.RemoveImage(ctx, actor, got["DEMO-003"].ID, got["DEMO-003"].Images[0].ID); err != nil {
		t.Fatal(err)
	}
	sum, err := seedDemoCatalog(ctx, e.accts, e.cat)
	if err != nil {
		t.Fatal(err)
	}
	n := len(demoListings)
	if want := (catalogSummary{Listings: seedCount{Present: n}, Images: seedCount{Created: 1, Present: n - 1}, Published: seedCount{Created: 1, Present: n - 1}}); sum != want {
		t.Errorf("run after the edits: %s\nwant                   %s", sum, want)
	}
	after, _ := e.listings(t)
	if s := after["DEMO-001"].Status; s != catalog.StatusArchived {
		t.Errorf("the withdrawn DEMO-001 is %s again", s)
	}
	if s := after["DEMO-002"].Status; s != catalog.StatusPublished {
		t.Errorf("the draft DEMO-002 is %s, want published", s)
	}
	if imgs := after["DEMO-003"].Images; len(imgs) != 1 {
		t.Errorf("DEMO-003 has %d images after the run, want its drawing back", len(imgs))
	}
}

// Two seeds at once create every listing exactly once between them and publish it.
func TestSeedDemoCatalogConcurrent(t *testing.T) {
	ctx := context.Background()
	e := newDemoCatalogEnv(t)
	const runs = 3
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		sums  [runs]catalogSummary
		errs  [runs]error
	)
	for i := 0; i < runs; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			sums[i], errs[i] = seedDemoCatalog(ctx, e.accts, e.cat)
		}()
	}
	close(start)
	wg.Wait()
	var created, illustrated, published int
	for i := 0; i < runs; i++ {
		if errs[i] != nil {
			t.Fatalf("run %d: %v", i, errs[i])
		}
		created += sums[i].Listings.Created
		published += sums[i].Published.Created
		illustrated += sums[i].Images.Created
		t.Logf("run %d: %s", i, sums[i])
	}
	if n := len(demoListings); created != n || illustrated != n || published != n {
		t.Errorf("the runs created %d, illustrated %d and published %d listings, want %d each", created, illustrated, published, n)
	}
	got, history := e.listings(t)
	if len(got) != len(demoListings) {
		t.Errorf("%d listings after concurrent seeding, want %d", len(got), len(demoListings))
	}
	for code, l := range got {
		if l.Status != catalog.StatusPublished || history[code] != 1 || len(l.Images) != 1 {
			t.Errorf("%s: %s with %d price points and %d images", code, l.Status, history[code], len(l.Images))
		}
	}
}

// The demo table is checked before anything is written.
func TestValidateDemoCatalog(t *testing.T) {
	if err := validateDemoCatalog(); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		change func(*demoListing)
		want   string
	}{
		"code":       {func(d *demoListing) { d.Code = "X-1" }, "DEMO-nnn"},
		"duplicate":  {func(d *demoListing) { d.Code = demoListings[0].Code }, "twice"},
		"enterprise": {func(d *demoListing) { d.Enterprise = demoFirstSchool }, "not a demo enterprise"},
		"kazakh":     {func(d *demoListing) { d.Title.KK = "" }, "lacks a title"},
		"site":       {func(d *demoListing) { d.Sites = []string{"KRG-31-WELD"} }, "has no demo site"},
		"no site":    {func(d *demoListing) { d.Sites = nil }, "no production site"},
		"drawing":    {func(d *demoListing) { d.Art = "spaceship" }, "no drawing"},
	} {
		t.Run(name, func(t *testing.T) {
			saved := demoListings
			demoListings = append([]demoListing(nil), saved...)
			defer func() { demoListings = saved }()
			c.change(&demoListings[1]) // DEMO-002, of Sheberkhana-Shygys
			err := validateDemoCatalog()
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one saying %q", err, c.want)
			}
		})
	}
}

// The catalog seed refuses to run before seedDemo has created its manager.
func TestSeedDemoCatalogNeedsTheDemoAccounts(t *testing.T) {
	db := postgrestest.New(t)
	accts := postgres.NewAccountsStore(db)
	store := postgres.NewCatalogStore(db)
	_, err := seedDemoCatalog(context.Background(), accts, &catalog.Service{Store: store, Directory: accts})
	if err == nil || !strings.Contains(err.Error(), demoCatalogManager) {
		t.Errorf("error %v, want one naming %s", err, demoCatalogManager)
	}
}
