package accounts_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/accounts/argon2id"
	"github.com/sheber-kz/sheber/storage/postgres"
	"github.com/sheber-kz/sheber/storage/postgres/postgrestest"
	"github.com/sheber-kz/sheber/storage/redis"
	"github.com/sheber-kz/sheber/storage/redis/redistest"
)

// binSerial makes every BIN that testBIN returns in one test binary distinct.
var binSerial atomic.Int64

// testBIN returns a valid BIN, different on every call: registered in 2024, a resident
// legal entity (type 4), with the serial taken from a counter. n is mixed in so that a
// caller can ask for a reproducible one.
func testBIN(t testing.TB, n int) string {
	t.Helper()
	serial := int64(n)*1000 + binSerial.Add(1)
	for month := 1; month <= 12; month++ {
		prefix := fmt.Sprintf("24%02d4%06d", month, serial%1_000_000)
		if d, ok := accounts.BINCheckDigit(prefix); ok {
			return fmt.Sprintf("%s%d", prefix, d)
		}
	}
	t.Fatalf("no valid BIN for serial %d", serial)
	return ""
}

// cheapHasher is Argon2id with the smallest parameters, so that tests under -race stay
// fast; production uses argon2id.Recommended.
func cheapHasher() *argon2id.Hasher {
	return &argon2id.Hasher{Params: argon2id.Params{MemoryKiB: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}}
}

const testPublicURL = "https://sheber.test"

// env is an accounts.Service wired to a fresh PostgreSQL database and a private Redis key
// prefix.
type env struct {
	db       *postgres.DB
	store    *postgres.AccountsStore
	redis    *redis.Client
	sessions *redis.Sessions
	hasher   *argon2id.Hasher
	svc      *accounts.Service
}

func newEnv(t *testing.T) *env {
	t.Helper()
	db := postgrestest.New(t)
	rc := redistest.New(t)
	e := &env{db: db, store: postgres.NewAccountsStore(db), redis: rc, sessions: redis.NewSessions(rc), hasher: cheapHasher()}
	e.svc = &accounts.Service{Store: e.store, Sessions: e.sessions, Limiter: redis.Limiter{Client: rc}, Hasher: e.hasher, PublicURL: testPublicURL}
	return e
}

func ctxT(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// org creates an organization of kind in region with the kind's first subtype.
func (e *env) org(t *testing.T, kind accounts.Kind, region string) accounts.Organization {
	t.Helper()
	o := accounts.Organization{BIN: testBIN(t, 0), Kind: kind, Subtype: accounts.Subtypes[kind][0],
		Name: accounts.Text{RU: "Организация " + string(kind), KK: "Ұйым", EN: "Organization"}, Region: region}
	if kind == accounts.KindProducerInstitution {
		o.InstitutionNumber = 16
	}
	if err := o.Validate(); err != nil {
		t.Fatalf("fixture organization: %v", err)
	}
	if err := e.store.CreateOrganization(ctxT(t), &o); err != nil {
		t.Fatalf("CreateOrganization: %v", err)
	}
	return o
}

// user creates a user with password.
func (e *env) user(t *testing.T, email, password string) accounts.User {
	t.Helper()
	hash, err := e.hasher.Hash(password)
	if err != nil {
		t.Fatal(err)
	}
	u := accounts.User{Email: email, Name: "User " + email, PasswordHash: hash}
	if err := e.store.CreateUser(ctxT(t), &u); err != nil {
		t.Fatalf("CreateUser(%s): %v", email, err)
	}
	return u
}

// member gives u role in org.
func (e *env) member(t *testing.T, u accounts.User, org accounts.Organization, role accounts.Role) {
	t.Helper()
	if err := e.store.AddMembership(ctxT(t), accounts.Membership{UserID: u.ID, OrgID: org.ID, Role: role}); err != nil {
		t.Fatalf("AddMembership: %v", err)
	}
}

// actor returns u as a signed-in actor with the memberships stored for it.
func (e *env) actor(t *testing.T, u accounts.User) accounts.Actor {
	t.Helper()
	ms, err := e.store.UserMemberships(ctxT(t), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return accounts.Actor{UserID: u.ID, Memberships: ms}
}

// wantCode fails the test unless err has code (nil when code is "").
func wantCode(t *testing.T, err error, code accounts.Code) {
	t.Helper()
	if got := accounts.ErrorCode(err); got != code {
		t.Fatalf("error = %v (code %q); want code %q", err, got, code)
	}
}
