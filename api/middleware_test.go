package api

import (
	"errors"
	"net"
	"testing"

	"github.com/sheber-kz/sheber/accounts"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

func TestClientIP(t *testing.T) {
	tests := []struct {
		name    string
		trusted []string
		peer    string
		xff     string
		want    string
	}{
		{"no proxies configured: the peer, whatever the header says", nil, "203.0.113.5", "198.51.100.1", "203.0.113.5"},
		{"an untrusted peer's header is ignored", []string{"10.0.0.1"}, "203.0.113.5", "198.51.100.1", "203.0.113.5"},
		{"trusted proxy: the address it appended", []string{"10.0.0.1"}, "10.0.0.1", "198.51.100.1", "198.51.100.1"},
		{"trusted proxy: what the client wrote is skipped", []string{"10.0.0.1"}, "10.0.0.1", "1.1.1.1, 2.2.2.2, 198.51.100.1", "198.51.100.1"},
		{"a chain of trusted proxies (CIDR)", []string{"10.0.0.0/8"}, "10.0.0.1", "1.1.1.1, 198.51.100.1, 10.0.0.7", "198.51.100.1"},
		{"an address with a port", []string{"10.0.0.1"}, "10.0.0.1", "1.1.1.1, 198.51.100.1:4711", "198.51.100.1"},
		{"IPv6", []string{"10.0.0.1"}, "10.0.0.1", "2001:db8::1", "2001:db8::1"},
		{"trusted proxy without the header: the proxy", []string{"10.0.0.1"}, "10.0.0.1", "", "10.0.0.1"},
		{"garbage appended: stop at it", []string{"10.0.0.1"}, "10.0.0.1", "198.51.100.1, not-an-ip", "10.0.0.1"},
		{"only trusted hops: the peer", []string{"10.0.0.0/8"}, "10.0.0.1", "10.0.0.2, 10.0.0.3", "10.0.0.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Server{TrustedProxies: tt.trusted}
			app := NewApp(s)
			var fctx fasthttp.RequestCtx
			var r fasthttp.Request
			if tt.xff != "" {
				r.Header.Set(fiber.HeaderXForwardedFor, tt.xff)
			}
			fctx.Init(&r, &net.TCPAddr{IP: net.ParseIP(tt.peer), Port: 40000}, nil)
			c := app.AcquireCtx(&fctx)
			defer app.ReleaseCtx(c)
			if got := s.ClientIP(c); got != tt.want {
				t.Errorf("ClientIP = %q, want %q (c.IP() says %q)", got, tt.want, c.IP())
			}
		})
	}
}

// TestDomainErrorOfFiberErrors: Fiber's and fasthttp's own refusals get the status and code
// of what went wrong; only what nobody classified is internal.
func TestDomainErrorOfFiberErrors(t *testing.T) {
	tests := []struct {
		err    error
		status int
		code   accounts.Code
	}{
		{fiber.ErrNotFound, 404, accounts.CodeNotFound},
		{fiber.ErrMethodNotAllowed, 404, accounts.CodeNotFound},
		{fiber.ErrRequestEntityTooLarge, 413, accounts.CodeTooLarge},
		{fiber.ErrRequestHeaderFieldsTooLarge, 400, accounts.CodeBadRequest},
		{fiber.ErrBadRequest, 400, accounts.CodeBadRequest},
		{fiber.ErrRequestTimeout, 503, accounts.CodeUnavailable},
		{fiber.ErrBadGateway, 500, accounts.CodeInternal},
		{errors.New("pq: password authentication failed for user sheber"), 500, accounts.CodeInternal},
		{&accounts.Error{Code: accounts.CodeInternal, Message: "leaky detail"}, 500, accounts.CodeInternal},
	}
	for _, tt := range tests {
		status, de := DomainError(tt.err)
		if status != tt.status || de.Code != tt.code {
			t.Errorf("DomainError(%v) = %d %s, want %d %s", tt.err, status, de.Code, tt.status, tt.code)
		}
		if status == 500 && de.Message != "internal error" {
			t.Errorf("DomainError(%v) shows %q", tt.err, de.Message)
		}
	}
}
