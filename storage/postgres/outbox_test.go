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
				n, err := outbox.DeliverDue(ctx, time.Now(), 7, accounts.EmailMaxAttempts, send, accounts.EmailRetryDelay)
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
		n, err := outbox.DeliverDue(ctx, now, 10, 3, failing, accounts.EmailRetryDelay)
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
		if n, _ := outbox.DeliverDue(ctx, now, 10, 3, func(context.Context, accounts.Email) error {
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
