package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/storage/postgres"
	"github.com/sheber-kz/sheber/storage/postgres/postgrestest"
)

func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

var binCounter atomic.Int64

// newBIN returns a valid BIN that no other call in this test binary returns.
func newBIN(t *testing.T) string {
	t.Helper()
	n := binCounter.Add(1)
	for month := 1; month <= 12; month++ {
		prefix := fmt.Sprintf("24%02d4%06d", month, n)
		if d, ok := accounts.BINCheckDigit(prefix); ok {
			return fmt.Sprintf("%s%d", prefix, d)
		}
	}
	t.Fatalf("no BIN for serial %d", n)
	return ""
}

func wantCode(t *testing.T, what string, err error, code accounts.Code) {
	t.Helper()
	if got := accounts.ErrorCode(err); got != code {
		t.Fatalf("%s: error = %v (code %q); want code %q", what, err, got, code)
	}
}

type fixture struct {
	db    *postgres.DB
	store *postgres.AccountsStore
}

func newFixture(t *testing.T) fixture {
	db := postgrestest.New(t)
	return fixture{db: db, store: postgres.NewAccountsStore(db)}
}

func (f fixture) org(t *testing.T, kind accounts.Kind, region string) accounts.Organization {
	t.Helper()
	o := accounts.Organization{BIN: newBIN(t), Kind: kind, Subtype: accounts.Subtypes[kind][0],
		Name: accounts.Text{RU: "Орг " + string(kind), KK: "Ұйым", EN: "Org"}, Region: region}
	if err := f.store.CreateOrganization(testCtx(t), &o); err != nil {
		t.Fatalf("CreateOrganization: %v", err)
	}
	return o
}

func (f fixture) user(t *testing.T, email string) accounts.User {
	t.Helper()
	u := accounts.User{Email: email, Name: "Name of " + email, PasswordHash: "$argon2id$fake"}
	if err := f.store.CreateUser(testCtx(t), &u); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	return u
}

// The regions table that migration 00001 fills must equal accounts.Regions.
func TestRegionsTableMatchesDomain(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var rows []struct {
		Code   string `db:"code"`
		ISO    string `db:"iso"`
		City   bool   `db:"city"`
		NameRU string `db:"name_ru"`
		NameKK string `db:"name_kk"`
		NameEN string `db:"name_en"`
	}
	if err := f.db.SelectContext(testCtx(t), &rows, `SELECT code, iso, city, name_ru, name_kk, name_en FROM regions ORDER BY iso`); err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(accounts.Regions) || len(rows) != 20 {
		t.Fatalf("regions table has %d rows, accounts.Regions %d; want 20 each", len(rows), len(accounts.Regions))
	}
	for i, r := range rows {
		want := accounts.Regions[i]
		// The coordinates of the centres are the domain's own (routing): not in the table.
		got := accounts.Region{Code: r.Code, ISO: r.ISO, City: r.City, Name: accounts.Text{RU: r.NameRU, KK: r.NameKK, EN: r.NameEN}, Lat: want.Lat, Lon: want.Lon}
		if got != want {
			t.Errorf("region %d: table %+v; domain %+v", i, got, want)
		}
	}
}

func TestOrganizationRoundTrip(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := testCtx(t)
	dept := f.org(t, accounts.KindOversight, "karaganda")
	tests := []accounts.Organization{
		{BIN: newBIN(t), Kind: accounts.KindBuyer, Subtype: accounts.SubtypeSchool, Name: accounts.Text{RU: "Школа № 7", KK: "№ 7 мектеп", EN: "School No. 7"}, Region: "karaganda"},
		{BIN: newBIN(t), Kind: accounts.KindProducerInstitution, Subtype: accounts.SubtypePenalInstitution, Name: accounts.Text{RU: "Учреждение № 16"}, Region: "karaganda", InstitutionNumber: 16, OversightOrgID: dept.ID},
		{BIN: newBIN(t), Kind: accounts.KindPlatform, Subtype: accounts.SubtypePlatform, Name: accounts.Text{KK: "Шебер"}},
	}
	for _, o := range tests {
		in := o
		before := time.Now()
		if err := f.store.CreateOrganization(ctx, &in); err != nil {
			t.Fatalf("CreateOrganization(%s): %v", o.Kind, err)
		}
		if in.ID == 0 || in.CreatedAt.IsZero() || in.CreatedAt.Before(before.Add(-time.Minute)) {
			t.Errorf("CreateOrganization did not set ID/CreatedAt: %+v", in)
		}
		byID, err := f.store.Organization(ctx, in.ID)
		if err != nil {
			t.Fatal(err)
		}
		byBIN, err := f.store.OrganizationByBIN(ctx, in.BIN)
		if err != nil {
			t.Fatal(err)
		}
		for _, got := range []accounts.Organization{byID, byBIN} {
			if !got.CreatedAt.Equal(in.CreatedAt) || got.CreatedAt.Location() != time.UTC {
				t.Errorf("CreatedAt = %v; want %v in UTC", got.CreatedAt, in.CreatedAt)
			}
			got.CreatedAt = in.CreatedAt
			if got != in {
				t.Errorf("read back %+v; want %+v", got, in)
			}
		}
	}

	_, err := f.store.Organization(ctx, 999999)
	wantCode(t, "Organization(missing)", err, accounts.CodeNotFound)
	_, err = f.store.OrganizationByBIN(ctx, "971240001315")
	wantCode(t, "OrganizationByBIN(missing)", err, accounts.CodeNotFound)

	dup := tests[0]
	dup.Name = accounts.Text{RU: "Другая"}
	wantCode(t, "CreateOrganization(duplicate BIN)", f.store.CreateOrganization(ctx, &dup), accounts.CodeConflict)

	// The database keeps its own rules even when the domain's validation is bypassed.
	bad := accounts.Organization{BIN: newBIN(t), Kind: accounts.KindBuyer, Subtype: accounts.SubtypeSchool, Name: accounts.Text{RU: "X"}, Region: "atlantis"}
	wantCode(t, "CreateOrganization(unknown region)", f.store.CreateOrganization(ctx, &bad), accounts.CodeInvalid)
	bad = accounts.Organization{BIN: "12345", Kind: accounts.KindBuyer, Subtype: accounts.SubtypeSchool, Name: accounts.Text{RU: "X"}, Region: "karaganda"}
	wantCode(t, "CreateOrganization(short BIN)", f.store.CreateOrganization(ctx, &bad), accounts.CodeInvalid)
}

func TestProductionSites(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := testCtx(t)
	ent := f.org(t, accounts.KindProducerEnterprise, "karaganda")
	inst := accounts.Organization{BIN: newBIN(t), Kind: accounts.KindProducerInstitution, Subtype: accounts.SubtypePenalInstitution,
		Name: accounts.Text{RU: "Учреждение № 22"}, Region: "karaganda", InstitutionNumber: 22}
	if err := f.store.CreateOrganization(ctx, &inst); err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{"wood-2", "wood-1"} {
		s := accounts.ProductionSite{EnterpriseID: ent.ID, InstitutionID: inst.ID, Code: code, Name: accounts.Text{RU: code},
			WorkshopKind: accounts.WorkshopWoodwork, WeeklyCapacityHours: 400}
		if err := f.store.CreateProductionSite(ctx, &s); err != nil || s.ID == 0 {
			t.Fatalf("CreateProductionSite(%s): %v (id %d)", code, err, s.ID)
		}
	}
	dup := accounts.ProductionSite{EnterpriseID: ent.ID, InstitutionID: inst.ID, Code: "wood-1", WorkshopKind: accounts.WorkshopSewing}
	wantCode(t, "CreateProductionSite(duplicate code)", f.store.CreateProductionSite(ctx, &dup), accounts.CodeConflict)
	sites, err := f.store.ProductionSites(ctx, ent.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(sites) != 2 || sites[0].Code != "wood-1" || sites[1].Code != "wood-2" || sites[0].WeeklyCapacityHours != 400 {
		t.Errorf("ProductionSites = %+v; want wood-1, wood-2", sites)
	}
}

func TestUsersAndMemberships(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := testCtx(t)
	school := f.org(t, accounts.KindBuyer, "karaganda")
	platform := accounts.Organization{BIN: newBIN(t), Kind: accounts.KindPlatform, Subtype: accounts.SubtypePlatform, Name: accounts.Text{RU: "Шебер"}}
	if err := f.store.CreateOrganization(ctx, &platform); err != nil {
		t.Fatal(err)
	}
	u := f.user(t, "aigerim@school.kz")

	got, err := f.store.UserByEmail(ctx, "aigerim@school.kz")
	if err != nil || got.ID != u.ID || got.Name != u.Name || got.PasswordHash != u.PasswordHash {
		t.Fatalf("UserByEmail = %+v, %v; want %+v", got, err, u)
	}
	if got, err := f.store.User(ctx, u.ID); err != nil || got.Email != u.Email {
		t.Fatalf("User = %+v, %v", got, err)
	}
	_, err = f.store.User(ctx, u.ID+100)
	wantCode(t, "User(missing)", err, accounts.CodeNotFound)
	_, err = f.store.UserByEmail(ctx, "nobody@school.kz")
	wantCode(t, "UserByEmail(missing)", err, accounts.CodeNotFound)

	dup := accounts.User{Email: "aigerim@school.kz", Name: "Другая", PasswordHash: "x"}
	wantCode(t, "CreateUser(duplicate e-mail)", f.store.CreateUser(ctx, &dup), accounts.CodeConflict)
	upper := accounts.User{Email: "Upper@School.kz", Name: "U", PasswordHash: "x"}
	wantCode(t, "CreateUser(upper-case e-mail)", f.store.CreateUser(ctx, &upper), accounts.CodeInvalid)

	v := f.user(t, "bolat@school.kz")
	if err := f.store.AddMembership(ctx, accounts.Membership{UserID: u.ID, OrgID: school.ID, Role: accounts.RoleApprover}); err != nil {
		t.Fatal(err)
	}
	if err := f.store.AddMembership(ctx, accounts.Membership{UserID: u.ID, OrgID: platform.ID, Role: accounts.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	if err := f.store.AddMembership(ctx, accounts.Membership{UserID: v.ID, OrgID: school.ID, Role: accounts.RoleRequester}); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "AddMembership(twice)", f.store.AddMembership(ctx, accounts.Membership{UserID: u.ID, OrgID: school.ID, Role: accounts.RoleAdmin}), accounts.CodeConflict)
	wantCode(t, "AddMembership(unknown role)", f.store.AddMembership(ctx, accounts.Membership{UserID: v.ID, OrgID: platform.ID, Role: "superuser"}), accounts.CodeInvalid)
	wantCode(t, "AddMembership(unknown org)", f.store.AddMembership(ctx, accounts.Membership{UserID: v.ID, OrgID: 999999, Role: accounts.RoleAdmin}), accounts.CodeInvalid)

	ms, err := f.store.UserMemberships(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Ordered by the organization's Russian name: "Орг buyer" before "Шебер".
	if len(ms) != 2 || ms[0].OrgID != school.ID || ms[1].OrgID != platform.ID {
		t.Fatalf("UserMemberships = %+v", ms)
	}
	m := ms[0]
	if m.UserID != u.ID || m.Role != accounts.RoleApprover || m.Email != u.Email || m.Name != u.Name ||
		m.OrgName != school.Name || m.OrgKind != accounts.KindBuyer || m.Region != "karaganda" || m.CreatedAt.IsZero() {
		t.Errorf("member = %+v", m)
	}
	if ms[1].OrgKind != accounts.KindPlatform || ms[1].Region != "" || ms[1].Role != accounts.RoleAdmin {
		t.Errorf("platform member = %+v", ms[1])
	}

	members, err := f.store.OrganizationMembers(ctx, school.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(members) != 2 {
		t.Fatalf("OrganizationMembers = %+v; want 2", members)
	}
	if none, err := f.store.UserMemberships(ctx, 999999); err != nil || len(none) != 0 {
		t.Errorf("UserMemberships(unknown) = %v, %v; want empty", none, err)
	}
}

func TestInvitations(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := testCtx(t)
	org := f.org(t, accounts.KindBuyer, "karaganda")
	other := f.org(t, accounts.KindBuyer, "karaganda")
	admin := f.user(t, "admin@school.kz")
	now := time.Now().UTC().Truncate(time.Microsecond)

	newInv := func(email, hash string, created time.Time) accounts.Invitation {
		return accounts.Invitation{OrgID: org.ID, Email: email, Role: accounts.RoleRequester, InvitedBy: admin.ID,
			TokenHash: hash, CreatedAt: created, ExpiresAt: created.Add(accounts.InvitationTTL)}
	}

	inv := newInv("new@school.kz", "hash-1", now)
	if err := f.store.CreateInvitation(ctx, &inv); err != nil || inv.ID == 0 {
		t.Fatalf("CreateInvitation: %v (id %d)", err, inv.ID)
	}
	got, err := f.store.InvitationByTokenHash(ctx, "hash-1")
	if err != nil {
		t.Fatal(err)
	}
	if got != inv {
		t.Errorf("InvitationByTokenHash = %+v; want %+v", got, inv)
	}
	_, err = f.store.InvitationByTokenHash(ctx, "no-such-hash")
	wantCode(t, "InvitationByTokenHash(missing)", err, accounts.CodeNotFound)

	// A second pending invitation for the same person and organization conflicts and
	// names the field; another organization may invite the same person.
	second := newInv("new@school.kz", "hash-2", now)
	err = f.store.CreateInvitation(ctx, &second)
	wantCode(t, "CreateInvitation(second pending)", err, accounts.CodeConflict)
	if e := new(accounts.Error); !errors.As(err, &e) || e.Fields["email"] == "" {
		t.Errorf("conflict %v does not name the email field", err)
	}
	elsewhere := newInv("new@school.kz", "hash-3", now)
	elsewhere.OrgID = other.ID
	if err := f.store.CreateInvitation(ctx, &elsewhere); err != nil {
		t.Fatalf("CreateInvitation(other org): %v", err)
	}

	// An expired invitation does not block a new one, and is closed by it.
	expired := newInv("late@school.kz", "hash-4", now.Add(-8*24*time.Hour))
	if err := f.store.CreateInvitation(ctx, &expired); err != nil {
		t.Fatal(err)
	}
	renewed := newInv("late@school.kz", "hash-5", now)
	if err := f.store.CreateInvitation(ctx, &renewed); err != nil {
		t.Fatalf("CreateInvitation after an expired one: %v", err)
	}
	if old, _ := f.store.InvitationByTokenHash(ctx, "hash-4"); old.RevokedAt == nil {
		t.Error("the expired invitation was not closed")
	}

	pending, err := f.store.Invitations(ctx, org.ID, now)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[int64]bool{}
	for _, p := range pending {
		ids[p.ID] = true
	}
	if len(pending) != 2 || !ids[inv.ID] || !ids[renewed.ID] {
		t.Errorf("Invitations = %+v; want %d and %d", pending, inv.ID, renewed.ID)
	}
	// At a later time every invitation has expired.
	if later, err := f.store.Invitations(ctx, org.ID, now.Add(accounts.InvitationTTL)); err != nil || len(later) != 0 {
		t.Errorf("Invitations a week later = %+v, %v; want none", later, err)
	}

	// Acceptance happens once.
	if err := f.store.MarkInvitationAccepted(ctx, inv.ID, now); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "MarkInvitationAccepted(twice)", f.store.MarkInvitationAccepted(ctx, inv.ID, now), accounts.CodeConflict)
	if got, _ := f.store.InvitationByTokenHash(ctx, "hash-1"); got.AcceptedAt == nil || !got.AcceptedAt.Equal(now) {
		t.Errorf("AcceptedAt = %v; want %v", got.AcceptedAt, now)
	}
	// Once accepted, the person can be invited again (e.g. after leaving).
	again := newInv("new@school.kz", "hash-6", now)
	if err := f.store.CreateInvitation(ctx, &again); err != nil {
		t.Fatalf("CreateInvitation after acceptance: %v", err)
	}

	// Revocation: only by the owning organization, only while pending.
	wantCode(t, "RevokeInvitation(wrong org)", f.store.RevokeInvitation(ctx, other.ID, renewed.ID, now), accounts.CodeNotFound)
	if err := f.store.RevokeInvitation(ctx, org.ID, renewed.ID, now); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "RevokeInvitation(twice)", f.store.RevokeInvitation(ctx, org.ID, renewed.ID, now), accounts.CodeNotFound)
	wantCode(t, "RevokeInvitation(accepted)", f.store.RevokeInvitation(ctx, org.ID, inv.ID, now), accounts.CodeNotFound)
	wantCode(t, "MarkInvitationAccepted(revoked)", f.store.MarkInvitationAccepted(ctx, renewed.ID, now), accounts.CodeConflict)
	wantCode(t, "RevokeInvitation(missing)", f.store.RevokeInvitation(ctx, org.ID, 999999, now), accounts.CodeNotFound)
}

func TestAPITokens(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := testCtx(t)
	org := f.org(t, accounts.KindProducerEnterprise, "karaganda")
	other := f.org(t, accounts.KindBuyer, "almaty")
	admin := f.user(t, "admin@enbek.kz")
	t0 := time.Now().UTC().Truncate(time.Second)

	mk := func(name, hash string, at time.Time) accounts.APIToken {
		tok := accounts.APIToken{OrgID: org.ID, Role: accounts.RoleProducerManager, Name: name, Prefix: "shb_" + name[:2],
			Hash: hash, CreatedBy: admin.ID, CreatedAt: at}
		if err := f.store.CreateAPIToken(ctx, &tok); err != nil || tok.ID == 0 {
			t.Fatalf("CreateAPIToken(%s): %v (id %d)", name, err, tok.ID)
		}
		return tok
	}
	first := mk("erp", "hash-erp", t0)
	second := mk("mes", "hash-mes", t0.Add(time.Second))

	tok, scope, err := f.store.APITokenByHash(ctx, "hash-erp")
	if err != nil {
		t.Fatal(err)
	}
	if tok != first {
		t.Errorf("APITokenByHash = %+v; want %+v", tok, first)
	}
	if scope.OrgID != org.ID || scope.Role != accounts.RoleProducerManager || scope.OrgKind != accounts.KindProducerEnterprise ||
		scope.Region != "karaganda" || scope.OrgName != org.Name || scope.UserID != 0 {
		t.Errorf("scope = %+v", scope)
	}
	_, _, err = f.store.APITokenByHash(ctx, "nope")
	wantCode(t, "APITokenByHash(missing)", err, accounts.CodeNotFound)

	list, err := f.store.APITokens(ctx, org.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != second.ID || list[1].ID != first.ID {
		t.Errorf("APITokens = %+v; want newest first", list)
	}
	if n, err := f.store.CountActiveAPITokens(ctx, org.ID); err != nil || n != 2 {
		t.Errorf("CountActiveAPITokens = %d, %v; want 2", n, err)
	}

	// Revocation: only by the owner, only once; revoked tokens stay listed.
	wantCode(t, "RevokeAPIToken(wrong org)", f.store.RevokeAPIToken(ctx, other.ID, first.ID, t0), accounts.CodeNotFound)
	if err := f.store.RevokeAPIToken(ctx, org.ID, first.ID, t0); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "RevokeAPIToken(again)", f.store.RevokeAPIToken(ctx, org.ID, first.ID, t0), accounts.CodeNotFound)
	if tok, _, _ := f.store.APITokenByHash(ctx, "hash-erp"); tok.RevokedAt == nil || !tok.RevokedAt.Equal(t0) {
		t.Errorf("RevokedAt = %v; want %v", tok.RevokedAt, t0)
	}
	if n, _ := f.store.CountActiveAPITokens(ctx, org.ID); n != 1 {
		t.Errorf("CountActiveAPITokens after revoke = %d; want 1", n)
	}
	if list, _ := f.store.APITokens(ctx, org.ID); len(list) != 2 {
		t.Errorf("APITokens after revoke lists %d; want 2", len(list))
	}
	_, err = f.store.CountActiveAPITokens(ctx, 999999)
	wantCode(t, "CountActiveAPITokens(unknown org)", err, accounts.CodeNotFound)

	// A revoked token is returned as it is, and its use is not recorded.
	if tok, scope, err := f.store.UseAPIToken(ctx, "hash-erp", t0.Add(time.Hour)); err != nil || tok.RevokedAt == nil || scope.OrgID != org.ID {
		t.Errorf("UseAPIToken(revoked) = %+v, %+v, %v; want the revoked token with its scope", tok, scope, err)
	}
	if tok, _, _ := f.store.APITokenByHash(ctx, "hash-erp"); tok.LastUsedAt != nil {
		t.Errorf("a revoked token's use was recorded: LastUsedAt = %v", tok.LastUsedAt)
	}
	_, _, err = f.store.UseAPIToken(ctx, "nope", t0)
	wantCode(t, "UseAPIToken(missing)", err, accounts.CodeNotFound)

	// Use is recorded at most once a minute; UseAPIToken returns the token as it was.
	lastUsed := func() time.Time {
		t.Helper()
		tok, _, err := f.store.APITokenByHash(ctx, "hash-mes")
		if err != nil || tok.LastUsedAt == nil {
			t.Fatalf("LastUsedAt = nil, %v", err)
		}
		return *tok.LastUsedAt
	}
	steps := []struct {
		at   time.Time
		want time.Time
	}{
		{t0, t0},                       // first use is recorded
		{t0.Add(30 * time.Second), t0}, // within the minute: kept
		{t0.Add(60 * time.Second), t0}, // exactly a minute: kept
		{t0.Add(61 * time.Second), t0.Add(61 * time.Second)},
		{t0.Add(90 * time.Second), t0.Add(61 * time.Second)},
		{t0.Add(-time.Hour), t0.Add(61 * time.Second)}, // an older time never moves it back
	}
	var before *time.Time
	for i, s := range steps {
		tok, scope, err := f.store.UseAPIToken(ctx, "hash-mes", s.at)
		if err != nil {
			t.Fatal(err)
		}
		if tok.ID != second.ID || scope.OrgID != org.ID || (before == nil) != (tok.LastUsedAt == nil) || (before != nil && !tok.LastUsedAt.Equal(*before)) {
			t.Errorf("step %d: UseAPIToken = %+v, %+v; want token %d as it was (last used %v)", i, tok, scope, second.ID, before)
		}
		got := lastUsed()
		if !got.Equal(s.want) {
			t.Errorf("step %d: after a use at %v LastUsedAt = %v; want %v", i, s.at, got, s.want)
		}
		before = &got
	}
}

func TestEnqueueEmail(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := testCtx(t)
	e := accounts.Email{To: "new@school.kz", Subject: "Приглашение", Text: "Ссылка: https://sheber.test/invitations/x"}
	if err := f.store.EnqueueEmail(ctx, e); err != nil {
		t.Fatal(err)
	}
	var rows []struct {
		Recipient string     `db:"recipient"`
		Subject   string     `db:"subject"`
		Body      string     `db:"body"`
		Attempts  int        `db:"attempts"`
		SentAt    *time.Time `db:"sent_at"`
	}
	if err := f.db.SelectContext(ctx, &rows, `SELECT recipient, subject, body, attempts, sent_at FROM email_outbox`); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Recipient != e.To || rows[0].Subject != e.Subject || rows[0].Body != e.Text ||
		rows[0].Attempts != 0 || rows[0].SentAt != nil {
		t.Errorf("email_outbox = %+v", rows)
	}
}

func TestInTx(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := testCtx(t)
	boom := errors.New("boom")

	tests := []struct {
		name    string
		fn      func(tx accounts.Store) error
		email   string
		wantErr error
		exists  bool
	}{
		{"error rolls back", func(tx accounts.Store) error {
			u := accounts.User{Email: "rolled@back.kz", Name: "R", PasswordHash: "x"}
			if err := tx.CreateUser(ctx, &u); err != nil {
				return err
			}
			return boom
		}, "rolled@back.kz", boom, false},
		{"nil commits", func(tx accounts.Store) error {
			u := accounts.User{Email: "kept@tx.kz", Name: "K", PasswordHash: "x"}
			return tx.CreateUser(ctx, &u)
		}, "kept@tx.kz", nil, true},
		{"nested InTx joins the outer transaction", func(tx accounts.Store) error {
			if err := tx.InTx(ctx, func(inner accounts.Store) error {
				u := accounts.User{Email: "inner@tx.kz", Name: "I", PasswordHash: "x"}
				return inner.CreateUser(ctx, &u)
			}); err != nil {
				return err
			}
			return boom
		}, "inner@tx.kz", boom, false},
		{"a domain error from fn is returned as is", func(tx accounts.Store) error {
			u := accounts.User{Email: "dup@tx.kz", Name: "D", PasswordHash: "x"}
			if err := tx.CreateUser(ctx, &u); err != nil {
				return err
			}
			u2 := u
			return tx.CreateUser(ctx, &u2)
		}, "dup@tx.kz", accounts.ErrConflict, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := f.store.InTx(ctx, tt.fn)
			if !errors.Is(err, tt.wantErr) && !(err == nil && tt.wantErr == nil) {
				t.Fatalf("InTx = %v; want %v", err, tt.wantErr)
			}
			_, err = f.store.UserByEmail(ctx, tt.email)
			if tt.exists && err != nil {
				t.Errorf("user %s missing after a committed InTx: %v", tt.email, err)
			}
			if !tt.exists {
				wantCode(t, "UserByEmail after rollback", err, accounts.CodeNotFound)
			}
		})
	}
}

func TestMigrateDownAndUp(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	db, err := postgres.Open(ctx, postgrestest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	// A database that was never migrated is behind too.
	if err := db.CheckSchema(ctx); !errors.Is(err, postgres.ErrSchemaBehind) {
		t.Errorf("CheckSchema on an empty database = %v; want ErrSchemaBehind", err)
	}
	if _, err := db.MigrateUp(ctx, nil); err != nil {
		t.Fatalf("MigrateUp: %v", err)
	}
	if err := db.CheckSchema(ctx); err != nil {
		t.Fatalf("CheckSchema after up = %v; want nil", err)
	}
	if res, err := db.MigrateUp(ctx, nil); err != nil || len(res) != 0 {
		t.Fatalf("second MigrateUp = %d results, %v; want nothing to do", len(res), err)
	}
	// Roll back every migration, one by one, newest first.
	applied, err := db.MigrationStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for range applied {
		if _, err := db.MigrateDown(ctx, nil); err != nil {
			t.Fatalf("MigrateDown: %v", err)
		}
		if err := db.CheckSchema(ctx); !errors.Is(err, postgres.ErrSchemaBehind) {
			t.Errorf("CheckSchema after down = %v; want ErrSchemaBehind", err)
		}
	}
	var n int
	if err := db.GetContext(ctx, &n, `SELECT count(*) FROM pg_tables WHERE tablename = 'organizations'`); err != nil || n != 0 {
		t.Errorf("organizations table after down: %d, %v; want dropped", n, err)
	}
	if _, err := db.MigrateUp(ctx, nil); err != nil {
		t.Fatalf("MigrateUp after down: %v", err)
	}
	if err := db.CheckSchema(ctx); err != nil {
		t.Errorf("CheckSchema after up again = %v; want nil", err)
	}
	if err := db.GetContext(ctx, &n, `SELECT count(*) FROM regions`); err != nil || n != 20 {
		t.Errorf("regions after up again: %d, %v; want 20", n, err)
	}
	status, err := db.MigrationStatus(ctx)
	if err != nil || len(status) == 0 {
		t.Fatalf("MigrationStatus = %v, %v", status, err)
	}
}

// Several processes starting at once on a fresh database all migrate successfully: the
// advisory lock serializes them.
func TestConcurrentMigrateUp(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	url := postgrestest.NewDatabase(t)
	const processes = 3
	var wg sync.WaitGroup
	errs := make([]error, processes)
	applied := make([]int, processes)
	for i := 0; i < processes; i++ {
		db, err := postgres.Open(ctx, url) // its own pool, like its own process
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			res, err := db.MigrateUp(ctx, nil)
			errs[i], applied[i] = err, len(res)
		}(i)
	}
	wg.Wait()
	total := 0
	for i, err := range errs {
		if err != nil {
			t.Errorf("MigrateUp #%d: %v", i, err)
		}
		total += applied[i]
	}
	db, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.CheckSchema(ctx); err != nil {
		t.Errorf("CheckSchema after concurrent MigrateUp: %v", err)
	}
	status, err := db.MigrationStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Each migration was applied by exactly one of the migrators.
	if total != len(status) {
		t.Errorf("migrations applied %d times in total; want %d (once each)", total, len(status))
	}
}
