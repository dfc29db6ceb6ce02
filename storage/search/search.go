// Package search connects Sheber to Meilisearch with meilisearch-go, the search engine for
// large deployments. It is optional: with MEILI_URL unset, search runs on PostgreSQL.
// The catalog's index adapter is built on this client.
package search

import (
	"context"
	"fmt"

	"github.com/meilisearch/meilisearch-go"
)

// Engine is a connection to Meilisearch.
type Engine struct {
	client meilisearch.ServiceManager
}

// Open returns an engine for the Meilisearch at url, authenticating with key (may be
// empty for an instance without a master key).
func Open(url, key string) *Engine {
	return &Engine{client: meilisearch.New(url, meilisearch.WithAPIKey(key))}
}

// Ping checks that Meilisearch answers and reports itself available.
func (e *Engine) Ping(ctx context.Context) error {
	h, err := e.client.HealthWithContext(ctx)
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	if h.Status != "available" {
		return fmt.Errorf("search: meilisearch status %q", h.Status)
	}
	return nil
}

// Close releases the client's connections.
func (e *Engine) Close() { e.client.Close() }
