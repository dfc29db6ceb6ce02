package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/storage/postgres"
	"github.com/sheber-kz/sheber/storage/postgres/postgrestest"
)

func TestEmailOutboxDeliversEachMessageOnceAcrossWorkers(t *testing.T) {
	db := postgrestest.New(t)
	store := postgres.NewAccountsStore(db)
	ctx := context.Background()
	const messages = 60
	for i := 0; i < messages; i++ {
		if err := store.EnqueueEmail(ctx, accounts.Email{To: fmt.Sprintf("u%d@demo.sheber.kz", i), Subject: "s", Text: "t"}); err != nil {
			t.Fatal(err)
		}
	}
	outbox := postgres.NewEmailOutbox(db)
	var mu sync.Mutex
	seen := map[string]int{}
	send := func(_ context.Context, e accounts.Email) error {
		mu.Lock()
		seen[e.To]++
		mu.Unlock()
		time.Sleep(time.Millisecond) // hold the lock a little so that workers overlap
		return nil
	}
	var sent atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				n, err := outbox.DeliverDue(ctx, time.Now(), 7, accounts.EmailMaxAttempts, accounts.EmailLease, send, accounts.EmailRetryDelay)
				if err != nil {
					t.Error(err)
					return
				}
				if n == 0 {
					return
				}
				sent.Add(int64(n))
			}
		}()
	}
	wg.Wait()
	if sent.Load() != messages || len(seen) != messages {
		t.Fatalf("sent %d to %d recipients; want %d each once", sent.Load(), len(seen), messages)
	}
	for to, n := range seen {
		if n != 1 {
			t.Errorf("%s got %d copies", to, n)
		}
	}
}

func TestEmailOutboxRetriesWithBackoffAndGivesUp(t *testing.T) {
	db := postgrestest.New(t)
	ctx := context.Background()
	if err := postgres.NewAccountsStore(db).EnqueueEmail(ctx, accounts.Email{To: "x@demo.sheber.kz", Subject: "s", Text: "t"}); err != nil {
		t.Fatal(err)
	}
	outbox := postgres.NewEmailOutbox(db)
	failing := func(context.Context, accounts.Email) error { return errors.New("relay refused") }
	// PostgreSQL keeps microseconds; compare at that precision.
	now := time.Now().UTC().Truncate(time.Microsecond)
	attempts := 0
	for i := 0; i < 10; i++ {
		n, err := outbox.DeliverDue(ctx, now, 10, 3, accounts.EmailLease, failing, accounts.EmailRetryDelay)
		if err != nil || n != 0 {
			t.Fatalf("round %d: n=%d err=%v", i, n, err)
		}
		var got struct {
			Attempts int       `db:"attempts"`
			Next     time.Time `db:"next_attempt_at"`
			LastErr  string    `db:"last_error"`
		}
		if err := db.GetContext(ctx, &got, `SELECT attempts, next_attempt_at, last_error FROM email_outbox`); err != nil {
			t.Fatal(err)
		}
		if got.Attempts > attempts {
			attempts = got.Attempts
			if want := now.Add(accounts.EmailRetryDelay(attempts)); !got.Next.Equal(want) || got.LastErr != "relay refused" {
				t.Fatalf("after attempt %d: next=%v last_error=%q; want next=%v", attempts, got.Next, got.LastErr, want)
			}
		}
		// Not due again until the back-off has passed.
		if n, _ := outbox.DeliverDue(ctx, now, 10, 3, accounts.EmailLease, func(context.Context, accounts.Email) error {
			t.Fatal("delivered before its next attempt was due")
			return nil
		}, accounts.EmailRetryDelay); n != 0 {
			t.Fatal("unexpected delivery")
		}
		now = now.Add(2 * time.Hour)
	}
	if attempts != 3 {
		t.Fatalf("made %d attempts; want it to give up after 3", attempts)
	}
}

func TestEmailRetryDelay(t *testing.T) {
	for attempts, want := range map[int]time.Duration{1: 30 * time.Second, 2: time.Minute, 3: 2 * time.Minute, 8: time.Hour, 30: time.Hour} {
		if got := accounts.EmailRetryDelay(attempts); got != want {
			t.Errorf("EmailRetryDelay(%d) = %v; want %v", attempts, got, want)
		}
	}
}

func enqueue(t *testing.T, db *postgres.DB, n int) {
	t.Helper()
	store := postgres.NewAccountsStore(db)
	for i := 0; i < n; i++ {
		if err := store.EnqueueEmail(context.Background(), accounts.Email{To: fmt.Sprintf("u%d@demo.sheber.kz", i), Subject: "s", Text: "link: http://x/invitations/secret"}); err != nil {
			t.Fatal(err)
		}
	}
}

// A sent message keeps no body: it may hold an invitation's secret.
func TestEmailOutboxForgetsSentBodies(t *testing.T) {
	db := postgrestest.New(t)
	enqueue(t, db, 2)
	ok := func(context.Context, accounts.Email) error { return nil }
	if n, err := postgres.NewEmailOutbox(db).DeliverDue(context.Background(), time.Now(), 10, 3, accounts.EmailLease, ok, accounts.EmailRetryDelay); err != nil || n != 2 {
		t.Fatalf("DeliverDue = %d, %v", n, err)
	}
	var left int
	if err := db.Get(&left, `SELECT count(*) FROM email_outbox WHERE body <> '' OR sent_at IS NULL`); err != nil || left != 0 {
		t.Fatalf("%d sent messages keep their body (%v)", left, err)
	}
}

// Shutting down mid-round records what went out: nothing is sent twice, nothing is lost.
func TestEmailOutboxShutdownMidRound(t *testing.T) {
	db := postgrestest.New(t)
	enqueue(t, db, 10)
	outbox := postgres.NewEmailOutbox(db)
	ctx, cancel := context.WithCancel(context.Background())
	seen := map[string]int{}
	send := func(_ context.Context, e accounts.Email) error {
		seen[e.To]++
		if len(seen) == 3 {
			cancel() // SIGTERM arrives while the third message is being sent
		}
		return nil
	}
	n, err := outbox.DeliverDue(ctx, time.Now(), 10, 3, accounts.EmailLease, send, accounts.EmailRetryDelay)
	if err != nil || n != 3 {
		t.Fatalf("DeliverDue during shutdown = %d, %v; want the 3 sent recorded", n, err)
	}
	// The next worker delivers the rest at once, and none of the first three again.
	n, err = outbox.DeliverDue(context.Background(), time.Now(), 10, 3, accounts.EmailLease, send, accounts.EmailRetryDelay)
	if err != nil || n != 7 {
		t.Fatalf("next round = %d, %v; want 7", n, err)
	}
	for to, c := range seen {
		if c != 1 {
			t.Errorf("%s got %d copies", to, c)
		}
	}
}

// A message held by a worker that died is taken by another when the lease ends, not before.
func TestEmailOutboxLeaseOfADeadWorker(t *testing.T) {
	db := postgrestest.New(t)
	enqueue(t, db, 1)
	now := time.Now().UTC()
	// The dead worker claimed it and never recorded anything.
	if _, err := db.Exec(`UPDATE email_outbox SET locked_until = $1`, now.Add(accounts.EmailLease)); err != nil {
		t.Fatal(err)
	}
	outbox := postgres.NewEmailOutbox(db)
	ok := func(context.Context, accounts.Email) error { return nil }
	if n, err := outbox.DeliverDue(context.Background(), now.Add(accounts.EmailLease-time.Second), 10, 3, accounts.EmailLease, ok, accounts.EmailRetryDelay); err != nil || n != 0 {
		t.Fatalf("during the lease: DeliverDue = %d, %v; want nothing", n, err)
	}
	if n, err := outbox.DeliverDue(context.Background(), now.Add(accounts.EmailLease), 10, 3, accounts.EmailLease, ok, accounts.EmailRetryDelay); err != nil || n != 1 {
		t.Fatalf("after the lease: DeliverDue = %d, %v; want the message", n, err)
	}
}
