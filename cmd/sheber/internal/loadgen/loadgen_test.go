package loadgen

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

func TestRunCountsSuccessesAndErrors(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.URL.Path == "/bad" {
			http.Error(w, "no", http.StatusInternalServerError)
			return
		}
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	defer srv.Close()
	r := Run(context.Background(), []string{srv.URL + "/good", srv.URL + "/bad"}, 4, 300*time.Millisecond)
	if r.Requests == 0 || r.Errors == 0 {
		t.Fatalf("want both successes and errors: %s", r)
	}
	if total := int64(r.Requests + r.Errors); total > hits.Load() {
		t.Errorf("counted %d answers, the server saw %d requests", total, hits.Load())
	}
	if !(r.P50 <= r.P95 && r.P95 <= r.P99 && r.P99 <= r.Max) || r.P50 <= 0 {
		t.Errorf("percentiles out of order: %s", r)
	}
	if r.FirstError == "" {
		t.Error("no first error recorded")
	}
}

func TestOnce(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch r.URL.Path {
		case "/bad":
			http.Error(w, "no", http.StatusInternalServerError)
		case "/slow":
			<-r.Context().Done()
		default:
			_, _ = w.Write([]byte(`{"ok":true}`))
		}
	}))
	defer srv.Close()
	ctx := context.Background()
	if d, err := Once(ctx, srv.URL+"/good", time.Second); err != nil || d <= 0 {
		t.Errorf("good: %s, %v", d, err)
	}
	if _, err := Once(ctx, srv.URL+"/bad", time.Second); err == nil {
		t.Error("bad: a 500 answer was not an error")
	}
	if _, err := Once(ctx, srv.URL+"/slow", 50*time.Millisecond); err == nil {
		t.Error("slow: no error after the timeout")
	}
	if n := hits.Load(); n != 3 {
		t.Errorf("three calls sent %d requests", n)
	}
}

func TestPeakRSS(t *testing.T) {
	if err := ResetPeakRSS(); err != nil {
		t.Fatal(err)
	}
	before, err := PeakRSS()
	if err != nil || before <= 0 {
		t.Fatalf("peak RSS %d, %v", before, err)
	}
	buf := make([]byte, 64<<20)
	for i := range buf {
		buf[i] = byte(i)
	}
	after, err := PeakRSS()
	if err != nil {
		t.Fatal(err)
	}
	if after < before+32<<20 {
		t.Errorf("peak RSS went from %d to %d after touching 64 MiB", before, after)
	}
	_ = buf[len(buf)-1]
}
