package search_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sheber-kz/sheber/storage/search"
)

// Meilisearch cannot run on these machines, so Ping is tested against its documented
// contract (https://www.meilisearch.com/docs/reference/api/health/get-health): GET /health
// answers 200 with {"status": "available"}. The route itself needs no key, but the client
// sends the configured one as "Authorization: Bearer <key>" on every request; the fake
// checks it so that a key that is dropped on the way is noticed.
func fakeMeili(t *testing.T, key string, status int, body string) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.Method != http.MethodGet || r.URL.Path != "/health" {
			t.Errorf("request %s %s; want GET /health", r.Method, r.URL.Path)
			http.NotFound(w, r)
			return
		}
		want := ""
		if key != "" {
			want = "Bearer " + key
		}
		if got := r.Header.Get("Authorization"); got != want {
			t.Errorf("Authorization = %q; want %q", got, want)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

func TestPing(t *testing.T) {
	tests := []struct {
		name    string
		key     string
		status  int
		body    string
		healthy bool
	}{
		{"available with a key", "master-key-123", http.StatusOK, `{"status": "available"}`, true},
		{"available without a key", "", http.StatusOK, `{"status":"available"}`, true},
		{"another status", "k", http.StatusOK, `{"status": "unavailable"}`, false},
		{"no status", "k", http.StatusOK, `{}`, false},
		{"not JSON", "k", http.StatusOK, `available`, false},
		{"internal error", "k", http.StatusInternalServerError, `{"message":"boom","code":"internal","type":"internal","link":""}`, false},
		{"unauthorized", "k", http.StatusUnauthorized, `{"message":"The provided API key is invalid.","code":"invalid_api_key","type":"auth","link":""}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, calls := fakeMeili(t, tt.key, tt.status, tt.body)
			e := search.Open(srv.URL, tt.key)
			defer e.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			err := e.Ping(ctx)
			if tt.healthy && err != nil {
				t.Errorf("Ping = %v; want nil", err)
			}
			if !tt.healthy && err == nil {
				t.Error("Ping = nil; want an error")
			}
			if calls.Load() == 0 {
				t.Error("the server was never asked")
			}
		})
	}
}

// The configured key reaches the server as a bearer token.
func TestPingSendsTheConfiguredKey(t *testing.T) {
	var got atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Store(r.Header.Get("Authorization"))
		_, _ = w.Write([]byte(`{"status":"available"}`))
	}))
	defer srv.Close()
	e := search.Open(srv.URL, "s3cret")
	defer e.Close()
	if err := e.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got.Load() != "Bearer s3cret" {
		t.Errorf("Authorization = %q; want %q", got.Load(), "Bearer s3cret")
	}
}

// 503 is what Meilisearch answers while it cannot serve; the client retries it with
// growing pauses, so Ping reports the failure when the caller's deadline ends.
func TestPingUnavailable(t *testing.T) {
	srv, calls := fakeMeili(t, "k", http.StatusServiceUnavailable, `{"message":"unavailable","code":"unavailable","type":"system","link":""}`)
	e := search.Open(srv.URL, "k")
	defer e.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := e.Ping(ctx); err == nil {
		t.Fatal("Ping = nil on 503; want an error")
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Ping took %v despite a 1.5 s deadline", d)
	}
	if calls.Load() == 0 {
		t.Error("the server was never asked")
	}
}

func TestPingUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there any more
	e := search.Open(url, "")
	defer e.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := e.Ping(ctx); err == nil {
		t.Error("Ping on a closed server = nil; want an error")
	}
}
