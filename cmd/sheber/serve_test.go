package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/sheber-kz/sheber/storage/postgres/postgrestest"
)

// testEnv is the process environment with the database replaced and a free HTTP port.
func testEnv(t *testing.T, databaseURL string) (func(string) string, string) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	over := map[string]string{"DATABASE_URL": databaseURL, "HTTP_ADDR": addr, "PUBLIC_URL": "http://" + addr,
		"REDIS_PREFIX": "test:" + strings.ReplaceAll(t.Name(), "/", "-") + ":", "SHEBER_ENV": "test"}
	return func(k string) string {
		if v, ok := over[k]; ok {
			return v
		}
		return os.Getenv(k)
	}, addr
}

func withEnviron(t *testing.T, env func(string) string) {
	t.Helper()
	saved := environ
	environ = env
	t.Cleanup(func() { environ = saved })
}

func TestServeRefusesSchemaBehind(t *testing.T) {
	env, _ := testEnv(t, postgrestest.NewDatabase(t))
	withEnviron(t, env)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := run(ctx, []string{"serve"}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "sheber migrate up") {
		t.Fatalf("serve on an unmigrated database: err = %v; want it to say to run migrations", err)
	}
}

func TestServeRefusesMissingConfig(t *testing.T) {
	env, _ := testEnv(t, "")
	withEnviron(t, env)
	err := run(context.Background(), []string{"serve"}, io.Discard)
	if err == nil || err.Error() != "config: DATABASE_URL is required but not set" {
		t.Fatalf("err = %v; want the one-line config error naming DATABASE_URL", err)
	}
}

// TestMigrateServeAndShutdown runs the newcomer's commands on a copy of the demo template
// (which `migrate up` and a first `seed demo` built, see demoTemplate): they must be
// repeatable, and serve must come up on their result and stop cleanly.
func TestMigrateServeAndShutdown(t *testing.T) {
	env, addr := testEnv(t, postgrestest.NewDatabaseFrom(t, demoTemplate(t)))
	withEnviron(t, env)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	var out bytes.Buffer
	if err := run(ctx, []string{"migrate", "up"}, &out); err != nil {
		t.Fatalf("migrate up: %v", err)
	}
	out.Reset()
	if err := run(ctx, []string{"migrate", "status"}, &out); err != nil || !strings.Contains(out.String(), "00001_foundation.sql") || strings.Contains(out.String(), "pending") {
		t.Fatalf("migrate status: %v\n%s", err, out.String())
	}
	if err := run(ctx, []string{"seed", "demo"}, io.Discard); err != nil {
		t.Fatalf("seed demo: %v", err)
	}

	serveCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- run(serveCtx, []string{"serve"}, io.Discard) }()

	base := "http://" + addr
	if err := waitFor(ctx, base+"/healthz"); err != nil {
		stop()
		t.Fatalf("server did not come up: %v (run: %v)", err, drain(done))
	}
	for _, path := range []string{"/healthz", "/readyz", "/api/openapi.yaml", "/", "/api/v1/categories"} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s = %d; want 200", path, resp.StatusCode)
		}
	}
	// The deletion job's stuck entries are part of readiness.
	if resp, err := http.Get(base + "/readyz"); err != nil {
		t.Error(err)
	} else {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(body), `"object_deletions":"ok"`) {
			t.Errorf("/readyz = %s; want the object_deletions check", body)
		}
	}
	if err := run(ctx, []string{"healthcheck", "--url", base + "/healthz"}, io.Discard); err != nil {
		t.Errorf("healthcheck: %v", err)
	}

	// Cancelling the context is what SIGTERM does through signal.NotifyContext.
	start := time.Now()
	stop()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve after shutdown: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop within 15 s of SIGTERM")
	}
	if elapsed := time.Since(start); elapsed > 12*time.Second {
		t.Errorf("shutdown took %v", elapsed)
	}
	if err := run(ctx, []string{"healthcheck", "--url", base + "/healthz"}, io.Discard); err == nil {
		t.Error("healthcheck succeeded after shutdown")
	}
}

func TestSeedRefusesProduction(t *testing.T) {
	env, _ := testEnv(t, "postgres://nobody@127.0.0.1:1/none")
	withEnviron(t, func(k string) string {
		if k == "SHEBER_ENV" {
			return "production"
		}
		if k == "SESSION_SECRET" {
			return strings.Repeat("p", 40)
		}
		return env(k)
	})
	err := run(context.Background(), []string{"seed", "demo"}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "SHEBER_ENV=production") {
		t.Fatalf("err = %v; want a refusal naming SHEBER_ENV=production", err)
	}
}

func waitFor(ctx context.Context, url string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return errors.Join(ctx.Err(), err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func drain(done chan error) string {
	select {
	case err := <-done:
		return fmt.Sprint(err)
	case <-time.After(time.Second):
		return "still running"
	}
}
