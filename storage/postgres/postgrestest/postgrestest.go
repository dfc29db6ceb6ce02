// Package postgrestest gives each test its own fresh, migrated PostgreSQL database on the
// server that `make test` starts. A test that cannot reach it fails; it never skips.
package postgrestest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq" // the driver behind sqlx.Connect; QuoteIdentifier

	"github.com/sheber-kz/sheber/storage/postgres"
)

// URL returns DATABASE_URL or fails the test with a message saying how to start services.
func URL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("DATABASE_URL")
	if u == "" {
		t.Fatal("DATABASE_URL is not set: run the tests with `make test`, which starts PostgreSQL, Redis and MinIO")
	}
	return u
}

// NewDatabase creates an empty database and returns its URL; it is dropped when the test
// ends.
func NewDatabase(t testing.TB) string {
	t.Helper()
	return newDatabase(t, "")
}

// NewDatabaseFrom creates a database as a copy of the template database named template
// (see Template) and returns its URL; it is dropped when the test ends.
func NewDatabaseFrom(t testing.TB, template string) string {
	t.Helper()
	return newDatabase(t, template)
}

func newDatabase(t testing.TB, template string) string {
	t.Helper()
	base := URL(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	admin, err := sqlx.ConnectContext(ctx, "postgres", base)
	if err != nil {
		t.Fatalf("postgrestest: cannot reach PostgreSQL at DATABASE_URL (start it with `make services`): %v", err)
	}
	defer admin.Close()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "sheber_test_" + hex.EncodeToString(b)
	create := `CREATE DATABASE ` + name
	if template != "" {
		create += ` TEMPLATE ` + pq.QuoteIdentifier(template)
	}
	if _, err := admin.ExecContext(ctx, create); err != nil {
		t.Fatalf("postgrestest: create database: %v", err)
	}
	t.Cleanup(func() { dropDatabase(t, base, name) })
	return databaseURL(t, base, name)
}

// dropDatabase drops database name, reporting a failure to t.
func dropDatabase(t testing.TB, base, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := sqlx.ConnectContext(ctx, "postgres", base)
	if err != nil {
		t.Errorf("postgrestest: drop %s: %v", name, err)
		return
	}
	defer admin.Close()
	// FORCE ends the test's leftover connections; it can still be refused for a moment
	// while a server process (autovacuum) holds the database, so try a few times.
	var dropErr error
	for attempt := 0; attempt < 10; attempt++ {
		if _, dropErr = admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+pq.QuoteIdentifier(name)+` WITH (FORCE)`); dropErr == nil {
			return
		}
		time.Sleep(300 * time.Millisecond)
	}
	t.Errorf("postgrestest: drop %s: %v", name, dropErr)
}

func databaseURL(t testing.TB, base, name string) string {
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("postgrestest: DATABASE_URL: %v", err)
	}
	u.Path = "/" + name
	return u.String()
}

// templates are the template databases of this test process, by key.
var templates struct {
	sync.Mutex
	names map[string]string
	errs  map[string]error
}

// Template returns the name of a database that build fills once per test process (build
// gets its URL), for NewDatabaseFrom to copy: a costly set-up, such as the demo data, is
// done once, and every test still gets a database of its own. A build that fails fails
// every test that asks for the template. Call DropTemplates when the tests are done.
func Template(t testing.TB, key string, build func(databaseURL string) error) string {
	t.Helper()
	templates.Lock()
	defer templates.Unlock()
	if name, ok := templates.names[key]; ok {
		return name
	}
	if err, ok := templates.errs[key]; ok {
		t.Fatalf("postgrestest: template %s: %v", key, err)
	}
	if templates.names == nil {
		templates.names, templates.errs = map[string]string{}, map[string]error{}
	}
	base := URL(t)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "sheber_template_" + hex.EncodeToString(b)
	// admin runs one statement on the server's default database.
	admin := func(query string, args ...any) error {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		db, err := sqlx.ConnectContext(ctx, "postgres", base)
		if err != nil {
			return fmt.Errorf("cannot reach PostgreSQL at DATABASE_URL (start it with `make services`): %w", err)
		}
		defer db.Close()
		_, err = db.ExecContext(ctx, query, args...)
		return err
	}
	err := func() error {
		if err := admin(`CREATE DATABASE ` + name); err != nil {
			return err
		}
		templates.names[key] = name // from now on DropTemplates drops it
		if err := build(databaseURL(t, base, name)); err != nil {
			return err
		}
		// A copy needs the template without connections: end any the build left open.
		return admin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, name)
	}()
	if err != nil {
		delete(templates.names, key)
		templates.errs[key] = err
		dropDatabase(t, base, name)
		t.Fatalf("postgrestest: template %s: %v", key, err)
	}
	return name
}

// DropTemplates drops the template databases that Template made; TestMain calls it after
// the tests ran. It reports the first failure.
func DropTemplates() error {
	templates.Lock()
	defer templates.Unlock()
	base := os.Getenv("DATABASE_URL")
	if len(templates.names) == 0 || base == "" {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := sqlx.ConnectContext(ctx, "postgres", base)
	if err != nil {
		return err
	}
	defer admin.Close()
	var first error
	for key, name := range templates.names {
		if _, err := admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+pq.QuoteIdentifier(name)+` WITH (FORCE)`); err != nil && first == nil {
			first = fmt.Errorf("postgrestest: drop template %s: %w", name, err)
		}
		delete(templates.names, key)
	}
	return first
}

// New returns a connection to a fresh database with every migration applied.
func New(t testing.TB) *postgres.DB {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	db, err := postgres.Open(ctx, NewDatabase(t))
	if err != nil {
		t.Fatalf("postgrestest: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.MigrateUp(ctx, nil); err != nil {
		t.Fatalf("postgrestest: migrate: %v", err)
	}
	return db
}

// invitationLinkPattern finds an invitation link in an e-mail's text.
var invitationLinkPattern = regexp.MustCompile(`https?://\S+/invitations/([a-z0-9]+)`)

// InvitationLink returns the invitation link in the newest e-mail queued for to, and the
// secret it carries: the link reaches only the invited mailbox, so tests read it there.
func InvitationLink(t testing.TB, db *postgres.DB, to string) (link, secret string) {
	t.Helper()
	var body string
	const q = `SELECT body FROM email_outbox WHERE recipient = $1 ORDER BY id DESC LIMIT 1`
	if err := db.GetContext(context.Background(), &body, q, to); err != nil {
		t.Fatalf("postgrestest: no e-mail queued for %s: %v", to, err)
	}
	m := invitationLinkPattern.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("postgrestest: the e-mail to %s has no invitation link:\n%s", to, body)
	}
	return m[0], m[1]
}
