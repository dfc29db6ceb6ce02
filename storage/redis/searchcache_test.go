package redis_test

import (
	"context"
	"errors"
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
