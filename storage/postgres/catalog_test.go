package postgres_test

import (
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/lib/pq"
	"github.com/pressly/goose/v3"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog"
	"github.com/sheber-kz/sheber/storage/postgres"
)

// catalogFixture is a fresh database with two producer enterprises, each operating two
// sites in one institution.
type catalogFixture struct {
	fixture
	catalog *postgres.CatalogStore
	entA    accounts.Organization
	entB    accounts.Organization
	sitesA  []int64 // ascending
	sitesB  []int64
}

func newCatalogFixture(t *testing.T) catalogFixture {
	t.Helper()
	f := catalogFixture{fixture: newFixture(t)}
	f.catalog = postgres.NewCatalogStore(f.db)
	ctx := testCtx(t)
	inst := accounts.Organization{BIN: newBIN(t), Kind: accounts.KindProducerInstitution, Subtype: accounts.SubtypePenalInstitution,
		Name: accounts.Text{RU: "Учреждение № 16", KK: "№ 16 мекеме"}, Region: "karaganda", InstitutionNumber: 16}
	if err := f.store.CreateOrganization(ctx, &inst); err != nil {
		t.Fatalf("CreateOrganization(institution): %v", err)
	}
	f.entA = f.org(t, accounts.KindProducerEnterprise, "karaganda")
	f.entB = f.org(t, accounts.KindProducerEnterprise, "karaganda")
	site := func(ent accounts.Organization, code string, kind accounts.WorkshopKind) int64 {
		s := accounts.ProductionSite{EnterpriseID: ent.ID, InstitutionID: inst.ID, Code: code, Name: accounts.Text{RU: code},
			WorkshopKind: kind, WeeklyCapacityHours: 400}
		if err := f.store.CreateProductionSite(ctx, &s); err != nil {
			t.Fatalf("CreateProductionSite(%s): %v", code, err)
		}
		return s.ID
	}
	f.sitesA = []int64{site(f.entA, "wood", accounts.WorkshopWoodwork), site(f.entA, "metal", accounts.WorkshopMetalwork)}
	f.sitesB = []int64{site(f.entB, "sewing", accounts.WorkshopSewing), site(f.entB, "blocks", accounts.WorkshopConstruction)}
	return f
}

// listing returns a valid draft of enterprise ent with every field set.
func (f catalogFixture) listing(ent accounts.Organization, code string, sites ...int64) catalog.Listing {
	return catalog.Listing{
		EnterpriseID: ent.ID, ExternalCode: code,
		Title:        accounts.Text{RU: "Парта ученическая двухместная", KK: "Екі орындық оқушы партасы", EN: "Two-seat school desk"},
		Description:  accounts.Text{RU: "Регулируемая по высоте", KK: "Биіктігі реттеледі", EN: "Height-adjustable"},
		CategoryCode: "furniture-desks",
		Attributes: catalog.Attributes{LengthMM: 1200, WidthMM: 500, HeightMM: 760,
			Material: accounts.Text{RU: "ЛДСП, металл", KK: "ЛАТП, металл", EN: "Chipboard, steel"},
			Colour:   accounts.Text{RU: "бук", KK: "шамшат", EN: "beech"},
			Standard: "ГОСТ 11015-93", AgeGroup: "7-17", Certification: "ЕАЭС N RU Д-KZ.РА01.В.12345/24"},
		Unit: catalog.UnitPiece, PriceTiyn: 3_450_000, VATIncluded: true, MinOrderQty: 10, LeadTimeDays: 21,
		LabourMinutesPerUnit: 95, ReadyStock: 40, SiteIDs: sites, Status: catalog.StatusDraft,
	}
}

func (f catalogFixture) create(t *testing.T, l catalog.Listing) catalog.Listing {
	t.Helper()
	if err := f.catalog.CreateListing(testCtx(t), &l); err != nil {
		t.Fatalf("CreateListing(%q): %v", l.ExternalCode, err)
	}
	return l
}

func (f catalogFixture) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := f.db.GetContext(testCtx(t), &n, query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func wantField(t *testing.T, what string, err error, code accounts.Code, field string) {
	t.Helper()
	wantCode(t, what, err, code)
	var de *accounts.Error
	if !errors.As(err, &de) || de.Fields[field] == "" {
		t.Errorf("%s: error %v does not name field %q", what, err, field)
	}
}

func TestCategoryTree(t *testing.T) {
	t.Parallel()
	f := newCatalogFixture(t)
	cats, err := f.catalog.Categories(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	// The tree of DESIGN.md, parents before children, siblings by position.
	want := []struct{ code, parent string }{
		{"furniture", ""}, {"furniture-desks", "furniture"}, {"furniture-chairs", "furniture"},
		{"furniture-cabinets", "furniture"}, {"furniture-beds", "furniture"},
		{"small-forms", ""}, {"small-forms-benches", "small-forms"}, {"small-forms-urns", "small-forms"},
		{"small-forms-gazebos", "small-forms"}, {"small-forms-planters", "small-forms"},
		{"play", ""}, {"play-construction", "play"}, {"play-corners", "play"},
		{"sewn", ""}, {"sewn-uniforms", "sewn"}, {"sewn-workwear", "sewn"}, {"sewn-bedding", "sewn"},
		{"construction", ""}, {"construction-paving", "construction"}, {"construction-blocks", "construction"},
		{"metalwork", ""},
		{"other", ""},
	}
	if len(cats) != len(want) {
		t.Fatalf("Categories returned %d categories; want %d: %+v", len(cats), len(want), cats)
	}
	seen := map[string]catalog.Category{}
	lastPosition := map[string]int{} // parent -> position of the previous sibling
	for i, c := range cats {
		if c.Code != want[i].code || c.ParentCode != want[i].parent {
			t.Errorf("category %d = %s (parent %q); want %s (parent %q)", i, c.Code, c.ParentCode, want[i].code, want[i].parent)
		}
		if c.ParentCode != "" {
			if _, ok := seen[c.ParentCode]; !ok {
				t.Errorf("%s comes before its parent %s", c.Code, c.ParentCode)
			}
		}
		if c.Name.RU == "" || c.Name.KK == "" || c.Name.EN == "" {
			t.Errorf("%s lacks a name in some language: %+v", c.Code, c.Name)
		}
		if c.Name.RU == c.Name.KK {
			t.Errorf("%s: the Kazakh name is the Russian one (%q)", c.Code, c.Name.KK)
		}
		if !validWorkshop(c.WorkshopKind) {
			t.Errorf("%s: unknown workshop kind %q", c.Code, c.WorkshopKind)
		}
		if prev, ok := lastPosition[c.ParentCode]; ok && c.Position <= prev {
			t.Errorf("%s: position %d after a sibling at %d", c.Code, c.Position, prev)
		}
		lastPosition[c.ParentCode] = c.Position
		seen[c.Code] = c
	}
	if c := seen["play-corners"]; c.Name.KK != "Ойын бұрыштары" || c.WorkshopKind != accounts.WorkshopWoodwork {
		t.Errorf("play-corners = %+v", c)
	}
	if c := seen["construction"]; c.WorkshopKind != accounts.WorkshopConstruction || c.Position != 50 {
		t.Errorf("construction = %+v", c)
	}
}

func validWorkshop(k accounts.WorkshopKind) bool {
	for _, w := range accounts.WorkshopKinds {
		if w == k {
			return true
		}
	}
	return false
}

func TestListingRoundTrip(t *testing.T) {
	t.Parallel()
	f := newCatalogFixture(t)
	ctx := testCtx(t)
	published := time.Date(2025, 8, 20, 4, 30, 15, 123456000, time.FixedZone("Asia/Almaty", 5*3600))

	full := f.listing(f.entA, "ПШ-1200", f.sitesA[1], f.sitesA[0]) // given out of order
	minimal := catalog.Listing{EnterpriseID: f.entA.ID, Title: accounts.Text{KK: "Шаңырақ"}, CategoryCode: "play-corners",
		Unit: catalog.UnitSet, PriceTiyn: 1, MinOrderQty: 1, Status: catalog.StatusPublished, PublishedAt: &published}
	for _, tt := range []struct {
		name string
		in   catalog.Listing
	}{{"every field", full}, {"the least: a Kazakh title, no code, no sites, published", minimal}} {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			before := time.Now().Add(-time.Minute)
			if err := f.catalog.CreateListing(ctx, &in); err != nil {
				t.Fatalf("CreateListing: %v", err)
			}
			if in.ID == 0 || in.Version != 1 || in.CreatedAt.Before(before) || !in.UpdatedAt.Equal(in.CreatedAt) ||
				in.CreatedAt.Location() != time.UTC {
				t.Errorf("CreateListing set ID %d, version %d, created %v, updated %v; want an id, 1, now in UTC twice",
					in.ID, in.Version, in.CreatedAt, in.UpdatedAt)
			}
			got, err := f.catalog.Listing(ctx, in.ID)
			if err != nil {
				t.Fatal(err)
			}
			want := tt.in
			want.ID, want.Version, want.CreatedAt, want.UpdatedAt = in.ID, 1, in.CreatedAt, in.UpdatedAt
			if len(want.SiteIDs) > 0 {
				want.SiteIDs = append([]int64(nil), f.sitesA...) // read back ascending
			}
			if want.PublishedAt != nil {
				p := want.PublishedAt.UTC()
				want.PublishedAt = &p
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("read back\n%+v\nwant\n%+v", got, want)
			}
			if !reflect.DeepEqual(in, want) {
				t.Errorf("the stored listing differs from the one just created:\n%+v\nwant\n%+v", in, want)
			}
		})
	}
	wantCode(t, "Listing(missing)", func() error { _, err := f.catalog.Listing(ctx, 1<<40); return err }(), accounts.CodeNotFound)
}

// The database keeps its own rules even when the domain's validation is bypassed.
func TestListingDatabaseRules(t *testing.T) {
	t.Parallel()
	f := newCatalogFixture(t)
	ctx := testCtx(t)
	tests := []struct {
		name   string
		change func(l *catalog.Listing)
		field  string // "" when the error names no field
	}{
		{"no Russian or Kazakh title", func(l *catalog.Listing) { l.Title = accounts.Text{EN: "Desk"} }, ""},
		{"unknown category", func(l *catalog.Listing) { l.CategoryCode = "spaceships" }, "category"},
		{"unknown unit", func(l *catalog.Listing) { l.Unit = "furlong" }, ""},
		{"free", func(l *catalog.Listing) { l.PriceTiyn = 0 }, ""},
		{"no minimum order", func(l *catalog.Listing) { l.MinOrderQty = 0 }, ""},
		{"negative stock", func(l *catalog.Listing) { l.ReadyStock = -1 }, ""},
		{"negative height", func(l *catalog.Listing) { l.Attributes.HeightMM = -5 }, ""},
		{"unknown status", func(l *catalog.Listing) { l.Status = "lost" }, ""},
		{"unknown enterprise", func(l *catalog.Listing) { l.EnterpriseID = 1 << 40; l.SiteIDs = nil }, "enterprise_id"},
		{"a site twice", func(l *catalog.Listing) { l.SiteIDs = []int64{f.sitesA[0], f.sitesA[0]} }, "site_ids"},
		{"a site that does not exist", func(l *catalog.Listing) { l.SiteIDs = []int64{1 << 40} }, "site_ids"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := f.listing(f.entA, "", f.sitesA[0])
			tt.change(&l)
			err := f.catalog.CreateListing(ctx, &l)
			if tt.field != "" {
				wantField(t, "CreateListing", err, accounts.CodeInvalid, tt.field)
			} else {
				wantCode(t, "CreateListing", err, accounts.CodeInvalid)
			}
			if l.ID != 0 {
				t.Errorf("a refused listing got an id: %d", l.ID)
			}
		})
	}
	if n := f.count(t, `SELECT count(*) FROM listings`); n != 0 {
		t.Errorf("%d listings after refused creations; want 0", n)
	}
}

func TestListingExternalCodeIsUniquePerEnterprise(t *testing.T) {
	t.Parallel()
	f := newCatalogFixture(t)
	ctx := testCtx(t)
	first := f.create(t, f.listing(f.entA, "A-1"))
	tests := []struct {
		name string
		l    catalog.Listing
		want accounts.Code
	}{
		{"the same code in the same enterprise", f.listing(f.entA, "A-1"), accounts.CodeConflict},
		{"the same code in another enterprise", f.listing(f.entB, "A-1"), ""},
		{"another code", f.listing(f.entA, "A-2"), ""},
		{"no code", f.listing(f.entA, ""), ""},
		{"no code again", f.listing(f.entA, ""), ""},
	}
	for _, tt := range tests {
		l := tt.l
		err := f.catalog.CreateListing(ctx, &l)
		if tt.want == accounts.CodeConflict {
			wantField(t, tt.name, err, accounts.CodeConflict, "external_code")
			continue
		}
		wantCode(t, tt.name, err, tt.want)
	}
	if n := f.count(t, `SELECT count(*) FROM listings WHERE external_code = 'A-1'`); n != 2 {
		t.Errorf("%d listings with code A-1; want 2 (one per enterprise)", n)
	}
	// An edit to a code already taken is refused the same way, and changes nothing.
	second, err := f.catalog.EnterpriseListings(ctx, f.entA.ID, "", catalog.MaxListingsPerRequest)
	if err != nil {
		t.Fatal(err)
	}
	var a2 catalog.Listing
	for _, l := range second {
		if l.ExternalCode == "A-2" {
			a2 = l
		}
	}
	edit := a2
	edit.ExternalCode = first.ExternalCode
	wantField(t, "UpdateListing(taken code)", f.catalog.UpdateListing(ctx, &edit, a2.Version), accounts.CodeConflict, "external_code")
	if got, err := f.catalog.Listing(ctx, a2.ID); err != nil || got.ExternalCode != "A-2" || got.Version != a2.Version {
		t.Errorf("after a refused edit: %+v, %v; want code A-2 at version %d", got, err, a2.Version)
	}
}

// A site of another enterprise is refused by the database itself, not only by the domain.
func TestListingSiteOfAnotherEnterprise(t *testing.T) {
	t.Parallel()
	f := newCatalogFixture(t)
	ctx := testCtx(t)

	l := f.listing(f.entA, "X-1", f.sitesA[0], f.sitesB[0])
	wantField(t, "CreateListing(foreign site)", f.catalog.CreateListing(ctx, &l), accounts.CodeInvalid, "site_ids")
	if l.ID != 0 {
		t.Errorf("refused listing got id %d", l.ID)
	}
	if n := f.count(t, `SELECT count(*) FROM listings`) + f.count(t, `SELECT count(*) FROM listing_sites`); n != 0 {
		t.Errorf("%d rows written by a refused CreateListing; want 0", n)
	}

	own := f.create(t, f.listing(f.entA, "X-2", f.sitesA[0]))
	edit := own
	edit.SiteIDs = []int64{f.sitesB[1]}
	edit.ReadyStock = 999
	wantField(t, "UpdateListing(foreign site)", f.catalog.UpdateListing(ctx, &edit, own.Version), accounts.CodeInvalid, "site_ids")
	got, err := f.catalog.Listing(ctx, own.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != own.Version || got.ReadyStock != own.ReadyStock || !reflect.DeepEqual(got.SiteIDs, own.SiteIDs) {
		t.Errorf("a refused edit changed the listing: %+v; want %+v", got, own)
	}

	// Straight SQL cannot lie about the enterprise either way.
	for _, tt := range []struct {
		name       string
		enterprise int64
	}{{"the site's enterprise", f.entB.ID}, {"the listing's enterprise", f.entA.ID}} {
		_, err := f.db.ExecContext(ctx, `INSERT INTO listing_sites (listing_id, site_id, enterprise_id) VALUES ($1, $2, $3)`,
			own.ID, f.sitesB[0], tt.enterprise)
		var pqErr *pq.Error
		if !errors.As(err, &pqErr) || pqErr.Code != "23503" {
			t.Errorf("listing_sites given a foreign site claiming %s: %v; want a foreign key violation", tt.name, err)
		}
	}
}

func TestUpdateListing(t *testing.T) {
	t.Parallel()
	f := newCatalogFixture(t)
	ctx := testCtx(t)
	orig := f.create(t, f.listing(f.entA, "U-1", f.sitesA[0]))
	published := time.Now().UTC().Truncate(time.Microsecond)

	edit := orig
	edit.Title.EN = "Adjustable two-seat school desk"
	edit.CategoryCode = "furniture-chairs"
	edit.Attributes.Colour = accounts.Text{RU: "серый", KK: "сұр", EN: "grey"}
	edit.PriceTiyn, edit.VATIncluded, edit.ReadyStock = 3_600_000, false, 0
	edit.SiteIDs = []int64{f.sitesA[1]}
	edit.Status, edit.PublishedAt = catalog.StatusPublished, &published
	edit.EnterpriseID = f.entB.ID // ignored: a listing never changes enterprise
	time.Sleep(5 * time.Millisecond)
	if err := f.catalog.UpdateListing(ctx, &edit, orig.Version); err != nil {
		t.Fatalf("UpdateListing: %v", err)
	}
	if edit.Version != orig.Version+1 || !edit.UpdatedAt.After(orig.UpdatedAt) || edit.UpdatedAt.Location() != time.UTC {
		t.Errorf("UpdateListing set version %d, updated %v; want %d, after %v in UTC", edit.Version, edit.UpdatedAt, orig.Version+1, orig.UpdatedAt)
	}
	got, err := f.catalog.Listing(ctx, orig.ID)
	if err != nil {
		t.Fatal(err)
	}
	if edit.EnterpriseID != f.entA.ID {
		t.Errorf("UpdateListing left l.EnterpriseID %d; want the stored %d", edit.EnterpriseID, f.entA.ID)
	}
	want := edit
	if !reflect.DeepEqual(got, want) {
		t.Errorf("after the edit\n%+v\nwant\n%+v", got, want)
	}
	if !got.CreatedAt.Equal(orig.CreatedAt) {
		t.Errorf("CreatedAt changed from %v to %v", orig.CreatedAt, got.CreatedAt)
	}

	tests := []struct {
		name    string
		id      int64
		version int
		want    accounts.Code
	}{
		{"stale version", orig.ID, orig.Version, accounts.CodeConflict},
		{"version from the future", orig.ID, got.Version + 1, accounts.CodeConflict},
		{"missing listing", 1 << 40, 1, accounts.CodeNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := got
			l.ID, l.ReadyStock, l.SiteIDs = tt.id, 7, []int64{f.sitesA[0], f.sitesA[1]}
			wantCode(t, "UpdateListing", f.catalog.UpdateListing(ctx, &l, tt.version), tt.want)
			if l.Version != got.Version {
				t.Errorf("a refused edit set l.Version to %d", l.Version)
			}
			after, err := f.catalog.Listing(ctx, orig.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(after, got) {
				t.Errorf("a refused edit changed the listing:\n%+v\nwant\n%+v", after, got)
			}
		})
	}
	var de *accounts.Error
	stale := got
	if err := f.catalog.UpdateListing(ctx, &stale, orig.Version); !errors.As(err, &de) || de.Fields["version"] != fmt.Sprintf("the current version is %d", got.Version) {
		t.Errorf("stale edit error = %v; want it to name the current version %d", err, got.Version)
	}

	// Sites may be emptied (a draft made to order nowhere yet).
	none := got
	none.SiteIDs = nil
	if err := f.catalog.UpdateListing(ctx, &none, got.Version); err != nil {
		t.Fatal(err)
	}
	if after, _ := f.catalog.Listing(ctx, orig.ID); after.SiteIDs != nil {
		t.Errorf("sites after emptying = %v", after.SiteIDs)
	}
}

// Of concurrent edits based on the same version, exactly one wins; the rest are conflicts.
func TestUpdateListingConcurrent(t *testing.T) {
	t.Parallel()
	f := newCatalogFixture(t)
	ctx := testCtx(t)
	orig := f.create(t, f.listing(f.entA, "C-1", f.sitesA[0]))
	const editors = 8
	errs := make([]error, editors)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < editors; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			l := orig
			l.ReadyStock = 100 + i
			l.SiteIDs = []int64{f.sitesA[i%2]}
			<-start
			errs[i] = f.catalog.UpdateListing(ctx, &l, orig.Version)
		}(i)
	}
	close(start)
	wg.Wait()
	winner := -1
	for i, err := range errs {
		switch accounts.ErrorCode(err) {
		case "":
			if winner >= 0 {
				t.Errorf("editors %d and %d both won", winner, i)
			}
			winner = i
		case accounts.CodeConflict:
		default:
			t.Errorf("editor %d: %v; want success or a conflict", i, err)
		}
	}
	if winner < 0 {
		t.Fatal("no editor won")
	}
	got, err := f.catalog.Listing(ctx, orig.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != orig.Version+1 || got.ReadyStock != 100+winner || !reflect.DeepEqual(got.SiteIDs, []int64{f.sitesA[winner%2]}) {
		t.Errorf("after the race: version %d, stock %d, sites %v; want version %d and the winner's (%d) stock and site",
			got.Version, got.ReadyStock, got.SiteIDs, orig.Version+1, winner)
	}
}

func TestEnterpriseListings(t *testing.T) {
	t.Parallel()
	f := newCatalogFixture(t)
	ctx := testCtx(t)
	var made []catalog.Listing // oldest first
	for i, st := range []catalog.Status{catalog.StatusDraft, catalog.StatusPublished, catalog.StatusArchived, catalog.StatusPublished} {
		l := f.listing(f.entA, fmt.Sprintf("E-%d", i), f.sitesA[:1+i%2]...)
		l.Status = st
		made = append(made, f.create(t, l))
	}
	f.create(t, f.listing(f.entB, "E-0", f.sitesB[0])) // another enterprise's
	ids := func(ls []catalog.Listing) []int64 {
		var out []int64
		for _, l := range ls {
			out = append(out, l.ID)
		}
		return out
	}
	tests := []struct {
		status catalog.Status
		want   []catalog.Listing // newest first
	}{
		{"", []catalog.Listing{made[3], made[2], made[1], made[0]}},
		{catalog.StatusPublished, []catalog.Listing{made[3], made[1]}},
		{catalog.StatusDraft, []catalog.Listing{made[0]}},
		{catalog.StatusArchived, []catalog.Listing{made[2]}},
	}
	for _, tt := range tests {
		got, err := f.catalog.EnterpriseListings(ctx, f.entA.ID, tt.status, catalog.MaxListingsPerRequest)
		if err != nil {
			t.Fatalf("EnterpriseListings(%q): %v", tt.status, err)
		}
		if !reflect.DeepEqual(ids(got), ids(tt.want)) {
			t.Errorf("EnterpriseListings(%q) = %v; want %v", tt.status, ids(got), ids(tt.want))
			continue
		}
		for i := range got {
			if !reflect.DeepEqual(got[i], tt.want[i]) {
				t.Errorf("EnterpriseListings(%q)[%d] =\n%+v\nwant\n%+v", tt.status, i, got[i], tt.want[i])
			}
		}
	}
	if got, err := f.catalog.EnterpriseListings(ctx, 1<<40, "", catalog.MaxListingsPerRequest); err != nil || len(got) != 0 {
		t.Errorf("EnterpriseListings(unknown enterprise) = %v, %v; want none", got, err)
	}
}

func TestPriceHistory(t *testing.T) {
	t.Parallel()
	f := newCatalogFixture(t)
	ctx := testCtx(t)
	manager := f.user(t, "manager@enbek.kz")
	l := f.create(t, f.listing(f.entA, "P-1", f.sitesA[0]))
	other := f.create(t, f.listing(f.entA, "P-2", f.sitesA[0]))
	day := func(d int) time.Time { return time.Date(2025, 1, d, 9, 0, 0, 0, time.UTC) }
	points := []catalog.PricePoint{ // added out of order
		{PriceTiyn: 300, VATIncluded: true, From: day(3), ChangedBy: manager.ID},
		{PriceTiyn: 100, VATIncluded: false, From: day(1)},
		{PriceTiyn: 200, VATIncluded: true, From: day(2).In(time.FixedZone("+05", 5*3600)), ChangedBy: manager.ID},
	}
	for _, p := range points {
		if err := f.catalog.AddPricePoint(ctx, l.ID, p); err != nil {
			t.Fatalf("AddPricePoint(%+v): %v", p, err)
		}
	}
	if err := f.catalog.AddPricePoint(ctx, other.ID, catalog.PricePoint{PriceTiyn: 999, From: day(2)}); err != nil {
		t.Fatal(err)
	}
	got, err := f.catalog.PriceHistory(ctx, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []catalog.PricePoint{
		{PriceTiyn: 100, VATIncluded: false, From: day(1)},
		{PriceTiyn: 200, VATIncluded: true, From: day(2), ChangedBy: manager.ID},
		{PriceTiyn: 300, VATIncluded: true, From: day(3), ChangedBy: manager.ID},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("PriceHistory =\n%+v\nwant\n%+v", got, want)
	}

	// A point without a time is now.
	before := time.Now().Add(-time.Minute)
	if err := f.catalog.AddPricePoint(ctx, other.ID, catalog.PricePoint{PriceTiyn: 1000}); err != nil {
		t.Fatal(err)
	}
	if got, err := f.catalog.PriceHistory(ctx, other.ID); err != nil || len(got) != 2 || got[1].From.Before(before) {
		t.Errorf("PriceHistory(other) = %+v, %v; want the timeless point last, at now", got, err)
	}

	wantCode(t, "AddPricePoint(missing listing)", f.catalog.AddPricePoint(ctx, 1<<40, catalog.PricePoint{PriceTiyn: 1, From: day(1)}), accounts.CodeNotFound)
	wantCode(t, "AddPricePoint(free)", f.catalog.AddPricePoint(ctx, l.ID, catalog.PricePoint{PriceTiyn: 0, From: day(4)}), accounts.CodeInvalid)
	if got, err := f.catalog.PriceHistory(ctx, 1<<40); err != nil || len(got) != 0 {
		t.Errorf("PriceHistory(missing) = %v, %v; want none", got, err)
	}
}

func TestCatalogInTx(t *testing.T) {
	t.Parallel()
	f := newCatalogFixture(t)
	ctx := testCtx(t)
	boom := errors.New("boom")
	tests := []struct {
		name    string
		code    string
		fn      func(tx catalog.Store, l *catalog.Listing) error
		wantErr error
		exists  bool
	}{
		{"error rolls back the listing, its sites and prices", "T-1", func(tx catalog.Store, l *catalog.Listing) error {
			if err := tx.CreateListing(ctx, l); err != nil {
				return err
			}
			if err := tx.AddPricePoint(ctx, l.ID, catalog.PricePoint{PriceTiyn: l.PriceTiyn, From: l.CreatedAt}); err != nil {
				return err
			}
			return boom
		}, boom, false},
		{"nil commits", "T-2", func(tx catalog.Store, l *catalog.Listing) error {
			if err := tx.CreateListing(ctx, l); err != nil {
				return err
			}
			return tx.AddPricePoint(ctx, l.ID, catalog.PricePoint{PriceTiyn: l.PriceTiyn, From: l.CreatedAt})
		}, nil, true},
		{"nested InTx joins the outer transaction", "T-3", func(tx catalog.Store, l *catalog.Listing) error {
			if err := tx.InTx(ctx, func(inner catalog.Store) error { return inner.CreateListing(ctx, l) }); err != nil {
				return err
			}
			return boom
		}, boom, false},
		{"an update in the transaction rolls back too", "T-4", func(tx catalog.Store, l *catalog.Listing) error {
			if err := tx.CreateListing(ctx, l); err != nil {
				return err
			}
			l.SiteIDs = []int64{f.sitesA[1]}
			if err := tx.UpdateListing(ctx, l, l.Version); err != nil {
				return err
			}
			return boom
		}, boom, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := f.listing(f.entA, tt.code, f.sitesA[0])
			err := f.catalog.InTx(ctx, func(tx catalog.Store) error { return tt.fn(tx, &l) })
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("InTx = %v; want %v", err, tt.wantErr)
			}
			n := f.count(t, `SELECT count(*) FROM listings WHERE external_code = $1`, tt.code)
			if tt.exists != (n == 1) {
				t.Errorf("%d listings %s after InTx; want exists=%v", n, tt.code, tt.exists)
			}
			if !tt.exists {
				orphans := f.count(t, `SELECT count(*) FROM listing_sites WHERE listing_id NOT IN (SELECT id FROM listings)`) +
					f.count(t, `SELECT count(*) FROM listing_prices WHERE listing_id NOT IN (SELECT id FROM listings)`)
				if orphans != 0 {
					t.Errorf("%d site or price rows left behind", orphans)
				}
				if l.ID != 0 {
					wantCode(t, "Listing(rolled back)", func() error { _, err := f.catalog.Listing(ctx, l.ID); return err }(), accounts.CodeNotFound)
				}
			}
		})
	}
}

// Migration 00003 rolls back with listings in place, removing everything it added
// (the constraint on production_sites included), and applies again.
func TestCatalogMigrationDown(t *testing.T) {
	t.Parallel()
	f := newCatalogFixture(t)
	ctx := testCtx(t)
	f.create(t, f.listing(f.entA, "M-1", f.sitesA...))
	// Later migrations, if any, go first.
	for {
		status, err := f.db.MigrationStatus(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var latest int64
		for _, s := range status {
			if s.State == goose.StateApplied && s.Source.Version > latest {
				latest = s.Source.Version
			}
		}
		if latest < 3 {
			break
		}
		if _, err := f.db.MigrateDown(ctx, nil); err != nil {
			t.Fatalf("MigrateDown from %d: %v", latest, err)
		}
	}
	if n := f.count(t, `SELECT count(*) FROM production_sites`); n != 4 {
		t.Errorf("%d production sites after down; want the 4 made", n)
	}
	if n := f.count(t, `SELECT count(*) FROM pg_tables WHERE tablename IN ('categories', 'listings', 'listing_sites', 'listing_prices')`); n != 0 {
		t.Errorf("%d catalog tables after down; want 0", n)
	}
	if n := f.count(t, `SELECT count(*) FROM pg_constraint WHERE conname = 'production_sites_id_enterprise'`); n != 0 {
		t.Errorf("production_sites_id_enterprise survives down")
	}
	if _, err := f.db.MigrateUp(ctx, nil); err != nil {
		t.Fatalf("MigrateUp: %v", err)
	}
	if cats, err := f.catalog.Categories(ctx); err != nil || len(cats) != 22 {
		t.Errorf("Categories after down and up: %d, %v; want 22", len(cats), err)
	}
}
