package orders

import (
	"context"
	"maps"
	"slices"
	"sync"
	"time"
)

// ProcurementRoutesTTL is how long a ProcurementCache serves the procurement routes and
// the goods list it read before it reads them again. They are configuration changed
// rarely (with SQL, by the operator), while every order reads them: a change made in
// another process, or by hand, is seen within this time. The README lists it.
const ProcurementRoutesTTL = 30 * time.Second

// ProcurementCache is a ProcurementStore that keeps what Store returned for TTL, so that
// placing an order does not read the route table (a transaction of three statements and
// the goods list) each time. Invalidate drops it at once, for whatever in this process
// changes the routes. Safe for concurrent use; a read error is not kept.
type ProcurementCache struct {
	store ProcurementStore
	ttl   time.Duration
	now   func() time.Time

	// refresh serializes the reads of the store, so that when the cache expires under
	// load one request reads the table and the others wait for it.
	refresh sync.Mutex

	mu     sync.Mutex
	routes []ProcurementRoute
	goods  map[string]bool
	readAt time.Time // zero: nothing cached
	// generation counts invalidations: a read that began before one is not kept.
	generation uint64
}

var _ ProcurementStore = (*ProcurementCache)(nil)

// NewProcurementCache returns a cache in front of store keeping what it reads for ttl
// (ProcurementRoutesTTL in the server); now is the clock (nil: time.Now).
func NewProcurementCache(store ProcurementStore, ttl time.Duration, now func() time.Time) *ProcurementCache {
	if now == nil {
		now = time.Now
	}
	return &ProcurementCache{store: store, ttl: ttl, now: now}
}

// ProcurementRoutes implements ProcurementStore. The slice is the caller's; the routes'
// documents and subtypes are shared and must not be changed.
func (c *ProcurementCache) ProcurementRoutes(ctx context.Context) ([]ProcurementRoute, error) {
	routes, _, err := c.get(ctx)
	return slices.Clone(routes), err
}

// GoodsList implements ProcurementStore; the map is the caller's.
func (c *ProcurementCache) GoodsList(ctx context.Context) (map[string]bool, error) {
	_, goods, err := c.get(ctx)
	return maps.Clone(goods), err
}

// Invalidate drops what the cache holds: the next read goes to the store. Call it after
// changing the routes or the goods list.
func (c *ProcurementCache) Invalidate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.routes, c.goods, c.readAt = nil, nil, time.Time{}
	c.generation++
}

// fresh returns what the cache holds if it is younger than the TTL, and the generation.
func (c *ProcurementCache) fresh() ([]ProcurementRoute, map[string]bool, uint64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ok := !c.readAt.IsZero() && c.now().Sub(c.readAt) < c.ttl
	return c.routes, c.goods, c.generation, ok
}

func (c *ProcurementCache) get(ctx context.Context) ([]ProcurementRoute, map[string]bool, error) {
	if routes, goods, _, ok := c.fresh(); ok {
		return routes, goods, nil
	}
	c.refresh.Lock()
	defer c.refresh.Unlock()
	// Another request may have read the table while this one waited.
	routes, goods, gen, ok := c.fresh()
	if ok {
		return routes, goods, nil
	}
	readAt := c.now()
	routes, err := c.store.ProcurementRoutes(ctx)
	if err != nil {
		return nil, nil, err
	}
	if goods, err = c.store.GoodsList(ctx); err != nil {
		return nil, nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.generation == gen {
		c.routes, c.goods, c.readAt = routes, goods, readAt
	}
	return routes, goods, nil
}
