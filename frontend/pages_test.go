package frontend_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	_ "time/tzdata" // Asia/Almaty on machines without a zoneinfo database

	"github.com/gofiber/fiber/v2"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/accounts/argon2id"
	"github.com/sheber-kz/sheber/api"
	"github.com/sheber-kz/sheber/catalog"
	"github.com/sheber-kz/sheber/frontend"
	"github.com/sheber-kz/sheber/orders"
	"github.com/sheber-kz/sheber/storage/objects/objectstest"
	"github.com/sheber-kz/sheber/storage/postgres"
	"github.com/sheber-kz/sheber/storage/postgres/postgrestest"
	"github.com/sheber-kz/sheber/storage/redis"
	"github.com/sheber-kz/sheber/storage/redis/redistest"
)

const testSecret = "test-secret-test-secret-test-secret!"

// newApp wires the portal as cmd/sheber does, around srv.
func newApp(t *testing.T, srv *api.Server) *fiber.App {
	t.Helper()
	ui, err := frontend.New(srv)
	if err != nil {
		t.Fatalf("frontend.New: %v", err)
	}
	srv.HTMLError = ui.RenderError
	app := api.NewApp(srv)
	ui.Register(app)
	return app
}

// newStaticApp is the portal without services, for what needs none: assets, the public
// pages, the language switch and refused forms.
func newStaticApp(t *testing.T) *fiber.App {
	return newApp(t, &api.Server{Secret: []byte(testSecret)})
}

// env is the portal on a real accounts.Service with a fresh database and Redis prefix.
type env struct {
	app    *fiber.App
	db     *postgres.DB
	store  *postgres.AccountsStore
	hasher *argon2id.Hasher
	cat    *catalog.Service
	ord    *orders.Service
}

func newEnv(t *testing.T) *env {
	t.Helper()
	db, rc := postgrestest.New(t), redistest.New(t)
	hasher := &argon2id.Hasher{Params: argon2id.Params{MemoryKiB: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}}
	svc := &accounts.Service{Store: postgres.NewAccountsStore(db), Sessions: redis.NewSessions(rc), Limiter: redis.Limiter{Client: rc},
		Hasher: hasher, PublicURL: "http://localhost"}
	catalogStore := postgres.NewCatalogStore(db)
	objs := objectstest.New(t)
	cat := &catalog.Service{Store: catalogStore, Directory: postgres.NewAccountsStore(db), Searcher: catalogStore, Objects: objs}
	ord := &orders.Service{Store: postgres.NewOrdersStore(db), Directory: postgres.NewAccountsStore(db), Procurement: postgres.NewProcurementStore(db),
		Objects: objs, Attachments: postgres.NewOrdersStore(db)}
	return &env{app: newApp(t, &api.Server{Accounts: svc, Catalog: cat, Orders: ord, Secret: []byte(testSecret)}), db: db,
		store: postgres.NewAccountsStore(db), hasher: hasher, cat: cat, ord: ord}
}

var binSerial atomic.Int64

// newBIN returns a valid BIN, different on every call: registered in May 2024 by a
// resident legal entity.
func newBIN(t *testing.T) string {
	t.Helper()
	for {
		first := fmt.Sprintf("24054%06d", binSerial.Add(1))
		if d, ok := accounts.BINCheckDigit(first); ok {
			return first + fmt.Sprint(d)
		}
	}
}

func (e *env) org(t *testing.T, name accounts.Text) accounts.Organization {
	t.Helper()
	o := accounts.Organization{BIN: newBIN(t), Kind: accounts.KindBuyer, Subtype: accounts.SubtypeSchool, Name: name, Region: "almaty"}
	if err := o.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := e.store.CreateOrganization(context.Background(), &o); err != nil {
		t.Fatal(err)
	}
	return o
}

const testPassword = "correct horse battery"

func (e *env) user(t *testing.T, email, name string, org accounts.Organization, role accounts.Role) accounts.User {
	t.Helper()
	ctx := context.Background()
	hash, err := e.hasher.Hash(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	u := accounts.User{Email: email, Name: name, PasswordHash: hash}
	if err := e.store.CreateUser(ctx, &u); err != nil {
		t.Fatal(err)
	}
	if org.ID != 0 {
		if err := e.store.AddMembership(ctx, accounts.Membership{UserID: u.ID, OrgID: org.ID, Role: role}); err != nil {
			t.Fatal(err)
		}
	}
	return u
}

// browser sends requests to the app the way a browser without JavaScript does: it keeps
// cookies and does not follow redirects.
type browser struct {
	t    *testing.T
	app  *fiber.App
	jar  *cookiejar.Jar
	lang string // Accept-Language
}

var site, _ = url.Parse("http://localhost/")

func newBrowser(t *testing.T, app *fiber.App) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, app: app, jar: jar}
}

// page is one response, its body read.
type page struct {
	*http.Response
	body string
}

func (b *browser) do(req *http.Request) page {
	b.t.Helper()
	for _, c := range b.jar.Cookies(site) {
		req.AddCookie(c)
	}
	if b.lang != "" {
		req.Header.Set("Accept-Language", b.lang)
	}
	resp, err := b.app.Test(req, -1)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	b.jar.SetCookies(site, resp.Cookies())
	return page{resp, string(body)}
}

func (b *browser) get(path string) page {
	return b.do(httptest.NewRequest(http.MethodGet, path, nil))
}

// post sends a form; the CSRF token is the one from the last page seen unless the form
// sets _csrf itself.
func (b *browser) post(path string, form url.Values) page {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

var csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// csrf returns the CSRF token of the forms on p.
func (p page) csrf(t *testing.T) string {
	t.Helper()
	m := csrfInput.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no _csrf field on the page:\n%s", p.body)
	}
	return m[1]
}

func (p page) expect(t *testing.T, status int, contains ...string) {
	t.Helper()
	if p.StatusCode != status {
		t.Fatalf("status %d, want %d; location %q; body:\n%s", p.StatusCode, status, p.Header.Get("Location"), p.body)
	}
	for _, s := range contains {
		if !strings.Contains(p.body, s) {
			t.Fatalf("no %q in the page:\n%s", s, p.body)
		}
	}
}

func (p page) expectRedirect(t *testing.T, location string) {
	t.Helper()
	if p.StatusCode != http.StatusSeeOther || p.Header.Get("Location") != location {
		t.Fatalf("got %d to %q, want 303 to %q; body:\n%s", p.StatusCode, p.Header.Get("Location"), location, p.body)
	}
}

var stylesheet = regexp.MustCompile(`<link rel="stylesheet" href="(/static/app\.[0-9a-f]{8}\.css)">`)

func TestStaticAssetsAreHashedAndCachedForever(t *testing.T) {
	b := newBrowser(t, newStaticApp(t))
	home := b.get("/")
	home.expect(t, http.StatusOK)
	if got := home.Header.Get("Cache-Control"); got != "private, no-cache" {
		t.Errorf("anonymous page Cache-Control = %q", got)
	}
	if got := home.Header.Get("Content-Type"); got != "text/html; charset=utf-8" {
		t.Errorf("page Content-Type = %q", got)
	}
	m := stylesheet.FindStringSubmatch(home.body)
	if m == nil {
		t.Fatalf("no hashed stylesheet link on the home page:\n%s", home.body)
	}
	css := b.get(m[1])
	css.expect(t, http.StatusOK, ":focus-visible")
	if got := css.Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
		t.Errorf("asset Cache-Control = %q", got)
	}
	if got := css.Header.Get("Content-Type"); !strings.HasPrefix(got, "text/css") {
		t.Errorf("asset Content-Type = %q", got)
	}
	for _, path := range []string{"/static/app.css", "/static/app.00000000.css", "/static/", "/static/../frontend.go"} {
		if got := b.get(path); got.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", path, got.StatusCode)
		}
	}
}

func TestUnknownPageIsALocalisedNotFound(t *testing.T) {
	b := newBrowser(t, newStaticApp(t))
	b.lang = "kk-KZ,kk;q=0.9,ru;q=0.8"
	got := b.get("/no/such/page")
	got.expect(t, http.StatusNotFound, `<html lang="kk">`, "Бет табылмады")
	if got.Header.Get("Content-Security-Policy") == "" {
		t.Error("the error page has no CSP")
	}
}

func TestLanguageSwitch(t *testing.T) {
	b := newBrowser(t, newStaticApp(t))
	home := b.get("/login")
	home.expect(t, http.StatusOK, `<html lang="ru">`)

	switched := b.post("/lang", url.Values{"_csrf": {home.csrf(t)}, "lang": {"kk"}, "next": {"/login?next=%2Faccount"}})
	switched.expectRedirect(t, "/login?next=%2Faccount")
	var cookie *http.Cookie
	for _, c := range switched.Cookies() {
		if c.Name == "lang" {
			cookie = c
		}
	}
	if cookie == nil || cookie.Value != "kk" || cookie.MaxAge < 364*24*3600 || cookie.SameSite != http.SameSiteLaxMode {
		t.Fatalf("lang cookie = %+v, want kk for a year, SameSite=Lax", cookie)
	}
	b.get("/login").expect(t, http.StatusOK, `<html lang="kk">`, "Кіру", `value="kk" lang="kk" aria-current="true"`)

	// The cookie beats Accept-Language.
	b.lang = "en"
	b.get("/").expect(t, http.StatusOK, `<html lang="kk">`)

	// Only paths on this site are followed afterwards.
	for _, next := range []string{"https://evil.example/", "//evil.example", "/\\evil.example"} {
		b.post("/lang", url.Values{"_csrf": {home.csrf(t)}, "lang": {"en"}, "next": {next}}).expectRedirect(t, "/")
	}
	b.get("/").expect(t, http.StatusOK, `<html lang="en">`)

	if got := b.post("/lang", url.Values{"_csrf": {home.csrf(t)}, "lang": {"de"}}); got.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown language: %d, want 400", got.StatusCode)
	}
}

func TestFormsWithoutCSRFTokenAreRefused(t *testing.T) {
	b := newBrowser(t, newStaticApp(t))
	b.get("/login").expect(t, http.StatusOK)
	for _, path := range []string{"/login", "/lang", "/logout"} {
		got := b.post(path, url.Values{"email": {"a@b.kz"}, "password": {"x"}, "lang": {"kk"}})
		got.expect(t, http.StatusForbidden, "Форма устарела")
	}
	b.post("/login", url.Values{"_csrf": {"forged"}, "email": {"a@b.kz"}}).expect(t, http.StatusForbidden)
}

func TestSignInFlow(t *testing.T) {
	e := newEnv(t)
	org := e.org(t, accounts.Text{RU: "Школа № 7", KK: "№ 7 мектеп", EN: "School No. 7"})
	e.user(t, "aigerim@school7.kz", "Айгерім Сейітова", org, accounts.RoleApprover)
	b := newBrowser(t, e.app)

	b.get("/account").expectRedirect(t, "/login?next=%2Faccount")

	form := b.get("/login?next=%2Faccount")
	form.expect(t, http.StatusOK, `name="next" value="/account"`, `autocomplete="current-password"`)

	wrong := b.post("/login", url.Values{"_csrf": {form.csrf(t)}, "email": {"aigerim@school7.kz"}, "password": {"wrong password"}, "next": {"/account"}})
	wrong.expect(t, http.StatusUnauthorized, "Неверная электронная почта или пароль", `value="aigerim@school7.kz"`)

	invalid := b.post("/login", url.Values{"_csrf": {form.csrf(t)}, "email": {"not an address"}, "password": {"x"}})
	invalid.expect(t, http.StatusUnprocessableEntity, `aria-invalid="true" aria-describedby="login-email-error"`, "Проверьте это поле")

	signedIn := b.post("/login", url.Values{"_csrf": {form.csrf(t)}, "email": {"Aigerim@School7.kz"}, "password": {testPassword}, "next": {"/account"}})
	signedIn.expectRedirect(t, "/account")

	account := b.get("/account")
	account.expect(t, http.StatusOK, "Айгерім Сейітова", "aigerim@school7.kz", "Школа № 7", "Организация-покупатель", "Согласующий")
	if got := account.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("signed-in page Cache-Control = %q, want no-store", got)
	}
	b.get("/login").expectRedirect(t, "/account")
	b.get("/").expect(t, http.StatusOK, "Ваши организации", "Школа № 7")

	// The same pages in English after switching.
	b.post("/lang", url.Values{"_csrf": {account.csrf(t)}, "lang": {"en"}, "next": {"/account"}}).expectRedirect(t, "/account")
	b.get("/account").expect(t, http.StatusOK, `<html lang="en">`, "School No. 7", "Buyer organization", "Approver")

	out := b.post("/logout", url.Values{"_csrf": {account.csrf(t)}})
	out.expectRedirect(t, "/")
	b.get("/account").expectRedirect(t, "/login?next=%2Faccount")
}

func TestSignInIsThrottled(t *testing.T) {
	e := newEnv(t)
	e.user(t, "victim@school7.kz", "Victim", accounts.Organization{}, "")
	b := newBrowser(t, e.app)
	token := b.get("/login").csrf(t)
	for i := 0; i < accounts.LoginFailuresPerAccount; i++ {
		b.post("/login", url.Values{"_csrf": {token}, "email": {"victim@school7.kz"}, "password": {"guess " + fmt.Sprint(i)}}).expect(t, http.StatusUnauthorized)
	}
	got := b.post("/login", url.Values{"_csrf": {token}, "email": {"victim@school7.kz"}, "password": {testPassword}})
	got.expect(t, http.StatusTooManyRequests, "Слишком много попыток")
	if got.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After on 429")
	}
}

func TestSignOutEverywhere(t *testing.T) {
	e := newEnv(t)
	e.user(t, "a@school7.kz", "A", accounts.Organization{}, "")
	laptop, phone := newBrowser(t, e.app), newBrowser(t, e.app)
	for _, b := range []*browser{laptop, phone} {
		b.post("/login", url.Values{"_csrf": {b.get("/login").csrf(t)}, "email": {"a@school7.kz"}, "password": {testPassword}}).expectRedirect(t, "/account")
	}
	account := laptop.get("/account")
	account.expect(t, http.StatusOK, "Выйти на всех устройствах")
	laptop.post("/logout-everywhere", url.Values{"_csrf": {account.csrf(t)}}).expectRedirect(t, "/")
	laptop.get("/account").expectRedirect(t, "/login?next=%2Faccount")
	phone.get("/account").expectRedirect(t, "/login?next=%2Faccount")
}

var (
	tokenSecret = regexp.MustCompile(`value="(shb_[a-z0-9]+)"`)
)

func TestOrganizationAdministration(t *testing.T) {
	e := newEnv(t)
	org := e.org(t, accounts.Text{RU: "Школа № 12", KK: "№ 12 мектеп", EN: "School No. 12"})
	other := e.org(t, accounts.Text{RU: "Чужая школа", EN: "Another school"})
	e.user(t, "admin@school12.kz", "Admin", org, accounts.RoleAdmin)
	e.user(t, "clerk@school12.kz", "Clerk", org, accounts.RoleRequester)
	adminPath := fmt.Sprintf("/orgs/%d/admin", org.ID)

	admin := newBrowser(t, e.app)
	admin.get(adminPath).expectRedirect(t, "/login?next="+url.QueryEscape(adminPath))
	admin.post("/login", url.Values{"_csrf": {admin.get("/login").csrf(t)}, "email": {"admin@school12.kz"}, "password": {testPassword}, "next": {adminPath}}).expectRedirect(t, adminPath)

	page := admin.get(adminPath)
	page.expect(t, http.StatusOK, "Школа № 12", "Clerk", "clerk@school12.kz", `href="`+adminPath+`"`,
		`<option value="requester">`, `<option value="admin">`)
	if strings.Contains(page.body, `value="workshop_master"`) {
		t.Error("the role list offers a role a school cannot give")
	}
	csrf := page.csrf(t)

	// An invitation that fails validation shows the form again, marked.
	bad := admin.post(fmt.Sprintf("/orgs/%d/invitations", org.ID), url.Values{"_csrf": {csrf}, "email": {"nope"}, "role": {"workshop_master"}})
	bad.expect(t, http.StatusUnprocessableEntity, `value="nope"`, `aria-describedby="invite-email-error"`, `aria-describedby="invite-role-error"`)

	created := admin.post(fmt.Sprintf("/orgs/%d/invitations", org.ID), url.Values{"_csrf": {csrf}, "email": {"new@school12.kz"}, "role": {"approver"}})
	created.expect(t, http.StatusCreated, "Приглашение создано", "new@school12.kz")
	// The link went to the invited mailbox only; the inviter never sees it.
	_, secret := postgrestest.InvitationLink(t, e.db, "new@school12.kz")
	if strings.Contains(created.body, secret) || strings.Contains(created.body, "/invitations/") {
		t.Errorf("the inviter's page shows the invitation link:\n%s", created.body)
	}
	page = admin.get(adminPath)
	page.expect(t, http.StatusOK, "new@school12.kz")
	if strings.Contains(page.body, secret) {
		t.Error("the admin page shows the invitation secret again")
	}

	// Inviting the same address again is a conflict on the e-mail field.
	admin.post(fmt.Sprintf("/orgs/%d/invitations", org.ID), url.Values{"_csrf": {csrf}, "email": {"new@school12.kz"}, "role": {"approver"}}).
		expect(t, http.StatusConflict, `aria-describedby="invite-email-error"`)

	// A second invitation, revoked.
	admin.post(fmt.Sprintf("/orgs/%d/invitations", org.ID), url.Values{"_csrf": {csrf}, "email": {"gone@school12.kz"}, "role": {"requester"}}).expect(t, http.StatusCreated)
	page = admin.get(adminPath)
	revoke := regexp.MustCompile(`(?s)<tr>\s*<td>gone@school12\.kz</td>.*?action="(/orgs/\d+/invitations/\d+/revoke)"`).FindStringSubmatch(page.body)
	if revoke == nil {
		t.Fatalf("no revoke button for gone@school12.kz:\n%s", page.body)
	}
	admin.post(revoke[1], url.Values{"_csrf": {csrf}}).expectRedirect(t, adminPath)
	if page = admin.get(adminPath); strings.Contains(page.body, "gone@school12.kz") || !strings.Contains(page.body, "new@school12.kz") {
		t.Error("the revoked invitation is still listed, or the other one is gone")
	}

	// API tokens: a bad name, then one issued, shown once, and revoked.
	admin.post(fmt.Sprintf("/orgs/%d/tokens", org.ID), url.Values{"_csrf": {csrf}, "name": {"  "}, "role": {"accountant"}}).
		expect(t, http.StatusUnprocessableEntity, `aria-invalid="true"`, "token-name-error")
	issued := admin.post(fmt.Sprintf("/orgs/%d/tokens", org.ID), url.Values{"_csrf": {csrf}, "name": {"1C Бухгалтерия"}, "role": {"accountant"}})
	issued.expect(t, http.StatusCreated, "Токен выпущен", "1C Бухгалтерия")
	tok := tokenSecret.FindStringSubmatch(issued.body)
	if tok == nil {
		t.Fatalf("no token secret on the page:\n%s", issued.body)
	}
	page = admin.get(adminPath)
	page.expect(t, http.StatusOK, "1C Бухгалтерия", tok[1][:10], "Действует", "Не использовался")
	if strings.Contains(page.body, tok[1]) {
		t.Error("the admin page shows the token secret again")
	}
	revokeToken := regexp.MustCompile(`action="(/orgs/\d+/tokens/\d+/revoke)"`).FindStringSubmatch(page.body)
	if revokeToken == nil {
		t.Fatal("no revoke button for the token")
	}
	admin.post(revokeToken[1], url.Values{"_csrf": {csrf}}).expectRedirect(t, adminPath)
	admin.get(adminPath).expect(t, http.StatusOK, "Отозван")

	// The admin page is not for everyone.
	admin.get(fmt.Sprintf("/orgs/%d/admin", other.ID)).expect(t, http.StatusNotFound, "Страница не найдена")
	admin.get("/orgs/999999/admin").expect(t, http.StatusNotFound)
	admin.get("/orgs/abc/admin").expect(t, http.StatusNotFound)
	clerk := newBrowser(t, e.app)
	clerk.post("/login", url.Values{"_csrf": {clerk.get("/login").csrf(t)}, "email": {"clerk@school12.kz"}, "password": {testPassword}}).expectRedirect(t, "/account")
	clerk.get(adminPath).expect(t, http.StatusForbidden, "Доступ запрещён")
	clerk.post(fmt.Sprintf("/orgs/%d/tokens", org.ID), url.Values{"_csrf": {clerk.get("/account").csrf(t)}, "name": {"x"}, "role": {"accountant"}}).
		expect(t, http.StatusForbidden)

	// The invited person creates an account from the link and is signed in.
	guest := newBrowser(t, e.app)
	guest.get("/invitations/not-a-real-secret").expect(t, http.StatusNotFound)
	invite := guest.get("/invitations/" + secret)
	invite.expect(t, http.StatusOK, "Школа № 12", "Согласующий", `name="password_confirm"`)
	mismatch := guest.post("/invitations/"+secret, url.Values{"_csrf": {invite.csrf(t)}, "name": {"Ерлан"}, "password": {"long enough pw"}, "password_confirm": {"different pw!"}})
	mismatch.expect(t, http.StatusUnprocessableEntity, `value="Ерлан"`, "accept-password-confirm-error")
	short := guest.post("/invitations/"+secret, url.Values{"_csrf": {invite.csrf(t)}, "name": {"Ерлан"}, "password": {"short"}, "password_confirm": {"short"}})
	short.expect(t, http.StatusUnprocessableEntity, "accept-password-error")
	joined := guest.post("/invitations/"+secret, url.Values{"_csrf": {invite.csrf(t)}, "name": {"Ерлан"}, "password": {"long enough pw"}, "password_confirm": {"long enough pw"}})
	joined.expectRedirect(t, "/account")
	guest.get("/account").expect(t, http.StatusOK, "Ерлан", "new@school12.kz", "Школа № 12", "Согласующий")
	guest.get("/invitations/"+secret).expect(t, http.StatusNotFound)
}

func TestExistingUserJoinsWithOneButton(t *testing.T) {
	e := newEnv(t)
	org := e.org(t, accounts.Text{RU: "Акимат", KK: "Әкімдік", EN: "Akimat"})
	e.user(t, "admin@akimat.kz", "Admin", org, accounts.RoleAdmin)
	e.user(t, "known@akimat.kz", "Known", accounts.Organization{}, "")
	admin := newBrowser(t, e.app)
	admin.post("/login", url.Values{"_csrf": {admin.get("/login").csrf(t)}, "email": {"admin@akimat.kz"}, "password": {testPassword}}).expectRedirect(t, "/account")
	created := admin.post(fmt.Sprintf("/orgs/%d/invitations", org.ID), url.Values{"_csrf": {admin.get("/account").csrf(t)}, "email": {"known@akimat.kz"}, "role": {"accountant"}})
	created.expect(t, http.StatusCreated)
	_, secret := postgrestest.InvitationLink(t, e.db, "known@akimat.kz")

	// Not signed in, the new-account form is refused: the address has an account.
	known := newBrowser(t, e.app)
	invite := known.get("/invitations/" + secret)
	refused := known.post("/invitations/"+secret, url.Values{"_csrf": {invite.csrf(t)}, "name": {"Known"}, "password": {"long enough pw"}, "password_confirm": {"long enough pw"}})
	refused.expect(t, http.StatusUnauthorized, "уже есть учётная запись", "/login?next=/invitations/"+secret)

	known.post("/login", url.Values{"_csrf": {known.get("/login").csrf(t)}, "email": {"known@akimat.kz"}, "password": {testPassword}, "next": {"/invitations/" + secret}}).
		expectRedirect(t, "/invitations/"+secret)
	invite = known.get("/invitations/" + secret)
	invite.expect(t, http.StatusOK, "Присоединиться")
	if strings.Contains(invite.body, `name="password"`) {
		t.Error("the invited user, signed in, is asked for a password")
	}
	known.post("/invitations/"+secret, url.Values{"_csrf": {invite.csrf(t)}}).expectRedirect(t, "/account")
	known.get("/account").expect(t, http.StatusOK, "Акимат", "Бухгалтер")

	// Someone else signed in is told to sign out first.
	second := admin.post(fmt.Sprintf("/orgs/%d/invitations", org.ID), url.Values{"_csrf": {admin.get("/account").csrf(t)}, "email": {"third@akimat.kz"}, "role": {"accountant"}})
	second.expect(t, http.StatusCreated)
	_, secret2 := postgrestest.InvitationLink(t, e.db, "third@akimat.kz")
	known.get("/invitations/"+secret2).expect(t, http.StatusOK, "known@akimat.kz", "third@akimat.kz", `action="/logout"`)
}

// The platform's admin reads any organization's page and manages its members, but the
// organization's API tokens are its own: that section is not shown.
func TestPlatformAdminSeesOrgPageWithoutTokens(t *testing.T) {
	e := newEnv(t)
	school := e.org(t, accounts.Text{RU: "Школа № 7", KK: "№ 7 мектеп", EN: "School No. 7"})
	platform := accounts.Organization{BIN: newBIN(t), Kind: accounts.KindPlatform, Subtype: accounts.SubtypePlatform, Name: accounts.Text{RU: "Шебер", KK: "Шебер", EN: "Sheber"}}
	if err := e.store.CreateOrganization(context.Background(), &platform); err != nil {
		t.Fatal(err)
	}
	e.user(t, "director@school7.kz", "Director", school, accounts.RoleAdmin)
	e.user(t, "ops@sheber.kz", "Ops", platform, accounts.RoleAdmin)
	ops := newBrowser(t, e.app)
	ops.post("/login", url.Values{"_csrf": {ops.get("/login").csrf(t)}, "email": {"ops@sheber.kz"}, "password": {testPassword}}).expectRedirect(t, "/account")
	page := ops.get(fmt.Sprintf("/orgs/%d/admin", school.ID))
	page.expect(t, http.StatusOK, "Школа № 7", "director@school7.kz", `id="invite-email"`)
	if strings.Contains(page.body, `id="tokens-heading"`) || strings.Contains(page.body, `id="token-name"`) {
		t.Error("the platform admin sees the school's API tokens section")
	}
}
