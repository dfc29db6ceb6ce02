package main

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/sheber-kz/sheber/storage/redis/redistest"
)

// Bad flags are refused before anything is prepared.
func TestBenchSearchFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--concurrency", "0"},
		{"--duration", "10ms"},
		{"--change-every", "10ms"},
		{"--change-every", "5s", "--cache=false"},
		{"extra"},
	} {
		err := benchSearch(context.Background(), args, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "usage: sheber bench search") {
			t.Errorf("%v: %v, want the usage", args, err)
		}
	}
}

// changeCatalog drops the cached answers (bumps the generation) while it runs, and stops.
func TestChangeCatalog(t *testing.T) {
	ctx := context.Background()
	c := redistest.New(t)
	before, err := c.CatalogGeneration(ctx)
	if err != nil {
		t.Fatal(err)
	}
	stop := changeCatalog(ctx, c, 100*time.Millisecond)
	for {
		g, err := c.CatalogGeneration(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if g > before {
			break
		}
		time.Sleep(20 * time.Millisecond) // the test's own deadline bounds the wait
	}
	stop()
	after, _ := c.CatalogGeneration(ctx)
	time.Sleep(300 * time.Millisecond)
	if g, _ := c.CatalogGeneration(ctx); g != after {
		t.Errorf("the generation moved from %d to %d after stop", after, g)
	}
	changeCatalog(ctx, c, 0)() // never changes anything
}
