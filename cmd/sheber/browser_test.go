package main

import (
	"context"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sheber-kz/sheber/storage/postgres/postgrestest"
)

// startPortal migrates a fresh database, loads the demo data and serves the portal exactly
// as `sheber serve` does; it returns the base URL.
func startPortal(t *testing.T) string {
	t.Helper()
	env, addr := testEnv(t, postgrestest.NewDatabase(t))
	withEnviron(t, env)
	ctx, cancel := context.WithCancel(context.Background())
	for _, args := range [][]string{{"migrate", "up"}, {"seed", "demo"}} {
		if err := run(ctx, args, io.Discard); err != nil {
			cancel()
			t.Fatalf("%v: %v", args, err)
		}
	}
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, io.Discard) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	base := "http://" + addr
	if err := waitFor(ctx, base+"/healthz"); err != nil {
		t.Fatalf("portal did not come up: %v", err)
	}
	return base
}

// newBrowser starts Debian's Chromium headless. A missing Chromium fails the test: `make
// test` installs it.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path := os.Getenv("CHROMIUM_PATH")
	if path == "" {
		path = "/usr/bin/chromium"
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("no Chromium at %s (CHROMIUM_PATH): run the tests with `make test`, which installs it: %v", path, err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(412, 915), // a cheap phone's viewport
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return ctx
}

func TestBrowserSignInLanguageAndSignOut(t *testing.T) {
	base := startPortal(t)
	ctx := newBrowser(t)

	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`input[name="email"]`)),
		// Keyboard only: type into the labelled fields and press Enter.
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), "admin@demo.sheber.kz"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), "sheber-demo\n"),
		chromedp.WaitReady(chromedp.CSS(`#account`)),
	)
	if err != nil {
		t.Fatalf("sign-in: %v", err)
	}
	accountText, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`main`)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(accountText, "admin@demo.sheber.kz") {
		t.Errorf("account page does not show the user's e-mail:\n%s", accountText)
	}

	// Choose Kazakh; the choice is remembered on the next page.
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`button[name="lang"][value="kk"]`)),
		chromedp.WaitReady(chromedp.CSS(`html[lang="kk"]`)),
		chromedp.Navigate(base+"/account"),
		chromedp.WaitReady(chromedp.CSS(`html[lang="kk"]`)),
	)
	if err != nil {
		t.Fatalf("language switch: %v", err)
	}

	// Signing out ends the session: the account page then asks to sign in.
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)),
		chromedp.WaitNotPresent(chromedp.CSS(`#account`)),
		chromedp.Navigate(base+"/account"),
		chromedp.WaitVisible(chromedp.CSS(`input[name="email"]`)),
	)
	if err != nil {
		t.Fatalf("sign-out: %v", err)
	}
	after, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(after, "/login") {
		t.Errorf("after signing out, /account led to %s; want the sign-in page", after)
	}
}
