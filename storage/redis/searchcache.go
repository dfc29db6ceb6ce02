package redis

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"golang.org/x/sync/singleflight"

	"github.com/sheber-kz/sheber/catalog"
)

// SearchResultTTL bounds how long a cached search answer lives. Answers are dropped at
// once when the catalog changes (see SearchCache); the TTL only bounds staleness after a
// change that did not go through CatalogChanges (hand-written SQL) or whose notice was
// lost to a crash between commit and notice, and keeps Redis from filling up.
const SearchResultTTL = 60 * time.Second

// MaxCachedResultBytes is the largest answer the cache keeps (a page of 100 listings with
// their images is well under it); larger ones are served uncached.
const MaxCachedResultBytes = 1 << 20

// SearchCache is a catalog.Searcher that keeps answers of another Searcher in Redis,
// keyed by the catalog's generation and the query. CatalogChanges bumps the generation
// after every committed change, so a change is seen by the very next search in every
// process. The generation is read before the search runs, so an answer computed from a
// snapshot older than a change is stored under the older generation and never served
// after it. Identical searches that miss at once in one process run once (singleflight).
// If Redis fails, searches go to the inner Searcher.
type SearchCache struct {
	client *Client
	next   catalog.Searcher
	flight singleflight.Group
}

// NewSearchCache returns a cache of next's answers in c.
func NewSearchCache(c *Client, next catalog.Searcher) *SearchCache {
	return &SearchCache{client: c, next: next}
}

var _ catalog.Searcher = (*SearchCache)(nil)

func (c *Client) generationKey() string { return c.key("catalog", "generation") }

// generation is the catalog's current generation ("0" before the first change).
func (c *Client) generation(ctx context.Context) (string, error) {
	g, err := c.rdb.Get(ctx, c.generationKey()).Result()
	if errors.Is(err, goredis.Nil) {
		return "0", nil
	}
	return g, err
}

// Search implements catalog.Searcher.
func (s *SearchCache) Search(ctx context.Context, q catalog.SearchQuery) (catalog.SearchResult, error) {
	var out catalog.SearchResult
	err := s.cached(ctx, "search", q, &out, func() (any, error) { return s.next.Search(ctx, q) })
	return out, err
}

// Suggest implements catalog.Searcher.
func (s *SearchCache) Suggest(ctx context.Context, prefix string, limit int) ([]catalog.Suggestion, error) {
	var out []catalog.Suggestion
	err := s.cached(ctx, "suggest", []any{prefix, limit}, &out, func() (any, error) { return s.next.Suggest(ctx, prefix, limit) })
	return out, err
}

// cached answers from Redis into out when it can, and otherwise from compute, storing
// the answer. The key is the kind, the generation and the SHA-256 of the query's JSON.
func (s *SearchCache) cached(ctx context.Context, kind string, query any, out any, compute func() (any, error)) error {
	gen, genErr := s.client.generation(ctx)
	qj, err := json.Marshal(query)
	if err != nil {
		return fmt.Errorf("redis: search cache key: %w", err)
	}
	sum := sha256.Sum256(qj)
	key := s.client.key("catalog", kind, gen, hex.EncodeToString(sum[:]))
	if genErr == nil {
		if b, err := s.client.rdb.Get(ctx, key).Bytes(); err == nil && json.Unmarshal(b, out) == nil {
			return nil
		}
	}
	v, err, _ := s.flight.Do(key, func() (any, error) {
		res, err := compute()
		if err != nil {
			return nil, err
		}
		b, err := json.Marshal(res)
		if err != nil {
			return nil, fmt.Errorf("redis: search cache: %w", err)
		}
		if genErr == nil && len(b) <= MaxCachedResultBytes {
			// A failed write only costs the next search a miss.
			_ = s.client.rdb.Set(ctx, key, b, SearchResultTTL).Err()
		}
		return b, nil
	})
	if err != nil {
		return err
	}
	return json.Unmarshal(v.([]byte), out)
}

// CatalogChanges is a catalog.Store that tells the search cache about every change: after
// a transaction of the inner store commits, it bumps the catalog's generation. Reads and
// everything else go to the inner store unchanged.
type CatalogChanges struct {
	catalog.Store
	client *Client
}

// NewCatalogChanges wraps store so that its committed transactions invalidate the search
// answers cached in c.
func NewCatalogChanges(c *Client, store catalog.Store) *CatalogChanges {
	return &CatalogChanges{Store: store, client: c}
}

// InTx runs fn in a transaction of the inner store and, once it has committed, bumps the
// generation. A failure to bump is returned: the change is committed, but callers learn
// that cached answers may be stale for up to SearchResultTTL.
func (s *CatalogChanges) InTx(ctx context.Context, fn func(catalog.Store) error) error {
	if err := s.Store.InTx(ctx, fn); err != nil {
		return err
	}
	return s.client.BumpCatalogGeneration(ctx)
}

// BumpCatalogGeneration drops every cached search answer, for changes made outside a
// CatalogChanges store (a seed, an import run by another tool).
func (c *Client) BumpCatalogGeneration(ctx context.Context) error {
	if err := c.rdb.Incr(ctx, c.generationKey()).Err(); err != nil {
		return fmt.Errorf("redis: bump the catalog generation: %w", err)
	}
	return nil
}

// CatalogGeneration returns the current generation, for tests and diagnostics.
func (c *Client) CatalogGeneration(ctx context.Context) (int64, error) {
	g, err := c.generation(ctx)
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(g, 10, 64)
}
