package objects_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync"
	"testing"
	"time"

	"github.com/sheber-kz/sheber/storage/objects"
	"github.com/sheber-kz/sheber/storage/objects/objectstest"
)

func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// unusedBucket returns a store on a bucket that does not exist yet, removed at the end of
// the test if it was created.
func unusedBucket(t *testing.T) *objects.Store {
	t.Helper()
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	s, err := objects.Open(objectstest.Config(t, "test-new-"+hex.EncodeToString(b)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if ok, _ := s.Client().BucketExists(ctx, s.Bucket()); ok {
			if err := s.Client().RemoveBucket(ctx, s.Bucket()); err != nil {
				t.Errorf("remove bucket %s: %v", s.Bucket(), err)
			}
		}
	})
	return s
}

func TestEnsureBucketIdempotent(t *testing.T) {
	s := objectstest.New(t) // EnsureBucket has run once
	ctx := testCtx(t)
	if err := s.EnsureBucket(ctx); err != nil {
		t.Fatalf("second EnsureBucket: %v", err)
	}
	if err := s.Ping(ctx); err != nil {
		t.Errorf("Ping: %v", err)
	}
}

// Several processes starting at once all succeed, and the bucket exists afterwards.
func TestEnsureBucketConcurrent(t *testing.T) {
	s := unusedBucket(t)
	ctx := testCtx(t)
	if err := s.Ping(ctx); err == nil {
		t.Fatal("Ping succeeded on a bucket that does not exist yet")
	}
	var wg sync.WaitGroup
	errs := make([]error, 4)
	start := make(chan struct{})
	for i := range errs {
		// Each its own client, as separate processes would have.
		store, err := objects.Open(objectstest.Config(t, s.Bucket()))
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			errs[i] = store.EnsureBucket(ctx)
		}(i)
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("EnsureBucket #%d: %v", i, err)
		}
	}
	if err := s.Ping(ctx); err != nil {
		t.Errorf("Ping after EnsureBucket: %v", err)
	}
}

func TestPingMissingBucket(t *testing.T) {
	s := unusedBucket(t)
	if err := s.Ping(testCtx(t)); err == nil {
		t.Error("Ping on a missing bucket = nil; want an error")
	}
}

func TestWrongCredentials(t *testing.T) {
	cfg := objectstest.Config(t, "test-wrong-credentials")
	cfg.SecretKey = "not-the-secret-key"
	s, err := objects.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := testCtx(t)
	if err := s.EnsureBucket(ctx); err == nil {
		t.Error("EnsureBucket with a wrong secret key = nil; want an error")
	}
	if err := s.Ping(ctx); err == nil {
		t.Error("Ping with a wrong secret key = nil; want an error")
	}
}

func TestOpenEndpoint(t *testing.T) {
	tests := []struct {
		endpoint string
		valid    bool
	}{
		{"http://127.0.0.1:9000", true},
		{"https://s3.example.kz", true},
		{"", false},
		{"127.0.0.1:9000", false},
		{"minio:9000", false},
		{"ftp://127.0.0.1:9000", false},
		{"http://", false},
		{"http:///bucket", false},
		{"://127.0.0.1:9000", false},
		{"http://exa mple.kz:9000", false},
		{"http://127.0.0.1:notaport", false},
		{"http://127.0.0.1:9000/", true},
		{"http://127.0.0.1:9000/sheber", false}, // a path would be silently ignored
		{"http://127.0.0.1:9000?region=x", false},
	}
	for _, tt := range tests {
		_, err := objects.Open(objects.Config{Endpoint: tt.endpoint, AccessKey: "a", SecretKey: "b", Bucket: "bucket", Region: "us-east-1"})
		if tt.valid && err != nil {
			t.Errorf("Open(%q) = %v; want nil", tt.endpoint, err)
		}
		if !tt.valid && err == nil {
			t.Errorf("Open(%q) = nil; want an error", tt.endpoint)
		}
	}
}

// Ping against a port where nothing listens fails within the caller's deadline (minio-go
// retries refused connections, so without one it would take much longer).
func TestPingUnreachable(t *testing.T) {
	s, err := objects.Open(objects.Config{Endpoint: "http://127.0.0.1:1", AccessKey: "a", SecretKey: "b", Bucket: "bucket", Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	start := time.Now()
	if err := s.Ping(ctx); err == nil {
		t.Error("Ping on an unreachable endpoint = nil")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Ping took %v despite a 1 s deadline", d)
	}
}
