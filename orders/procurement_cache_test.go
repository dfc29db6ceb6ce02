package orders_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sheber-kz/sheber/orders"
	"github.com/sheber-kz/sheber/storage/postgres"
	"github.com/sheber-kz/sheber/storage/postgres/postgrestest"
)

// countingProcurement is the real store, counting how often the cache reads it.
type countingProcurement struct {
	orders.ProcurementStore
	routeReads, goodsReads atomic.Int64
}

func (c *countingProcurement) ProcurementRoutes(ctx context.Context) ([]orders.ProcurementRoute, error) {
	c.routeReads.Add(1)
	return c.ProcurementStore.ProcurementRoutes(ctx)
}

func (c *countingProcurement) GoodsList(ctx context.Context) (map[string]bool, error) {
	c.goodsReads.Add(1)
	return c.ProcurementStore.GoodsList(ctx)
}

// testClock is a clock the test moves, safe to read from several goroutines.
type testClock struct{ ns atomic.Int64 }

func (c *testClock) now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *testClock) advance(d time.Duration) { c.ns.Add(int64(d)) }

// cacheFixture is a fresh database, a counting store on it and a cache in front.
func cacheFixture(t *testing.T) (*postgres.DB, *countingProcurement, *orders.ProcurementCache, *testClock) {
	t.Helper()
	db := postgrestest.New(t)
	store := &countingProcurement{ProcurementStore: postgres.NewProcurementStore(db)}
	clock := &testClock{}
	clock.ns.Store(time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC).UnixNano())
	return db, store, orders.NewProcurementCache(store, orders.ProcurementRoutesTTL, clock.now), clock
}

// tenderName is the English name of the open tender route as the cache serves it.
func tenderName(t *testing.T, c *orders.ProcurementCache) string {
	t.Helper()
	routes, err := c.ProcurementRoutes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range routes {
		if r.Code == orders.RouteOpenTender {
			return r.Name.EN
		}
	}
	t.Fatalf("no %s route among %d", orders.RouteOpenTender, len(routes))
	return ""
}

func renameTender(t *testing.T, db *postgres.DB, name string) {
	t.Helper()
	if _, err := db.ExecContext(context.Background(), `UPDATE procurement_routes SET name_en = $1 WHERE code = $2`, name, orders.RouteOpenTender); err != nil {
		t.Fatal(err)
	}
}

// Within the TTL the cache serves what it read, without reading the store; a change of
// the table shows once the TTL has passed, or at once after Invalidate.
func TestProcurementCacheExpiryAndInvalidation(t *testing.T) {
	t.Parallel()
	db, store, cache, clock := cacheFixture(t)
	ctx := context.Background()
	first := tenderName(t, cache)
	goods, err := cache.GoodsList(ctx)
	if err != nil || len(goods) == 0 {
		t.Fatalf("goods list %v, %v; want the seeded list", goods, err)
	}
	if r, g := store.routeReads.Load(), store.goodsReads.Load(); r != 1 || g != 1 {
		t.Fatalf("store read %d times (routes) and %d (goods); want once each", r, g)
	}

	renameTender(t, db, "Open tender, renamed")
	clock.advance(orders.ProcurementRoutesTTL - time.Millisecond)
	if got := tenderName(t, cache); got != first {
		t.Errorf("within the TTL the cache served %q; want the cached %q", got, first)
	}
	if r := store.routeReads.Load(); r != 1 {
		t.Errorf("store read %d times within the TTL; want once", r)
	}
	clock.advance(time.Millisecond)
	if got := tenderName(t, cache); got != "Open tender, renamed" {
		t.Errorf("after the TTL the cache served %q; want the table's new name", got)
	}
	if r, g := store.routeReads.Load(), store.goodsReads.Load(); r != 2 || g != 2 {
		t.Errorf("after the TTL the store was read %d times (routes) and %d (goods); want twice each", r, g)
	}

	renameTender(t, db, "Open tender, renamed again")
	cache.Invalidate()
	if got := tenderName(t, cache); got != "Open tender, renamed again" {
		t.Errorf("after Invalidate the cache served %q; want the table's new name", got)
	}
	if r := store.routeReads.Load(); r != 3 {
		t.Errorf("store read %d times after Invalidate; want 3", r)
	}
}

// A failed read is not kept, and what the caller gets is its own copy.
func TestProcurementCacheErrorsAndCopies(t *testing.T) {
	t.Parallel()
	_, store, cache, _ := cacheFixture(t)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := cache.ProcurementRoutes(cancelled); err == nil {
		t.Fatal("a read with a cancelled context succeeded")
	}
	routes, err := cache.ProcurementRoutes(context.Background())
	if err != nil || len(routes) != 3 {
		t.Fatalf("after a failed read: %d routes, %v; want the 3 seeded", len(routes), err)
	}
	if r := store.routeReads.Load(); r != 2 {
		t.Errorf("store read %d times; want 2 (the failure was not kept)", r)
	}
	routes[0] = orders.ProcurementRoute{Code: "changed by the caller"}
	goods, err := cache.GoodsList(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for code := range goods {
		delete(goods, code)
	}
	again, err := cache.ProcurementRoutes(context.Background())
	if err != nil || again[0].Code == "changed by the caller" {
		t.Errorf("a caller's change of its slice reached the cache: %+v, %v", again[0], err)
	}
	if goods, err := cache.GoodsList(context.Background()); err != nil || len(goods) == 0 {
		t.Errorf("a caller's change of its map reached the cache: %v, %v", goods, err)
	}
}

// Many requests at once while the cache is empty, expires and is invalidated: each gets
// the whole table, and the store is read once per expiry or invalidation, not once per
// request (run with -race).
func TestProcurementCacheConcurrent(t *testing.T) {
	t.Parallel()
	_, store, cache, clock := cacheFixture(t)
	const workers, rounds = 16, 3
	for round := 0; round < rounds; round++ {
		var wg sync.WaitGroup
		errs := make(chan error, workers)
		for i := 0; i < workers; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := 0; j < 20; j++ {
					routes, err := cache.ProcurementRoutes(context.Background())
					if err == nil && len(routes) != 3 {
						err = fmt.Errorf("the cache served %d routes; want 3", len(routes))
					}
					if err == nil {
						_, err = cache.GoodsList(context.Background())
					}
					if err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if round == 0 {
			clock.advance(orders.ProcurementRoutesTTL)
		} else {
			cache.Invalidate()
		}
	}
	if r := store.routeReads.Load(); r != rounds {
		t.Errorf("store read %d times over %d rounds of %d concurrent readers; want once a round", r, rounds, workers)
	}

	// Invalidations racing with reads: every read still gets the whole table.
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
				cache.Invalidate()
				time.Sleep(time.Millisecond)
			}
		}
	}()
	for i := 0; i < 50; i++ {
		if routes, err := cache.ProcurementRoutes(context.Background()); err != nil || len(routes) != 3 {
			t.Errorf("with invalidations racing: %d routes, %v; want 3", len(routes), err)
			break
		}
	}
	close(stop)
	wg.Wait()
}
