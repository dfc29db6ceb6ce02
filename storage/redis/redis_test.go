package redis_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/storage/redis"
	"github.com/sheber-kz/sheber/storage/redis/redistest"
)

func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func newSession(id string, userID int64, created time.Time) accounts.Session {
	return accounts.Session{ID: id, UserID: userID, CreatedAt: created, LastSeenAt: created, IP: "10.0.0.1", UserAgent: "Firefox"}
}

// keysOf lists the test's keys.
func keysOf(t *testing.T, c *redis.Client) []string {
	t.Helper()
	keys, err := c.Raw().Keys(testCtx(t), "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

func TestSessionLifecycle(t *testing.T) {
	c := redistest.New(t)
	s := redis.NewSessions(c)
	ctx := testCtx(t)
	now := time.Now().UTC().Truncate(time.Millisecond)
	sess := newSession("secret-session-id-1", 42, now)
	if err := s.CreateSession(ctx, sess); err != nil {
		t.Fatal(err)
	}
	// Only the hash of the id is stored, never the id itself.
	for _, k := range keysOf(t, c) {
		if strings.Contains(k, sess.ID) {
			t.Errorf("key %q contains the session secret", k)
		}
	}
	ttl := c.Raw().PTTL(ctx, sessKey(t, c, sess.ID)).Val()
	if ttl <= accounts.SessionIdleTimeout-time.Minute || ttl > accounts.SessionIdleTimeout {
		t.Errorf("new session TTL = %v; want about %v", ttl, accounts.SessionIdleTimeout)
	}

	later := now.Add(time.Minute)
	got, err := s.TouchSession(ctx, sess.ID, later)
	if err != nil {
		t.Fatal(err)
	}
	want := sess
	want.LastSeenAt = later
	if got != want {
		t.Errorf("TouchSession = %+v; want %+v", got, want)
	}
	_, err = s.TouchSession(ctx, "another-id", later)
	if !errors.Is(err, accounts.ErrNotFound) {
		t.Errorf("TouchSession(unknown) = %v; want ErrNotFound", err)
	}

	// Near the absolute deadline, the idle expiry is cut short to meet it.
	near := now.Add(accounts.SessionAbsoluteTimeout - 10*time.Second)
	if _, err := s.TouchSession(ctx, sess.ID, near); err != nil {
		t.Fatal(err)
	}
	if ttl := c.Raw().PTTL(ctx, sessKey(t, c, sess.ID)).Val(); ttl <= 0 || ttl > 10*time.Second {
		t.Errorf("TTL near the absolute deadline = %v; want at most 10s", ttl)
	}
	// Past it, the session is gone.
	if _, err := s.TouchSession(ctx, sess.ID, now.Add(accounts.SessionAbsoluteTimeout)); !errors.Is(err, accounts.ErrNotFound) {
		t.Errorf("TouchSession at the absolute deadline = %v; want ErrNotFound", err)
	}
	if n := c.Raw().Exists(ctx, sessKey(t, c, sess.ID)).Val(); n != 0 {
		t.Error("an expired session's record was left behind")
	}

	if err := s.DeleteSession(ctx, "never-existed"); err != nil {
		t.Errorf("DeleteSession(missing) = %v", err)
	}
}

// sessKey finds the key a session is stored under: the only key that is not a user's set.
func sessKey(t *testing.T, c *redis.Client, id string) string {
	t.Helper()
	for _, k := range keysOf(t, c) {
		if strings.Contains(k, "sess:"+accounts.HashSecret(id)) {
			return k
		}
	}
	return "missing"
}

func TestDeleteUserSessions(t *testing.T) {
	c := redistest.New(t)
	s := redis.NewSessions(c)
	ctx := testCtx(t)
	now := time.Now().UTC()
	for i := 0; i < 3; i++ {
		if err := s.CreateSession(ctx, newSession(fmt.Sprintf("user7-%d", i), 7, now)); err != nil {
			t.Fatal(err)
		}
	}
	// One more that is about to reach its absolute deadline.
	old := newSession("user7-old", 7, now.Add(-accounts.SessionAbsoluteTimeout+50*time.Millisecond))
	old.LastSeenAt = now
	if err := s.CreateSession(ctx, old); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateSession(ctx, newSession("user8-0", 8, now)); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteSession(ctx, "user7-0"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(150 * time.Millisecond)

	n, err := s.DeleteUserSessions(ctx, 7)
	if err != nil || n != 2 {
		t.Fatalf("DeleteUserSessions = %d, %v; want 2 (deleted and expired ones not counted)", n, err)
	}
	for i := 0; i < 3; i++ {
		if _, err := s.TouchSession(ctx, fmt.Sprintf("user7-%d", i), time.Now()); !errors.Is(err, accounts.ErrNotFound) {
			t.Errorf("session %d of user 7 after DeleteUserSessions: %v", i, err)
		}
	}
	if _, err := s.TouchSession(ctx, "user8-0", time.Now()); err != nil {
		t.Errorf("user 8's session: %v", err)
	}
	if n, err := s.DeleteUserSessions(ctx, 7); err != nil || n != 0 {
		t.Errorf("second DeleteUserSessions = %d, %v; want 0", n, err)
	}
}

// Two deployments (two prefixes) on one Redis do not see each other's sessions.
func TestPrefixesIsolate(t *testing.T) {
	a, b := redis.NewSessions(redistest.New(t)), redis.NewSessions(redistest.New(t))
	ctx := testCtx(t)
	if err := a.CreateSession(ctx, newSession("shared-id", 1, time.Now())); err != nil {
		t.Fatal(err)
	}
	if _, err := b.TouchSession(ctx, "shared-id", time.Now()); !errors.Is(err, accounts.ErrNotFound) {
		t.Errorf("session visible under another prefix: %v", err)
	}
	if n, err := b.DeleteUserSessions(ctx, 1); err != nil || n != 0 {
		t.Errorf("DeleteUserSessions under another prefix = %d, %v", n, err)
	}
	if _, err := a.TouchSession(ctx, "shared-id", time.Now()); err != nil {
		t.Errorf("session gone: %v", err)
	}
}

// A request touching a session while the user signs out must not bring back a partial
// record: after the logout, the session is simply gone.
func TestTouchRacingDelete(t *testing.T) {
	c := redistest.New(t)
	s := redis.NewSessions(c)
	ctx := testCtx(t)
	for i := 0; i < 200; i++ {
		id := fmt.Sprintf("racing-%d", i)
		if err := s.CreateSession(ctx, newSession(id, 9, time.Now())); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		wg.Add(2)
		go func() {
			defer wg.Done()
			for j := 0; j < 3; j++ {
				if _, err := s.TouchSession(ctx, id, time.Now()); err != nil && !errors.Is(err, accounts.ErrNotFound) {
					t.Errorf("TouchSession during logout: %v", err)
				}
			}
		}()
		go func() {
			defer wg.Done()
			if err := s.DeleteSession(ctx, id); err != nil {
				t.Errorf("DeleteSession: %v", err)
			}
		}()
		wg.Wait()
		if _, err := s.TouchSession(ctx, id, time.Now()); !errors.Is(err, accounts.ErrNotFound) {
			t.Fatalf("iteration %d: TouchSession after logout = %v; want ErrNotFound", i, err)
		}
	}
}

func TestLimiter(t *testing.T) {
	c := redistest.New(t)
	l := redis.Limiter{Client: c}
	ctx := testCtx(t)
	const window = time.Minute

	// Attempts 1..limit pass; the next is blocked for the rest of the window.
	for i := 1; i <= 4; i++ {
		d, err := l.Take(ctx, "k", 3, window)
		if err != nil {
			t.Fatal(err)
		}
		if blocked := d > 0; blocked != (i > 3) {
			t.Errorf("attempt %d: Take = %v", i, d)
		}
		if i == 4 && (d > window || d < window-10*time.Second) {
			t.Errorf("Take = %v; want the rest of a %v window", d, window)
		}
	}
	// The window is fixed: later attempts with a longer window do not extend it.
	if d, _ := l.Take(ctx, "k", 3, 10*window); d > window {
		t.Errorf("a later attempt extended the window to %v", d)
	}
	// Keys are independent.
	if d, _ := l.Take(ctx, "other", 3, window); d != 0 {
		t.Errorf("another key is blocked: %v", d)
	}
	// Give returns attempts; it never goes below zero.
	if err := l.Reset(ctx, "g"); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if err := l.Give(ctx, "g"); err != nil {
			t.Fatal(err)
		}
	}
	if d, _ := l.Take(ctx, "g", 1, window); d != 0 {
		t.Errorf("Give on an empty key left credit or debt: Take = %v", d)
	}
	if err := l.Give(ctx, "g"); err != nil {
		t.Fatal(err)
	}
	if d, _ := l.Take(ctx, "g", 1, window); d != 0 {
		t.Errorf("an attempt given back still counts: Take = %v", d)
	}
	if d, _ := l.Take(ctx, "g", 1, window); d == 0 {
		t.Error("the second attempt over a limit of 1 was not blocked")
	}
	// Reset forgets.
	if err := l.Reset(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	if d, _ := l.Take(ctx, "k", 1, window); d != 0 {
		t.Errorf("after Reset Take = %v", d)
	}

	// A window ends on its own, with millisecond precision.
	if d, _ := l.Take(ctx, "short", 1, 200*time.Millisecond); d != 0 {
		t.Fatalf("first attempt blocked: %v", d)
	}
	if d, _ := l.Take(ctx, "short", 1, 200*time.Millisecond); d <= 0 || d > 200*time.Millisecond {
		t.Errorf("blocked in a short window for %v", d)
	}
	time.Sleep(300 * time.Millisecond)
	if d, _ := l.Take(ctx, "short", 1, 200*time.Millisecond); d != 0 {
		t.Errorf("blocked after the window: %v", d)
	}
}

// Parallel attempts cannot slip under the limit: exactly limit of them pass.
func TestLimiterConcurrentTake(t *testing.T) {
	c := redistest.New(t)
	l := redis.Limiter{Client: c}
	ctx := testCtx(t)
	const limit, attempts = 5, 40
	var passed atomic.Int64
	var wg sync.WaitGroup
	for i := 0; i < attempts; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, err := l.Take(ctx, "burst", limit, time.Minute)
			if err != nil {
				t.Error(err)
				return
			}
			if d == 0 {
				passed.Add(1)
			}
		}()
	}
	wg.Wait()
	if passed.Load() != limit {
		t.Errorf("%d of %d parallel attempts passed a limit of %d", passed.Load(), attempts, limit)
	}
}
