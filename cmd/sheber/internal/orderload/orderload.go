// Package orderload is the closed-loop load generator of the orders benchmark: a fixed
// number of clients each place one order after another through the orders API, every
// request with an Idempotency-Key of its own, for a fixed time. A client that gets no
// answer (the connection fails, the server is gone, a 5xx or a 409) sends the same
// request with the same key again until it is acknowledged, as a careful client does
// across a server crash; a share of the acknowledged requests is sent a second time on
// purpose, and the answer must name the same order. Every acknowledgement (key and order
// id) is kept for the checker, and every latency for exact percentiles. It sends only to
// the base URL it is given; the benchmark gives it a loopback address.
package orderload

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Limits of one run.
const (
	// MaxRequestsPerRun bounds one run however fast the server is, so that a run always
	// ends and its latencies and acknowledgements fit in memory.
	MaxRequestsPerRun = 2_000_000
	// RequestTimeout is how long one attempt may take before the client gives up on it
	// and sends it again: longer than the server's own deadline (api.RequestTimeout).
	RequestTimeout = 20 * time.Second
	// MinBackoff and MaxBackoff bound the pause before a client sends an unacknowledged
	// request again; it doubles from the first to the second.
	MinBackoff = 10 * time.Millisecond
	MaxBackoff = 200 * time.Millisecond
	// maxAnswer is the most of an answer's body that is read.
	maxAnswer = 1 << 20
)

// Request is one order to place: POST BaseURL+Path with Body, the token as a bearer
// credential and Key as the Idempotency-Key.
type Request struct {
	Key   string
	Path  string
	Token string
	Body  []byte
}

// Ack is an acknowledged request: its key and the id of the order the answer named.
type Ack struct {
	Key     string
	OrderID int64
}

// Config describes one run.
type Config struct {
	BaseURL     string
	Concurrency int
	// Duration is how long clients start new requests. A request started before the end
	// is carried to its acknowledgement, for at most Drain more.
	Duration time.Duration
	Drain    time.Duration
	// RetryShare is the share of acknowledged requests sent again with the same key and
	// body (0.1: one in ten).
	RetryShare float64
	// Next makes client worker's next request; rng is the client's own.
	Next func(worker int, rng *rand.Rand) Request
	// Seed seeds the clients' generators (client i gets Seed, i).
	Seed uint64
}

// Result is what one run measured and saw.
type Result struct {
	Orders   int // requests acknowledged (one order each)
	Replays  int // repeats sent on purpose and answered with the same order
	Attempts int // every request sent, repeats and retries included
	// Retried counts attempts that got no acknowledgement and were sent again: transport
	// errors, 5xx and 409 answers, attempts past RequestTimeout.
	Retried int
	// Refused counts requests answered with another 4xx: not sent again, no order.
	Refused int
	// Unacknowledged are the keys still without an acknowledgement when the drain ended.
	Unacknowledged []string
	// Mismatches describe repeats answered with another order, or refused.
	Mismatches []string
	FirstError string
	Elapsed    time.Duration
	// P50 to Max are the latencies of the attempts that got an order acknowledged.
	P50, P95, P99, Max time.Duration
	// ReplayP50 and ReplayP99 are those of the repeats.
	ReplayP50, ReplayP99 time.Duration
	// LongestWait is the longest time from a request's first attempt to its
	// acknowledgement (across an outage, the outage).
	LongestWait time.Duration
	Acks        []Ack
}

// PerSecond is the rate of acknowledged orders.
func (r Result) PerSecond() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Orders) / r.Elapsed.Seconds()
}

func (r Result) String() string {
	s := fmt.Sprintf("%d orders in %s: %.0f orders/s, p50 %s, p95 %s, p99 %s, max %s; %d repeats (p50 %s, p99 %s); %d attempts, %d retried, %d refused, %d unacknowledged, longest wait %s",
		r.Orders, r.Elapsed.Round(time.Millisecond), r.PerSecond(), ms(r.P50), ms(r.P95), ms(r.P99), ms(r.Max),
		r.Replays, ms(r.ReplayP50), ms(r.ReplayP99), r.Attempts, r.Retried, r.Refused, len(r.Unacknowledged), ms(r.LongestWait))
	if r.FirstError != "" {
		s += " (first failure: " + r.FirstError + ")"
	}
	return s
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }

// Run runs the load of cfg until cfg.Duration has passed (and the drain) or ctx ends.
func Run(ctx context.Context, cfg Config) Result {
	if cfg.Concurrency < 1 || cfg.Next == nil {
		return Result{}
	}
	transport := &http.Transport{MaxIdleConns: cfg.Concurrency, MaxIdleConnsPerHost: cfg.Concurrency,
		MaxConnsPerHost: cfg.Concurrency, IdleConnTimeout: 30 * time.Second, DisableCompression: true}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: RequestTimeout}

	start := time.Now()
	newUntil := start.Add(cfg.Duration)
	drainCtx, cancel := context.WithDeadline(ctx, newUntil.Add(cfg.Drain))
	defer cancel()
	var (
		mu    sync.Mutex
		total Result
		lat   []time.Duration
		rlat  []time.Duration
		sent  int
	)
	budget := func() bool {
		mu.Lock()
		defer mu.Unlock()
		sent++
		return sent <= MaxRequestsPerRun
	}
	var wg sync.WaitGroup
	for w := 0; w < cfg.Concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &loader{cfg: cfg, client: client, ctx: drainCtx, budget: budget}
			rng := rand.New(rand.NewPCG(cfg.Seed, uint64(w)))
			for time.Now().Before(newUntil) && ctx.Err() == nil {
				req := cfg.Next(w, rng)
				ack, ok := c.place(req, false)
				if !ok {
					continue
				}
				if rng.Float64() < cfg.RetryShare {
					again, ok := c.place(req, true)
					if ok && again.OrderID != ack.OrderID {
						c.res.Mismatches = append(c.res.Mismatches, fmt.Sprintf("key %s: first answered with order %d, its repeat with order %d", req.Key, ack.OrderID, again.OrderID))
					}
				}
			}
			mu.Lock()
			total.Orders += c.res.Orders
			total.Replays += c.res.Replays
			total.Attempts += c.res.Attempts
			total.Retried += c.res.Retried
			total.Refused += c.res.Refused
			total.Unacknowledged = append(total.Unacknowledged, c.res.Unacknowledged...)
			total.Mismatches = append(total.Mismatches, c.res.Mismatches...)
			total.Acks = append(total.Acks, c.res.Acks...)
			total.LongestWait = max(total.LongestWait, c.res.LongestWait)
			if total.FirstError == "" {
				total.FirstError = c.res.FirstError
			}
			lat = append(lat, c.lat...)
			rlat = append(rlat, c.rlat...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	total.Elapsed = max(time.Since(start), cfg.Duration)
	slices.Sort(lat)
	slices.Sort(rlat)
	if n := len(lat); n > 0 {
		total.P50, total.P95, total.P99, total.Max = pick(lat, 0.50), pick(lat, 0.95), pick(lat, 0.99), lat[n-1]
	}
	if len(rlat) > 0 {
		total.ReplayP50, total.ReplayP99 = pick(rlat, 0.50), pick(rlat, 0.99)
	}
	return total
}

func pick(sorted []time.Duration, p float64) time.Duration {
	return sorted[min(len(sorted)-1, int(p*float64(len(sorted))))]
}

// loader is one client.
type loader struct {
	cfg       Config
	client    *http.Client
	ctx       context.Context // ends with the drain
	budget    func() bool
	res       Result
	lat, rlat []time.Duration
}

// place sends req until it is acknowledged, refused, or the drain ends; repeat says it
// is a repeat sent on purpose (its answer is checked, not counted as an order).
func (c *loader) place(req Request, repeat bool) (Ack, bool) {
	first := time.Now()
	backoff := MinBackoff
	for {
		if c.ctx.Err() != nil || !c.budget() {
			if !repeat {
				c.res.Unacknowledged = append(c.res.Unacknowledged, req.Key)
			}
			return Ack{}, false
		}
		c.res.Attempts++
		t0 := time.Now()
		status, id, problem := c.send(req)
		d := time.Since(t0)
		switch {
		case status/100 == 2 && id > 0:
			ack := Ack{Key: req.Key, OrderID: id}
			if repeat {
				c.res.Replays++
				c.rlat = append(c.rlat, d)
			} else {
				c.res.Orders++
				c.res.Acks = append(c.res.Acks, ack)
				c.lat = append(c.lat, d)
			}
			c.res.LongestWait = max(c.res.LongestWait, time.Since(first))
			return ack, true
		case status/100 == 4 && status != http.StatusConflict && status != http.StatusTooManyRequests:
			c.fail(fmt.Sprintf("status %d: %s", status, problem))
			if repeat {
				c.res.Mismatches = append(c.res.Mismatches, fmt.Sprintf("key %s: the repeat was refused with %d: %s", req.Key, status, problem))
			} else {
				c.res.Refused++
			}
			return Ack{}, false
		}
		// No answer worth keeping: send the same request again, a little later.
		c.res.Retried++
		if status == 0 {
			c.fail(problem)
		} else {
			c.fail(fmt.Sprintf("status %d: %s", status, problem))
		}
		select {
		case <-c.ctx.Done():
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, MaxBackoff)
	}
}

func (c *loader) fail(problem string) {
	if c.res.FirstError == "" {
		c.res.FirstError = problem
	}
}

// send makes one attempt; status 0 is a transport failure, described by problem.
func (c *loader) send(req Request) (status int, orderID int64, problem string) {
	r, err := http.NewRequestWithContext(c.ctx, http.MethodPost, c.cfg.BaseURL+req.Path, bytes.NewReader(req.Body))
	if err != nil {
		return 0, 0, err.Error()
	}
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Authorization", "Bearer "+req.Token)
	r.Header.Set("Idempotency-Key", req.Key)
	resp, err := c.client.Do(r)
	if err != nil {
		return 0, 0, err.Error()
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return 0, 0, err.Error() // the answer was cut off: not an acknowledgement
	}
	if resp.StatusCode/100 != 2 {
		return resp.StatusCode, 0, string(bytes.TrimSpace(body[:min(len(body), 300)]))
	}
	var order struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal(body, &order); err != nil || order.ID <= 0 {
		return resp.StatusCode, 0, fmt.Sprintf("a %d answer without an order id: %.200s", resp.StatusCode, body)
	}
	return resp.StatusCode, order.ID, ""
}
