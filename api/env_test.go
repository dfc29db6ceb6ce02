package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/accounts/argon2id"
	"github.com/sheber-kz/sheber/api"
	"github.com/sheber-kz/sheber/catalog"
	"github.com/sheber-kz/sheber/orders"
	"github.com/sheber-kz/sheber/storage/objects"
	"github.com/sheber-kz/sheber/storage/objects/objectstest"
	"github.com/sheber-kz/sheber/storage/postgres"
	"github.com/sheber-kz/sheber/storage/postgres/postgrestest"
	"github.com/sheber-kz/sheber/storage/redis"
	"github.com/sheber-kz/sheber/storage/redis/redistest"
)

// testPassword is the password of every user the fixtures create.
const testPassword = "correct horse battery"

// env is the API on the real accounts and catalog services: a fresh PostgreSQL database and
// a private Redis key prefix per test.
type env struct {
	t       *testing.T
	db      *postgres.DB
	redis   *redis.Client
	store   *postgres.AccountsStore
	svc     *accounts.Service
	catalog *catalog.Service
	orders  *orders.Service
	objects *objects.Store
	srv     *api.Server
	app     *fiber.App
}

// newEnv builds the app; configure, if given, adjusts the Server before NewApp sees it.
func newEnv(t *testing.T, configure ...func(*api.Server)) *env {
	t.Helper()
	db := postgrestest.New(t)
	rc := redistest.New(t)
	e := &env{t: t, db: db, redis: rc, store: postgres.NewAccountsStore(db)}
	e.svc = &accounts.Service{Store: e.store, Sessions: redis.NewSessions(rc), Limiter: redis.Limiter{Client: rc},
		Hasher:    &argon2id.Hasher{Params: argon2id.Params{MemoryKiB: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}},
		PublicURL: "http://localhost"}
	catalogStore := postgres.NewCatalogStore(db)
	e.objects = objectstest.New(t)
	e.catalog = &catalog.Service{Store: catalogStore, Directory: e.store, Searcher: catalogStore, Objects: e.objects}
	procurement := postgres.NewProcurementStore(db)
	e.orders = &orders.Service{Store: postgres.NewOrdersStore(db), Directory: e.store, Procurement: procurement, Objects: e.objects,
		Attachments: postgres.NewOrdersStore(db),
		PublicURL:   "http://localhost"}
	e.srv = &api.Server{Accounts: e.svc, Catalog: e.catalog, Procurement: procurement, Orders: e.orders,
		Secret: []byte("test-secret-test-secret-test-secret!"), Metrics: api.NewMetrics(),
		Checks: []api.Check{{Name: "postgres", Ping: db.Ping}, {Name: "redis", Ping: rc.Ping}}}
	for _, f := range configure {
		f(e.srv)
	}
	e.app = api.NewApp(e.srv)
	return e
}

func (e *env) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	e.t.Cleanup(cancel)
	return ctx
}

// binSerial makes every BIN of one test binary distinct.
var binSerial atomic.Int64

// validBIN returns a fresh valid BIN: registered in 2024, a resident legal entity (type 4),
// a serial from a counter, and its check digit.
func validBIN(t testing.TB) string {
	t.Helper()
	for {
		serial := binSerial.Add(1)
		if serial > 999_999 {
			t.Fatal("out of BIN serials")
		}
		first11 := fmt.Sprintf("2403%d%06d", 4, serial)
		if d, ok := accounts.BINCheckDigit(first11); ok {
			bin := fmt.Sprintf("%s%d", first11, d)
			if err := accounts.ValidateBIN(bin); err != nil {
				t.Fatalf("validBIN made %s: %v", bin, err)
			}
			return bin
		}
	}
}

// org creates an organization of kind in the East Kazakhstan region.
func (e *env) org(kind accounts.Kind, name string) accounts.Organization {
	e.t.Helper()
	o := accounts.Organization{BIN: validBIN(e.t), Kind: kind, Subtype: accounts.Subtypes[kind][0],
		Name: accounts.Text{RU: name, KK: name, EN: name}, Region: "east-kazakhstan"}
	if kind == accounts.KindProducerInstitution {
		o.InstitutionNumber = 16
	}
	if err := o.Validate(); err != nil {
		e.t.Fatalf("org: %v", err)
	}
	if err := e.store.CreateOrganization(e.ctx(), &o); err != nil {
		e.t.Fatalf("org: %v", err)
	}
	return o
}

// user creates a user with testPassword and the given memberships (org ID -> role).
func (e *env) user(email string, roles map[int64]accounts.Role) accounts.User {
	e.t.Helper()
	hash, err := e.svc.Hasher.Hash(testPassword)
	if err != nil {
		e.t.Fatal(err)
	}
	u := accounts.User{Email: email, Name: "User " + email, PasswordHash: hash}
	if err := e.store.CreateUser(e.ctx(), &u); err != nil {
		e.t.Fatalf("user: %v", err)
	}
	for orgID, role := range roles {
		if err := e.store.AddMembership(e.ctx(), accounts.Membership{UserID: u.ID, OrgID: orgID, Role: role}); err != nil {
			e.t.Fatalf("membership: %v", err)
		}
	}
	return u
}

// req is one HTTP request to the app.
type req struct {
	method, path string
	headers      map[string]string
	body         string
	session      *session // sends its cookie (and nothing else)
	bearer       string   // sends Authorization: Bearer
}

// resp is what the app answered.
type resp struct {
	status  int
	header  http.Header
	body    string
	cookies []*http.Cookie
}

func (r resp) String() string { return fmt.Sprintf("%d %s", r.status, r.body) }

// cookie returns the Set-Cookie of name, or nil.
func (r resp) cookie(name string) *http.Cookie {
	for _, c := range r.cookies {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// errorEnvelope decodes the body as the error envelope, failing the test if it is not one.
func (r resp) errorEnvelope(t *testing.T) (code, message string, fields map[string]string) {
	t.Helper()
	var env struct {
		Error struct {
			Code    string            `json:"code"`
			Message string            `json:"message"`
			Fields  map[string]string `json:"fields"`
		} `json:"error"`
	}
	dec := json.NewDecoder(strings.NewReader(r.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&env); err != nil || env.Error.Code == "" || env.Error.Message == "" {
		t.Fatalf("not an error envelope (%v): %s", err, r)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("error envelope with Content-Type %q", ct)
	}
	return env.Error.Code, env.Error.Message, env.Error.Fields
}

// decode decodes the body into v, failing the test if it does not fit.
func (r resp) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.body), v); err != nil {
		t.Fatalf("decode %T: %v: %s", v, err, r)
	}
}

// do sends q to the app; t is the (sub)test that fails if the app cannot answer.
func (e *env) do(t *testing.T, q req) resp {
	t.Helper()
	var body io.Reader
	if q.body != "" {
		body = strings.NewReader(q.body)
	}
	hr := httptest.NewRequest(q.method, q.path, body)
	if q.body != "" && !hasHeader(q.headers, "Content-Type") {
		hr.Header.Set("Content-Type", "application/json")
	}
	for k, v := range q.headers {
		hr.Header.Set(k, v)
	}
	if q.session != nil {
		hr.AddCookie(&http.Cookie{Name: api.SessionCookie, Value: q.session.cookie})
	}
	if q.bearer != "" {
		hr.Header.Set("Authorization", "Bearer "+q.bearer)
	}
	res, err := e.app.Test(hr, -1)
	if err != nil {
		t.Fatalf("%s %s: %v", q.method, q.path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", q.method, q.path, err)
	}
	return resp{status: res.StatusCode, header: res.Header, body: string(b), cookies: res.Cookies()}
}

func hasHeader(h map[string]string, name string) bool {
	for k := range h {
		if strings.EqualFold(k, name) {
			return true
		}
	}
	return false
}

// listen serves the app on a loopback port until the test ends and returns its base URL,
// for what app.Test cannot show (responses written by fasthttp itself).
func (e *env) listen(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- e.app.Listener(ln) }()
	t.Cleanup(func() {
		if err := e.app.ShutdownWithTimeout(5 * time.Second); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}

// session is a signed-in browser: its cookie and its CSRF token.
type session struct {
	cookie string
	csrf   string
}

// login signs in through the API and returns the session, failing the test otherwise.
func (e *env) login(t *testing.T, email string) *session {
	t.Helper()
	r := e.do(t, req{method: "POST", path: "/api/v1/auth/login", body: fmt.Sprintf(`{"email":%q,"password":%q}`, email, testPassword)})
	if r.status != http.StatusOK {
		t.Fatalf("login %s: %s", email, r)
	}
	c := r.cookie(api.SessionCookie)
	if c == nil || c.Value == "" {
		t.Fatalf("login %s: no session cookie", email)
	}
	var me struct {
		CSRFToken string `json:"csrf_token"`
	}
	r.decode(t, &me)
	if me.CSRFToken == "" {
		t.Fatalf("login %s: no csrf_token: %s", email, r)
	}
	return &session{cookie: c.Value, csrf: me.CSRFToken}
}

// csrfHeader returns the headers that a portal page sends with a state-changing call.
func (s *session) csrfHeader() map[string]string {
	return map[string]string{api.CSRFHeader: s.csrf}
}

// scenario is one row of an API test table: a request and what the response must show.
type scenario struct {
	name         string
	method, path string
	headers      map[string]string
	body         string
	session      *session
	bearer       string

	wantStatus     int
	wantCode       string            // the error envelope's code, when an error is expected
	wantFields     []string          // fields the error envelope must name
	wantContains   []string          // substrings of the body
	wantAbsent     []string          // substrings the body must not have
	wantHeaders    map[string]string // header -> substring of its value ("" = present)
	wantNoHeaders  []string
	after          func(t *testing.T, r resp)
	skipErrorCheck bool
}

// run runs the scenarios in order (they may build on each other) as subtests.
func (e *env) run(t *testing.T, scenarios []scenario) {
	t.Helper()
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			r := e.do(t, req{method: sc.method, path: sc.path, headers: sc.headers, body: sc.body, session: sc.session, bearer: sc.bearer})
			if r.status != sc.wantStatus {
				t.Fatalf("%s %s: status %d, want %d; body: %s", sc.method, sc.path, r.status, sc.wantStatus, r.body)
			}
			if sc.wantCode != "" || (r.status >= 400 && !sc.skipErrorCheck && !strings.HasPrefix(sc.path, "/readyz")) {
				code, _, fields := r.errorEnvelope(t)
				if sc.wantCode != "" && code != sc.wantCode {
					t.Errorf("error code %q, want %q: %s", code, sc.wantCode, r.body)
				}
				for _, f := range sc.wantFields {
					if _, ok := fields[f]; !ok {
						t.Errorf("error fields %v do not name %q", fields, f)
					}
				}
			}
			for _, s := range sc.wantContains {
				if !strings.Contains(r.body, s) {
					t.Errorf("body does not contain %q: %s", s, r.body)
				}
			}
			for _, s := range sc.wantAbsent {
				if strings.Contains(strings.ToLower(r.body), strings.ToLower(s)) {
					t.Errorf("body contains %q: %s", s, r.body)
				}
			}
			for h, want := range sc.wantHeaders {
				got, ok := r.header[http.CanonicalHeaderKey(h)]
				if !ok {
					t.Errorf("header %s missing", h)
					continue
				}
				if !strings.Contains(strings.Join(got, "\n"), want) {
					t.Errorf("header %s = %q, want it to contain %q", h, got, want)
				}
			}
			for _, h := range sc.wantNoHeaders {
				if v := r.header.Get(h); v != "" {
					t.Errorf("header %s = %q, want none", h, v)
				}
			}
			if sc.after != nil {
				sc.after(t, r)
			}
		})
	}
}
