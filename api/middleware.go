package api

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/sheber-kz/sheber/accounts"
)

// Cookie names.
const (
	SessionCookie = "sheber_session"
	// CSRFCookie seeds the CSRF token of visitors who are not signed in (the sign-in form).
	CSRFCookie = "sheber_csrf"
	// CSRFHeader and CSRFField carry the token on API calls and forms.
	CSRFHeader = "X-CSRF-Token"
	CSRFField  = "_csrf"
)

type localKey int

const (
	actorKey localKey = iota
	sessionKey
	requestIDKey
)

// RequestContext gives every request a context with a deadline (Fiber's UserContext is
// context.Background until set), cancelled when the handler returns.
func RequestContext(timeout time.Duration) fiber.Handler {
	return func(c *fiber.Ctx) error {
		t := timeout
		if _, large := largeBody(c.Method(), c.Path()); large {
			t = max(t, LargeRequestTimeout) // uploads and imports: decoding images, writing rows
		}
		ctx, cancel := context.WithTimeout(context.Background(), t)
		defer cancel()
		c.SetUserContext(ctx)
		return c.Next()
	}
}

// RequestID returns the request's ID, as logged and sent back in X-Request-ID.
func RequestID(c *fiber.Ctx) string {
	id, _ := c.Locals(requestIDKey).(string)
	return id
}

// validRequestID accepts a client's X-Request-ID only when it is short and plain, so that
// it is safe in logs.
func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// assignRequestID keeps the client's X-Request-ID when it is valid, or makes one, and sets
// it on the request and the response.
func assignRequestID(c *fiber.Ctx) string {
	id := c.Get(fiber.HeaderXRequestID)
	if !validRequestID(id) {
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		id = hex.EncodeToString(b)
	}
	c.Locals(requestIDKey, id)
	c.Set(fiber.HeaderXRequestID, id)
	return id
}

// Observe assigns the request ID, and after the handler (and the error handler) ran, logs
// one structured line and records metrics by route and status.
func (s *Server) Observe(c *fiber.Ctx) error {
	start := time.Now()
	id := assignRequestID(c)
	err := c.Next()
	if err != nil {
		// Run the error handler now so that the status we log and count is the final one.
		if herr := s.ErrorHandler(c, err); herr != nil {
			c.Status(fiber.StatusInternalServerError)
		}
	}
	status := c.Response().StatusCode()
	route := c.Route().Path
	elapsed := time.Since(start)
	if s.Metrics != nil {
		// Clone: Fiber reuses the buffer behind c.Method(), and a label outlives the request.
		s.Metrics.observe(strings.Clone(c.Method()), route, status, elapsed)
	}
	if s.Logger != nil {
		s.Logger.LogAttrs(c.UserContext(), slog.LevelInfo, "request",
			slog.String("request_id", id), slog.String("method", c.Method()), slog.String("path", loggedPath(c, route)),
			slog.String("route", route), slog.Int("status", status), slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
			slog.Int("bytes", len(c.Response().Body())))
	}
	return nil
}

// Recover turns a panic in a later handler into an internal error, so that one bug answers
// one request with 500 (logged with its stack by the error handler) instead of ending the
// process and every request in flight. Neither Fiber nor fasthttp recovers by default.
func Recover(c *fiber.Ctx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("api: panic serving %s %s: %v\n%s", c.Method(), c.Path(), r, debug.Stack())
		}
	}()
	return c.Next()
}

// loggedPath is the request path as logged: a path carrying a secret (an invitation link,
// /invitations/:token) is logged as its route pattern, so that logs hold no secret.
func loggedPath(c *fiber.Ctx, route string) string {
	if strings.Contains(route, ":token") {
		return route
	}
	return c.Path()
}

// contentSecurityPolicy allows only the portal's own scripts, styles and images.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
	"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// SecurityHeaders sets the headers every response carries.
func SecurityHeaders(c *fiber.Ctx) error {
	setSecurityHeaders(c)
	return c.Next()
}

func setSecurityHeaders(c *fiber.Ctx) {
	c.Set("Content-Security-Policy", contentSecurityPolicy)
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Cross-Origin-Opener-Policy", "same-origin")
	c.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
}

// ClientIP returns the address a request is attributed to, for sign-in throttling and
// sessions: the peer's; or, when the peer is one of TrustedProxies, the nearest address in
// X-Forwarded-For that is not a trusted proxy itself. Entries further left are whatever the
// client wrote and are never believed. Use it rather than c.IP(), which behind a proxy
// returns the header as the client sent it, so that a client could pick a fresh address for
// every attempt and escape the per-address limit.
func (s *Server) ClientIP(c *fiber.Ctx) string {
	peer := c.Context().RemoteIP()
	if !s.trustedProxy(peer) {
		return peer.String()
	}
	hops := strings.Split(c.Get(fiber.HeaderXForwardedFor), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		ip := parseHop(hops[i])
		if ip == nil {
			break // not written by a proxy of ours: stop believing the header
		}
		if !s.trustedProxy(ip) {
			return ip.String()
		}
	}
	return peer.String()
}

// parseHop reads one X-Forwarded-For entry: an address, possibly with a port.
func parseHop(hop string) net.IP {
	hop = strings.TrimSpace(hop)
	if ip := net.ParseIP(hop); ip != nil {
		return ip
	}
	if host, _, err := net.SplitHostPort(hop); err == nil {
		return net.ParseIP(host)
	}
	return nil
}

// trustedProxy reports whether ip is one of TrustedProxies (addresses or CIDR ranges).
func (s *Server) trustedProxy(ip net.IP) bool {
	for _, p := range s.TrustedProxies {
		if _, n, err := net.ParseCIDR(p); err == nil {
			if n.Contains(ip) {
				return true
			}
		} else if net.ParseIP(p).Equal(ip) {
			return true
		}
	}
	return false
}

// Authenticate resolves the request's credentials (an API token in Authorization: Bearer,
// or the session cookie) to an actor stored for the handlers. A bad token is refused at
// once; a stale session cookie is cleared and the request goes on as the public.
func (s *Server) Authenticate(c *fiber.Ctx) error {
	if isStaticPath(c.Path()) {
		// Assets are the same for everyone: no session lookup for each of them.
		return c.Next()
	}
	if auth := c.Get(fiber.HeaderAuthorization); auth != "" {
		scheme, token, _ := strings.Cut(auth, " ")
		if !strings.EqualFold(scheme, "Bearer") || token == "" {
			return &accounts.Error{Code: accounts.CodeUnauthenticated, Message: "use Authorization: Bearer <API token>"}
		}
		actor, err := s.Accounts.ActorForToken(c.UserContext(), strings.TrimSpace(token))
		if err != nil {
			return err
		}
		c.Locals(actorKey, actor)
		return c.Next()
	}
	if id := c.Cookies(SessionCookie); id != "" {
		actor, sess, err := s.Accounts.ActorForSession(c.UserContext(), strings.Clone(id))
		switch {
		case err == nil:
			c.Locals(actorKey, actor)
			c.Locals(sessionKey, sess)
		case accounts.ErrorCode(err) == accounts.CodeUnauthenticated:
			s.clearSessionCookie(c)
		default:
			return err
		}
	}
	return c.Next()
}

// StaticPrefix is where the frontend serves its assets; they need no authentication.
const StaticPrefix = "/static/"

func isStaticPath(path string) bool { return strings.HasPrefix(path, StaticPrefix) }

// ActorOf returns the request's actor; the zero Actor is the public.
func ActorOf(c *fiber.Ctx) accounts.Actor {
	a, _ := c.Locals(actorKey).(accounts.Actor)
	return a
}

// SessionOf returns the request's session, if it came with a live one.
func SessionOf(c *fiber.Ctx) (accounts.Session, bool) {
	s, ok := c.Locals(sessionKey).(accounts.Session)
	return s, ok
}

// SetSessionCookie sends the cookie of a newly started session.
func (s *Server) SetSessionCookie(c *fiber.Ctx, sess accounts.Session) {
	c.Cookie(&fiber.Cookie{Name: SessionCookie, Value: sess.ID, Path: "/", HTTPOnly: true, Secure: s.SecureCookies,
		SameSite: fiber.CookieSameSiteLaxMode, Expires: sess.CreatedAt.Add(accounts.SessionAbsoluteTimeout)})
	c.Locals(sessionKey, sess)
}

func (s *Server) clearSessionCookie(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{Name: SessionCookie, Value: "", Path: "/", HTTPOnly: true, Secure: s.SecureCookies,
		SameSite: fiber.CookieSameSiteLaxMode, Expires: time.Unix(0, 0), MaxAge: -1})
}

// csrfSeed is what a CSRF token is bound to: the session when there is one, otherwise a
// random cookie given to the visitor. create sets that cookie when missing.
func (s *Server) csrfSeed(c *fiber.Ctx, create bool) string {
	if sess, ok := SessionOf(c); ok {
		return "session:" + sess.ID
	}
	seed := c.Cookies(CSRFCookie)
	if seed == "" || len(seed) > 64 {
		if !create {
			return ""
		}
		b := make([]byte, 18)
		_, _ = rand.Read(b)
		seed = base64.RawURLEncoding.EncodeToString(b)
		c.Cookie(&fiber.Cookie{Name: CSRFCookie, Value: seed, Path: "/", HTTPOnly: true, Secure: s.SecureCookies,
			SameSite: fiber.CookieSameSiteLaxMode})
	}
	return "visitor:" + strings.Clone(seed)
}

// CSRFToken returns the token that forms and API calls of this visitor must send back.
func (s *Server) CSRFToken(c *fiber.Ctx) string {
	return s.tokenFor(s.csrfSeed(c, true))
}

func (s *Server) tokenFor(seed string) string {
	m := hmac.New(sha256.New, s.Secret)
	m.Write([]byte("csrf\x00" + seed))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// CSRF refuses state-changing requests that do not prove they come from the portal's own
// pages. Requests with an API token carry no ambient credentials and are exempt. An API
// call without a session must be JSON, which a cross-site form cannot send; with a session
// it must also carry the X-CSRF-Token header. A page form must carry the _csrf field.
func (s *Server) CSRF(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	if ActorOf(c).TokenID != 0 {
		return c.Next()
	}
	_, signedIn := SessionOf(c)
	if IsAPIPath(c.Path()) && !signedIn {
		ct := strings.ToLower(c.Get(fiber.HeaderContentType))
		if strings.HasPrefix(ct, fiber.MIMEApplicationJSON) {
			return c.Next()
		}
		if len(c.Body()) == 0 && c.Get(CSRFHeader) == "" {
			// Nothing to forge: a body-less call by the public changes nothing of anyone's.
			return c.Next()
		}
	}
	sent := c.Get(CSRFHeader)
	if sent == "" && !IsAPIPath(c.Path()) {
		sent = c.FormValue(CSRFField)
	}
	seed := s.csrfSeed(c, false)
	if seed == "" || sent == "" || !hmac.Equal([]byte(sent), []byte(s.tokenFor(seed))) {
		return &accounts.Error{Code: accounts.CodeCSRF, Message: "the form has expired or did not come from this site; reload the page and try again"}
	}
	return c.Next()
}
