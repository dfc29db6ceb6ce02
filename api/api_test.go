package api_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/api"
)

// TestErrorEnvelope drives every class of error through HTTP and checks the one envelope
// and status each gets.
func TestErrorEnvelope(t *testing.T) {
	e := newEnv(t)
	school := e.org(accounts.KindBuyer, "School No. 1")
	e.user("admin@school.kz", map[int64]accounts.Role{school.ID: accounts.RoleAdmin})
	admin := e.login(t, "admin@school.kz")
	invitations := fmt.Sprintf("/api/v1/organizations/%d/invitations", school.ID)

	e.run(t, []scenario{
		{name: "malformed JSON", method: "POST", path: "/api/v1/auth/login", body: `{"email":`,
			wantStatus: 400, wantCode: "bad_request", wantContains: []string{"malformed JSON"}},
		{name: "JSON syntax error", method: "POST", path: "/api/v1/auth/login", body: `{"email" "x"}`,
			wantStatus: 400, wantCode: "bad_request", wantContains: []string{"malformed JSON"}},
		{name: "two JSON values", method: "POST", path: "/api/v1/auth/login", body: `{} {}`,
			wantStatus: 400, wantCode: "bad_request"},
		{name: "unknown field is named", method: "POST", path: "/api/v1/auth/login",
			body:       `{"email":"a@school.kz","password":"x","nickname":"n"}`,
			wantStatus: 400, wantCode: "bad_request", wantFields: []string{"nickname"}},
		{name: "wrong type names the field", method: "POST", path: "/api/v1/auth/login",
			body:       `{"email":5,"password":"x"}`,
			wantStatus: 422, wantCode: "invalid", wantFields: []string{"email"}, wantContains: []string{"must be a string"}},
		{name: "array instead of object", method: "POST", path: "/api/v1/auth/login", body: `[]`,
			wantStatus: 422, wantCode: "invalid", wantFields: []string{"body"}},
		{name: "empty body", method: "POST", path: "/api/v1/auth/login",
			headers:    map[string]string{"Content-Type": "application/json"},
			wantStatus: 400, wantCode: "bad_request", wantContains: []string{"empty"}},
		{name: "blank body", method: "POST", path: "/api/v1/auth/login", body: " \n ",
			wantStatus: 400, wantCode: "bad_request"},
		{name: "wrong content type", method: "POST", path: invitations, session: admin,
			headers:    map[string]string{api.CSRFHeader: admin.csrf, "Content-Type": "text/plain"},
			body:       `{"email":"teacher@school.kz","role":"requester"}`,
			wantStatus: 415, wantCode: "unsupported_type"},
		{name: "xml content type", method: "POST", path: invitations, session: admin,
			headers:    map[string]string{api.CSRFHeader: admin.csrf, "Content-Type": "application/xml"},
			body:       `<invite/>`,
			wantStatus: 415, wantCode: "unsupported_type"},
		{name: "unknown API path", method: "GET", path: "/api/v1/no-such-thing",
			wantStatus: 404, wantCode: "not_found", wantContains: []string{"no such endpoint"}},
		{name: "known path, unknown method", method: "DELETE", path: "/api/v1/me",
			wantStatus: 404, wantCode: "not_found"},
		{name: "unknown path outside v1", method: "GET", path: "/api/v2/me",
			wantStatus: 404, wantCode: "not_found"},
		{name: "non-numeric id", method: "GET", path: "/api/v1/organizations/abc",
			wantStatus: 404, wantCode: "not_found"},
		{name: "negative id", method: "GET", path: "/api/v1/organizations/-1",
			wantStatus: 404, wantCode: "not_found"},
		{name: "validation names every bad field", method: "POST", path: invitations, session: admin,
			headers:    admin.csrfHeader(),
			body:       `{"email":"not-an-address","role":"warden"}`,
			wantStatus: 422, wantCode: "invalid", wantFields: []string{"email", "role"}},
		{name: "role not allowed in this kind of organization", method: "POST", path: invitations, session: admin,
			headers:    admin.csrfHeader(),
			body:       `{"email":"teacher@school.kz","role":"workshop_master"}`,
			wantStatus: 422, wantCode: "invalid", wantFields: []string{"role"}},
		{name: "first invitation", method: "POST", path: invitations, session: admin,
			headers:    admin.csrfHeader(),
			body:       `{"email":"teacher@school.kz","role":"requester"}`,
			wantStatus: 201, wantContains: []string{`"email":"teacher@school.kz"`}, wantAbsent: []string{"link", "/invitations/"}},
		{name: "second pending invitation conflicts", method: "POST", path: invitations, session: admin,
			headers:    admin.csrfHeader(),
			body:       `{"email":"Teacher@School.kz","role":"approver"}`,
			wantStatus: 409, wantCode: "conflict", wantFields: []string{"email"}},
		{name: "inviting a member conflicts", method: "POST", path: invitations, session: admin,
			headers:    admin.csrfHeader(),
			body:       `{"email":"admin@school.kz","role":"approver"}`,
			wantStatus: 409, wantCode: "conflict", wantFields: []string{"email"}},
	})
}

// TestBodyLimit sends requests over the limits through a real listener: fasthttp refuses
// them while reading, before any middleware runs (app.Test reports that only as an error).
func TestBodyLimit(t *testing.T) {
	e := newEnv(t)
	addr := strings.TrimPrefix(e.listen(t), "http://")
	for _, path := range []string{"/api/v1/auth/login", "/api/v1/invitations/accept"} {
		// Only the headers: fasthttp judges the declared length before reading the body, and
		// a client still writing a body the server will not read would see its connection
		// reset before it could read the answer.
		r := rawRequest(t, addr, fmt.Sprintf("POST %s HTTP/1.1\r\nHost: sheber.test\r\nContent-Type: application/json\r\n"+
			"Content-Length: %d\r\n\r\n", path, api.MaxBodyBytes+1))
		if r.status != http.StatusRequestEntityTooLarge {
			t.Fatalf("POST %s with %d bytes: %s", path, api.MaxBodyBytes+1, r)
		}
		if code, msg, _ := r.errorEnvelope(t); code != "too_large" || !strings.Contains(msg, "too large") {
			t.Errorf("POST %s: code %q message %q", path, code, msg)
		}
		// Refused before any middleware ran, the answer still carries what every response does.
		if !strings.Contains(r.header.Get("Content-Security-Policy"), "frame-ancestors 'none'") || r.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("POST %s: 413 without the security headers: %v", path, r.header)
		}
		if r.header.Get("X-Request-ID") == "" {
			t.Errorf("POST %s: 413 without X-Request-ID", path)
		}
	}

	// Headers over fasthttp's read buffer are the client's fault, not an internal error.
	r := rawRequest(t, addr, "GET /api/v1/regions HTTP/1.1\r\nHost: sheber.test\r\nX-Padding: "+strings.Repeat("p", 16<<10)+"\r\n\r\n")
	if r.status != http.StatusBadRequest {
		t.Errorf("headers of 16 KiB: %s, want 400", r)
	} else if code, _, _ := r.errorEnvelope(t); code != "bad_request" {
		t.Errorf("headers of 16 KiB: code %q", code)
	}

	// A body just under the limit is read and judged on its content.
	body := `{"email":"a@school.kz","password":"` + strings.Repeat("p", api.MaxBodyBytes-60) + `"}`
	res, err := http.Post("http://"+addr+"/api/v1/auth/login", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("a body of %d bytes (under the limit): status %d, want 401", len(body), res.StatusCode)
	}
}

// rawRequest writes raw, in one write, on a new connection to addr and reads the answer.
func rawRequest(t *testing.T, addr, raw string) resp {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, raw); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp{status: res.StatusCode, header: res.Header, body: string(b)}
}

// TestInternalErrorsShowNothing makes the database fail and checks that the client learns
// only "internal error" while the log gets the cause.
func TestInternalErrorsShowNothing(t *testing.T) {
	var logs syncBuffer
	e := newEnv(t, func(s *api.Server) {
		s.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	})
	school := e.org(accounts.KindBuyer, "School No. 2")
	e.user("admin@school.kz", map[int64]accounts.Role{school.ID: accounts.RoleAdmin})
	admin := e.login(t, "admin@school.kz")
	if err := e.db.Close(); err != nil {
		t.Fatal(err)
	}
	leaks := []string{"sql", "database", "connection", "closed", "postgres", "pq:"}
	e.run(t, []scenario{
		{name: "public read", method: "GET", path: fmt.Sprintf("/api/v1/organizations/%d", school.ID),
			wantStatus: 500, wantCode: "internal", wantContains: []string{`"message":"internal error"`}, wantAbsent: leaks},
		{name: "signed-in read", method: "GET", path: "/api/v1/me", session: admin,
			wantStatus: 500, wantCode: "internal", wantContains: []string{`"message":"internal error"`}, wantAbsent: leaks},
		{name: "sign-in", method: "POST", path: "/api/v1/auth/login", body: `{"email":"admin@school.kz","password":"whatever-it-is"}`,
			wantStatus: 500, wantCode: "internal", wantAbsent: leaks},
		{name: "readiness names the database", method: "GET", path: "/readyz",
			wantStatus: 503, wantContains: []string{`"postgres":"unavailable"`, `"redis":"ok"`, `"status":"unavailable"`}, wantAbsent: []string{"closed"}},
	})
	if !strings.Contains(logs.String(), "database is closed") {
		t.Errorf("the cause of the internal error was not logged; log:\n%s", logs.String())
	}
	if n := strings.Count(logs.String(), "request failed"); n != 3 {
		t.Errorf("%d error lines, want one per internal error (3); log:\n%s", n, logs.String())
	}
}

// TestOnlyInternalErrorsAreLogged: client errors are logged as requests, not as failures.
func TestOnlyInternalErrorsAreLogged(t *testing.T) {
	var logs syncBuffer
	e := newEnv(t, func(s *api.Server) {
		s.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	})
	e.run(t, []scenario{
		{name: "404", method: "GET", path: "/api/v1/nothing", wantStatus: 404},
		{name: "401", method: "GET", path: "/api/v1/me", wantStatus: 401},
		{name: "400", method: "POST", path: "/api/v1/auth/login", body: `{`, wantStatus: 400},
	})
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("client errors were logged as errors:\n%s", logs.String())
	}
	for _, want := range []string{"status=404", "status=401", "status=400", "request_id="} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("request log lacks %q:\n%s", want, logs.String())
		}
	}
}

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a logger.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestHealthAndReadiness(t *testing.T) {
	e := newEnv(t)
	e.run(t, []scenario{
		{name: "healthz", method: "GET", path: "/healthz", wantStatus: 200, wantContains: []string{`"status":"ok"`}},
		{name: "healthz HEAD", method: "HEAD", path: "/healthz", wantStatus: 200},
		{name: "readyz", method: "GET", path: "/readyz", wantStatus: 200,
			wantContains: []string{`"status":"ready"`, `"postgres":"ok"`, `"redis":"ok"`}},
		{name: "openapi.yaml", method: "GET", path: "/api/openapi.yaml", wantStatus: 200,
			wantContains: []string{"openapi: 3.1", "/api/v1/auth/login"},
			wantHeaders:  map[string]string{"Content-Type": "application/yaml"}},
	})
}

func TestReadinessNamesTheFailingCheck(t *testing.T) {
	down := errors.New("dial tcp 10.0.0.9:9000: connect: connection refused")
	required := newEnv(t, func(s *api.Server) {
		s.Checks = append(s.Checks, api.Check{Name: "minio", Ping: func(context.Context) error { return down }})
	})
	required.run(t, []scenario{
		{name: "required check down", method: "GET", path: "/readyz", wantStatus: 503,
			wantContains: []string{`"status":"unavailable"`, `"minio":"unavailable"`, `"postgres":"ok"`, `"redis":"ok"`},
			wantAbsent:   []string{"10.0.0.9", "refused"}},
	})
	optional := newEnv(t, func(s *api.Server) {
		s.Checks = append(s.Checks, api.Check{Name: "meilisearch", Optional: true, Ping: func(context.Context) error { return down }})
	})
	optional.run(t, []scenario{
		{name: "optional check down", method: "GET", path: "/readyz", wantStatus: 200,
			wantContains: []string{`"status":"degraded"`, `"meilisearch":"unavailable"`, `"postgres":"ok"`}},
	})
	// Background jobs: stuck entries make the portal degraded and are counted; none is
	// "ok"; a count that cannot be read is "unavailable" but never makes it 503.
	jobs := newEnv(t, func(s *api.Server) {
		s.Checks = append(s.Checks,
			api.Check{Name: "object_deletions", Stuck: func(context.Context) (int, error) { return 2, nil }},
			api.Check{Name: "search_outbox", Stuck: func(context.Context) (int, error) { return 0, nil }})
	})
	jobs.run(t, []scenario{
		{name: "stuck deletions", method: "GET", path: "/readyz", wantStatus: 200,
			wantContains: []string{`"status":"degraded"`, `"object_deletions":"stuck"`, `"search_outbox":"ok"`, `"stuck":{"object_deletions":2}`}},
	})
	clean := newEnv(t, func(s *api.Server) {
		s.Checks = append(s.Checks, api.Check{Name: "object_deletions", Stuck: func(context.Context) (int, error) { return 0, nil }})
	})
	clean.run(t, []scenario{
		{name: "nothing stuck", method: "GET", path: "/readyz", wantStatus: 200,
			wantContains: []string{`"status":"ready"`, `"object_deletions":"ok"`}, wantAbsent: []string{`"stuck"`}},
	})
	unreadable := newEnv(t, func(s *api.Server) {
		s.Checks = append(s.Checks, api.Check{Name: "object_deletions", Stuck: func(context.Context) (int, error) { return 0, down }})
	})
	unreadable.run(t, []scenario{
		{name: "stuck count unreadable", method: "GET", path: "/readyz", wantStatus: 200,
			wantContains: []string{`"status":"degraded"`, `"object_deletions":"unavailable"`}, wantAbsent: []string{"refused"}},
	})
	slow := newEnv(t, func(s *api.Server) {
		s.Checks = append(s.Checks, api.Check{Name: "slow", Ping: func(ctx context.Context) error {
			dl, ok := ctx.Deadline()
			if !ok || time.Until(dl) > api.ReadinessTimeout {
				return errors.New("no readiness deadline")
			}
			return nil
		}})
	})
	slow.run(t, []scenario{
		{name: "each check runs within ReadinessTimeout", method: "GET", path: "/readyz", wantStatus: 200,
			wantContains: []string{`"slow":"ok"`}},
	})
}

func TestMetrics(t *testing.T) {
	e := newEnv(t)
	school := e.org(accounts.KindBuyer, "School No. 3")
	e.do(t, req{method: "GET", path: "/healthz"})
	e.do(t, req{method: "GET", path: fmt.Sprintf("/api/v1/organizations/%d", school.ID)})
	e.do(t, req{method: "GET", path: "/api/v1/organizations/999999"})
	e.run(t, []scenario{
		{name: "metrics", method: "GET", path: "/metrics", wantStatus: 200,
			wantContains: []string{
				`sheber_http_requests_total{method="GET",route="/healthz",status="200"} 1`,
				// Labelled by route pattern, never by raw path, so that IDs do not explode the series.
				`sheber_http_requests_total{method="GET",route="/api/v1/organizations/:id",status="200"} 1`,
				`sheber_http_requests_total{method="GET",route="/api/v1/organizations/:id",status="404"} 1`,
				`sheber_http_request_duration_seconds_bucket{method="GET",route="/healthz",status="200"`,
				"go_goroutines",
			},
			wantAbsent: []string{fmt.Sprintf("organizations/%d", school.ID), "999999"}},
	})
}

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t)
	headers := map[string]string{
		"Content-Security-Policy": "frame-ancestors 'none'",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "strict-origin-when-cross-origin",
		"X-Frame-Options":         "DENY",
	}
	e.run(t, []scenario{
		{name: "success", method: "GET", path: "/healthz", wantStatus: 200, wantHeaders: headers},
		{name: "API success", method: "GET", path: "/api/v1/regions", wantStatus: 200, wantHeaders: headers,
			wantContains: []string{`"code":"east-kazakhstan"`, `"iso":"KZ-63"`, `"city":true`}},
		{name: "error", method: "GET", path: "/api/v1/nothing", wantStatus: 404, wantHeaders: headers},
		{name: "refused", method: "GET", path: "/api/v1/me", wantStatus: 401, wantHeaders: headers},
		{name: "CSP locks scripts to the portal", method: "GET", path: "/healthz", wantStatus: 200,
			wantHeaders: map[string]string{"Content-Security-Policy": "script-src 'self'"}},
	})
}

func TestRequestID(t *testing.T) {
	e := newEnv(t)
	generated := regexp.MustCompile(`^[0-9a-f]{16}$`)
	isGenerated := func(t *testing.T, r resp) {
		if id := r.header.Get("X-Request-ID"); !generated.MatchString(id) {
			t.Errorf("X-Request-ID = %q, want a generated one", id)
		}
	}
	e.run(t, []scenario{
		{name: "valid incoming ID is kept", method: "GET", path: "/healthz",
			headers:    map[string]string{"X-Request-ID": "lb-1234_abc.DEF"},
			wantStatus: 200, wantHeaders: map[string]string{"X-Request-ID": "lb-1234_abc.DEF"}},
		{name: "kept on errors too", method: "GET", path: "/api/v1/nothing",
			headers:    map[string]string{"X-Request-ID": "trace-42"},
			wantStatus: 404, wantHeaders: map[string]string{"X-Request-ID": "trace-42"}},
		{name: "none is generated", method: "GET", path: "/healthz", wantStatus: 200, after: isGenerated},
		{name: "invalid characters are replaced", method: "GET", path: "/healthz",
			headers:    map[string]string{"X-Request-ID": "evil id\" level=ERROR"},
			wantStatus: 200, after: isGenerated},
		{name: "too long is replaced", method: "GET", path: "/healthz",
			headers:    map[string]string{"X-Request-ID": strings.Repeat("a", 65)},
			wantStatus: 200, after: isGenerated},
	})
	a := e.do(t, req{method: "GET", path: "/healthz"}).header.Get("X-Request-ID")
	b := e.do(t, req{method: "GET", path: "/healthz"}).header.Get("X-Request-ID")
	if a == b {
		t.Errorf("two requests got the same generated ID %q", a)
	}
}

// TestRequestDeadline: handlers run under a context with a deadline of at most
// RequestTimeout, cancelled once the request is done.
func TestRequestDeadline(t *testing.T) {
	e := newEnv(t)
	var seen context.Context
	var left time.Duration
	var hasDeadline bool
	e.app.Get("/test/deadline", func(c *fiber.Ctx) error {
		seen = c.UserContext()
		var dl time.Time
		dl, hasDeadline = seen.Deadline()
		left = time.Until(dl)
		return c.SendStatus(http.StatusNoContent)
	})
	if r := e.do(t, req{method: "GET", path: "/test/deadline"}); r.status != http.StatusNoContent {
		t.Fatalf("test route: %s", r)
	}
	if !hasDeadline {
		t.Fatal("the handler's context has no deadline")
	}
	if left <= 0 || left > api.RequestTimeout {
		t.Errorf("deadline %v away, want within (0, %v]", left, api.RequestTimeout)
	}
	if seen.Err() == nil {
		t.Error("the request's context is still live after the request")
	}
}

// TestPanicIsAnInternalError: a handler that panics answers 500 like any internal error,
// without the panic's text, logged with its stack, and the server goes on serving.
func TestPanicIsAnInternalError(t *testing.T) {
	var logs syncBuffer
	e := newEnv(t, func(s *api.Server) {
		s.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	})
	e.app.Get("/test/panic", func(c *fiber.Ctx) error {
		var orgs []accounts.Organization
		return c.JSON(orgs[len(c.Params("*"))+3]) // out of range: the kind of bug that must not end the process
	})
	e.run(t, []scenario{
		{name: "panic", method: "GET", path: "/test/panic", wantStatus: 500, wantCode: "internal",
			wantContains: []string{`"message":"internal error"`}, wantAbsent: []string{"index out of range", "goroutine", "api_test.go"},
			wantHeaders: map[string]string{"X-Content-Type-Options": "nosniff", "X-Request-ID": ""}},
		{name: "still serving", method: "GET", path: "/healthz", wantStatus: 200},
	})
	if !strings.Contains(logs.String(), "index out of range") || !strings.Contains(logs.String(), "runtime/debug.Stack") {
		t.Errorf("the panic and its stack were not logged:\n%s", logs.String())
	}
}

// Probes and scrapers send no credentials; a bad Authorization header must not fail them.
func TestOperationalEndpointsIgnoreCredentials(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/healthz", "/readyz", "/metrics", "/api/openapi.yaml"} {
		r := e.do(t, req{method: "GET", path: path, headers: map[string]string{"Authorization": "Basic Zm9vOmJhcg=="}})
		if r.status != 200 {
			t.Errorf("GET %s with a malformed Authorization = %s; want 200", path, r)
		}
	}
	// The same header on an API route is refused.
	if r := e.do(t, req{method: "GET", path: "/api/v1/regions", headers: map[string]string{"Authorization": "Basic Zm9vOmJhcg=="}}); r.status != 401 {
		t.Errorf("GET /api/v1/regions with a malformed Authorization = %s; want 401", r)
	}
}

// On shutdown (what SIGTERM triggers in `sheber serve`), a request already being served
// finishes and gets its answer; new connections are refused.
func TestShutdownLetsInFlightRequestsFinish(t *testing.T) {
	e := newEnv(t)
	started := make(chan struct{})
	e.app.Get("/test/slow", func(c *fiber.Ctx) error {
		close(started)
		time.Sleep(time.Second)
		return c.SendString("finished")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- e.app.Listener(ln) }()
	base := "http://" + ln.Addr().String()

	type result struct {
		status int
		body   string
		err    error
	}
	got := make(chan result, 1)
	go func() {
		resp, err := http.Get(base + "/test/slow")
		if err != nil {
			got <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		got <- result{resp.StatusCode, string(b), err}
	}()
	<-started
	if err := e.app.ShutdownWithTimeout(api.ShutdownTimeout); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	r := <-got
	if r.err != nil || r.status != 200 || r.body != "finished" {
		t.Fatalf("in-flight request during shutdown: %d %q %v; want 200 finished", r.status, r.body, r.err)
	}
	if err := <-served; err != nil {
		t.Errorf("serve: %v", err)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("a new request was served after shutdown")
	}
}

// Labels of the metrics outlive the request: taken from Fiber's reused buffers without a
// copy, two methods on one keep-alive connection corrupted them and the scrape failed.
func TestMetricsSurviveMixedMethodsOnOneConnection(t *testing.T) {
	e := newEnv(t)
	base := e.listen(t)
	client := &http.Client{Transport: &http.Transport{MaxConnsPerHost: 1}}
	for _, method := range []string{"GET", "PUT", "DELETE", "GET", "POST", "PATCH"} {
		r, err := http.NewRequest(method, base+"/api/v1/regions", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := client.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	resp, err := client.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET /metrics = %d:\n%s", resp.StatusCode, body)
	}
	for _, method := range []string{"GET", "PUT", "DELETE", "POST", "PATCH"} {
		if !strings.Contains(string(body), `method="`+method+`"`) {
			t.Errorf("no metrics for %s", method)
		}
	}
}

// A path that carries a secret (an invitation link) is logged as its route pattern.
func TestLogsHoldNoInvitationSecret(t *testing.T) {
	var logs bytes.Buffer
	e := newEnv(t, func(s *api.Server) { s.Logger = slog.New(slog.NewJSONHandler(&logs, nil)) })
	e.app.Get("/invitations/:token", func(c *fiber.Ctx) error { return c.SendString("page") })
	const secret = "abcdefghijklmnopqrstuvwxyz234567"
	if r := e.do(t, req{method: "GET", path: "/invitations/" + secret}); r.status != 200 {
		t.Fatalf("GET = %s", r)
	}
	if strings.Contains(logs.String(), secret) || !strings.Contains(logs.String(), `"path":"/invitations/:token"`) {
		t.Errorf("the log line shows the secret or not the route:\n%s", logs.String())
	}
}

// Over TLS, responses tell browsers to keep to HTTPS; over plain HTTP they do not.
func TestStrictTransportSecurityOnlyOverTLS(t *testing.T) {
	tls := newEnv(t, func(s *api.Server) { s.SecureCookies = true })
	if r := tls.do(t, req{method: "GET", path: "/healthz"}); !strings.Contains(r.header.Get("Strict-Transport-Security"), "max-age=") {
		t.Errorf("over TLS: Strict-Transport-Security = %q", r.header.Get("Strict-Transport-Security"))
	}
	plain := newEnv(t)
	if r := plain.do(t, req{method: "GET", path: "/healthz"}); r.header.Get("Strict-Transport-Security") != "" {
		t.Error("Strict-Transport-Security sent over plain HTTP")
	}
}

// Static assets are the same for everyone: credentials are not even looked at.
func TestStaticPathsSkipAuthentication(t *testing.T) {
	e := newEnv(t)
	r := e.do(t, req{method: "GET", path: api.StaticPrefix + "app.css", headers: map[string]string{"Authorization": "Basic Zm9vOmJhcg=="}})
	if r.status == 401 {
		t.Errorf("GET %sapp.css with a malformed Authorization = 401; want it not to be authenticated at all", api.StaticPrefix)
	}
}
