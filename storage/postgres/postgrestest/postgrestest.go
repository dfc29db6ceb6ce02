// Package postgrestest gives each test its own fresh, migrated PostgreSQL database on the
// server that `make test` starts. A test that cannot reach it fails; it never skips.
package postgrestest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"regexp"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq" // the driver behind sqlx.Connect

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
	base := URL(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := sqlx.ConnectContext(ctx, "postgres", base)
	if err != nil {
		t.Fatalf("postgrestest: cannot reach PostgreSQL at DATABASE_URL (start it with `make services`): %v", err)
	}
	defer admin.Close()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "sheber_test_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
		t.Fatalf("postgrestest: create database: %v", err)
	}
	t.Cleanup(func() {
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
			if _, dropErr = admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); dropErr == nil {
				return
			}
			time.Sleep(300 * time.Millisecond)
		}
		t.Errorf("postgrestest: drop %s: %v", name, dropErr)
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("postgrestest: DATABASE_URL: %v", err)
	}
	u.Path = "/" + name
	return u.String()
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
