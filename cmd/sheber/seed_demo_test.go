package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/accounts/argon2id"
	"github.com/sheber-kz/sheber/storage/postgres"
	"github.com/sheber-kz/sheber/storage/postgres/postgrestest"
)

// seedTestHasher is Argon2id with the smallest parameters, so that the tests stay fast
// under -race.
func seedTestHasher() *argon2id.Hasher {
	return &argon2id.Hasher{Params: argon2id.Params{MemoryKiB: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}}
}

// demoTotals is what a first run on an empty database creates.
func demoTotals() seedSummary {
	memberships := 0
	for _, a := range demoAccounts {
		memberships += len(a.Orgs)
	}
	return seedSummary{
		Organizations:   seedCount{Created: len(demoOrgs)},
		ProductionSites: seedCount{Created: len(demoSites)},
		Users:           seedCount{Created: len(demoAccounts)},
		Memberships:     seedCount{Created: memberships},
	}
}

// allPresent turns the totals of a first run into what a later run reports.
func allPresent(s seedSummary) seedSummary {
	flip := func(c seedCount) seedCount { return seedCount{Present: c.Created} }
	return seedSummary{flip(s.Organizations), flip(s.ProductionSites), flip(s.Users), flip(s.Memberships)}
}

func TestSeedDemoDataIsValid(t *testing.T) {
	if err := validateDemoData(); err != nil {
		t.Fatal(err)
	}
	// Every role has a demo user whose address is the role with dashes.
	byRole := map[accounts.Role]demoAccount{}
	for _, a := range demoAccounts {
		if _, dup := byRole[a.Role]; dup {
			t.Errorf("two demo users hold %s", a.Role)
		}
		byRole[a.Role] = a
		if want := strings.ReplaceAll(string(a.Role), "_", "-") + "@demo.sheber.kz"; a.Email != want {
			t.Errorf("demo %s user is %s, want %s", a.Role, a.Email, want)
		}
	}
	for _, r := range accounts.Roles {
		if _, ok := byRole[r]; !ok {
			t.Errorf("no demo user for role %s", r)
		}
	}
	if len(byRole) != len(accounts.Roles) {
		t.Errorf("%d demo users for %d roles", len(byRole), len(accounts.Roles))
	}
}

// TestSeedDemoNamesInvented: the enterprises and the audit body are invented, under names
// that no real body carries; real names that earlier demo data used must not come back.
func TestSeedDemoNamesInvented(t *testing.T) {
	want := map[string]accounts.Text{
		demoStateEast:  {RU: "РГП «Шеберхана-Шығыс»", KK: "«Шеберхана-Шығыс» РМК", EN: "RSE Sheberkhana-Shygys"},
		demoStateKrg:   {RU: "РГП «Шеберхана-Орталық»", KK: "«Шеберхана-Орталық» РМК", EN: "RSE Sheberkhana-Ortalyq"},
		demoSocialShm:  {RU: "ТОО «Қолөнер Шымкент»", KK: "«Қолөнер Шымкент» ЖШС", EN: "Koloner Shymkent LLP"},
		demoSocialEast: {RU: "ТОО «Алтай Тоқыма»", KK: "«Алтай Тоқыма» ЖШС", EN: "Altai Toqyma LLP"},
		demoAuditor: {RU: "Национальная служба аудита (демо)", KK: "Ұлттық аудит қызметі (демо)",
			EN: "National Audit Service (demo)"},
	}
	// Real bodies' names, in any of the three languages.
	realNames := []string{"Еңбек", "Енбек", "Enbek", "аудиторская палата", "аудиторлық палата", "Audit Chamber"}
	for _, d := range demoOrgs {
		if w, ok := want[d.Key]; ok && d.Name != w {
			t.Errorf("%s is named %+v, want %+v", d.Key, d.Name, w)
		}
		delete(want, d.Key)
		for _, name := range []string{d.Name.RU, d.Name.KK, d.Name.EN} {
			for _, r := range realNames {
				if strings.Contains(strings.ToLower(name), strings.ToLower(r)) {
					t.Errorf("%s: %q names a real body (%q)", d.Key, name, r)
				}
			}
		}
	}
	for key := range want {
		t.Errorf("no demo organization %s", key)
	}
	for _, d := range demoOrgs {
		if d.Subtype == accounts.SubtypeNationalAuditor && !strings.Contains(d.Name.EN, "(demo)") {
			t.Errorf("%s: the audit body's name %q must say it is a demo", d.Key, d.Name.EN)
		}
	}
}

func TestSeedSummaryString(t *testing.T) {
	s := seedSummary{
		Organizations: seedCount{12, 30}, ProductionSites: seedCount{0, 9},
		Users: seedCount{9, 0}, Memberships: seedCount{1, 2},
	}
	want := "12 organizations created, 30 already present; 0 production sites created, 9 already present; " +
		"9 users created, 0 already present; 1 memberships created, 2 already present"
	if got := s.String(); got != want {
		t.Errorf("String() =\n%s\nwant\n%s", got, want)
	}
}

func TestSeedDemo(t *testing.T) {
	ctx := context.Background()
	db := postgrestest.New(t)
	store := postgres.NewAccountsStore(db)
	hasher := &seedCountingHasher{PasswordHasher: seedTestHasher()}

	first, err := seedDemo(ctx, store, hasher)
	if err != nil {
		t.Fatal(err)
	}
	if want := demoTotals(); first != want {
		t.Errorf("first run: %s\nwant       %s", first, want)
	}
	if n := hasher.hashes.Load(); n != 1 {
		t.Errorf("first run hashed the password %d times, want once", n)
	}
	second, err := seedDemo(ctx, store, hasher)
	if err != nil {
		t.Fatal(err)
	}
	if want := allPresent(demoTotals()); second != want {
		t.Errorf("second run: %s\nwant        %s", second, want)
	}
	if n := hasher.hashes.Load(); n != 1 {
		t.Errorf("the second run hashed the password (%d hashes in all); it has no user to create", n)
	}
	checkDemoDatabase(t, db, store, hasher)
}

// checkDemoDatabase checks the seeded database through the store and, for counts that the
// store cannot list, a read-only query.
func checkDemoDatabase(t *testing.T, db *postgres.DB, store accounts.Store, hasher accounts.PasswordHasher) {
	t.Helper()
	ctx := context.Background()

	var total int
	if err := db.GetContext(ctx, &total, `SELECT count(*) FROM organizations`); err != nil {
		t.Fatal(err)
	}
	if total != len(demoOrgs) {
		t.Errorf("%d organizations in the database, want %d", total, len(demoOrgs))
	}

	orgs := map[string]accounts.Organization{} // by key
	seenBIN := map[string]string{}
	for _, d := range demoOrgs {
		if err := accounts.ValidateBIN(d.BIN); err != nil {
			t.Errorf("%s: BIN %s: %v", d.Key, d.BIN, err)
		}
		if other, dup := seenBIN[d.BIN]; dup {
			t.Errorf("%s and %s share BIN %s", other, d.Key, d.BIN)
		}
		seenBIN[d.BIN] = d.Key
		o, err := store.OrganizationByBIN(ctx, d.BIN)
		if err != nil {
			t.Fatalf("%s (BIN %s): %v", d.Key, d.BIN, err)
		}
		if o.Kind != d.Kind || o.Subtype != d.Subtype || o.Region != d.Region || o.Name != d.Name {
			t.Errorf("%s stored as %+v", d.Key, o)
		}
		if o.Name.RU == "" || o.Name.KK == "" || o.Name.EN == "" {
			t.Errorf("%s lacks a name in some language: %+v", d.Key, o.Name)
		}
		orgs[d.Key] = o
	}

	// Seven institutions with their public numbers, each under its region's department.
	wantInstitutions := map[int]string{13: "east-kazakhstan", 16: "east-kazakhstan", 22: "east-kazakhstan", 30: "east-kazakhstan",
		29: "karaganda", 31: "karaganda", 53: "shymkent"}
	counts := map[accounts.Subtype]int{}
	kinds := map[accounts.Kind]int{}
	for _, o := range orgs {
		counts[o.Subtype]++
		kinds[o.Kind]++
		if o.Kind != accounts.KindProducerInstitution {
			continue
		}
		region, ok := wantInstitutions[o.InstitutionNumber]
		if !ok {
			t.Errorf("unexpected institution No. %d", o.InstitutionNumber)
			continue
		}
		delete(wantInstitutions, o.InstitutionNumber)
		if o.Region != region {
			t.Errorf("institution No. %d in %s, want %s", o.InstitutionNumber, o.Region, region)
		}
		dept, err := store.Organization(ctx, o.OversightOrgID)
		if err != nil {
			t.Errorf("institution No. %d: oversight %d: %v", o.InstitutionNumber, o.OversightOrgID, err)
		} else if dept.Subtype != accounts.SubtypePenalDepartment || dept.Region != region {
			t.Errorf("institution No. %d overseen by %s (%s, %s)", o.InstitutionNumber, dept.Name.EN, dept.Subtype, dept.Region)
		}
	}
	if len(wantInstitutions) != 0 {
		t.Errorf("institutions missing: %v", wantInstitutions)
	}
	for _, c := range []struct {
		got, want int
		what      string
	}{
		{kinds[accounts.KindProducerInstitution], 7, "penal institutions"},
		{kinds[accounts.KindProducerEnterprise], 4, "producer enterprises"},
		{counts[accounts.SubtypeStateEnterprise], 2, "state enterprises"},
		{counts[accounts.SubtypeSocialEnterprise], 2, "social enterprises"},
		{kinds[accounts.KindBuyer], 10, "buyers"},
		{counts[accounts.SubtypeAkimat], 2, "akimats"},
		{counts[accounts.SubtypePenalDepartment], 3, "penal-system departments"},
		{counts[accounts.SubtypeNationalAuditor], 1, "national auditors"},
		{kinds[accounts.KindPlatform], 1, "platform organizations"},
	} {
		if c.got != c.want {
			t.Errorf("%d %s, want %d", c.got, c.what, c.want)
		}
	}
	if orgs[demoPlatform].Region != "" || orgs[demoAuditor].Region != "" {
		t.Error("the platform and the national auditor must have no region")
	}

	// Production sites: every workshop kind but "other" is covered, each at an institution
	// of the enterprise's own region.
	covered := map[accounts.WorkshopKind]bool{}
	sites := 0
	for _, d := range demoOrgs {
		if d.Kind != accounts.KindProducerEnterprise {
			continue
		}
		list, err := store.ProductionSites(ctx, orgs[d.Key].ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) == 0 {
			t.Errorf("%s operates no site", d.Key)
		}
		for _, s := range list {
			sites++
			covered[s.WorkshopKind] = true
			inst, err := store.Organization(ctx, s.InstitutionID)
			if err != nil {
				t.Fatal(err)
			}
			if inst.Kind != accounts.KindProducerInstitution || inst.Region != d.Region {
				t.Errorf("site %s of %s is at %s (%s, %s)", s.Code, d.Key, inst.Name.EN, inst.Kind, inst.Region)
			}
			if s.Name.RU == "" || s.Name.KK == "" || s.Name.EN == "" || s.WeeklyCapacityHours <= 0 {
				t.Errorf("site %s: %+v", s.Code, s)
			}
			if s.Code == "UKG-16-WOOD" && (s.WeeklyCapacityHours != 1200 || inst.InstitutionNumber != 16) {
				t.Errorf("UKG-16-WOOD: %d h/week at No. %d", s.WeeklyCapacityHours, inst.InstitutionNumber)
			}
		}
	}
	if sites != len(demoSites) {
		t.Errorf("%d production sites, want %d", sites, len(demoSites))
	}
	for _, k := range []accounts.WorkshopKind{accounts.WorkshopWoodwork, accounts.WorkshopMetalwork, accounts.WorkshopSewing, accounts.WorkshopConstruction} {
		if !covered[k] {
			t.Errorf("no production site for %s", k)
		}
	}

	// Users: each signs in with the published password and holds exactly the expected
	// memberships.
	for _, a := range demoAccounts {
		u, err := store.UserByEmail(ctx, a.Email)
		if err != nil {
			t.Errorf("%s: %v", a.Email, err)
			continue
		}
		if u.Name != a.Name {
			t.Errorf("%s is named %q, want %q", a.Email, u.Name, a.Name)
		}
		if ok, err := hasher.Verify("sheber-demo", u.PasswordHash); !ok || err != nil {
			t.Errorf("%s: password sheber-demo does not verify (%v, %v)", a.Email, ok, err)
		}
		ms, err := store.UserMemberships(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := map[int64]bool{}
		for _, key := range a.Orgs {
			want[orgs[key].ID] = true
		}
		if len(ms) != len(want) {
			t.Errorf("%s has %d memberships, want %d", a.Email, len(ms), len(want))
		}
		for _, m := range ms {
			if !want[m.OrgID] || m.Role != a.Role {
				t.Errorf("%s: unexpected membership %s in %s", a.Email, m.Role, m.OrgName.EN)
			}
			if !accounts.RoleAllowed(m.OrgKind, m.Role) {
				t.Errorf("%s: role %s not allowed in a %s", a.Email, m.Role, m.OrgKind)
			}
		}
	}
	admin, err := store.UserByEmail(ctx, "admin@demo.sheber.kz")
	if err != nil {
		t.Fatal(err)
	}
	ms, err := store.UserMemberships(ctx, admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !(accounts.Actor{UserID: admin.ID, Memberships: ms}).PlatformAdmin() {
		t.Error("admin@demo.sheber.kz is not a platform administrator")
	}
}

// TestSeedDemoConcurrent runs two seeds at once on an empty database: both succeed, and
// between them every record is created exactly once.
func TestSeedDemoConcurrent(t *testing.T) {
	ctx := context.Background()
	db := postgrestest.New(t)
	store := postgres.NewAccountsStore(db)
	hasher := seedTestHasher()

	const runs = 2
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		sums  [runs]seedSummary
		errs  [runs]error
	)
	for i := 0; i < runs; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			sums[i], errs[i] = seedDemo(ctx, store, hasher)
		}()
	}
	close(start)
	wg.Wait()
	var created seedSummary
	for i := 0; i < runs; i++ {
		if errs[i] != nil {
			t.Fatalf("run %d: %v", i, errs[i])
		}
		created.Organizations.Created += sums[i].Organizations.Created
		created.ProductionSites.Created += sums[i].ProductionSites.Created
		created.Users.Created += sums[i].Users.Created
		created.Memberships.Created += sums[i].Memberships.Created
		t.Logf("run %d: %s", i, sums[i])
	}
	if want := demoTotals(); created != want {
		t.Errorf("the two runs created %s\nwant %s", created, want)
	}
	checkDemoDatabase(t, db, store, hasher)
}

// TestSeedDemoRetriesConflict makes the first transaction fail as if a concurrent run had
// committed first: seedDemo starts over, and the retry's summary is the one reported.
func TestSeedDemoRetriesConflict(t *testing.T) {
	ctx := context.Background()
	db := postgrestest.New(t)
	store := &seedConflictStore{Store: postgres.NewAccountsStore(db), failures: 1}
	sum, err := seedDemo(ctx, store, seedTestHasher())
	if err != nil {
		t.Fatal(err)
	}
	if store.calls != 2 {
		t.Errorf("InTx called %d times, want 2", store.calls)
	}
	if want := demoTotals(); sum != want {
		t.Errorf("summary %s\nwant    %s", sum, want)
	}

	// A conflict that never clears gives up after seedAttempts, with the conflict as cause.
	store = &seedConflictStore{Store: postgres.NewAccountsStore(db), failures: 1000}
	_, err = seedDemo(ctx, store, seedTestHasher())
	if accounts.ErrorCode(err) != accounts.CodeConflict || store.calls != seedAttempts {
		t.Errorf("endless conflict: %v after %d calls", err, store.calls)
	}

	// Other errors are not retried.
	store = &seedConflictStore{Store: postgres.NewAccountsStore(db), failures: 1000, err: errors.New("disk on fire")}
	if _, err = seedDemo(ctx, store, seedTestHasher()); err == nil || store.calls != 1 {
		t.Errorf("other error: %v after %d calls", err, store.calls)
	}
}

// TestSeedDemoRefusesForeignBIN refuses to adopt an organization of another kind that
// holds a demo BIN.
func TestSeedDemoRefusesForeignBIN(t *testing.T) {
	ctx := context.Background()
	db := postgrestest.New(t)
	store := postgres.NewAccountsStore(db)
	d := demoOrgs[len(demoOrgs)-1] // an akimat
	other := accounts.Organization{BIN: d.BIN, Kind: accounts.KindBuyer, Subtype: accounts.SubtypeSchool,
		Name: accounts.Text{RU: "Чужая школа"}, Region: "almaty"}
	if err := store.CreateOrganization(ctx, &other); err != nil {
		t.Fatal(err)
	}
	_, err := seedDemo(ctx, store, seedTestHasher())
	if err == nil || !strings.Contains(err.Error(), d.BIN) {
		t.Fatalf("seedDemo over a foreign BIN: %v", err)
	}
	// Nothing was left behind: the transaction rolled back.
	var n int
	if err := db.GetContext(ctx, &n, `SELECT count(*) FROM organizations`); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("%d organizations after a failed seed, want 1", n)
	}
}

// TestSeedDemoKeepsExistingNames: an organization found by its BIN is adopted as it is, so a
// database seeded with an older demo name keeps it; the seed still completes and adds the rest.
func TestSeedDemoKeepsExistingNames(t *testing.T) {
	ctx := context.Background()
	db := postgrestest.New(t)
	store := postgres.NewAccountsStore(db)
	var d demoOrg
	for _, o := range demoOrgs {
		if o.Key == demoStateEast {
			d = o
		}
	}
	old := d.organization(0)
	old.Name = accounts.Text{RU: "РГП «Старое демо-имя»", KK: "«Ескі демо-атау» РМК", EN: "RSE Old Demo Name"}
	if err := store.CreateOrganization(ctx, &old); err != nil {
		t.Fatal(err)
	}
	sum, err := seedDemo(ctx, store, seedTestHasher())
	if err != nil {
		t.Fatal(err)
	}
	if sum.Organizations.Created != len(demoOrgs)-1 || sum.Organizations.Present != 1 {
		t.Errorf("organizations: %+v, want %d created and 1 present", sum.Organizations, len(demoOrgs)-1)
	}
	got, err := store.OrganizationByBIN(ctx, d.BIN)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != old.ID || got.Name != old.Name {
		t.Errorf("the organization at BIN %s became %d %+v; want %d %+v, untouched", d.BIN, got.ID, got.Name, old.ID, old.Name)
	}
	// Its demo users and sites hang off the adopted organization.
	sites, err := store.ProductionSites(ctx, old.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, s := range demoSites {
		if s.Enterprise == demoStateEast {
			want++
		}
	}
	if len(sites) != want {
		t.Errorf("%d production sites at the adopted enterprise, want %d", len(sites), want)
	}
}

// seedCountingHasher counts calls to Hash.
type seedCountingHasher struct {
	accounts.PasswordHasher
	hashes atomic.Int64
}

func (h *seedCountingHasher) Hash(password string) (string, error) {
	h.hashes.Add(1)
	return h.PasswordHasher.Hash(password)
}

// seedConflictStore runs each transaction for real but then, for the first failures calls,
// rolls it back and reports err (a concurrent-change conflict by default), as a seed that
// lost a race would see.
type seedConflictStore struct {
	accounts.Store
	failures int
	err      error
	calls    int
}

func (s *seedConflictStore) InTx(ctx context.Context, fn func(accounts.Store) error) error {
	s.calls++
	fail := s.calls <= s.failures
	errFail := s.err
	if errFail == nil {
		errFail = &accounts.Error{Code: accounts.CodeConflict, Message: "a concurrent change got there first; retry"}
	}
	return s.Store.InTx(ctx, func(tx accounts.Store) error {
		if err := fn(tx); err != nil {
			return err
		}
		if fail {
			return fmt.Errorf("simulated: %w", errFail)
		}
		return nil
	})
}
