package postgres

import (
	"context"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/sheber-kz/sheber/catalog"
)

// ExplainSearch returns the plan PostgreSQL chooses for Search's statement for q (folded),
// under Search's settings, in a transaction that is rolled back.
func (s *CatalogStore) ExplainSearch(ctx context.Context, q catalog.SearchQuery) (string, error) {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return "", err
	}
	defer func() { _ = tx.Rollback() }()
	query, args, err := prepareSearch(ctx, tx, q, searchWords(q.Text))
	if err != nil {
		return "", err
	}
	var lines []string
	if err := tx.SelectContext(ctx, &lines, "EXPLAIN "+query, args...); err != nil {
		return "", err
	}
	return strings.Join(lines, "\n"), nil
}

// PreparedStatements counts the pool's prepared statements and those that would not
// prepare.
func (db *DB) PreparedStatements() (prepared, refused int) {
	db.stmts.mu.Lock()
	defer db.stmts.mu.Unlock()
	for _, st := range db.stmts.stmts {
		if st == nil {
			refused++
		} else {
			prepared++
		}
	}
	return prepared, refused
}

// WithPrepared runs fn with the pool's queryer of prepared statements, in a transaction
// when transaction (committed if fn returns nil).
func (db *DB) WithPrepared(ctx context.Context, transaction bool, fn func(q sqlx.ExtContext) error) error {
	if !transaction {
		return fn(db.prepared())
	}
	return inTx(ctx, db.DB, db.prepared(), func(q queryer) error { return fn(q) })
}

// PlanCacheModes returns plan_cache_mode in a session of the main pool and of the
// generic one.
func (db *DB) PlanCacheModes(ctx context.Context) (main, generic string) {
	_ = db.GetContext(ctx, &main, `SHOW plan_cache_mode`)
	_ = db.generic.GetContext(ctx, &generic, `SHOW plan_cache_mode`)
	return main, generic
}
