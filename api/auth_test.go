package api_test

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/api"
)

func loginBody(email, password string) string {
	return fmt.Sprintf(`{"email":%q,"password":%q}`, email, password)
}

func TestSignIn(t *testing.T) {
	e := newEnv(t)
	school := e.org(accounts.KindBuyer, "School No. 4")
	e.user("admin@school.kz", map[int64]accounts.Role{school.ID: accounts.RoleAdmin})
	var csrfAtLogin, cookieAtLogin string

	e.run(t, []scenario{
		{name: "right password", method: "POST", path: "/api/v1/auth/login", body: loginBody("admin@school.kz", testPassword),
			wantStatus:   200,
			wantContains: []string{`"email":"admin@school.kz"`, `"role":"admin"`, fmt.Sprintf(`"id":%d`, school.ID), `"csrf_token":"`},
			after: func(t *testing.T, r resp) {
				c := r.cookie(api.SessionCookie)
				if c == nil || c.Value == "" {
					t.Fatalf("no session cookie; Set-Cookie: %q", r.header.Values("Set-Cookie"))
				}
				if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure {
					t.Errorf("session cookie %+v: want HttpOnly, SameSite=Lax, Path=/, not Secure without TLS", c)
				}
				if until := time.Until(c.Expires); until <= accounts.SessionAbsoluteTimeout-time.Minute || until > accounts.SessionAbsoluteTimeout {
					t.Errorf("session cookie expires in %v, want about %v", until, accounts.SessionAbsoluteTimeout)
				}
				var me struct {
					CSRFToken string `json:"csrf_token"`
				}
				r.decode(t, &me)
				csrfAtLogin, cookieAtLogin = me.CSRFToken, c.Value
			}},
		{name: "e-mail is case-insensitive", method: "POST", path: "/api/v1/auth/login", body: loginBody("  Admin@School.KZ ", testPassword),
			wantStatus: 200},
		{name: "wrong password", method: "POST", path: "/api/v1/auth/login", body: loginBody("admin@school.kz", "wrong password!"),
			wantStatus: 401, wantCode: "unauthenticated", wantContains: []string{"wrong e-mail or password"},
			wantNoHeaders: []string{"Set-Cookie"}},
		{name: "unknown e-mail gets the same answer", method: "POST", path: "/api/v1/auth/login", body: loginBody("nobody@school.kz", testPassword),
			wantStatus: 401, wantCode: "unauthenticated", wantContains: []string{"wrong e-mail or password"}},
		{name: "not an e-mail", method: "POST", path: "/api/v1/auth/login", body: loginBody("admin", testPassword),
			wantStatus: 422, wantCode: "invalid", wantFields: []string{"email"}},
		{name: "no password", method: "POST", path: "/api/v1/auth/login", body: `{"email":"admin@school.kz"}`,
			wantStatus: 422, wantCode: "invalid", wantFields: []string{"password"}},
		{name: "JSON with charset", method: "POST", path: "/api/v1/auth/login", body: loginBody("admin@school.kz", testPassword),
			headers: map[string]string{"Content-Type": "application/json; charset=utf-8"}, wantStatus: 200},
	})

	t.Run("me with the session", func(t *testing.T) {
		r := e.do(t, req{method: "GET", path: "/api/v1/me", session: &session{cookie: cookieAtLogin}})
		if r.status != 200 {
			t.Fatalf("me: %s", r)
		}
		var me struct {
			User *struct {
				ID    int64  `json:"id"`
				Email string `json:"email"`
			} `json:"user"`
			TokenID     int64 `json:"token_id"`
			Memberships []struct {
				Organization struct {
					ID     int64  `json:"id"`
					Kind   string `json:"kind"`
					Region string `json:"region"`
				} `json:"organization"`
				Role string `json:"role"`
			} `json:"memberships"`
			CSRFToken string `json:"csrf_token"`
		}
		r.decode(t, &me)
		if me.User == nil || me.User.Email != "admin@school.kz" || me.TokenID != 0 {
			t.Errorf("me: user %+v token %d", me.User, me.TokenID)
		}
		if len(me.Memberships) != 1 || me.Memberships[0].Organization.ID != school.ID || me.Memberships[0].Role != "admin" ||
			me.Memberships[0].Organization.Kind != "buyer" || me.Memberships[0].Organization.Region != "east-kazakhstan" {
			t.Errorf("me: memberships %+v", me.Memberships)
		}
		if me.CSRFToken == "" || me.CSRFToken != csrfAtLogin {
			t.Errorf("me: csrf_token %q, want the one sign-in gave (%q)", me.CSRFToken, csrfAtLogin)
		}
	})
}

func TestSessionCookieSecureOverTLS(t *testing.T) {
	e := newEnv(t, func(s *api.Server) { s.SecureCookies = true })
	school := e.org(accounts.KindBuyer, "School No. 5")
	e.user("admin@school.kz", map[int64]accounts.Role{school.ID: accounts.RoleAdmin})
	r := e.do(t, req{method: "POST", path: "/api/v1/auth/login", body: loginBody("admin@school.kz", testPassword)})
	c := r.cookie(api.SessionCookie)
	if r.status != 200 || c == nil {
		t.Fatalf("login: %s", r)
	}
	if !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
		t.Errorf("session cookie %+v: want Secure, HttpOnly, SameSite=Lax", c)
	}
	s := &session{cookie: c.Value}
	out := e.do(t, req{method: "POST", path: "/api/v1/auth/logout", session: s, headers: map[string]string{api.CSRFHeader: csrfOf(t, e, s)}})
	if cl := out.cookie(api.SessionCookie); out.status != 204 || cl == nil || !cl.Secure {
		t.Errorf("logout: %s; the clearing cookie must be Secure too: %+v", out, cl)
	}
}

// csrfOf asks /me for the session's CSRF token.
func csrfOf(t *testing.T, e *env, s *session) string {
	t.Helper()
	r := e.do(t, req{method: "GET", path: "/api/v1/me", session: s})
	var me struct {
		CSRFToken string `json:"csrf_token"`
	}
	r.decode(t, &me)
	if r.status != 200 || me.CSRFToken == "" {
		t.Fatalf("me: %s", r)
	}
	return me.CSRFToken
}

// TestSessionRotation: every sign-in starts a new session and ends the one the browser had,
// so that a session ID known to someone else never becomes signed in.
func TestSessionRotation(t *testing.T) {
	e := newEnv(t)
	school := e.org(accounts.KindBuyer, "School No. 6")
	e.user("admin@school.kz", map[int64]accounts.Role{school.ID: accounts.RoleAdmin})
	old := e.login(t, "admin@school.kz")

	r := e.do(t, req{method: "POST", path: "/api/v1/auth/login", session: old, headers: old.csrfHeader(),
		body: loginBody("admin@school.kz", testPassword)})
	c := r.cookie(api.SessionCookie)
	if r.status != 200 || c == nil || c.Value == "" {
		t.Fatalf("second login: %s", r)
	}
	if c.Value == old.cookie {
		t.Fatal("signing in again kept the session ID")
	}
	if r := e.do(t, req{method: "GET", path: "/api/v1/me", session: old}); r.status != 401 {
		t.Errorf("the old session still authenticates: %s", r)
	}
	if r := e.do(t, req{method: "GET", path: "/api/v1/me", session: &session{cookie: c.Value}}); r.status != 200 {
		t.Errorf("the new session does not authenticate: %s", r)
	}

	// A signed-in browser needs its CSRF token to sign in again: a cross-site request must
	// not be able to swap the victim's session for the attacker's account.
	fresh := &session{cookie: c.Value}
	r = e.do(t, req{method: "POST", path: "/api/v1/auth/login", session: fresh, body: loginBody("admin@school.kz", testPassword)})
	if r.status != 403 {
		t.Errorf("re-login of a signed-in browser without X-CSRF-Token: %s", r)
	}

	// A planted cookie that names no session is replaced, never adopted.
	planted := &session{cookie: "attacker-chosen-session-id"}
	r = e.do(t, req{method: "POST", path: "/api/v1/auth/login", session: planted, body: loginBody("admin@school.kz", testPassword)})
	if c := r.cookie(api.SessionCookie); r.status != 200 || c == nil || c.Value == planted.cookie || c.Value == "" {
		t.Errorf("login with a planted cookie: %s, cookie %+v", r, c)
	}
	if r := e.do(t, req{method: "GET", path: "/api/v1/me", session: planted}); r.status != 401 {
		t.Errorf("the planted session ID authenticates: %s", r)
	}
}

func TestLogout(t *testing.T) {
	e := newEnv(t)
	school := e.org(accounts.KindBuyer, "School No. 7")
	e.user("admin@school.kz", map[int64]accounts.Role{school.ID: accounts.RoleAdmin})
	s := e.login(t, "admin@school.kz")
	cleared := func(t *testing.T, r resp) {
		c := r.cookie(api.SessionCookie)
		if c == nil || c.Value != "" || (c.MaxAge >= 0 && !c.Expires.Before(time.Now())) {
			t.Errorf("the session cookie is not cleared: %+v (Set-Cookie %q)", c, r.header.Values("Set-Cookie"))
		}
	}
	e.run(t, []scenario{
		{name: "without the CSRF token nothing happens", method: "POST", path: "/api/v1/auth/logout", session: s,
			wantStatus: 403, wantCode: "csrf_failed"},
		{name: "still signed in", method: "GET", path: "/api/v1/me", session: s, wantStatus: 200},
		{name: "logout", method: "POST", path: "/api/v1/auth/logout", session: s, headers: s.csrfHeader(),
			wantStatus: 204, after: cleared},
		{name: "the old cookie no longer works", method: "GET", path: "/api/v1/me", session: s,
			wantStatus: 401, wantCode: "unauthenticated", after: cleared},
		{name: "a stale cookie does not stop public pages", method: "GET", path: "/api/v1/regions", session: s,
			wantStatus: 200, after: cleared},
		{name: "logout without a session is harmless", method: "POST", path: "/api/v1/auth/logout", wantStatus: 204},
	})
}

func TestLogoutEverywhere(t *testing.T) {
	e := newEnv(t)
	school := e.org(accounts.KindBuyer, "School No. 8")
	e.user("admin@school.kz", map[int64]accounts.Role{school.ID: accounts.RoleAdmin})
	e.user("other@school.kz", map[int64]accounts.Role{school.ID: accounts.RoleRequester})
	laptop := e.login(t, "admin@school.kz")
	phone := e.login(t, "admin@school.kz")
	someoneElse := e.login(t, "other@school.kz")
	if laptop.cookie == phone.cookie {
		t.Fatal("two sign-ins share a session")
	}
	e.run(t, []scenario{
		{name: "needs the CSRF token", method: "POST", path: "/api/v1/auth/logout-everywhere", session: laptop,
			wantStatus: 403, wantCode: "csrf_failed"},
		{name: "the phone is still signed in", method: "GET", path: "/api/v1/me", session: phone, wantStatus: 200},
		{name: "logout everywhere", method: "POST", path: "/api/v1/auth/logout-everywhere", session: laptop, headers: laptop.csrfHeader(),
			wantStatus: 200, wantContains: []string{`"ended_sessions":2`}, wantHeaders: map[string]string{"Set-Cookie": api.SessionCookie + "="}},
		{name: "the phone is signed out", method: "GET", path: "/api/v1/me", session: phone, wantStatus: 401},
		{name: "the laptop is signed out", method: "GET", path: "/api/v1/me", session: laptop, wantStatus: 401},
		{name: "another user's session lives on", method: "GET", path: "/api/v1/me", session: someoneElse, wantStatus: 200},
		{name: "the public cannot", method: "POST", path: "/api/v1/auth/logout-everywhere", wantStatus: 401, wantCode: "unauthenticated"},
	})
}

// TestCSRF checks the rule of api.Server.CSRF through the routes it guards.
func TestCSRF(t *testing.T) {
	e := newEnv(t)
	school := e.org(accounts.KindBuyer, "School No. 9")
	e.user("admin@school.kz", map[int64]accounts.Role{school.ID: accounts.RoleAdmin})
	e.user("admin2@school.kz", map[int64]accounts.Role{school.ID: accounts.RoleAdmin})
	s := e.login(t, "admin@school.kz")
	sameUserOtherSession := e.login(t, "admin@school.kz")
	otherUser := e.login(t, "admin2@school.kz")
	invitations := fmt.Sprintf("/api/v1/organizations/%d/invitations", school.ID)
	invite := `{"email":"teacher@school.kz","role":"requester"}`
	noneCreated := func(t *testing.T, _ resp) {
		r := e.do(t, req{method: "GET", path: invitations, session: s})
		if r.status != 200 || !strings.Contains(r.body, `"items":[]`) {
			t.Errorf("an invitation was created by a refused request: %s", r)
		}
	}
	noSession := func(t *testing.T, r resp) {
		if c := r.cookie(api.SessionCookie); c != nil && c.Value != "" {
			t.Errorf("a refused sign-in set a session cookie")
		}
	}
	e.run(t, []scenario{
		{name: "session without the token", method: "POST", path: invitations, session: s, body: invite,
			wantStatus: 403, wantCode: "csrf_failed", after: noneCreated},
		{name: "session with a made-up token", method: "POST", path: invitations, session: s, body: invite,
			headers: map[string]string{api.CSRFHeader: "forged"}, wantStatus: 403, wantCode: "csrf_failed", after: noneCreated},
		{name: "the token of another session of the same user", method: "POST", path: invitations, session: s, body: invite,
			headers: sameUserOtherSession.csrfHeader(), wantStatus: 403, wantCode: "csrf_failed", after: noneCreated},
		{name: "the token of another user", method: "POST", path: invitations, session: s, body: invite,
			headers: otherUser.csrfHeader(), wantStatus: 403, wantCode: "csrf_failed", after: noneCreated},
		{name: "the token as a form field does not count on the API", method: "POST", path: invitations, session: s,
			headers: map[string]string{"Content-Type": "application/x-www-form-urlencoded"},
			body:    "email=teacher%40school.kz&role=requester&_csrf=" + s.csrf, wantStatus: 403, wantCode: "csrf_failed", after: noneCreated},
		{name: "session with its token", method: "POST", path: invitations, session: s, body: invite, headers: s.csrfHeader(),
			wantStatus: 201},
		{name: "DELETE needs the token too", method: "DELETE", path: invitations + "/1", session: s,
			wantStatus: 403, wantCode: "csrf_failed"},
		{name: "reads need no token", method: "GET", path: invitations, session: s, wantStatus: 200,
			wantContains: []string{"teacher@school.kz"}},

		// The public: a cross-site form can send only form-encoded, multipart or text/plain
		// bodies, and those are refused before the handler runs, right password or not.
		{name: "sign-in as text/plain", method: "POST", path: "/api/v1/auth/login",
			headers: map[string]string{"Content-Type": "text/plain"}, body: loginBody("admin@school.kz", testPassword),
			wantStatus: 403, wantCode: "csrf_failed", after: noSession},
		{name: "sign-in as a form", method: "POST", path: "/api/v1/auth/login",
			headers:    map[string]string{"Content-Type": "application/x-www-form-urlencoded"},
			body:       "email=admin%40school.kz&password=" + strings.ReplaceAll(testPassword, " ", "+"),
			wantStatus: 403, wantCode: "csrf_failed", after: noSession},
		{name: "sign-in as multipart", method: "POST", path: "/api/v1/auth/login",
			headers:    map[string]string{"Content-Type": "multipart/form-data; boundary=x"},
			body:       "--x\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\nadmin@school.kz\r\n--x--\r\n",
			wantStatus: 403, wantCode: "csrf_failed", after: noSession},
		{name: "sign-in with no content type", method: "POST", path: "/api/v1/auth/login",
			headers:    map[string]string{"Content-Type": ""},
			body:       loginBody("admin@school.kz", testPassword),
			wantStatus: 403, wantCode: "csrf_failed", after: noSession},
		{name: "accepting an invitation as a form", method: "POST", path: "/api/v1/invitations/accept",
			headers: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, body: "token=x&name=y&password=z",
			wantStatus: 403, wantCode: "csrf_failed", after: noSession},
		{name: "sign-in as JSON", method: "POST", path: "/api/v1/auth/login", body: loginBody("admin@school.kz", testPassword),
			wantStatus: 200},
	})
}

// TestThrottlePerAccount: LoginFailuresPerAccount wrong passwords block the account, even
// for the right password, until the window ends.
func TestThrottlePerAccount(t *testing.T) {
	e := newEnv(t)
	school := e.org(accounts.KindBuyer, "School No. 10")
	e.user("admin@school.kz", map[int64]accounts.Role{school.ID: accounts.RoleAdmin})
	e.user("other@school.kz", map[int64]accounts.Role{school.ID: accounts.RoleRequester})
	var sc []scenario
	for i := range accounts.LoginFailuresPerAccount {
		sc = append(sc, scenario{name: fmt.Sprintf("wrong password %d", i+1), method: "POST", path: "/api/v1/auth/login",
			body: loginBody("admin@school.kz", "wrong password!"), wantStatus: 401, wantCode: "unauthenticated"})
	}
	sc = append(sc,
		scenario{name: "blocked even with the right password", method: "POST", path: "/api/v1/auth/login",
			body: loginBody("admin@school.kz", testPassword), wantStatus: 429, wantCode: "rate_limited",
			wantNoHeaders: []string{"Set-Cookie"}, after: retryAfterWithinWindow},
		scenario{name: "blocked whatever the case of the e-mail", method: "POST", path: "/api/v1/auth/login",
			body: loginBody("ADMIN@school.kz", testPassword), wantStatus: 429, wantCode: "rate_limited", after: retryAfterWithinWindow},
		scenario{name: "another account from the same address is not", method: "POST", path: "/api/v1/auth/login",
			body: loginBody("other@school.kz", testPassword), wantStatus: 200},
	)
	e.run(t, sc)
}

func retryAfterWithinWindow(t *testing.T, r resp) {
	t.Helper()
	v := r.header.Get("Retry-After")
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 || n > int(accounts.LoginWindow/time.Second) {
		t.Errorf("Retry-After = %q, want whole seconds in (0, %d]", v, int(accounts.LoginWindow/time.Second))
	}
}

// TestThrottlePerAddress: failures across different e-mails from one address add up to
// LoginFailuresPerIP. app.Test serves every request from 0.0.0.0, one address.
func TestThrottlePerAddress(t *testing.T) {
	e := newEnv(t)
	school := e.org(accounts.KindBuyer, "School No. 11")
	e.user("admin@school.kz", map[int64]accounts.Role{school.ID: accounts.RoleAdmin})
	var sc []scenario
	for i := range accounts.LoginFailuresPerIP {
		sc = append(sc, scenario{name: fmt.Sprintf("failure %d", i+1), method: "POST", path: "/api/v1/auth/login",
			body: loginBody(fmt.Sprintf("guess%d@school.kz", i), "wrong password!"), wantStatus: 401})
	}
	sc = append(sc,
		scenario{name: "the address is blocked, even for a good account", method: "POST", path: "/api/v1/auth/login",
			body: loginBody("admin@school.kz", testPassword), wantStatus: 429, wantCode: "rate_limited", after: retryAfterWithinWindow},
		scenario{name: "X-Forwarded-For from an untrusted peer changes nothing", method: "POST", path: "/api/v1/auth/login",
			headers: map[string]string{"X-Forwarded-For": "203.0.113.7"},
			body:    loginBody("admin@school.kz", testPassword), wantStatus: 429, wantCode: "rate_limited"},
	)
	e.run(t, sc)
}

// TestThrottleBehindProxy: behind a trusted proxy, the address is the one the proxy appended
// to X-Forwarded-For; what the client wrote there itself is not believed.
func TestThrottleBehindProxy(t *testing.T) {
	// app.Test's peer is 0.0.0.0: trust it as the proxy.
	e := newEnv(t, func(s *api.Server) { s.TrustedProxies = []string{"0.0.0.0"} })
	school := e.org(accounts.KindBuyer, "School No. 12")
	e.user("admin@school.kz", map[int64]accounts.Role{school.ID: accounts.RoleAdmin})
	var sc []scenario
	for i := range accounts.LoginFailuresPerIP {
		// The attacker at 198.51.100.1 writes a new address of its own each time; the proxy
		// appends the real one.
		sc = append(sc, scenario{name: fmt.Sprintf("failure %d", i+1), method: "POST", path: "/api/v1/auth/login",
			headers: map[string]string{"X-Forwarded-For": fmt.Sprintf("10.9.8.%d, 198.51.100.1", i)},
			body:    loginBody(fmt.Sprintf("guess%d@school.kz", i), "wrong password!"), wantStatus: 401})
	}
	sc = append(sc,
		scenario{name: "the attacker's address is blocked", method: "POST", path: "/api/v1/auth/login",
			headers: map[string]string{"X-Forwarded-For": "10.9.8.250, 198.51.100.1"},
			body:    loginBody("admin@school.kz", testPassword), wantStatus: 429, wantCode: "rate_limited"},
		scenario{name: "another client behind the same proxy is not", method: "POST", path: "/api/v1/auth/login",
			headers: map[string]string{"X-Forwarded-For": "198.51.100.2"},
			body:    loginBody("admin@school.kz", testPassword), wantStatus: 200},
	)
	e.run(t, sc)
}
