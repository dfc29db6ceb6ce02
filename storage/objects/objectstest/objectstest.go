// Package objectstest gives each test its own bucket on the MinIO that `make test` starts,
// emptied and removed when the test ends. A test that cannot reach MinIO fails.
package objectstest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/sheber-kz/sheber/storage/objects"
)

// Config returns the object-store settings from the environment with bucket in place of
// S3_BUCKET, failing the test when they are missing.
func Config(t testing.TB, bucket string) objects.Config {
	t.Helper()
	cfg := objects.Config{Endpoint: os.Getenv("S3_ENDPOINT"), AccessKey: os.Getenv("S3_ACCESS_KEY"),
		SecretKey: os.Getenv("S3_SECRET_KEY"), Region: os.Getenv("S3_REGION"), Bucket: bucket}
	if cfg.Endpoint == "" || cfg.AccessKey == "" || cfg.SecretKey == "" {
		t.Fatal("S3_ENDPOINT/S3_ACCESS_KEY/S3_SECRET_KEY are not set: run the tests with `make test`, which starts MinIO")
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	return cfg
}

// New returns a store on a fresh bucket.
func New(t testing.TB) *objects.Store {
	t.Helper()
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	s, err := objects.Open(Config(t, "test-"+hex.EncodeToString(b)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := s.EnsureBucket(ctx); err != nil {
		t.Fatalf("objectstest: cannot reach MinIO at S3_ENDPOINT (start it with `make services`): %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		c := s.Client()
		for obj := range c.ListObjects(ctx, s.Bucket(), minio.ListObjectsOptions{Recursive: true}) {
			if obj.Err == nil {
				_ = c.RemoveObject(ctx, s.Bucket(), obj.Key, minio.RemoveObjectOptions{})
			}
		}
		if err := c.RemoveBucket(ctx, s.Bucket()); err != nil {
			t.Errorf("objectstest: remove bucket: %v", err)
		}
	})
	return s
}
