package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/storage/postgres"
	"github.com/sheber-kz/sheber/storage/postgres/postgrestest"
)

// startPortal serves the portal exactly as `sheber serve` does, on a database of its own
// that is migrated and holds the demo data, and returns the base URL. `migrate up` and
// `seed demo` run once per test process, into a template database (demoTemplate) that each
// test's database copies.
func startPortal(t *testing.T) string {
	t.Helper()
	env, addr := testEnv(t, postgrestest.NewDatabaseFrom(t, demoTemplate(t)))
	withEnviron(t, env)
	ctx, cancel := context.WithCancel(context.Background())
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

// demoTemplate returns the template database that `sheber migrate up` and `sheber seed
// demo` filled, run as a newcomer runs them. The demo images it refers to are in the
// bucket of S3_BUCKET, which every test of the process shares; their keys are content
// hashes, so a second seed writes the same objects.
func demoTemplate(t *testing.T) string {
	t.Helper()
	return postgrestest.Template(t, "demo", func(databaseURL string) error {
		saved := environ
		defer func() { environ = saved }()
		env, _ := testEnv(t, databaseURL)
		environ = env
		for _, args := range [][]string{{"migrate", "up"}, {"seed", "demo"}} {
			if err := run(context.Background(), args, io.Discard); err != nil {
				return fmt.Errorf("%v: %w", args, err)
			}
		}
		return nil
	})
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
	)
	if err != nil {
		t.Fatalf("open the sign-in page: %v", err)
	}
	assertLabelled(t, ctx, "/login")
	err = chromedp.Do(ctx,
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

// unlabelledControls lists the form controls of the page that a screen reader could not
// name: no <label>, no aria-label, no aria-labelledby.
const unlabelledControls = `Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))
	.filter(el => el.labels.length === 0 && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
	.map(el => el.outerHTML)`

func assertLabelled(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	bad, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](unlabelledControls))
	if err != nil {
		t.Fatalf("%s: %v", page, err)
	}
	if len(bad) > 0 {
		t.Errorf("%s has controls without a label:\n%s", page, strings.Join(bad, "\n"))
	}
}

// An organization's admin invites a colleague in the admin page; the colleague opens the
// link, creates an account and lands in the organization.
func TestBrowserInvitation(t *testing.T) {
	base := startPortal(t)
	ctx := newBrowser(t)

	schoolID := demoOrgID(t, "admin@demo.sheber.kz", accounts.KindBuyer)
	admin := fmt.Sprintf("%s/orgs/%d/admin", base, schoolID)
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login?next="+url.QueryEscape(fmt.Sprintf("/orgs/%d/admin", schoolID))),
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), "admin@demo.sheber.kz"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), "sheber-demo\n"),
		chromedp.WaitVisible(chromedp.CSS(`#invite-email`)),
	)
	if err != nil {
		t.Fatalf("sign in to the admin page: %v", err)
	}
	assertLabelled(t, ctx, admin)
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`#invite-email`), "new.teacher@demo.sheber.kz"),
		chromedp.SetValue(chromedp.CSS(`#invite-role`), "requester"),
		chromedp.Submit(chromedp.CSS(`#invite-email`)),
		chromedp.WaitVisible(chromedp.CSS(`[role="status"]`)),
	)
	if err != nil {
		t.Fatalf("invite: %v", err)
	}
	confirmation, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`main`)))
	if err != nil || !strings.Contains(confirmation, "new.teacher@demo.sheber.kz") || strings.Contains(confirmation, "/invitations/") {
		t.Fatalf("the confirmation must name the invitee and not show the link: %q, %v", confirmation, err)
	}
	// The link reaches only the invited mailbox: take it from the queued e-mail.
	link, _ := postgrestest.InvitationLink(t, portalDB(t), "new.teacher@demo.sheber.kz")
	if !strings.HasPrefix(link, base+"/invitations/") {
		t.Fatalf("invitation link %q; want one under %s/invitations/", link, base)
	}

	// The colleague is someone else: sign the admin out first.
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/account"),
		chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)),
		chromedp.WaitNotPresent(chromedp.CSS(`#account`)),
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.CSS(`#accept-name`)),
	)
	if err != nil {
		t.Fatalf("open the invitation: %v", err)
	}
	assertLabelled(t, ctx, "invitation page")
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`#accept-name`), "Жанар Т."),
		chromedp.SendKeys(chromedp.CSS(`#accept-password`), "a-long-password-1"),
		chromedp.SendKeys(chromedp.CSS(`#accept-password-confirm`), "a-long-password-1"),
		chromedp.Submit(chromedp.CSS(`#accept-name`)),
		chromedp.WaitReady(chromedp.CSS(`#account`)),
	)
	if err != nil {
		t.Fatalf("accept: %v", err)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`main`)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "new.teacher@demo.sheber.kz") || !strings.Contains(text, "Жанар Т.") {
		t.Errorf("the new member's account page:\n%s", text)
	}
	// The link is spent.
	err = chromedp.Do(ctx, chromedp.Navigate(link), chromedp.WaitReady(chromedp.CSS(`main`)))
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#accept-name').length`)); n != 0 {
		t.Error("a used invitation still offers to join")
	}
}

// portalDB connects to the database the portal under test uses.
func portalDB(t *testing.T) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), environ("DATABASE_URL"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// demoOrgID returns the id of the demo user's organization of kind.
func demoOrgID(t *testing.T, email string, kind accounts.Kind) int64 {
	t.Helper()
	ctx := context.Background()
	store := postgres.NewAccountsStore(portalDB(t))
	u, err := store.UserByEmail(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := store.UserMemberships(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.OrgKind == kind {
			return m.OrgID
		}
	}
	t.Fatalf("%s belongs to no organization of kind %s", email, kind)
	return 0
}
