package frontend

import (
	"bytes"
	"io/fs"
	"regexp"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Asia/Almaty on machines without a zoneinfo database

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/api"
	"github.com/sheber-kz/sheber/catalog"
)

func newTestUI(t *testing.T) *UI {
	t.Helper()
	ui, err := New(&api.Server{Secret: []byte("test-secret-test-secret-test-secret!")})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return ui
}

// samplePages gives every page template data of the shape its handler passes, filled in
// so that every branch that shows data is taken.
func samplePages() map[string][]any {
	at := time.Date(2025, 8, 25, 4, 30, 0, 0, time.UTC) // 09:30 in Almaty
	later := at.Add(7 * 24 * time.Hour)
	org := accounts.Organization{ID: 7, BIN: "240540000019", Kind: accounts.KindBuyer, Subtype: accounts.SubtypeSchool,
		Name: accounts.Text{RU: "Школа № 7", KK: "№ 7 мектеп", EN: "School No. 7"}, Region: "almaty"}
	member := func(role accounts.Role) accounts.Member {
		return accounts.Member{Membership: accounts.Membership{UserID: 1, OrgID: org.ID, Role: role, CreatedAt: at},
			Email: "aigerim@school7.kz", Name: "Айгерім Сейітова", OrgName: org.Name, OrgKind: org.Kind, Region: org.Region}
	}
	inv := accounts.Invitation{ID: 3, OrgID: org.ID, Email: "new@school7.kz", Role: accounts.RoleRequester, CreatedAt: at, ExpiresAt: later}
	tokens := []accounts.APIToken{
		{ID: 1, OrgID: org.ID, Role: accounts.RoleAccountant, Name: "1C", Prefix: "shb_abcdef", CreatedAt: at, LastUsedAt: &at},
		{ID: 2, OrgID: org.ID, Role: accounts.RoleAccountant, Name: "old", Prefix: "shb_ghijkl", CreatedAt: at, RevokedAt: &later},
	}
	bad := form{Values: map[string]string{"email": "not-an-email", "role": "admin", "name": ""}, Errors: map[string]string{
		"email": "not an e-mail address", "role": "not a role", "name": "required", "password": "at least 10 characters", "password_confirm": "does not match",
	}}
	admin := orgAdminPage{Org: org, Members: []accounts.Member{member(accounts.RoleAdmin)}, Invitations: []accounts.Invitation{inv},
		Tokens: tokens, Roles: accounts.RolesFor(org.Kind), CanInvite: true, ShowTokens: true}
	adminWithErrors := admin
	adminWithErrors.Invite, adminWithErrors.Token = bad, bad
	invitation := invitationPage{Invitation: inv, Org: org, Secret: "abc234"}
	samples := map[string][]any{
		pageCatalog:           sampleCatalogPages(),
		pageProduct:           sampleProductPages(),
		pageListings:          sampleListingsPages(),
		pageListingEdit:       sampleEditorPages(),
		pageImport:            sampleImportPages(),
		pageHome:              {homePage{}, homePage{Memberships: []accounts.Member{member(accounts.RoleAdmin), member(accounts.RoleRequester)}}},
		pageLogin:             {loginPage{Next: "/account"}, loginPage{Next: "/account", Failed: true, Form: form{Values: map[string]string{"email": "a@b.kz"}}}, loginPage{Form: bad}},
		pageAccount:           {accountPage{User: accounts.User{Name: "Айгерім", Email: "a@b.kz"}, Memberships: []accounts.Member{member(accounts.RoleAdmin)}}, accountPage{}},
		pageOrgAdmin:          {admin, adminWithErrors, orgAdminPage{Org: org, Roles: accounts.RolesFor(org.Kind)}, orgAdminPage{Org: org, Members: []accounts.Member{member(accounts.RoleAdmin)}}},
		pageInvitationCreated: {invitationCreatedPage{Org: org, Invitation: inv}},
		pageTokenIssued:       {tokenIssuedPage{Org: org, Token: tokens[0], Secret: "shb_abcdefghijklmnop"}},
		pageInvitation: {invitation,
			func() any { p := invitation; p.Form = bad; p.NeedsSignIn = true; return p }(),
			func() any { p := invitation; p.SignedInAs = inv.Email; p.ForInvitee = true; return p }(),
			func() any { p := invitation; p.SignedInAs = "other@x.kz"; return p }()},
		pageError: {errorPage{Status: 404, Code: "not_found"},
			errorPage{Status: 500, Code: "internal", RequestID: "abc123"},
			errorPage{Status: 429, Code: "rate_limited", RetryMinutes: 15},
			errorPage{Status: 401, Code: "unauthenticated", SignInURL: "/login"},
			errorPage{Status: 422, Code: "invalid", Detail: "validation failed", Fields: []fieldProblem{{"bin", "must be 12 digits"}}}},
	}
	for page, datas := range sampleCabinetPages() {
		samples[page] = datas
	}
	for page, datas := range sampleRequestPages() {
		samples[page] = datas
	}
	return samples
}

func TestEveryPageRendersInEveryLanguage(t *testing.T) {
	ui := newTestUI(t)
	samples := samplePages()
	for _, page := range pages {
		if len(samples[page]) == 0 {
			t.Errorf("page %q has no sample data in this test", page)
		}
	}
	for _, lang := range languages {
		for page, datas := range samples {
			for i, data := range datas {
				for _, signedIn := range []bool{false, true} {
					v := view{Lang: lang, Here: "/account", CSRF: "csrf-token-value", SignedIn: signedIn, Page: data}
					if signedIn {
						v.AdminOrgs = []accounts.Member{{Membership: accounts.Membership{OrgID: 7, Role: accounts.RoleAdmin}, OrgName: accounts.Text{RU: "Школа"}}}
					}
					var buf bytes.Buffer
					if err := ui.execute(&buf, page, v); err != nil {
						t.Errorf("%s/%s #%d: %v", lang, page, i, err)
						continue
					}
					html := buf.String()
					for _, want := range []string{`<html lang="` + lang + `">`, `href="#main"`, `<main id="main"`, `name="_csrf" value="csrf-token-value"`, `/static/app.`} {
						if !strings.Contains(html, want) {
							t.Errorf("%s/%s #%d: no %q in the page", lang, page, i, want)
						}
					}
					if m := regexp.MustCompile(`\b(?:layout|nav|home|login|account|admin|org|form|error|kind|role|created|issued|invitation|common|catalog|product|unit|listings|editor|order|orders|cart|budget|queue|fulfillment|notifications|cabinet|approvals|event|request|list|payments)\.[a-z_]+(?:\.[a-z_]+)?\b`).FindString(stripAttrs(html)); m != "" {
						t.Errorf("%s/%s #%d: untranslated key %q in the page", lang, page, i, m)
					}
					if strings.Contains(html, "style=") || strings.Contains(html, "<script>") || strings.Contains(html, "<style") {
						t.Errorf("%s/%s #%d: inline style or script, which the CSP refuses", lang, page, i)
					}
				}
			}
		}
	}
}

// stripAttrs drops tags, so that addresses and ids ("invite-email", "app.css") do not look
// like message keys.
func stripAttrs(html string) string { return regexp.MustCompile(`<[^>]*>`).ReplaceAllString(html, " ") }

func TestFormFieldsAreMarkedInvalid(t *testing.T) {
	ui := newTestUI(t)
	var buf bytes.Buffer
	v := view{Lang: langEN, Here: "/login", Page: loginPage{Form: form{Values: map[string]string{"email": "x"}, Errors: map[string]string{"email": "not an e-mail address"}}}}
	if err := ui.execute(&buf, pageLogin, v); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	for _, want := range []string{`aria-invalid="true" aria-describedby="login-email-error"`, `id="login-email-error"`, `Check this field: <span lang="en">not an e-mail address</span>`, `value="x"`} {
		if !strings.Contains(html, want) {
			t.Errorf("no %q in\n%s", want, html)
		}
	}
}

func TestTimesAreShownInAlmaty(t *testing.T) {
	ui := newTestUI(t)
	var buf bytes.Buffer
	page := samplePages()[pageInvitationCreated][0]
	if err := ui.execute(&buf, pageInvitationCreated, view{Lang: langRU, Page: page}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "01.09.2025 09:30") {
		t.Errorf("expiry not shown as 01.09.2025 09:30 (Asia/Almaty):\n%s", buf.String())
	}
}

// templateKey finds the message keys that templates call t with: {{t "key" ...}} and (t "key").
var templateKey = regexp.MustCompile(`[{(]-?\s*t\s+"([^"]+)"`)

func TestLocalesAreComplete(t *testing.T) {
	locales, err := loadLocales(files)
	if err != nil {
		t.Fatal(err)
	}
	if problems := compareLocales(locales); len(problems) > 0 {
		t.Fatalf("locales disagree:\n%s", strings.Join(problems, "\n"))
	}
	verbs := regexp.MustCompile(`%(?:\[\d+\])?[sd]`)
	for key, ru := range locales[defaultLang] {
		for _, lang := range languages {
			if got, want := len(verbs.FindAllString(locales[lang][key], -1)), len(verbs.FindAllString(ru, -1)); got != want {
				t.Errorf("%s %q has %d format verbs, ru has %d", lang, key, got, want)
			}
		}
	}

	used := map[string]bool{}
	err = fs.WalkDir(files, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(files, p)
		for _, m := range templateKey.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = true
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(used) < 50 {
		t.Fatalf("found only %d keys in the templates: is templateKey still right?", len(used))
	}
	// Keys built at run time: names of kinds, roles and error codes.
	for _, r := range accounts.Roles {
		used["role."+string(r)] = true
	}
	for k := range accounts.Subtypes {
		used["kind."+string(k)] = true
	}
	for _, u := range catalog.Units {
		used["unit."+string(u)] = true
	}
	for _, s := range []catalog.Sort{catalog.SortRelevance, catalog.SortPriceAsc, catalog.SortPriceDesc, catalog.SortNewest} {
		used["catalog.sort_"+string(s)] = true
	}
	for _, st := range []catalog.Status{catalog.StatusDraft, catalog.StatusPublished, catalog.StatusArchived} {
		used["listings.status_"+string(st)] = true
	}
	for _, n := range doneNotes {
		used["editor.done_"+n] = true
	}
	for _, lang := range languages {
		used["editor.lang_"+lang] = true
	}
	for _, key := range append(cabinetRuntimeKeys(), customRequestRuntimeKeys()...) {
		used[key] = true
	}
	for _, code := range errorCodes {
		used["error."+string(code)+".title"] = true
		used["error."+string(code)+".text"] = true
	}
	for key := range used {
		for _, lang := range languages {
			if _, ok := locales[lang][key]; !ok {
				t.Errorf("%s.json has no %q", lang, key)
			}
		}
	}
	for key := range locales[defaultLang] {
		if !used[key] {
			t.Errorf("%q is in the locales but nothing uses it", key)
		}
	}
}

func TestKazakhIsWrittenInKazakhLetters(t *testing.T) {
	locales, err := loadLocales(files)
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(func() []string {
		var s []string
		for _, v := range locales[langKK] {
			s = append(s, v)
		}
		return s
	}(), " ")
	for _, letter := range []string{"ә", "ғ", "қ", "ң", "ө", "ұ", "ү", "і"} {
		if !strings.Contains(all, letter) {
			t.Errorf("kk.json never uses %q: is it Kazakh?", letter)
		}
	}
	if locales[langKK]["nav.home"] == locales[langRU]["nav.home"] {
		t.Error("kk.json looks like a copy of ru.json")
	}
}

func TestNewFailsWithoutAPageTemplate(t *testing.T) {
	saved := pages
	defer func() { pages = saved }()
	pages = append(append([]string(nil), saved...), "no_such_page")
	if _, err := New(&api.Server{}); err == nil || !strings.Contains(err.Error(), "no_such_page") {
		t.Fatalf("New with a missing page template: err = %v, want one naming it", err)
	}
}

func TestAssetNamesCarryTheContentHash(t *testing.T) {
	ui := newTestUI(t)
	p, err := ui.assets.path("app.css")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^/static/app\.[0-9a-f]{8}\.css$`).MatchString(p) {
		t.Errorf("app.css is served at %q, want /static/app.<hash8>.css", p)
	}
	if _, err := ui.assets.path("missing.css"); err == nil {
		t.Error("an unknown asset got a path")
	}
}

func TestNegotiateLanguage(t *testing.T) {
	tests := []struct{ header, want string }{
		{"", "ru"},
		{"kk", "kk"},
		{"kk-KZ,kk;q=0.9,ru;q=0.8", "kk"},
		{"en-US,en;q=0.9", "en"},
		{"de-DE,de;q=0.9", "ru"},
		{"de,en;q=0.5,kk;q=0.7", "kk"},
		{"ru;q=0.3, en;q=0.6", "en"},
		{"kz", "kk"},
		{"EN-gb", "en"},
		{"en;q=0, kk;q=bogus", "ru"},
		{"ru, kk", "ru"},
		{"*", "ru"},
	}
	for _, tt := range tests {
		if got := negotiateLanguage(tt.header); got != tt.want {
			t.Errorf("negotiateLanguage(%q) = %q, want %q", tt.header, got, tt.want)
		}
	}
}

func TestSafeNext(t *testing.T) {
	tests := []struct{ next, want string }{
		{"/account", "/account"},
		{"/orgs/7/admin?tab=tokens", "/orgs/7/admin?tab=tokens"},
		{"/invitations/abc", "/invitations/abc"},
		{"", "/"},
		{"account", "/"},
		{"//evil.example", "/"},
		{"//evil.example/path", "/"},
		{"/\\evil.example", "/"},
		{"https://evil.example", "/"},
		{"javascript:alert(1)", "/"},
		{"/\tevil", "/"},
		{"/a\nb", "/"},
		{"/" + strings.Repeat("a", maxNextLength), "/"},
	}
	for _, tt := range tests {
		if got := safeNext(tt.next, "/"); got != tt.want {
			t.Errorf("safeNext(%q) = %q, want %q", tt.next, got, tt.want)
		}
	}
}

func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/account", "//evil", "/\\evil", "https://x", "/a?b=c#d", "/%2F%2Fevil", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		got := safeNext(next, "/fallback")
		if got == "/fallback" {
			return
		}
		if got != next || !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") || strings.ContainsAny(got, "\\\t\r\n") {
			t.Fatalf("safeNext(%q) = %q: not a plain same-site path", next, got)
		}
	})
}

func FuzzNegotiateLanguage(f *testing.F) {
	for _, s := range []string{"kk-KZ,kk;q=0.9", "en;q=0.5,ru", ";;;,,,q=", "kk;q=1e400"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		if _, ok := supportedLanguage(negotiateLanguage(header)); !ok {
			t.Fatalf("negotiateLanguage(%q) picked an unsupported language", header)
		}
	})
}
