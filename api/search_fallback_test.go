package api_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sheber-kz/sheber/api"
	"github.com/sheber-kz/sheber/catalog"
	"github.com/sheber-kz/sheber/storage/postgres"
	"github.com/sheber-kz/sheber/storage/search"
)

// With Meilisearch down or too slow, /api/v1/products still answers, from PostgreSQL,
// the fallback is logged, and /readyz reports the portal degraded (200, not 503).
func TestSearchFallsBackToPostgres(t *testing.T) {
	down := httptest.NewServer(http.NotFoundHandler())
	downURL := down.URL
	down.Close() // connection refused from now on
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select { // answers only after the test is done: far beyond the query timeout
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	defer close(release)

	for _, engineURL := range []struct{ name, url string }{{"down", downURL}, {"slow", slow.URL}} {
		t.Run(engineURL.name, func(t *testing.T) {
			engine := search.Open(engineURL.url, "key")
			defer engine.Close()
			p := newProducers(t)
			e := p.env
			var logs bytes.Buffer
			store := postgres.NewCatalogStore(e.db)
			e.catalog.Searcher = &catalog.FallbackSearcher{Primary: engine.Searcher(store), Fallback: store,
				Timeout: 100 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(&logs, nil))}
			e.srv.Checks = append(e.srv.Checks, api.Check{Name: "meilisearch", Ping: engine.Ping, Optional: true})
			list := fmt.Sprintf("/api/v1/organizations/%d/listings", p.enterprise.ID)
			var yurt listingOut
			e.run(t, []scenario{{name: "create", method: "POST", path: list, bearer: p.token,
				body: p.body(set("title", map[string]string{"ru": "Шанырак сувенирный", "kk": "Шаңырақ кәдесыйы"})), wantStatus: 201, after: into(&yurt)}})
			e.run(t, []scenario{{name: "publish", method: "POST", path: fmt.Sprintf("/api/v1/listings/%d/publish", yurt.ID), bearer: p.token,
				body: version(yurt.Version), wantStatus: 200}})
			e.run(t, []scenario{
				{name: "search answers from PostgreSQL", method: "GET", path: "/api/v1/products?q=" + url.QueryEscape("Шаңырақ"),
					wantStatus: 200, after: found(yurt.ID)},
				{name: "suggest answers from PostgreSQL", method: "GET", path: "/api/v1/suggest?q=" + url.QueryEscape("шаны"),
					wantStatus: 200, wantContains: []string{"Шанырак сувенирный"}},
			})
			if !strings.Contains(logs.String(), "answering from the fallback") {
				t.Errorf("the fallback was not logged: %q", logs.String())
			}
		})
	}
	// Readiness is computed per request from Server.Checks, so build an app with the
	// check in place from the start.
	ready := newEnv(t, func(s *api.Server) {
		engine := search.Open(downURL, "key")
		t.Cleanup(engine.Close)
		s.Checks = append(s.Checks, api.Check{Name: "meilisearch", Ping: engine.Ping, Optional: true})
	})
	ready.run(t, []scenario{{name: "readyz degraded", method: "GET", path: "/readyz", wantStatus: 200,
		wantContains: []string{`"status":"degraded"`, `"meilisearch":"unavailable"`, `"postgres":"ok"`}}})
}
