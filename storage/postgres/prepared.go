package postgres

import (
	"context"
	"database/sql"
	"sync"

	"github.com/jmoiron/sqlx"
)

// Prepared statements for the stores whose statements are few and fixed and run on every
// request (accounts, orders, procurement). lib/pq otherwise sends each statement as an
// unnamed one, which PostgreSQL parses, analyses and plans every time: in the orders
// benchmark planning took 40 s of the 100 s its statements ran (pg_stat_statements with
// track_planning), more than executing most of them. A prepared statement is parsed once
// per connection, and PostgreSQL plans it once for good when its generic plan is as good
// as the custom ones.
//
// database/sql prepares a *sql.Stmt lazily on each connection it runs on, and a
// transaction's Stmtx reuses the statement already prepared on the transaction's
// connection. Preparing the pool's statement itself needs a connection of its own, which
// a transaction must not wait for (a full pool of transactions each waiting for one more
// connection would never go on), so a statement first met in a transaction runs
// unprepared and is prepared for the pool in the background.

// MaxPreparedStatements bounds the distinct statements a pool prepares; statements met
// after that run unprepared. The stores' statements are constants, except a few built for
// a number of rows (batched inserts), so the bound is never reached by the stores'
// ordinary work.
const MaxPreparedStatements = 512

// stmtCache holds the pool's prepared statements by their text. A nil *sqlx.Stmt marks a
// statement that would not prepare (it then always runs unprepared, and its error, if it
// has one, comes from that run).
type stmtCache struct {
	db      *sqlx.DB
	mu      sync.Mutex
	stmts   map[string]*sqlx.Stmt
	pending map[string]bool // being prepared in the background
}

func newStmtCache(db *sqlx.DB) *stmtCache {
	return &stmtCache{db: db, stmts: map[string]*sqlx.Stmt{}, pending: map[string]bool{}}
}

// get returns the pool's prepared statement for query. inTx says the caller holds a
// transaction: then a statement not prepared yet is not waited for (ok false) but
// prepared in the background.
func (c *stmtCache) get(ctx context.Context, query string, inTx bool) (*sqlx.Stmt, bool) {
	c.mu.Lock()
	st, known := c.stmts[query]
	full := len(c.stmts)+len(c.pending) >= MaxPreparedStatements
	switch {
	case known:
		c.mu.Unlock()
		return st, st != nil
	case full || c.pending[query]:
		c.mu.Unlock()
		return nil, false
	case inTx:
		c.pending[query] = true
		c.mu.Unlock()
		go c.prepare(context.WithoutCancel(ctx), query)
		return nil, false
	}
	c.mu.Unlock()
	st = c.prepare(ctx, query)
	return st, st != nil
}

// prepare prepares query for the pool and keeps it (or its failure to prepare, except a
// failure of the context, which says nothing of the statement).
func (c *stmtCache) prepare(ctx context.Context, query string) *sqlx.Stmt {
	st, err := c.db.PreparexContext(ctx, query)
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.pending, query)
	if err != nil {
		if ctx.Err() == nil {
			c.stmts[query] = nil
		}
		return nil
	}
	if old, ok := c.stmts[query]; ok && old != nil { // prepared twice at once: keep one
		_ = st.Close()
		return old
	}
	c.stmts[query] = st
	return st
}

// preparedQueryer is a queryer (the pool, or a transaction: tx) that runs statements as
// the cache's prepared statements and falls back to the plain queryer.
type preparedQueryer struct {
	queryer
	tx    *sqlx.Tx // nil on the pool
	cache *stmtCache
}

// on returns the preparedQueryer of transaction tx.
func (p preparedQueryer) on(tx *sqlx.Tx) preparedQueryer {
	return preparedQueryer{queryer: tx, tx: tx, cache: p.cache}
}

// stmt returns the prepared statement for query, bound to the transaction if there is
// one.
func (p preparedQueryer) stmt(ctx context.Context, query string) (*sqlx.Stmt, bool) {
	st, ok := p.cache.get(ctx, query, p.tx != nil)
	if !ok {
		return nil, false
	}
	if p.tx != nil {
		return p.tx.StmtxContext(ctx, st), true
	}
	return st, true
}

func (p preparedQueryer) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st, ok := p.stmt(ctx, query); ok {
		return st.ExecContext(ctx, args...)
	}
	return p.queryer.ExecContext(ctx, query, args...)
}

func (p preparedQueryer) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st, ok := p.stmt(ctx, query); ok {
		return st.QueryContext(ctx, args...)
	}
	return p.queryer.QueryContext(ctx, query, args...)
}

func (p preparedQueryer) QueryxContext(ctx context.Context, query string, args ...any) (*sqlx.Rows, error) {
	if st, ok := p.stmt(ctx, query); ok {
		return st.QueryxContext(ctx, args...)
	}
	return p.queryer.QueryxContext(ctx, query, args...)
}

func (p preparedQueryer) QueryRowxContext(ctx context.Context, query string, args ...any) *sqlx.Row {
	if st, ok := p.stmt(ctx, query); ok {
		return st.QueryRowxContext(ctx, args...)
	}
	return p.queryer.QueryRowxContext(ctx, query, args...)
}

func (p preparedQueryer) GetContext(ctx context.Context, dest any, query string, args ...any) error {
	if st, ok := p.stmt(ctx, query); ok {
		return st.GetContext(ctx, dest, args...)
	}
	return p.queryer.GetContext(ctx, dest, query, args...)
}

func (p preparedQueryer) SelectContext(ctx context.Context, dest any, query string, args ...any) error {
	if st, ok := p.stmt(ctx, query); ok {
		return st.SelectContext(ctx, dest, args...)
	}
	return p.queryer.SelectContext(ctx, dest, query, args...)
}

// isTx reports whether q runs in a transaction.
func isTx(q queryer) bool {
	switch v := q.(type) {
	case *sqlx.Tx:
		return true
	case preparedQueryer:
		return v.tx != nil
	}
	return false
}
