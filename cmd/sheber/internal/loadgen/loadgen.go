// Package loadgen is a closed-loop HTTP load generator for the project's benchmarks: a
// fixed number of workers each send one request after another, cycling through a mix of
// URLs, for a fixed time, and every latency is kept to report exact percentiles. It sends
// only to the URLs it is given; the benchmarks give it loopback addresses.
package loadgen

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Result is what one run measured.
type Result struct {
	Requests int // answered with a 2xx status
	Errors   int // transport errors and non-2xx answers
	Elapsed  time.Duration
	P50      time.Duration
	P95      time.Duration
	P99      time.Duration
	Max      time.Duration
	// FirstError describes the first failure, for the report.
	FirstError string
}

// PerSecond is the rate of successful requests.
func (r Result) PerSecond() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

func (r Result) String() string {
	s := fmt.Sprintf("%d requests in %s: %.0f req/s, p50 %s, p95 %s, p99 %s, max %s, %d errors",
		r.Requests, r.Elapsed.Round(time.Millisecond), r.PerSecond(), ms(r.P50), ms(r.P95), ms(r.P99), ms(r.Max), r.Errors)
	if r.FirstError != "" {
		s += " (first: " + r.FirstError + ")"
	}
	return s
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

// MaxRequestsPerRun bounds one run however fast the server is, so that a run always ends
// and its latencies fit in memory.
const MaxRequestsPerRun = 5_000_000

// Run sends GET requests to urls (worker i starts at urls[i % len(urls)] and goes round)
// from concurrency workers until duration has passed or ctx ends.
func Run(ctx context.Context, urls []string, concurrency int, duration time.Duration) Result {
	if len(urls) == 0 || concurrency < 1 {
		return Result{}
	}
	transport := &http.Transport{MaxIdleConns: concurrency, MaxIdleConnsPerHost: concurrency, MaxConnsPerHost: concurrency,
		IdleConnTimeout: 30 * time.Second, DisableCompression: true}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: 10 * time.Second}

	ctx, cancel := context.WithTimeout(ctx, duration)
	defer cancel()
	var (
		mu       sync.Mutex
		all      []time.Duration
		errs     int
		firstErr string
		sent     atomic.Int64
	)
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			var werrs int
			var wfirst string
			for i := w; ctx.Err() == nil; i++ {
				if sent.Add(1) > MaxRequestsPerRun {
					cancel()
					break
				}
				u := urls[i%len(urls)]
				t0 := time.Now()
				err := get(ctx, client, u)
				d := time.Since(t0)
				if ctx.Err() != nil {
					break // cut off by the end of the run: not a measurement
				}
				if err != nil {
					werrs++
					if wfirst == "" {
						wfirst = err.Error()
					}
					continue
				}
				lat = append(lat, d)
			}
			mu.Lock()
			all = append(all, lat...)
			errs += werrs
			if firstErr == "" {
				firstErr = wfirst
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := min(time.Since(start), duration)
	slices.Sort(all)
	r := Result{Requests: len(all), Errors: errs, Elapsed: elapsed, FirstError: firstErr}
	if n := len(all); n > 0 {
		pick := func(p float64) time.Duration { return all[min(n-1, int(p*float64(n)))] }
		r.P50, r.P95, r.P99, r.Max = pick(0.50), pick(0.95), pick(0.99), all[n-1]
	}
	return r
}

func get(ctx context.Context, c *http.Client, u string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s: status %d", u, resp.StatusCode)
	}
	return nil
}

// ResetPeakRSS resets the kernel's record of this process's peak resident set (Linux,
// /proc/self/clear_refs), so that PeakRSS then reports the peak of what follows.
func ResetPeakRSS() error {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// PeakRSS is this process's peak resident set in bytes since it started or since
// ResetPeakRSS (VmHWM of /proc/self/status).
func PeakRSS() (int64, error) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("loadgen: VmHWM %q: %w", v, err)
			}
			return kb << 10, nil
		}
	}
	return 0, fmt.Errorf("loadgen: no VmHWM in /proc/self/status")
}

// Once sends one GET request to u and returns how long the answer took; a transport error,
// a non-2xx answer or no answer within timeout is an error.
func Once(ctx context.Context, u string, timeout time.Duration) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	transport := &http.Transport{DisableCompression: true}
	defer transport.CloseIdleConnections()
	t0 := time.Now()
	err := get(ctx, &http.Client{Transport: transport}, u)
	return time.Since(t0), err
}
