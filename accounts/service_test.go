package accounts_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/storage/postgres/postgrestest"
	"github.com/sheber-kz/sheber/storage/redis"
)

const password = "correct horse battery"

func login(e *env, email, pw, ip string) (accounts.Session, error) {
	return e.svc.Login(context.Background(), accounts.LoginInput{Email: email, Password: pw, IP: ip, UserAgent: "test"})
}

func TestLogin(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := ctxT(t)
	org := e.org(t, accounts.KindBuyer, "karaganda")
	u := e.user(t, "aigerim@school.kz", password)
	e.member(t, u, org, accounts.RoleApprover)

	before := time.Now().UTC()
	sess, err := e.svc.Login(ctx, accounts.LoginInput{Email: "  Aigerim@School.KZ ", Password: password, IP: "10.0.0.1", UserAgent: strings.Repeat("u", 400)})
	if err != nil {
		t.Fatalf("Login: %v", err)
	}
	if len(sess.ID) < 40 || sess.UserID != u.ID || sess.IP != "10.0.0.1" || len(sess.UserAgent) != 300 || sess.CreatedAt.Before(before.Add(-time.Second)) {
		t.Errorf("session = %+v", sess)
	}
	got, err := e.sessions.TouchSession(ctx, sess.ID, time.Now())
	if err != nil || got.UserID != u.ID || !got.CreatedAt.Equal(sess.CreatedAt.Truncate(time.Millisecond)) {
		t.Fatalf("TouchSession = %+v, %v", got, err)
	}
	a, _, err := e.svc.ActorForSession(ctx, sess.ID)
	if err != nil || a.UserID != u.ID || len(a.Memberships) != 1 || a.Memberships[0].OrgID != org.ID || a.Memberships[0].Role != accounts.RoleApprover {
		t.Fatalf("ActorForSession = %+v, %v", a, err)
	}
	me, ms, err := e.svc.Me(ctx, a)
	if err != nil || me.ID != u.ID || len(ms) != 1 {
		t.Errorf("Me = %+v, %v, %v", me, ms, err)
	}
	_, _, err = e.svc.ActorForSession(ctx, "not-a-session")
	wantCode(t, err, accounts.CodeUnauthenticated)

	tests := []struct {
		name     string
		email    string
		password string
		code     accounts.Code
		field    string
	}{
		{"wrong password", "aigerim@school.kz", "wrong password!", accounts.CodeUnauthenticated, ""},
		{"unknown e-mail", "nobody@school.kz", password, accounts.CodeUnauthenticated, ""},
		{"password over the limit", "aigerim@school.kz", strings.Repeat("x", accounts.MaxPasswordLength+1), accounts.CodeUnauthenticated, ""},
		{"malformed e-mail", "aigerim", password, accounts.CodeInvalid, "email"},
		{"empty password", "aigerim@school.kz", "", accounts.CodeInvalid, "password"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.Login(ctx, accounts.LoginInput{Email: tt.email, Password: tt.password, IP: "10.0.0.2"})
			wantCode(t, err, tt.code)
			if tt.code == accounts.CodeUnauthenticated && (!errors.Is(err, accounts.ErrBadCredentials) || err.Error() != accounts.ErrBadCredentials.Error()) {
				t.Errorf("error %v is not ErrBadCredentials: a wrong password and an unknown e-mail must look alike", err)
			}
			var de *accounts.Error
			if tt.field != "" && (!errors.As(err, &de) || de.Fields[tt.field] == "") {
				t.Errorf("error %v does not name field %s", err, tt.field)
			}
		})
	}
}

func TestLoginThrottlesPerAccount(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.user(t, "target@school.kz", password)
	other := e.user(t, "other@school.kz", password)

	for i := 0; i < accounts.LoginFailuresPerAccount; i++ {
		// Different addresses: the account is what is counted.
		_, err := login(e, "target@school.kz", "guess number "+fmt.Sprint(i), fmt.Sprintf("10.1.0.%d", i))
		if !errors.Is(err, accounts.ErrBadCredentials) {
			t.Fatalf("attempt %d: %v; want bad credentials", i+1, err)
		}
	}
	// Now even the right password is refused without being checked.
	_, err := login(e, "target@school.kz", password, "10.1.1.1")
	wantCode(t, err, accounts.CodeRateLimited)
	var de *accounts.Error
	if !errors.As(err, &de) || de.RetryAfter <= 0 || de.RetryAfter > accounts.LoginWindow {
		t.Errorf("RetryAfter = %v; want in (0, %v]", de.RetryAfter, accounts.LoginWindow)
	}
	// The e-mail is normalized before counting: changing its case does not help.
	_, err = login(e, "TARGET@school.kz", password, "10.1.1.2")
	wantCode(t, err, accounts.CodeRateLimited)
	// Other accounts are not affected.
	if _, err := login(e, other.Email, password, "10.1.1.1"); err != nil {
		t.Errorf("another account is blocked too: %v", err)
	}
}

func TestLoginThrottlesPerIP(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.user(t, "victim@school.kz", password)
	const ip = "192.0.2.7"
	// Failures spread over many accounts, none reaching the per-account limit.
	for i := 0; i < accounts.LoginFailuresPerIP; i++ {
		email := fmt.Sprintf("guess%d@school.kz", i%(accounts.LoginFailuresPerIP/2))
		if _, err := login(e, email, "wrong password", ip); !errors.Is(err, accounts.ErrBadCredentials) {
			t.Fatalf("attempt %d: %v", i+1, err)
		}
	}
	_, err := login(e, u.Email, password, ip)
	wantCode(t, err, accounts.CodeRateLimited)
	var de *accounts.Error
	if errors.As(err, &de) && (de.RetryAfter <= 0 || de.RetryAfter > accounts.LoginWindow) {
		t.Errorf("RetryAfter = %v", de.RetryAfter)
	}
	if _, err := login(e, u.Email, password, "192.0.2.8"); err != nil {
		t.Errorf("another address is blocked too: %v", err)
	}
}

func TestLoginSuccessResetsAccountCounter(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.user(t, "forgetful@school.kz", password)
	for round := 0; round < 2; round++ {
		for i := 0; i < accounts.LoginFailuresPerAccount-1; i++ {
			if _, err := login(e, u.Email, "wrong password", "10.2.0.1"); !errors.Is(err, accounts.ErrBadCredentials) {
				t.Fatalf("round %d attempt %d: %v; want bad credentials (was the counter reset?)", round, i+1, err)
			}
		}
		if _, err := login(e, u.Email, password, "10.2.0.1"); err != nil {
			t.Fatalf("round %d: right password refused: %v", round, err)
		}
	}
}

// Many sign-ins with unknown e-mails at once: the timing-equaliser hash is made lazily and
// shared, so under -race this catches unsynchronized access. Each round uses a fresh
// Service, since the hash is made on first use.
func TestLoginConcurrentUnknownEmails(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for round := 0; round < 5; round++ {
		svc := &accounts.Service{Store: e.svc.Store, Sessions: e.svc.Sessions, Limiter: e.svc.Limiter, Hasher: e.svc.Hasher}
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := 0; i < 16; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				<-start
				_, err := svc.Login(context.Background(), accounts.LoginInput{Email: fmt.Sprintf("ghost%d@school.kz", i),
					Password: "wrong password", IP: fmt.Sprintf("10.3.%d.%d", round, i)})
				if !errors.Is(err, accounts.ErrBadCredentials) {
					t.Errorf("round %d login %d: %v", round, i, err)
				}
			}(i)
		}
		close(start)
		wg.Wait()
	}
}

func TestSessionRotationAndLogout(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := ctxT(t)
	u := e.user(t, "rotating@school.kz", password)

	first, err := login(e, u.Email, password, "10.4.0.1")
	if err != nil {
		t.Fatal(err)
	}
	second, err := e.svc.Login(ctx, accounts.LoginInput{Email: u.Email, Password: password, IP: "10.4.0.1", PreviousSessionID: first.ID})
	if err != nil {
		t.Fatal(err)
	}
	if second.ID == first.ID {
		t.Fatal("Login returned the previous session's id")
	}
	if _, err := e.sessions.TouchSession(ctx, first.ID, time.Now()); !errors.Is(err, accounts.ErrNotFound) {
		t.Errorf("previous session after Login = %v; want ErrNotFound", err)
	}
	// A failed sign-in leaves the previous session alone.
	if _, err := e.svc.Login(ctx, accounts.LoginInput{Email: u.Email, Password: "wrong password", PreviousSessionID: second.ID}); err == nil {
		t.Fatal("wrong password accepted")
	}
	if _, _, err := e.svc.ActorForSession(ctx, second.ID); err != nil {
		t.Errorf("session after a failed sign-in: %v", err)
	}

	if err := e.svc.Logout(ctx, second.ID); err != nil {
		t.Fatal(err)
	}
	_, _, err = e.svc.ActorForSession(ctx, second.ID)
	wantCode(t, err, accounts.CodeUnauthenticated)
	if err := e.svc.Logout(ctx, second.ID); err != nil {
		t.Errorf("Logout of an ended session: %v", err)
	}
	if err := e.svc.Logout(ctx, ""); err != nil {
		t.Errorf("Logout(\"\"): %v", err)
	}
}

func TestLogoutEverywhere(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := ctxT(t)
	u := e.user(t, "many@school.kz", password)
	v := e.user(t, "bystander@school.kz", password)
	var mine []accounts.Session
	for i := 0; i < 3; i++ {
		s, err := login(e, u.Email, password, "10.5.0.1")
		if err != nil {
			t.Fatal(err)
		}
		mine = append(mine, s)
	}
	theirs, err := login(e, v.Email, password, "10.5.0.2")
	if err != nil {
		t.Fatal(err)
	}
	// One of the three ends on its own first: it is not counted.
	if err := e.svc.Logout(ctx, mine[0].ID); err != nil {
		t.Fatal(err)
	}
	n, err := e.svc.LogoutEverywhere(ctx, accounts.Actor{UserID: u.ID})
	if err != nil || n != 2 {
		t.Fatalf("LogoutEverywhere = %d, %v; want 2", n, err)
	}
	for _, s := range mine {
		if _, _, err := e.svc.ActorForSession(ctx, s.ID); accounts.ErrorCode(err) != accounts.CodeUnauthenticated {
			t.Errorf("session %s… survived LogoutEverywhere: %v", s.ID[:6], err)
		}
	}
	if _, _, err := e.svc.ActorForSession(ctx, theirs.ID); err != nil {
		t.Errorf("another user's session ended: %v", err)
	}
	if n, err := e.svc.LogoutEverywhere(ctx, accounts.Actor{UserID: u.ID}); err != nil || n != 0 {
		t.Errorf("second LogoutEverywhere = %d, %v; want 0", n, err)
	}
	_, err = e.svc.LogoutEverywhere(ctx, accounts.Actor{})
	wantCode(t, err, accounts.CodeUnauthenticated)
	_, err = e.svc.LogoutEverywhere(ctx, accounts.Actor{TokenID: 5})
	wantCode(t, err, accounts.CodeUnauthenticated)
}

// The absolute timeout, checked with a clock in the future: no sleeping for a day.
func TestSessionAbsoluteTimeoutByClock(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := ctxT(t)
	u := e.user(t, "clock@school.kz", password)
	s, err := login(e, u.Email, password, "10.6.0.1")
	if err != nil {
		t.Fatal(err)
	}
	// Just before the absolute deadline the session lives (the idle timeout is counted in
	// real time by Redis, so only the absolute one can be tested with a clock).
	if _, err := e.sessions.TouchSession(ctx, s.ID, s.CreatedAt.Add(accounts.SessionAbsoluteTimeout-time.Minute)); err != nil {
		t.Fatalf("TouchSession a minute before the deadline: %v", err)
	}
	if _, err := e.sessions.TouchSession(ctx, s.ID, s.CreatedAt.Add(accounts.SessionAbsoluteTimeout+time.Second)); !errors.Is(err, accounts.ErrNotFound) {
		t.Fatalf("TouchSession past the absolute deadline = %v; want ErrNotFound", err)
	}
	// And it is gone for good, even at the real time.
	_, _, err = e.svc.ActorForSession(ctx, s.ID)
	wantCode(t, err, accounts.CodeUnauthenticated)
}

// Idle and absolute timeouts in real time, with short timeouts.
func TestSessionTimeoutsRealTime(t *testing.T) {
	t.Parallel()
	t.Run("idle", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		e.sessions.Idle, e.sessions.Absolute = 800*time.Millisecond, time.Hour
		ctx := ctxT(t)
		u := e.user(t, "idle@school.kz", password)
		s, err := login(e, u.Email, password, "10.7.0.1")
		if err != nil {
			t.Fatal(err)
		}
		// Used every 500 ms, it outlives its idle timeout...
		for i := 0; i < 2; i++ {
			time.Sleep(500 * time.Millisecond)
			if _, _, err := e.svc.ActorForSession(ctx, s.ID); err != nil {
				t.Fatalf("use %d: %v", i+1, err)
			}
		}
		// ...and unused for longer than it, it ends.
		time.Sleep(1000 * time.Millisecond)
		_, _, err = e.svc.ActorForSession(ctx, s.ID)
		wantCode(t, err, accounts.CodeUnauthenticated)
	})
	t.Run("absolute", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		e.svc.Sessions = &redis.Sessions{Client: e.redis, Idle: time.Hour, Absolute: 1200 * time.Millisecond}
		ctx := ctxT(t)
		u := e.user(t, "absolute@school.kz", password)
		s, err := login(e, u.Email, password, "10.7.0.2")
		if err != nil {
			t.Fatal(err)
		}
		// Constant use does not extend it past the absolute timeout.
		deadline := time.Now().Add(1500 * time.Millisecond)
		alive := 0
		for time.Now().Before(deadline) {
			if _, _, err := e.svc.ActorForSession(ctx, s.ID); err == nil {
				alive++
			}
			time.Sleep(100 * time.Millisecond)
		}
		if alive == 0 {
			t.Fatal("the session never worked")
		}
		_, _, err = e.svc.ActorForSession(ctx, s.ID)
		wantCode(t, err, accounts.CodeUnauthenticated)
	})
}

func TestInvitationsEndToEnd(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := ctxT(t)
	org := e.org(t, accounts.KindBuyer, "karaganda")
	otherOrg := e.org(t, accounts.KindBuyer, "karaganda")
	admin := e.user(t, "admin@school.kz", password)
	e.member(t, admin, org, accounts.RoleAdmin)
	clerk := e.user(t, "clerk@school.kz", password)
	e.member(t, clerk, org, accounts.RoleRequester)
	outsider := e.user(t, "admin@other.kz", password)
	e.member(t, outsider, otherOrg, accounts.RoleAdmin)
	existing := e.user(t, "existing@school.kz", password)
	asAdmin := e.actor(t, admin)

	// Refusals.
	refusals := []struct {
		name  string
		actor accounts.Actor
		in    accounts.InviteInput
		code  accounts.Code
		field string
	}{
		{"anonymous", accounts.Actor{}, accounts.InviteInput{OrgID: org.ID, Email: "x@school.kz", Role: accounts.RoleRequester}, accounts.CodeUnauthenticated, ""},
		{"member without admin role", e.actor(t, clerk), accounts.InviteInput{OrgID: org.ID, Email: "x@school.kz", Role: accounts.RoleRequester}, accounts.CodeForbidden, ""},
		{"admin of another org", e.actor(t, outsider), accounts.InviteInput{OrgID: org.ID, Email: "x@school.kz", Role: accounts.RoleRequester}, accounts.CodeNotFound, ""},
		{"unknown org", asAdmin, accounts.InviteInput{OrgID: 999999, Email: "x@school.kz", Role: accounts.RoleRequester}, accounts.CodeNotFound, ""},
		{"role not in a buyer org", asAdmin, accounts.InviteInput{OrgID: org.ID, Email: "x@school.kz", Role: accounts.RoleInspector}, accounts.CodeInvalid, "role"},
		{"malformed e-mail", asAdmin, accounts.InviteInput{OrgID: org.ID, Email: "x", Role: accounts.RoleRequester}, accounts.CodeInvalid, "email"},
		{"already a member", asAdmin, accounts.InviteInput{OrgID: org.ID, Email: "Clerk@School.kz", Role: accounts.RoleApprover}, accounts.CodeConflict, "email"},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.Invite(ctx, tt.actor, tt.in)
			wantCode(t, err, tt.code)
			var de *accounts.Error
			if tt.field != "" && (!errors.As(err, &de) || de.Fields[tt.field] == "") {
				t.Errorf("error %v does not name field %s", err, tt.field)
			}
		})
	}
	if n := outboxCount(t, e, ""); n != 0 {
		t.Fatalf("refused invitations queued %d e-mails", n)
	}

	// A new person.
	inv, err := e.svc.Invite(ctx, asAdmin, accounts.InviteInput{OrgID: org.ID, Email: " New@School.kz ", Role: accounts.RoleApprover})
	if err != nil {
		t.Fatalf("Invite: %v", err)
	}
	// The link reaches only the invited mailbox: it is read from the queued e-mail.
	_, secret := postgrestest.InvitationLink(t, e.db, "new@school.kz")
	if secret == "" || inv.Email != "new@school.kz" || inv.InvitedBy != admin.ID || inv.TokenHash == secret || inv.TokenHash != accounts.HashSecret(secret) {
		t.Errorf("invitation = %+v, secret %q", inv, secret)
	}
	if d := inv.ExpiresAt.Sub(inv.CreatedAt); d != accounts.InvitationTTL {
		t.Errorf("invitation valid for %v; want %v", d, accounts.InvitationTTL)
	}
	var body string
	if err := e.db.GetContext(ctx, &body, `SELECT body FROM email_outbox WHERE recipient = 'new@school.kz'`); err != nil {
		t.Fatalf("no e-mail queued for the invitation: %v", err)
	}
	if !strings.Contains(body, accounts.InvitationLink(testPublicURL, secret)) {
		t.Errorf("e-mail body lacks the link %s:\n%s", accounts.InvitationLink(testPublicURL, secret), body)
	}
	_, err = e.svc.Invite(ctx, asAdmin, accounts.InviteInput{OrgID: org.ID, Email: "new@school.kz", Role: accounts.RoleRequester})
	wantCode(t, err, accounts.CodeConflict)

	list, err := e.svc.Invitations(ctx, asAdmin, org.ID)
	if err != nil || len(list) != 1 || list[0].ID != inv.ID {
		t.Errorf("Invitations = %+v, %v", list, err)
	}
	_, err = e.svc.Invitations(ctx, e.actor(t, clerk), org.ID)
	wantCode(t, err, accounts.CodeForbidden)

	pending, porg, err := e.svc.PendingInvitation(ctx, secret)
	if err != nil || pending.ID != inv.ID || porg.ID != org.ID {
		t.Fatalf("PendingInvitation = %+v, %+v, %v", pending, porg, err)
	}
	for _, bad := range []string{"", "nope", strings.Repeat("a", 101)} {
		_, _, err := e.svc.PendingInvitation(ctx, bad)
		wantCode(t, err, accounts.CodeNotFound)
	}

	// Acceptance needs a name and a valid password from someone new.
	_, err = e.svc.AcceptInvitation(ctx, accounts.Actor{}, accounts.AcceptInput{Secret: secret, Name: " ", Password: "short"})
	wantCode(t, err, accounts.CodeInvalid)
	joined, err := e.svc.AcceptInvitation(ctx, accounts.Actor{}, accounts.AcceptInput{Secret: secret, Name: " Жанна ", Password: "a long enough password"})
	if err != nil {
		t.Fatalf("AcceptInvitation: %v", err)
	}
	if joined.ID == 0 || joined.Email != "new@school.kz" || joined.Name != "Жанна" {
		t.Errorf("joined = %+v", joined)
	}
	if role := roleIn(t, e, joined.ID, org.ID); role != accounts.RoleApprover {
		t.Errorf("role after acceptance = %q; want approver", role)
	}
	// The new user can sign in with the chosen password.
	if _, err := login(e, "new@school.kz", "a long enough password", "10.8.0.1"); err != nil {
		t.Errorf("Login of the new user: %v", err)
	}
	// The link works once.
	_, err = e.svc.AcceptInvitation(ctx, accounts.Actor{}, accounts.AcceptInput{Secret: secret, Name: "Again", Password: "a long enough password"})
	wantCode(t, err, accounts.CodeNotFound)
	_, _, err = e.svc.PendingInvitation(ctx, secret)
	wantCode(t, err, accounts.CodeNotFound)

	// Someone who already has an account must be signed in to it.
	if _, err := e.svc.Invite(ctx, asAdmin, accounts.InviteInput{OrgID: org.ID, Email: existing.Email, Role: accounts.RoleAccountant}); err != nil {
		t.Fatal(err)
	}
	_, secret2 := postgrestest.InvitationLink(t, e.db, existing.Email)
	_, err = e.svc.AcceptInvitation(ctx, accounts.Actor{}, accounts.AcceptInput{Secret: secret2, Name: "Impostor", Password: "a long enough password"})
	wantCode(t, err, accounts.CodeUnauthenticated)
	_, err = e.svc.AcceptInvitation(ctx, e.actor(t, clerk), accounts.AcceptInput{Secret: secret2})
	wantCode(t, err, accounts.CodeUnauthenticated)
	if role := roleIn(t, e, existing.ID, org.ID); role != "" {
		t.Fatalf("a refused acceptance added membership %q", role)
	}
	got, err := e.svc.AcceptInvitation(ctx, e.actor(t, existing), accounts.AcceptInput{Secret: secret2})
	if err != nil || got.ID != existing.ID {
		t.Fatalf("AcceptInvitation signed in = %+v, %v", got, err)
	}
	if role := roleIn(t, e, existing.ID, org.ID); role != accounts.RoleAccountant {
		t.Errorf("role = %q; want accountant", role)
	}

	// Revocation.
	inv3, err := e.svc.Invite(ctx, asAdmin, accounts.InviteInput{OrgID: org.ID, Email: "revoked@school.kz", Role: accounts.RoleRequester})
	if err != nil {
		t.Fatal(err)
	}
	_, secret3 := postgrestest.InvitationLink(t, e.db, "revoked@school.kz")
	wantCode(t, e.svc.RevokeInvitation(ctx, e.actor(t, outsider), org.ID, inv3.ID), accounts.CodeNotFound)
	wantCode(t, e.svc.RevokeInvitation(ctx, e.actor(t, outsider), otherOrg.ID, inv3.ID), accounts.CodeNotFound)
	if err := e.svc.RevokeInvitation(ctx, asAdmin, org.ID, inv3.ID); err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.AcceptInvitation(ctx, accounts.Actor{}, accounts.AcceptInput{Secret: secret3, Name: "Late", Password: "a long enough password"})
	wantCode(t, err, accounts.CodeNotFound)

	if n := outboxCount(t, e, ""); n != 3 {
		t.Errorf("email_outbox holds %d messages; want 3 (one per invitation)", n)
	}
}

func TestInvitationExpiry(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := ctxT(t)
	org := e.org(t, accounts.KindBuyer, "karaganda")
	admin := e.user(t, "admin@school.kz", password)
	e.member(t, admin, org, accounts.RoleAdmin)
	// Whole microseconds, PostgreSQL's precision, so that the deadline is exact.
	start := time.Now().UTC().Truncate(time.Microsecond)
	clock := start
	e.svc.Now = func() time.Time { return clock }

	if _, err := e.svc.Invite(ctx, e.actor(t, admin), accounts.InviteInput{OrgID: org.ID, Email: "slow@school.kz", Role: accounts.RoleRequester}); err != nil {
		t.Fatal(err)
	}
	_, secret := postgrestest.InvitationLink(t, e.db, "slow@school.kz")
	clock = start.Add(accounts.InvitationTTL - time.Microsecond)
	if _, _, err := e.svc.PendingInvitation(ctx, secret); err != nil {
		t.Fatalf("PendingInvitation just before expiry: %v", err)
	}
	if list, err := e.svc.Invitations(ctx, e.actor(t, admin), org.ID); err != nil || len(list) != 1 {
		t.Fatalf("Invitations just before expiry = %+v, %v", list, err)
	}
	clock = start.Add(accounts.InvitationTTL)
	if list, err := e.svc.Invitations(ctx, e.actor(t, admin), org.ID); err != nil || len(list) != 0 {
		t.Errorf("Invitations at expiry = %+v, %v; want none", list, err)
	}
	_, err := e.svc.AcceptInvitation(ctx, accounts.Actor{}, accounts.AcceptInput{Secret: secret, Name: "Slow", Password: "a long enough password"})
	wantCode(t, err, accounts.CodeNotFound)
	// An expired invitation does not block inviting the person again.
	if _, err := e.svc.Invite(ctx, e.actor(t, admin), accounts.InviteInput{OrgID: org.ID, Email: "slow@school.kz", Role: accounts.RoleRequester}); err != nil {
		t.Errorf("Invite after expiry: %v", err)
	}
}

func TestAcceptInvitationConcurrently(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := ctxT(t)
	org := e.org(t, accounts.KindBuyer, "karaganda")
	admin := e.user(t, "admin@school.kz", password)
	e.member(t, admin, org, accounts.RoleAdmin)
	if _, err := e.svc.Invite(ctx, e.actor(t, admin), accounts.InviteInput{OrgID: org.ID, Email: "race@school.kz", Role: accounts.RoleRequester}); err != nil {
		t.Fatal(err)
	}
	_, secret := postgrestest.InvitationLink(t, e.db, "race@school.kz")
	const n = 10
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			_, errs[i] = e.svc.AcceptInvitation(ctx, accounts.Actor{}, accounts.AcceptInput{Secret: secret, Name: fmt.Sprintf("Racer %d", i), Password: "a long enough password"})
		}(i)
	}
	close(start)
	wg.Wait()
	wins := 0
	for i, err := range errs {
		switch accounts.ErrorCode(err) {
		case "":
			wins++
		// Losers see the invitation used (not found), the e-mail taken by the winner's
		// concurrent insert (conflict), or, once the winner committed, an account that
		// they must sign in to (unauthenticated).
		case accounts.CodeConflict, accounts.CodeNotFound, accounts.CodeUnauthenticated:
		default:
			t.Errorf("acceptance %d: unexpected error %v", i, err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d acceptances succeeded; want exactly 1", wins)
	}
	members, err := e.store.OrganizationMembers(ctx, org.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(members) != 2 {
		t.Errorf("organization has %d members; want 2 (admin and one racer)", len(members))
	}
}

func TestAPITokensService(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := ctxT(t)
	org := e.org(t, accounts.KindProducerEnterprise, "karaganda")
	other := e.org(t, accounts.KindBuyer, "almaty")
	admin := e.user(t, "admin@enbek.kz", password)
	e.member(t, admin, org, accounts.RoleAdmin)
	master := e.user(t, "master@enbek.kz", password)
	e.member(t, master, org, accounts.RoleWorkshopMaster)
	outsider := e.user(t, "admin@other.kz", password)
	e.member(t, outsider, other, accounts.RoleAdmin)
	asAdmin := e.actor(t, admin)

	refusals := []struct {
		name  string
		actor accounts.Actor
		in    accounts.IssueTokenInput
		code  accounts.Code
		field string
	}{
		{"anonymous", accounts.Actor{}, accounts.IssueTokenInput{OrgID: org.ID, Name: "erp", Role: accounts.RoleProducerManager}, accounts.CodeUnauthenticated, ""},
		{"not admin", e.actor(t, master), accounts.IssueTokenInput{OrgID: org.ID, Name: "erp", Role: accounts.RoleProducerManager}, accounts.CodeForbidden, ""},
		{"admin of another org", e.actor(t, outsider), accounts.IssueTokenInput{OrgID: org.ID, Name: "erp", Role: accounts.RoleProducerManager}, accounts.CodeNotFound, ""},
		{"no name", asAdmin, accounts.IssueTokenInput{OrgID: org.ID, Name: "  ", Role: accounts.RoleProducerManager}, accounts.CodeInvalid, "name"},
		{"long name", asAdmin, accounts.IssueTokenInput{OrgID: org.ID, Name: strings.Repeat("я", accounts.MaxTokenNameLength+1), Role: accounts.RoleProducerManager}, accounts.CodeInvalid, "name"},
		{"role not in a producer", asAdmin, accounts.IssueTokenInput{OrgID: org.ID, Name: "erp", Role: accounts.RoleRequester}, accounts.CodeInvalid, "role"},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			_, secret, err := e.svc.IssueToken(ctx, tt.actor, tt.in)
			wantCode(t, err, tt.code)
			if secret != "" {
				t.Error("a refused token returned a secret")
			}
			var de *accounts.Error
			if tt.field != "" && (!errors.As(err, &de) || de.Fields[tt.field] == "") {
				t.Errorf("error %v does not name field %s", err, tt.field)
			}
		})
	}

	tok, secret, err := e.svc.IssueToken(ctx, asAdmin, accounts.IssueTokenInput{OrgID: org.ID, Name: " 1C export ", Role: accounts.RoleProducerManager})
	if err != nil {
		t.Fatalf("IssueToken: %v", err)
	}
	if !strings.HasPrefix(secret, accounts.APITokenPrefix) || len(secret) < 30 || !strings.HasPrefix(secret, tok.Prefix) ||
		tok.Prefix == secret || tok.Hash != accounts.HashSecret(secret) || tok.Name != "1C export" || tok.CreatedBy != admin.ID {
		t.Errorf("token = %+v, secret %q", tok, secret)
	}

	a, err := e.svc.ActorForToken(ctx, secret)
	if err != nil {
		t.Fatalf("ActorForToken: %v", err)
	}
	if a.TokenID != tok.ID || a.UserID != 0 || a.Anonymous() || len(a.Memberships) != 1 {
		t.Fatalf("token actor = %+v", a)
	}
	if m := a.Memberships[0]; m.OrgID != org.ID || m.Role != accounts.RoleProducerManager || m.OrgKind != accounts.KindProducerEnterprise || m.Region != "karaganda" {
		t.Errorf("token membership = %+v", m)
	}
	tokens, err := e.svc.Tokens(ctx, asAdmin, org.ID)
	if err != nil || len(tokens) != 1 || tokens[0].LastUsedAt == nil {
		t.Fatalf("Tokens after use = %+v, %v; want last_used_at recorded", tokens, err)
	}
	// The token acts with its role: a producer manager may list members, not tokens.
	if _, err := e.svc.Members(ctx, a, org.ID); err != nil {
		t.Errorf("token actor Members: %v", err)
	}
	_, err = e.svc.Tokens(ctx, a, org.ID)
	wantCode(t, err, accounts.CodeForbidden)
	if _, _, err := e.svc.Me(ctx, a); err != nil {
		t.Errorf("Me as a token: %v", err)
	}

	for _, bad := range []string{"", "shb_", "shb_nope", strings.TrimPrefix(secret, accounts.APITokenPrefix), "shb_" + strings.Repeat("a", 200), secret + "x"} {
		_, err := e.svc.ActorForToken(ctx, bad)
		wantCode(t, err, accounts.CodeUnauthenticated)
	}

	wantCode(t, e.svc.RevokeToken(ctx, e.actor(t, master), org.ID, tok.ID), accounts.CodeForbidden)
	wantCode(t, e.svc.RevokeToken(ctx, e.actor(t, outsider), org.ID, tok.ID), accounts.CodeNotFound)
	wantCode(t, e.svc.RevokeToken(ctx, e.actor(t, outsider), other.ID, tok.ID), accounts.CodeNotFound)
	if err := e.svc.RevokeToken(ctx, asAdmin, org.ID, tok.ID); err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.ActorForToken(ctx, secret)
	wantCode(t, err, accounts.CodeUnauthenticated)
	wantCode(t, e.svc.RevokeToken(ctx, asAdmin, org.ID, tok.ID), accounts.CodeNotFound)
}

func TestAPITokenLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := ctxT(t)
	org := e.org(t, accounts.KindBuyer, "karaganda")
	admin := e.user(t, "admin@school.kz", password)
	e.member(t, admin, org, accounts.RoleAdmin)
	asAdmin := e.actor(t, admin)

	var last accounts.APIToken
	for i := 0; i < accounts.MaxActiveTokensPerOrg; i++ {
		tok, _, err := e.svc.IssueToken(ctx, asAdmin, accounts.IssueTokenInput{OrgID: org.ID, Name: fmt.Sprintf("t%d", i), Role: accounts.RoleRequester})
		if err != nil {
			t.Fatalf("token %d: %v", i+1, err)
		}
		last = tok
	}
	_, _, err := e.svc.IssueToken(ctx, asAdmin, accounts.IssueTokenInput{OrgID: org.ID, Name: "one too many", Role: accounts.RoleRequester})
	wantCode(t, err, accounts.CodeConflict)
	// Revoking one makes room for one.
	if err := e.svc.RevokeToken(ctx, asAdmin, org.ID, last.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.svc.IssueToken(ctx, asAdmin, accounts.IssueTokenInput{OrgID: org.ID, Name: "replacement", Role: accounts.RoleRequester}); err != nil {
		t.Fatalf("IssueToken after a revocation: %v", err)
	}
	_, _, err = e.svc.IssueToken(ctx, asAdmin, accounts.IssueTokenInput{OrgID: org.ID, Name: "again too many", Role: accounts.RoleRequester})
	wantCode(t, err, accounts.CodeConflict)
}

func TestAPITokenLimitConcurrently(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := ctxT(t)
	org := e.org(t, accounts.KindBuyer, "karaganda")
	admin := e.user(t, "admin@school.kz", password)
	e.member(t, admin, org, accounts.RoleAdmin)
	const existing = accounts.MaxActiveTokensPerOrg - 2
	for i := 0; i < existing; i++ {
		tok := accounts.APIToken{OrgID: org.ID, Role: accounts.RoleRequester, Name: fmt.Sprint(i), Prefix: "shb_x",
			Hash: fmt.Sprintf("fixture-%d", i), CreatedBy: admin.ID, CreatedAt: time.Now()}
		if err := e.store.CreateAPIToken(ctx, &tok); err != nil {
			t.Fatal(err)
		}
	}
	asAdmin := e.actor(t, admin)
	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			_, _, errs[i] = e.svc.IssueToken(ctx, asAdmin, accounts.IssueTokenInput{OrgID: org.ID, Name: fmt.Sprintf("racer %d", i), Role: accounts.RoleRequester})
		}(i)
	}
	close(start)
	wg.Wait()
	wins := 0
	for i, err := range errs {
		switch accounts.ErrorCode(err) {
		case "":
			wins++
		case accounts.CodeConflict:
		default:
			t.Errorf("issue %d: %v", i, err)
		}
	}
	if wins != 2 {
		t.Errorf("%d tokens issued; want exactly 2", wins)
	}
	if n, err := e.store.CountActiveAPITokens(ctx, org.ID); err != nil || n != accounts.MaxActiveTokensPerOrg {
		t.Errorf("active tokens = %d, %v; want %d", n, err, accounts.MaxActiveTokensPerOrg)
	}
}

func TestMembersAndOrganization(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := ctxT(t)
	org := e.org(t, accounts.KindBuyer, "karaganda")
	dept := e.org(t, accounts.KindOversight, "karaganda")
	far := e.org(t, accounts.KindOversight, "shymkent")
	clerk := e.user(t, "clerk@school.kz", password)
	e.member(t, clerk, org, accounts.RoleRequester)
	inspector := e.user(t, "inspector@duis.kz", password)
	e.member(t, inspector, dept, accounts.RoleInspector)
	farInspector := e.user(t, "inspector@far.kz", password)
	e.member(t, farInspector, far, accounts.RoleInspector)

	if got, err := e.svc.Organization(ctx, accounts.Actor{}, org.ID); err != nil || got.BIN != org.BIN {
		t.Errorf("public Organization = %+v, %v", got, err)
	}
	_, err := e.svc.Organization(ctx, accounts.Actor{}, 999999)
	wantCode(t, err, accounts.CodeNotFound)

	tests := []struct {
		name  string
		actor accounts.Actor
		org   int64
		code  accounts.Code
	}{
		{"member", e.actor(t, clerk), org.ID, ""},
		{"regional inspector", e.actor(t, inspector), org.ID, ""},
		{"inspector of another region", e.actor(t, farInspector), org.ID, accounts.CodeNotFound},
		{"anonymous", accounts.Actor{}, org.ID, accounts.CodeUnauthenticated},
		{"unknown organization", e.actor(t, clerk), 999999, accounts.CodeNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms, err := e.svc.Members(ctx, tt.actor, tt.org)
			wantCode(t, err, tt.code)
			if tt.code == "" && (len(ms) != 1 || ms[0].UserID != clerk.ID) {
				t.Errorf("Members = %+v", ms)
			}
		})
	}
}

func outboxCount(t *testing.T, e *env, recipient string) int {
	t.Helper()
	var n int
	q := `SELECT count(*) FROM email_outbox WHERE $1 = '' OR recipient = $1`
	if err := e.db.GetContext(ctxT(t), &n, q, recipient); err != nil {
		t.Fatal(err)
	}
	return n
}

func roleIn(t *testing.T, e *env, userID, orgID int64) accounts.Role {
	t.Helper()
	ms, err := e.store.UserMemberships(ctxT(t), userID)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.OrgID == orgID {
			return m.Role
		}
	}
	return ""
}

// countingHasher counts password verifications: each one is a guess an attacker got.
type countingHasher struct {
	accounts.PasswordHasher
	verified atomic.Int64
}

func (h *countingHasher) Verify(password, encoded string) (bool, error) {
	h.verified.Add(1)
	return h.PasswordHasher.Verify(password, encoded)
}

// Parallel guesses cannot get past the per-account limit: the attempt is counted before
// the password is checked.
func TestLoginThrottleHoldsUnderParallelGuesses(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.user(t, "target@school.kz", password)
	counter := &countingHasher{PasswordHasher: e.hasher}
	e.svc.Hasher = counter

	const guesses = 30
	var limited atomic.Int64
	var wg sync.WaitGroup
	for i := 0; i < guesses; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := login(e, "target@school.kz", fmt.Sprintf("guess-%02d-wrong", i), fmt.Sprintf("10.9.0.%d", i))
			switch accounts.ErrorCode(err) {
			case accounts.CodeRateLimited:
				limited.Add(1)
			case accounts.CodeUnauthenticated:
			default:
				t.Errorf("guess %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	if got := counter.verified.Load(); got != accounts.LoginFailuresPerAccount {
		t.Errorf("%d of %d parallel guesses were checked; want exactly %d", got, guesses, accounts.LoginFailuresPerAccount)
	}
	if limited.Load() != guesses-accounts.LoginFailuresPerAccount {
		t.Errorf("%d guesses were rate limited; want %d", limited.Load(), guesses-accounts.LoginFailuresPerAccount)
	}
}

// An IPv6 subscriber gets a whole /64: its addresses count as one for throttling, while
// other /64s and IPv4 addresses are counted apart.
func TestLoginThrottlesIPv6ByPrefix(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for i := 0; i < accounts.LoginFailuresPerIP; i++ {
		_, err := login(e, fmt.Sprintf("nobody%d@school.kz", i), "wrong password", fmt.Sprintf("2001:db8:1:2::%x", i+1))
		wantCode(t, err, accounts.CodeUnauthenticated)
	}
	_, err := login(e, "another@school.kz", "wrong password", "2001:db8:1:2:ffff::1")
	wantCode(t, err, accounts.CodeRateLimited)
	_, err = login(e, "another@school.kz", "wrong password", "2001:db8:1:3::1")
	wantCode(t, err, accounts.CodeUnauthenticated)
	// An IPv4 address written as IPv6 is the IPv4 address.
	for i := 0; i < accounts.LoginFailuresPerIP; i++ {
		_, _ = login(e, fmt.Sprintf("v4-%d@school.kz", i), "wrong password", "192.0.2.7")
	}
	_, err = login(e, "v4-last@school.kz", "wrong password", "::ffff:192.0.2.7")
	wantCode(t, err, accounts.CodeRateLimited)
}

// Every sign-in costs one password hash, whether the account exists or the password is
// too long to be one: answering faster would tell which e-mails have accounts.
func TestLoginHashesOnceWhateverTheCase(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.user(t, "known@school.kz", password)
	counter := &countingHasher{PasswordHasher: e.hasher}
	e.svc.Hasher = counter
	long := strings.Repeat("x", accounts.MaxPasswordLength+1)
	for _, tt := range []struct{ email, pw string }{
		{"known@school.kz", "wrong password"},
		{"known@school.kz", long},
		{"unknown@school.kz", "wrong password"},
		{"unknown@school.kz", long},
	} {
		before := counter.verified.Load()
		_, err := login(e, tt.email, tt.pw, "10.7.0.1")
		if !errors.Is(err, accounts.ErrBadCredentials) {
			t.Errorf("%s with a %d-byte password: %v", tt.email, len(tt.pw), err)
		}
		if n := counter.verified.Load() - before; n != 1 {
			t.Errorf("%s with a %d-byte password: %d hash verifications; want 1", tt.email, len(tt.pw), n)
		}
	}
}
