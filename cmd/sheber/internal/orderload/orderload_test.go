package orderload

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeOrders is an HTTP stand-in of the orders API's create (these tests are about the
// client, not the server): one order per Idempotency-Key, the same order for a repeat.
type fakeOrders struct {
	mu     sync.Mutex
	byKey  map[string]int64
	bodies map[string]string
	next   int64
	// drop, when it says so for a request, closes the connection without an answer after
	// the order was made, as a server killed after its commit does.
	drop func(key string, attempt int) bool
	// newEveryTime answers every request with a new order (a broken server).
	newEveryTime bool
	// refuse answers 422 for keys it says so of.
	refuse   func(key string) bool
	attempts map[string]int
}

func newFake() *fakeOrders {
	return &fakeOrders{byKey: map[string]int64{}, bodies: map[string]string{}, attempts: map[string]int{}}
}

func (f *fakeOrders) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key := r.Header.Get("Idempotency-Key")
	body, _ := io.ReadAll(r.Body)
	if r.Method != http.MethodPost || key == "" || r.Header.Get("Authorization") != "Bearer tok" || !strings.HasPrefix(r.URL.Path, "/orders/") {
		http.Error(w, `{"code":"invalid"}`, http.StatusBadRequest)
		return
	}
	if f.refuse != nil && f.refuse(key) {
		http.Error(w, `{"code":"invalid","message":"overspend"}`, http.StatusUnprocessableEntity)
		return
	}
	f.mu.Lock()
	f.attempts[key]++
	attempt := f.attempts[key]
	id, seen := f.byKey[key]
	if seen && f.bodies[key] != string(body) {
		f.mu.Unlock()
		http.Error(w, `{"code":"invalid","message":"key reused"}`, http.StatusUnprocessableEntity)
		return
	}
	if !seen || f.newEveryTime {
		f.next++
		id = f.next
		f.byKey[key], f.bodies[key] = id, string(body)
	}
	f.mu.Unlock()
	if f.drop != nil && f.drop(key, attempt) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	fmt.Fprintf(w, `{"id":%d,"number":"SH-%06d"}`, id, id)
}

func config(base string) Config {
	var seq atomic.Int64
	return Config{BaseURL: base, Concurrency: 4, Duration: 300 * time.Millisecond, Drain: 5 * time.Second, Seed: 1,
		Next: func(worker int, rng *rand.Rand) Request {
			n := seq.Add(1)
			return Request{Key: fmt.Sprintf("k-%d-%d", worker, n), Path: fmt.Sprintf("/orders/%d", rng.IntN(10)), Token: "tok",
				Body: []byte(fmt.Sprintf(`{"n":%d}`, n))}
		}}
}

// checkAcks asserts that the acknowledgements are exactly the fake's orders, one a key.
func checkAcks(t *testing.T, f *fakeOrders, r Result) {
	t.Helper()
	if r.Orders == 0 || len(r.Acks) != r.Orders {
		t.Fatalf("%d orders, %d acknowledgements: %s", r.Orders, len(r.Acks), r)
	}
	seen := map[string]bool{}
	for _, a := range r.Acks {
		if seen[a.Key] {
			t.Errorf("key %s acknowledged twice", a.Key)
		}
		seen[a.Key] = true
		f.mu.Lock()
		want := f.byKey[a.Key]
		f.mu.Unlock()
		if a.OrderID != want {
			t.Errorf("key %s acknowledged as order %d, the server made %d", a.Key, a.OrderID, want)
		}
	}
}

// Every request is acknowledged once; with RetryShare 1 every one is repeated and the
// repeats name the same orders.
func TestRunAcknowledgesAndRepeats(t *testing.T) {
	f := newFake()
	srv := httptest.NewServer(f)
	defer srv.Close()
	cfg := config(srv.URL)
	cfg.RetryShare = 1
	r := Run(t.Context(), cfg)
	checkAcks(t, f, r)
	if r.Replays != r.Orders || len(r.Mismatches) > 0 || r.Retried != 0 || r.Refused != 0 || len(r.Unacknowledged) > 0 {
		t.Fatalf("want every order repeated and nothing else: %s; mismatches %v", r, r.Mismatches)
	}
	if r.Attempts != 2*r.Orders || r.P50 <= 0 || r.P99 < r.P50 || r.Max < r.P99 || r.ReplayP50 <= 0 {
		t.Errorf("counts or latencies are off: %s", r)
	}
	if r.PerSecond() <= 0 || !strings.Contains(r.String(), "orders/s") {
		t.Errorf("rate %f, report %q", r.PerSecond(), r)
	}
}

// Answers lost after the order was made (a server killed after its commit) are sent
// again with the same key and acknowledged with the order the first attempt made.
func TestRunRetriesLostAnswersWithTheSameKey(t *testing.T) {
	f := newFake()
	f.drop = func(key string, attempt int) bool { return attempt <= 2 && len(key)%2 == 0 }
	srv := httptest.NewServer(f)
	defer srv.Close()
	r := Run(t.Context(), config(srv.URL))
	checkAcks(t, f, r)
	if r.Retried == 0 || len(r.Unacknowledged) > 0 || len(r.Mismatches) > 0 {
		t.Fatalf("want retries and every request acknowledged: %s", r)
	}
	f.mu.Lock()
	made := len(f.byKey)
	f.mu.Unlock()
	if made != r.Orders {
		t.Errorf("the server made %d orders, %d were acknowledged", made, r.Orders)
	}
}

// A server that makes a new order for a repeat is caught.
func TestRunReportsRepeatsWithAnotherOrder(t *testing.T) {
	f := newFake()
	f.newEveryTime = true
	srv := httptest.NewServer(f)
	defer srv.Close()
	cfg := config(srv.URL)
	cfg.RetryShare = 1
	r := Run(t.Context(), cfg)
	if r.Orders == 0 || len(r.Mismatches) != r.Orders {
		t.Fatalf("%d orders, %d mismatches; want one for each repeat", r.Orders, len(r.Mismatches))
	}
	if !strings.Contains(r.Mismatches[0], "its repeat with order") {
		t.Errorf("mismatch %q", r.Mismatches[0])
	}
}

// Refusals (4xx other than 409 and 429) are counted and not sent again.
func TestRunCountsRefusals(t *testing.T) {
	f := newFake()
	f.refuse = func(key string) bool { return strings.HasSuffix(key, "7") }
	srv := httptest.NewServer(f)
	defer srv.Close()
	r := Run(t.Context(), config(srv.URL))
	checkAcks(t, f, r)
	if r.Refused == 0 || r.Retried != 0 || !strings.Contains(r.FirstError, "422") {
		t.Fatalf("want refusals counted, not retried: %s", r)
	}
	for _, a := range r.Acks {
		if strings.HasSuffix(a.Key, "7") {
			t.Errorf("refused key %s acknowledged", a.Key)
		}
	}
}

// A server that never comes back leaves requests unacknowledged once the drain ends,
// and the run ends then.
func TestRunGivesUpAfterTheDrain(t *testing.T) {
	f := newFake()
	var down atomic.Bool
	f.drop = func(string, int) bool { return down.Load() }
	srv := httptest.NewServer(f)
	defer srv.Close()
	cfg := config(srv.URL)
	cfg.Drain = 300 * time.Millisecond
	time.AfterFunc(100*time.Millisecond, func() { down.Store(true) })
	t0 := time.Now()
	r := Run(t.Context(), cfg)
	if took := time.Since(t0); took > cfg.Duration+cfg.Drain+2*time.Second {
		t.Errorf("the run took %s", took)
	}
	if len(r.Unacknowledged) == 0 || r.Retried == 0 {
		t.Fatalf("want unacknowledged requests: %s", r)
	}
	for _, a := range r.Acks {
		for _, k := range r.Unacknowledged {
			if a.Key == k {
				t.Errorf("key %s is both acknowledged and not", k)
			}
		}
	}
}
