package redis

import (
	"bytes"
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

// SearchCache is a catalog.Searcher that keeps answers of another Searcher in Redis, and
// a cache of any encoded answer that depends only on its query and the catalog (Cached;
// the API keeps its encoded search pages there, so a hit is bytes from Redis to the wire).
// Each entry holds the catalog generation it was computed under; CatalogChanges bumps the
// generation after every committed change, and an entry is served only while its
// generation is the current one, so a change is seen by the very next search in every
// process. The generation is read before the answer is computed, so an answer computed
// from a snapshot older than a change carries the older generation and is never served
// after it. The generation and the entry are read in one round trip (a pipeline).
// Identical misses under one generation in one process run once (singleflight). If Redis
// fails, answers are computed and not stored.
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
	return generationOf(c.rdb.Get(ctx, c.generationKey()))
}

func generationOf(cmd *goredis.StringCmd) (string, error) {
	g, err := cmd.Result()
	if errors.Is(err, goredis.Nil) {
		return "0", nil
	}
	return g, err
}

// Search implements catalog.Searcher.
func (s *SearchCache) Search(ctx context.Context, q catalog.SearchQuery) (catalog.SearchResult, error) {
	var out catalog.SearchResult
	err := s.cachedJSON(ctx, "search", q, &out, func() (any, error) { return s.next.Search(ctx, q) })
	return out, err
}

// Suggest implements catalog.Searcher.
func (s *SearchCache) Suggest(ctx context.Context, prefix string, limit int) ([]catalog.Suggestion, error) {
	var out []catalog.Suggestion
	err := s.cachedJSON(ctx, "suggest", []any{prefix, limit}, &out, func() (any, error) { return s.next.Suggest(ctx, prefix, limit) })
	return out, err
}

// cachedJSON is Cached for Go values: the query and the answer in JSON.
func (s *SearchCache) cachedJSON(ctx context.Context, kind string, query any, out any, compute func() (any, error)) error {
	qj, err := json.Marshal(query)
	if err != nil {
		return fmt.Errorf("redis: search cache key: %w", err)
	}
	b, err := s.Cached(ctx, kind, qj, func() ([]byte, error) {
		res, err := compute()
		if err != nil {
			return nil, err
		}
		b, err := json.Marshal(res)
		if err != nil {
			return nil, fmt.Errorf("redis: search cache: %w", err)
		}
		return b, nil
	})
	if err != nil {
		return err
	}
	return json.Unmarshal(b, out)
}

// Cached returns the answer stored under kind and query while the catalog has not changed
// since it was computed; otherwise it runs compute and stores its answer (not its error;
// not an answer over MaxCachedResultBytes) for SearchResultTTL at most. compute's errors
// are returned unchanged. The Redis key is the kind and the SHA-256 of query.
func (s *SearchCache) Cached(ctx context.Context, kind string, query []byte, compute func() ([]byte, error)) ([]byte, error) {
	sum := sha256.Sum256(query)
	key := s.client.key("catalog", kind, hex.EncodeToString(sum[:]))
	var genCmd, entryCmd *goredis.StringCmd
	// The pipeline's own error is that of its first failed command, a missing key
	// included; each command's answer is judged below.
	_, _ = s.client.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
		genCmd = p.Get(ctx, s.client.generationKey())
		entryCmd = p.Get(ctx, key)
		return nil
	})
	gen, genErr := generationOf(genCmd)
	if genErr == nil {
		if b, err := entryCmd.Bytes(); err == nil {
			if body, ok := cachedBody(b, gen); ok {
				return body, nil
			}
		}
	}
	// Callers that have seen a newer generation never join a computation started under
	// an older one.
	v, err, _ := s.flight.Do(key+"@"+gen, func() (any, error) {
		b, err := compute()
		if err != nil {
			return nil, err
		}
		if genErr == nil && len(b) <= MaxCachedResultBytes {
			entry := make([]byte, 0, len(gen)+1+len(b))
			entry = append(append(append(entry, gen...), ' '), b...)
			// A failed write only costs the next search a miss.
			_ = s.client.rdb.Set(ctx, key, entry, SearchResultTTL).Err()
		}
		return b, nil
	})
	if err != nil {
		return nil, err
	}
	return v.([]byte), nil
}

// cachedBody is the answer of a stored entry ("<generation> <answer>") if it was computed
// under generation gen.
func cachedBody(entry []byte, gen string) ([]byte, bool) {
	i := bytes.IndexByte(entry, ' ')
	if i < 0 || string(entry[:i]) != gen {
		return nil, false
	}
	return entry[i+1:], true
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
