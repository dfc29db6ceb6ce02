package redis_test

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog"
	"github.com/sheber-kz/sheber/storage/redis"
	"github.com/sheber-kz/sheber/storage/redis/redistest"
)

// countingSearcher answers with its call count as the total, so a test sees which answer
// came from where. It stands in for the search engine, not for Redis, which is real.
type countingSearcher struct {
	calls atomic.Int64
	// during, if set, runs inside a search, before it answers.
	during func()
}

func (s *countingSearcher) Search(ctx context.Context, q catalog.SearchQuery) (catalog.SearchResult, error) {
	n := s.calls.Add(1)
	if s.during != nil {
		s.during()
	}
	return catalog.SearchResult{Total: int(n), Items: []catalog.Listing{{ID: n, Title: accounts.Text{RU: q.Text}}}}, nil
}

func (s *countingSearcher) Suggest(ctx context.Context, prefix string, limit int) ([]catalog.Suggestion, error) {
	n := s.calls.Add(1)
	return []catalog.Suggestion{{Kind: "listing", ListingID: n, Text: accounts.Text{RU: prefix}}}, nil
}

// txStore is a catalog.Store whose transactions succeed or fail as told.
type txStore struct {
	catalog.Store
	fail error
}

func (s txStore) InTx(ctx context.Context, fn func(catalog.Store) error) error {
	if s.fail != nil {
		return s.fail
	}
	return fn(s)
}

func TestSearchCacheServesUntilTheCatalogChanges(t *testing.T) {
	ctx := context.Background()
	c := redistest.New(t)
	inner := &countingSearcher{}
	cache := redis.NewSearchCache(c, inner)
	q := catalog.SearchQuery{Text: "парта", Page: 1, PerPage: 24}

	first, err := cache.Search(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	again, err := cache.Search(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if first.Total != 1 || again.Total != 1 || inner.calls.Load() != 1 {
		t.Fatalf("second search not served from the cache: totals %d, %d, %d engine calls", first.Total, again.Total, inner.calls.Load())
	}
	if again.Items[0].Title.RU != "парта" {
		t.Errorf("cached answer lost its content: %+v", again.Items)
	}
	other := q
	other.Page = 2
	if r, _ := cache.Search(ctx, other); r.Total != 2 {
		t.Errorf("another query shared the cached answer: total %d", r.Total)
	}

	// A failed transaction changes nothing, so the cache stays.
	store := redis.NewCatalogChanges(c, txStore{fail: errors.New("refused")})
	if err := store.InTx(ctx, func(catalog.Store) error { return nil }); err == nil {
		t.Fatal("a failed transaction reported success")
	}
	if r, _ := cache.Search(ctx, q); r.Total != 1 {
		t.Errorf("a failed transaction dropped the cache: total %d", r.Total)
	}
	// A committed one drops every cached answer.
	store = redis.NewCatalogChanges(c, txStore{})
	if err := store.InTx(ctx, func(catalog.Store) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if r, _ := cache.Search(ctx, q); r.Total != 3 {
		t.Errorf("after a change the old answer was served: total %d", r.Total)
	}
	if s, _ := cache.Suggest(ctx, "пар", 8); s[0].ListingID != 4 {
		t.Errorf("suggest: %+v", s)
	}
	if s, _ := cache.Suggest(ctx, "пар", 8); s[0].ListingID != 4 || inner.calls.Load() != 4 {
		t.Errorf("suggest not cached: %+v", s)
	}
}

// An answer computed while a change commits must not outlive the change: it was read
// under the generation before it, so the next search after the change misses.
func TestSearchCacheNeverKeepsAnAnswerOlderThanAChange(t *testing.T) {
	ctx := context.Background()
	c := redistest.New(t)
	inner := &countingSearcher{}
	cache := redis.NewSearchCache(c, inner)
	store := redis.NewCatalogChanges(c, txStore{})
	q := catalog.SearchQuery{Text: "скамья", Page: 1, PerPage: 24}

	var once sync.Once
	inner.during = func() {
		once.Do(func() { // the change commits while the first search runs
			if err := store.InTx(ctx, func(catalog.Store) error { return nil }); err != nil {
				t.Error(err)
			}
		})
	}
	if r, _ := cache.Search(ctx, q); r.Total != 1 {
		t.Fatalf("first search: %d", r.Total)
	}
	if r, _ := cache.Search(ctx, q); r.Total != 2 {
		t.Errorf("the answer computed before the change was served after it: total %d", r.Total)
	}
}

func TestSearchCacheRunsConcurrentMissesOnce(t *testing.T) {
	ctx := context.Background()
	c := redistest.New(t)
	release := make(chan struct{})
	inner := &countingSearcher{during: func() { <-release }}
	cache := redis.NewSearchCache(c, inner)
	q := catalog.SearchQuery{Text: "шкаф", Page: 1, PerPage: 24}
	var wg sync.WaitGroup
	totals := make([]int, 16)
	for i := range totals {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := cache.Search(ctx, q)
			if err != nil {
				t.Error(err)
			}
			totals[i] = r.Total
		}()
	}
	// Let the searches pile up behind the first, then release it.
	for inner.calls.Load() == 0 {
		// the first search has not reached the engine yet
	}
	close(release)
	wg.Wait()
	if n := inner.calls.Load(); n > 2 {
		t.Errorf("16 concurrent identical searches ran the engine %d times", n)
	}
	for i, total := range totals {
		if total < 1 || total > 2 {
			t.Errorf("search %d got total %d", i, total)
		}
	}
}

// Cached keeps encoded answers under the generation they were computed in: served until
// the catalog changes, never an error, never an answer that is too large.
func TestSearchCacheCachedBytes(t *testing.T) {
	ctx := context.Background()
	c := redistest.New(t)
	cache := redis.NewSearchCache(c, &countingSearcher{})
	store := redis.NewCatalogChanges(c, txStore{})
	var calls int
	compute := func(answer string) func() ([]byte, error) {
		return func() ([]byte, error) { calls++; return []byte(answer), nil }
	}
	get := func(query, answer string) string {
		t.Helper()
		b, err := cache.Cached(ctx, "products", []byte(query), compute(answer))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	if got := get(`{"q":"парта"}`, `{"total":1}`); got != `{"total":1}` || calls != 1 {
		t.Fatalf("first: %s after %d computations", got, calls)
	}
	if got := get(`{"q":"парта"}`, `{"total":2}`); got != `{"total":1}` || calls != 1 {
		t.Errorf("second: %s after %d computations; want the stored answer", got, calls)
	}
	if got := get(`{"q":"шкаф"}`, `{"total":3}`); got != `{"total":3}` {
		t.Errorf("another query shared the answer: %s", got)
	}
	// A space inside the answer is not the generation's separator.
	if got := get(`{"q":"a b"}`, `{"text":"a b 7"}`); got != `{"text":"a b 7"}` || get(`{"q":"a b"}`, `x`) != `{"text":"a b 7"}` {
		t.Errorf("an answer with spaces: %s", got)
	}
	if err := store.InTx(ctx, func(catalog.Store) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if got := get(`{"q":"парта"}`, `{"total":4}`); got != `{"total":4}` {
		t.Errorf("after a change the old answer was served: %s", got)
	}

	// An error is returned as it is and not stored.
	refused := errors.New("refused")
	if _, err := cache.Cached(ctx, "products", []byte("bad"), func() ([]byte, error) { return nil, refused }); !errors.Is(err, refused) {
		t.Errorf("error %v, want %v", err, refused)
	}
	if got := get("bad", "now good"); got != "now good" {
		t.Errorf("an error was cached: %s", got)
	}
	// An answer over the limit is served but not stored.
	big := string(make([]byte, redis.MaxCachedResultBytes+1))
	before := calls
	get("big", big)
	get("big", big)
	if calls-before != 2 {
		t.Errorf("an answer over MaxCachedResultBytes was stored (%d computations for two requests)", calls-before)
	}
}

// Cached, like Search, never serves an answer computed before a change after it, and
// concurrent misses of one query compute once.
func TestSearchCacheCachedConcurrentAndChanging(t *testing.T) {
	ctx := context.Background()
	c := redistest.New(t)
	cache := redis.NewSearchCache(c, &countingSearcher{})
	store := redis.NewCatalogChanges(c, txStore{})
	var n, ready atomic.Int64
	release := make(chan struct{})
	var wg sync.WaitGroup
	answers := make([]string, 16)
	for i := range answers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ready.Add(1)
			b, err := cache.Cached(ctx, "products", []byte("q"), func() ([]byte, error) {
				n.Add(1)
				<-release
				return []byte("answer"), nil
			})
			if err != nil {
				t.Error(err)
			}
			answers[i] = string(b)
		}()
	}
	// Let every request reach the cache and pile up behind the first computation.
	for ready.Load() < int64(len(answers)) || n.Load() == 0 {
		runtime.Gosched()
	}
	for range 1000 {
		runtime.Gosched()
	}
	close(release)
	wg.Wait()
	if got := n.Load(); got > 4 {
		t.Errorf("16 concurrent misses computed %d times", got)
	}
	for i, a := range answers {
		if a != "answer" {
			t.Errorf("request %d got %q", i, a)
		}
	}
	// The change commits while the next computation runs: its answer is not served after.
	b, _ := cache.Cached(ctx, "products", []byte("other"), func() ([]byte, error) {
		if err := store.InTx(ctx, func(catalog.Store) error { return nil }); err != nil {
			t.Error(err)
		}
		return []byte("before the change"), nil
	})
	if string(b) != "before the change" {
		t.Fatalf("first: %s", b)
	}
	b, _ = cache.Cached(ctx, "products", []byte("other"), func() ([]byte, error) { return []byte("after the change"), nil })
	if string(b) != "after the change" {
		t.Errorf("the answer computed before the change was served after it: %s", b)
	}
}
