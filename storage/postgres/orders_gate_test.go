package postgres_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sheber-kz/sheber/orders"
	"github.com/sheber-kz/sheber/storage/postgres"
	"github.com/sheber-kz/sheber/storage/postgres/postgrestest"
)

// The orders store runs at most MaxOrderTransactions transactions at once; the others
// wait and then run, and one that waits past its deadline gives up without beginning.
func TestOrdersTransactionsAreGated(t *testing.T) {
	t.Parallel()
	db := postgrestest.New(t)
	store := postgres.NewOrdersStore(db)
	ctx := testCtx(t)
	var running, most atomic.Int32
	hold := make(chan struct{})
	var wg sync.WaitGroup
	const n = 3 * postgres.MaxOrderTransactions
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- store.InTx(ctx, func(tx orders.Store) error {
				now := running.Add(1)
				defer running.Add(-1)
				for {
					m := most.Load()
					if now <= m || most.CompareAndSwap(m, now) {
						break
					}
				}
				if _, err := tx.Settings(ctx, 1); err != nil {
					return err
				}
				<-hold
				return nil
			})
		}()
	}
	// Wait until the gate is full, then check that a transaction with a deadline gives up.
	for running.Load() < postgres.MaxOrderTransactions {
		time.Sleep(5 * time.Millisecond)
	}
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	ran := false
	if err := store.InTx(short, func(orders.Store) error { ran = true; return nil }); err == nil || ran {
		t.Errorf("a transaction past its deadline at a full gate: ran %v, err %v; want it not run, an error", ran, err)
	}
	close(hold)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("InTx: %v", err)
		}
	}
	if got := most.Load(); got != postgres.MaxOrderTransactions {
		t.Errorf("at most %d transactions ran at once; want %d", got, postgres.MaxOrderTransactions)
	}
}
