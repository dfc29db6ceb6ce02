// Package postgres implements the domain stores on PostgreSQL with sqlx and lib/pq. All of
// Sheber's SQL lives in this package, as plain strings beside the code that runs them.
// It also applies the embedded goose migrations and translates PostgreSQL errors (SQLSTATE)
// into the domain's error codes in one place.
package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/migrations"
)

// Pool limits. The server is stateless and several processes may share one PostgreSQL,
// so each keeps a modest pool.
const (
	MaxOpenConns    = 25
	MaxIdleConns    = 10
	ConnMaxLifetime = 30 * time.Minute
	ConnMaxIdleTime = 5 * time.Minute
)

// DB is a connection pool to Sheber's database, with a second pool for the orders
// store (see generic).
type DB struct {
	*sqlx.DB
	stmts *stmtCache // the prepared statements of the accounts and procurement stores (prepared.go)
	// generic is a pool whose sessions plan prepared statements once, generically
	// (plan_cache_mode = force_generic_plan), for the orders store: its statements are
	// keyed reads and writes whose plans do not depend on the values, and PostgreSQL
	// otherwise planned those with arrays of ids again at every run (their custom plans
	// look cheaper than a generic one). Its list reads with optional filters, whose best
	// plan does, run on the main pool. MaxOpenConns each.
	generic      *sqlx.DB
	genericStmts *stmtCache
}

// prepared is the pool as a queryer that runs statements prepared.
func (db *DB) prepared() queryer {
	return preparedQueryer{queryer: db.DB, cache: db.stmts}
}

// preparedGeneric is the generic pool as a queryer that runs statements prepared.
func (db *DB) preparedGeneric() queryer {
	return preparedQueryer{queryer: db.generic, cache: db.genericStmts}
}

// Close closes both pools.
func (db *DB) Close() error {
	err := db.generic.Close()
	return errors.Join(db.DB.Close(), err)
}

// Open connects to url and checks the connection within ctx.
func Open(ctx context.Context, url string) (*DB, error) {
	db, err := openPool(ctx, url)
	if err != nil {
		return nil, err
	}
	genericURL, err := withRuntimeParam(url, "plan_cache_mode", "force_generic_plan")
	if err != nil {
		db.Close()
		return nil, err
	}
	generic, err := openPool(ctx, genericURL)
	if err != nil {
		db.Close()
		return nil, err
	}
	return &DB{DB: db, stmts: newStmtCache(db), generic: generic, genericStmts: newStmtCache(generic)}, nil
}

// openPool opens a pool on url with the pool limits and checks a connection.
func openPool(ctx context.Context, url string) (*sqlx.DB, error) {
	db, err := sqlx.Open("postgres", url)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	db.SetMaxOpenConns(MaxOpenConns)
	db.SetMaxIdleConns(MaxIdleConns)
	db.SetConnMaxLifetime(ConnMaxLifetime)
	db.SetConnMaxIdleTime(ConnMaxIdleTime)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	return db, nil
}

// withRuntimeParam adds a run-time parameter to a postgres:// URL (lib/pq sends the
// parameters it does not know itself to the server at connection start).
func withRuntimeParam(raw, name, value string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", fmt.Errorf("postgres: DATABASE_URL must be a postgres:// URL")
	}
	q := u.Query()
	q.Set(name, value)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.PingContext(ctx) }

// Analyze gathers the planner's statistics of every table now, as autovacuum does a while
// after a table has changed; PostgreSQL then plans again the statements prepared on the
// old statistics.
func (db *DB) Analyze(ctx context.Context) error {
	_, err := db.ExecContext(ctx, `ANALYZE`)
	return translate(err)
}

// migrationLockID is the advisory lock that serializes concurrent migrators; any fixed
// number unique to this application works.
const migrationLockID = 0x5EBE_0001

func (db *DB) migrator(logger *slog.Logger) (*goose.Provider, error) {
	locker, err := lock.NewPostgresSessionLocker(
		lock.WithLockID(migrationLockID),
		lock.WithLockTimeout(1, 600), // poll every second, give up after 10 minutes
	)
	if err != nil {
		return nil, err
	}
	// Out of order: migrations are numbered when work starts and land when it is done, so
	// a database may have applied a higher number before a lower one arrives; each
	// migration stands on its own, so the lower one is applied then rather than refused.
	opts := []goose.ProviderOption{goose.WithSessionLocker(locker), goose.WithAllowOutofOrder(true)}
	if logger != nil {
		opts = append(opts, goose.WithSlog(logger))
	}
	return goose.NewProvider(goose.DialectPostgres, db.DB.DB, migrations.FS, opts...)
}

// MigrateUp applies every pending migration. Concurrent callers (several processes
// starting at once) are serialized by a PostgreSQL advisory lock.
func (db *DB) MigrateUp(ctx context.Context, logger *slog.Logger) ([]*goose.MigrationResult, error) {
	p, err := db.migrator(logger)
	if err != nil {
		return nil, fmt.Errorf("postgres: migrations: %w", err)
	}
	return p.Up(ctx)
}

// MigrateDown rolls back the latest migration.
func (db *DB) MigrateDown(ctx context.Context, logger *slog.Logger) (*goose.MigrationResult, error) {
	p, err := db.migrator(logger)
	if err != nil {
		return nil, fmt.Errorf("postgres: migrations: %w", err)
	}
	return p.Down(ctx)
}

// MigrationStatus lists every known migration and whether it is applied.
func (db *DB) MigrationStatus(ctx context.Context) ([]*goose.MigrationStatus, error) {
	p, err := db.migrator(nil)
	if err != nil {
		return nil, fmt.Errorf("postgres: migrations: %w", err)
	}
	return p.Status(ctx)
}

// ErrSchemaBehind is returned by CheckSchema when migrations are pending.
var ErrSchemaBehind = errors.New("the database schema is behind this binary: run `sheber migrate up` (or `make migrate`) first")

// CheckSchema returns ErrSchemaBehind (wrapped with the versions) unless every embedded
// migration is applied.
func (db *DB) CheckSchema(ctx context.Context) error {
	p, err := db.migrator(nil)
	if err != nil {
		return fmt.Errorf("postgres: migrations: %w", err)
	}
	current, target, err := p.GetVersions(ctx)
	if err != nil {
		return fmt.Errorf("postgres: schema version: %w", err)
	}
	if current < target {
		return fmt.Errorf("%w (database at version %d, binary needs %d)", ErrSchemaBehind, current, target)
	}
	return nil
}

// queryer is what both *sqlx.DB and *sqlx.Tx offer; stores run their SQL through it so
// the same code works inside and outside a transaction.
type queryer interface {
	sqlx.ExtContext
	GetContext(ctx context.Context, dest any, query string, args ...any) error
	SelectContext(ctx context.Context, dest any, query string, args ...any) error
}

// inTx runs fn in a transaction on db, or directly on q when q already is one. A
// transaction begun for a queryer of prepared statements runs them prepared too.
func inTx(ctx context.Context, db *sqlx.DB, q queryer, fn func(queryer) error) error {
	if isTx(q) {
		return fn(q)
	}
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return translate(err)
	}
	var txq queryer = tx
	if p, ok := q.(preparedQueryer); ok {
		txq = p.on(tx)
	}
	if err := fn(txq); err != nil {
		_ = tx.Rollback()
		return err
	}
	return translate(tx.Commit())
}

// translate maps driver errors to domain errors; every store passes its errors through it.
func translate(err error) error {
	if err == nil {
		return nil
	}
	var de *accounts.Error
	if errors.As(err, &de) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return &accounts.Error{Code: accounts.CodeNotFound, Message: "not found"}
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return &accounts.Error{Code: accounts.CodeUnavailable, Message: "the request took too long", Err: err}
	}
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		switch pqErr.Code {
		case "23505": // unique_violation
			return &accounts.Error{Code: accounts.CodeConflict, Message: "already exists", Err: err}
		case "23503": // foreign_key_violation
			return &accounts.Error{Code: accounts.CodeInvalid, Message: "refers to something that does not exist", Err: err}
		case "23514", "22001", "22P02": // check_violation, string too long, invalid text
			return &accounts.Error{Code: accounts.CodeInvalid, Message: "value not allowed", Err: err}
		case "40001", "40P01": // serialization failure, deadlock
			return &accounts.Error{Code: accounts.CodeConflict, Message: "a concurrent change got there first; retry", Err: err}
		case "57014": // query_canceled (statement timeout or cancelled context)
			return &accounts.Error{Code: accounts.CodeUnavailable, Message: "the request took too long", Err: err}
		}
	}
	return accounts.Internal(err)
}

// EnsureDatabase creates the database name on the server of baseURL unless it exists, and
// returns its URL. name must be a plain identifier (letters, digits, underscores); it is
// for tools such as the benchmarks, which keep their data apart from the portal's.
func EnsureDatabase(ctx context.Context, baseURL, name string) (string, error) {
	for _, r := range name {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return "", fmt.Errorf("postgres: database name %q: only a-z, 0-9 and _", name)
		}
	}
	u, err := url.Parse(baseURL)
	if err != nil || name == "" {
		return "", fmt.Errorf("postgres: DATABASE_URL or database name is malformed")
	}
	admin, err := sqlx.ConnectContext(ctx, "postgres", baseURL)
	if err != nil {
		return "", fmt.Errorf("postgres: %w", err)
	}
	defer admin.Close()
	var exists bool
	if err := admin.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name); err != nil {
		return "", fmt.Errorf("postgres: %w", err)
	}
	if !exists {
		if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name); err != nil && !strings.Contains(err.Error(), "already exists") {
			return "", fmt.Errorf("postgres: create database %s: %w", name, err)
		}
	}
	u.Path = "/" + name
	return u.String(), nil
}

// RecreateDatabaseFrom drops the database name on the server of baseURL if it exists and
// creates it again as a copy of the database template, and returns its URL. Both names
// must be plain identifiers, and nobody may be connected to either (PostgreSQL refuses
// otherwise). It is for the benchmarks, which start every run from the same prepared data.
func RecreateDatabaseFrom(ctx context.Context, baseURL, template, name string) (string, error) {
	for _, n := range []string{template, name} {
		for _, r := range n {
			if !(r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
				return "", fmt.Errorf("postgres: database name %q: only a-z, 0-9 and _", n)
			}
		}
	}
	u, err := url.Parse(baseURL)
	if err != nil || template == "" || name == "" || template == name {
		return "", fmt.Errorf("postgres: DATABASE_URL or database names are malformed")
	}
	admin, err := sqlx.ConnectContext(ctx, "postgres", baseURL)
	if err != nil {
		return "", fmt.Errorf("postgres: %w", err)
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+name); err != nil {
		return "", fmt.Errorf("postgres: drop database %s: %w", name, err)
	}
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name+` TEMPLATE `+template); err != nil {
		return "", fmt.Errorf("postgres: create database %s from %s: %w", name, template, err)
	}
	u.Path = "/" + name
	return u.String(), nil
}
