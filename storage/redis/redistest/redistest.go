// Package redistest gives each test its own key prefix on the Redis that `make test`
// starts, and removes the test's keys when it ends. A test that cannot reach Redis fails.
package redistest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/sheber-kz/sheber/storage/redis"
)

// New returns a client whose keys are under a prefix unique to the test.
func New(t testing.TB) *redis.Client {
	t.Helper()
	u := os.Getenv("REDIS_URL")
	if u == "" {
		t.Fatal("REDIS_URL is not set: run the tests with `make test`, which starts PostgreSQL, Redis and MinIO")
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	prefix := "test:" + hex.EncodeToString(b) + ":"
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := redis.Open(ctx, u, prefix)
	if err != nil {
		t.Fatalf("redistest: cannot reach Redis at REDIS_URL (start it with `make services`): %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		rdb := c.Raw()
		iter := rdb.Scan(ctx, 0, prefix+"*", 500).Iterator()
		for iter.Next(ctx) {
			rdb.Del(ctx, iter.Val())
		}
		c.Close()
	})
	return c
}
