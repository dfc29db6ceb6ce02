package postgres_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/sheber-kz/sheber/storage/postgres/postgrestest"
)

// waitPrepared waits until the pool has prepared want statements (those first met in a
// transaction are prepared in the background).
func waitPrepared(t *testing.T, prepared func() (int, int), want int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got, _ := prepared()
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d statements prepared; want %d", got, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A statement run through the prepared queryer is prepared on the connection, and a
// later transaction on that connection runs it as that prepared statement.
func TestPreparedStatementsAreReused(t *testing.T) {
	t.Parallel()
	db := postgrestest.New(t)
	db.SetMaxOpenConns(1) // one connection: every transaction below is on it
	ctx := testCtx(t)
	const stmt = `SELECT count(*) FROM organizations WHERE id > $1`
	run := func() int {
		t.Helper()
		var inPrepared int
		err := db.WithPrepared(ctx, true, func(q sqlx.ExtContext) error {
			var n int
			if err := sqlx.GetContext(ctx, q, &n, stmt, 0); err != nil {
				return err
			}
			return sqlx.GetContext(ctx, q, &inPrepared, `SELECT count(*) FROM pg_prepared_statements WHERE statement = $1`, stmt)
		})
		if err != nil {
			t.Fatal(err)
		}
		return inPrepared
	}
	run() // first met in a transaction: runs unprepared, prepared for the pool afterwards
	waitPrepared(t, db.PreparedStatements, 2)
	if got := run(); got != 1 {
		t.Errorf("the second run found the statement prepared on its connection %d times; want 1", got)
	}
}

// A statement that cannot be prepared (two statements in one string) still runs, as it
// would without the cache, and is not tried again.
func TestPreparedStatementsFallBack(t *testing.T) {
	t.Parallel()
	db := postgrestest.New(t)
	ctx := testCtx(t)
	for i := 0; i < 3; i++ {
		if err := db.WithPrepared(ctx, false, func(q sqlx.ExtContext) error {
			_, err := q.ExecContext(ctx, `SELECT 1; SELECT 2`)
			return err
		}); err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
	}
	if _, refused := db.PreparedStatements(); refused != 1 {
		t.Errorf("%d statements refused; want 1", refused)
	}
}

// Transactions that fill the pool and each meet statements never prepared before go on:
// none waits for a connection to prepare one.
func TestPreparedStatementsFullPool(t *testing.T) {
	t.Parallel()
	db := postgrestest.New(t)
	db.SetMaxOpenConns(2)
	ctx, cancel := context.WithTimeout(testCtx(t), 30*time.Second)
	defer cancel()
	stmts := []string{`SELECT $1::int + 1`, `SELECT $1::int + 2`, `SELECT $1::int + 3`, `SELECT $1::int + 4`}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				if err := db.WithPrepared(ctx, true, func(q sqlx.ExtContext) error {
					for j, s := range stmts {
						var n int
						if err := sqlx.GetContext(ctx, q, &n, s, i); err != nil {
							return err
						}
						if n != i+j+1 {
							t.Errorf("%s with %d = %d", s, i, n)
						}
					}
					return nil
				}); err != nil {
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
	waitPrepared(t, db.PreparedStatements, len(stmts))
}

// The orders store's pool plans its statements generically; the main pool as PostgreSQL
// chooses.
func TestGenericPool(t *testing.T) {
	t.Parallel()
	db := postgrestest.New(t)
	ctx := testCtx(t)
	main, generic := db.PlanCacheModes(ctx)
	if main != "auto" || generic != "force_generic_plan" {
		t.Errorf("plan_cache_mode: main pool %q, orders pool %q; want auto, force_generic_plan", main, generic)
	}
}
