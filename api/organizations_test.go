package api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/storage/postgres/postgrestest"
)

// TestAuthorizationOverHTTP: someone with no standing in an organization cannot tell its
// resources from ones that do not exist; a member whose role does not allow something is
// told so; the public is asked to sign in.
func TestAuthorizationOverHTTP(t *testing.T) {
	e := newEnv(t)
	mine := e.org(accounts.KindBuyer, "School A")
	theirs := e.org(accounts.KindBuyer, "School B")
	e.user("admin@a.kz", map[int64]accounts.Role{mine.ID: accounts.RoleAdmin})
	e.user("requester@a.kz", map[int64]accounts.Role{mine.ID: accounts.RoleRequester})
	e.user("admin@b.kz", map[int64]accounts.Role{theirs.ID: accounts.RoleAdmin})
	admin := e.login(t, "admin@a.kz")
	requester := e.login(t, "requester@a.kz")
	theirAdmin := e.login(t, "admin@b.kz")
	// Give the other organization something to find.
	if r := e.do(t, req{method: "POST", path: fmt.Sprintf("/api/v1/organizations/%d/invitations", theirs.ID), session: theirAdmin,
		headers: theirAdmin.csrfHeader(), body: `{"email":"x@b.kz","role":"requester"}`}); r.status != 201 {
		t.Fatalf("invite in B: %s", r)
	}
	if r := e.do(t, req{method: "POST", path: fmt.Sprintf("/api/v1/organizations/%d/tokens", theirs.ID), session: theirAdmin,
		headers: theirAdmin.csrfHeader(), body: `{"name":"b","role":"admin"}`}); r.status != 201 {
		t.Fatalf("token in B: %s", r)
	}

	const missing = 987654
	var sc []scenario
	for _, sub := range []string{"members", "invitations", "tokens"} {
		var bodies [2]string
		for i, id := range []int64{theirs.ID, missing} {
			sc = append(sc, scenario{name: fmt.Sprintf("%s of %s", sub, []string{"another organization", "no organization"}[i]),
				method: "GET", path: fmt.Sprintf("/api/v1/organizations/%d/%s", id, sub), session: admin,
				wantStatus: 404, wantCode: "not_found", wantAbsent: []string{"x@b.kz", "School B"},
				after: func(t *testing.T, r resp) {
					bodies[i] = r.body
					if i == 1 && bodies[0] != bodies[1] {
						t.Errorf("another organization's %s (%s) and a missing one's (%s) can be told apart", sub, bodies[0], bodies[1])
					}
				}})
		}
	}
	for _, id := range []int64{theirs.ID, missing} {
		sc = append(sc,
			scenario{name: fmt.Sprintf("invite into %d", id), method: "POST", path: fmt.Sprintf("/api/v1/organizations/%d/invitations", id),
				session: admin, headers: admin.csrfHeader(), body: `{"email":"y@b.kz","role":"requester"}`,
				wantStatus: 404, wantCode: "not_found"},
			scenario{name: fmt.Sprintf("issue a token in %d", id), method: "POST", path: fmt.Sprintf("/api/v1/organizations/%d/tokens", id),
				session: admin, headers: admin.csrfHeader(), body: `{"name":"mine now","role":"admin"}`,
				wantStatus: 404, wantCode: "not_found"},
			scenario{name: fmt.Sprintf("revoke a token of %d", id), method: "DELETE", path: fmt.Sprintf("/api/v1/organizations/%d/tokens/1", id),
				session: admin, headers: admin.csrfHeader(), wantStatus: 404, wantCode: "not_found"},
			scenario{name: fmt.Sprintf("revoke an invitation of %d", id), method: "DELETE", path: fmt.Sprintf("/api/v1/organizations/%d/invitations/1", id),
				session: admin, headers: admin.csrfHeader(), wantStatus: 404, wantCode: "not_found"},
		)
	}
	sc = append(sc,
		scenario{name: "the other organization's token still works for it alone", method: "GET",
			path: fmt.Sprintf("/api/v1/organizations/%d/tokens", theirs.ID), session: theirAdmin, wantStatus: 200,
			wantContains: []string{`"revoked_at":null`}},
		// Public profile: anyone.
		scenario{name: "public profile", method: "GET", path: fmt.Sprintf("/api/v1/organizations/%d", theirs.ID),
			wantStatus: 200, wantContains: []string{`"bin":"` + theirs.BIN + `"`, `"kind":"buyer"`, `"subtype":"school"`, `"ru":"School B"`}},
		scenario{name: "public profile of nothing", method: "GET", path: fmt.Sprintf("/api/v1/organizations/%d", missing),
			wantStatus: 404, wantCode: "not_found"},
		// Same organization, a role that does not allow it.
		scenario{name: "requester sees members", method: "GET", path: fmt.Sprintf("/api/v1/organizations/%d/members", mine.ID),
			session: requester, wantStatus: 200, wantContains: []string{`"email":"admin@a.kz"`, `"email":"requester@a.kz"`},
			wantAbsent: []string{"admin@b.kz"}},
		scenario{name: "requester may not list tokens", method: "GET", path: fmt.Sprintf("/api/v1/organizations/%d/tokens", mine.ID),
			session: requester, wantStatus: 403, wantCode: "forbidden"},
		scenario{name: "requester may not issue tokens", method: "POST", path: fmt.Sprintf("/api/v1/organizations/%d/tokens", mine.ID),
			session: requester, headers: requester.csrfHeader(), body: `{"name":"x","role":"admin"}`, wantStatus: 403, wantCode: "forbidden"},
		scenario{name: "requester may not list invitations", method: "GET", path: fmt.Sprintf("/api/v1/organizations/%d/invitations", mine.ID),
			session: requester, wantStatus: 403, wantCode: "forbidden"},
		scenario{name: "requester may not invite", method: "POST", path: fmt.Sprintf("/api/v1/organizations/%d/invitations", mine.ID),
			session: requester, headers: requester.csrfHeader(), body: `{"email":"z@a.kz","role":"admin"}`, wantStatus: 403, wantCode: "forbidden"},
		// The public.
		scenario{name: "anonymous members", method: "GET", path: fmt.Sprintf("/api/v1/organizations/%d/members", mine.ID),
			wantStatus: 401, wantCode: "unauthenticated"},
		scenario{name: "anonymous tokens", method: "GET", path: fmt.Sprintf("/api/v1/organizations/%d/tokens", mine.ID),
			wantStatus: 401, wantCode: "unauthenticated"},
		scenario{name: "anonymous invitations of nothing", method: "GET", path: fmt.Sprintf("/api/v1/organizations/%d/invitations", missing),
			wantStatus: 401, wantCode: "unauthenticated"},
		scenario{name: "anonymous invite", method: "POST", path: fmt.Sprintf("/api/v1/organizations/%d/invitations", mine.ID),
			body: `{"email":"z@a.kz","role":"admin"}`, wantStatus: 401, wantCode: "unauthenticated"},
		scenario{name: "anonymous me", method: "GET", path: "/api/v1/me", wantStatus: 401, wantCode: "unauthenticated"},
	)
	e.run(t, sc)
}

func TestAPITokens(t *testing.T) {
	e := newEnv(t)
	school := e.org(accounts.KindBuyer, "School No. 13")
	e.user("admin@school.kz", map[int64]accounts.Role{school.ID: accounts.RoleAdmin})
	admin := e.login(t, "admin@school.kz")
	tokens := fmt.Sprintf("/api/v1/organizations/%d/tokens", school.ID)

	issue := func(t *testing.T, body string) (id int64, secret string) {
		t.Helper()
		r := e.do(t, req{method: "POST", path: tokens, session: admin, headers: admin.csrfHeader(), body: body})
		if r.status != 201 {
			t.Fatalf("issue: %s", r)
		}
		var tok struct {
			ID     int64  `json:"id"`
			Secret string `json:"secret"`
			Prefix string `json:"prefix"`
		}
		r.decode(t, &tok)
		if !strings.HasPrefix(tok.Secret, accounts.APITokenPrefix) || len(tok.Secret) < 30 {
			t.Fatalf("secret %q: want a long %s... token", tok.Secret, accounts.APITokenPrefix)
		}
		if !strings.HasPrefix(tok.Secret, tok.Prefix) || len(tok.Prefix) >= len(tok.Secret) {
			t.Errorf("prefix %q is not a short start of the secret", tok.Prefix)
		}
		return tok.ID, tok.Secret
	}
	exportID, export := issue(t, `{"name":"accounting export","role":"accountant"}`)
	adminTokenID, adminToken := issue(t, `{"name":"provisioning","role":"admin"}`)
	_ = adminTokenID

	noSecrets := func(t *testing.T, r resp) {
		if strings.Contains(r.body, export) || strings.Contains(r.body, adminToken) || strings.Contains(r.body, `"secret"`) {
			t.Errorf("a token list shows a secret: %s", r.body)
		}
	}
	e.run(t, []scenario{
		{name: "list never shows secrets", method: "GET", path: tokens, session: admin, wantStatus: 200,
			wantContains: []string{`"name":"accounting export"`, `"name":"provisioning"`, `"role":"accountant"`, `"prefix":"shb_`}, after: noSecrets},
		{name: "me with the token", method: "GET", path: "/api/v1/me", bearer: export, wantStatus: 200,
			wantContains: []string{`"user":null`, fmt.Sprintf(`"token_id":%d`, exportID), `"role":"accountant"`, fmt.Sprintf(`"id":%d`, school.ID)},
			wantAbsent:   []string{"csrf_token", "admin@school.kz"},
			after: func(t *testing.T, r resp) {
				var me struct {
					Memberships []struct{} `json:"memberships"`
				}
				r.decode(t, &me)
				if len(me.Memberships) != 1 {
					t.Errorf("a token holds exactly one membership, got %d", len(me.Memberships))
				}
			}},
		{name: "the token's role applies", method: "GET", path: tokens, bearer: export, wantStatus: 403, wantCode: "forbidden"},
		{name: "members with the token", method: "GET", path: fmt.Sprintf("/api/v1/organizations/%d/members", school.ID), bearer: export,
			wantStatus: 200, wantContains: []string{"admin@school.kz"}},
		{name: "the use is recorded", method: "GET", path: tokens, session: admin, wantStatus: 200,
			after: func(t *testing.T, r resp) {
				var list struct {
					Items []struct {
						ID         int64   `json:"id"`
						LastUsedAt *string `json:"last_used_at"`
					} `json:"items"`
				}
				r.decode(t, &list)
				for _, it := range list.Items {
					if it.ID == exportID && it.LastUsedAt == nil {
						t.Errorf("last_used_at is null after the token was used: %s", r.body)
					}
				}
			}},
		// A token needs no CSRF token (the refusal is the policy's, not csrf_failed), but who
		// may act for an organization is decided by a person: a token cannot invite.
		{name: "a token needs no CSRF token but cannot invite", method: "POST", path: fmt.Sprintf("/api/v1/organizations/%d/invitations", school.ID),
			bearer: adminToken, body: `{"email":"teacher@school.kz","role":"requester"}`, wantStatus: 403, wantCode: "forbidden"},
		{name: "nor issue tokens", method: "POST", path: tokens,
			bearer: adminToken, body: `{"name":"another","role":"admin"}`, wantStatus: 403, wantCode: "forbidden"},
		{name: "a token cannot end sessions", method: "POST", path: "/api/v1/auth/logout-everywhere", bearer: adminToken,
			wantStatus: 401, wantCode: "unauthenticated"},
		{name: "revoke without CSRF", method: "DELETE", path: fmt.Sprintf("%s/%d", tokens, exportID), session: admin,
			wantStatus: 403, wantCode: "csrf_failed"},
		{name: "revoke", method: "DELETE", path: fmt.Sprintf("%s/%d", tokens, exportID), session: admin, headers: admin.csrfHeader(),
			wantStatus: 204},
		{name: "a revoked token is refused", method: "GET", path: "/api/v1/me", bearer: export, wantStatus: 401, wantCode: "unauthenticated"},
		{name: "even on public routes", method: "GET", path: "/api/v1/regions", bearer: export, wantStatus: 401, wantCode: "unauthenticated"},
		{name: "revoke again", method: "DELETE", path: fmt.Sprintf("%s/%d", tokens, exportID), session: admin, headers: admin.csrfHeader(),
			wantStatus: 404, wantCode: "not_found"},
		{name: "the list shows it revoked", method: "GET", path: tokens, session: admin, wantStatus: 200,
			wantContains: []string{`"revoked_at":"`}, after: noSecrets},
		{name: "Basic is not accepted", method: "GET", path: "/api/v1/me", headers: map[string]string{"Authorization": "Basic YTpi"},
			wantStatus: 401, wantCode: "unauthenticated"},
		{name: "Bearer with nothing", method: "GET", path: "/api/v1/me", headers: map[string]string{"Authorization": "Bearer"},
			wantStatus: 401, wantCode: "unauthenticated"},
		{name: "not a Sheber token", method: "GET", path: "/api/v1/me", bearer: "eyJhbGciOiJIUzI1NiJ9.e30.x",
			wantStatus: 401, wantCode: "unauthenticated"},
		{name: "an unknown token", method: "GET", path: "/api/v1/me", bearer: "shb_" + strings.Repeat("a", 32),
			wantStatus: 401, wantCode: "unauthenticated"},
		{name: "a bad token wins over a good session", method: "GET", path: "/api/v1/me", session: admin, bearer: "shb_nope",
			wantStatus: 401, wantCode: "unauthenticated"},
		{name: "a token needs a name", method: "POST", path: tokens, session: admin, headers: admin.csrfHeader(),
			body: `{"name":"  ","role":"accountant"}`, wantStatus: 422, wantCode: "invalid", wantFields: []string{"name"}},
		{name: "a name within the limit", method: "POST", path: tokens, session: admin, headers: admin.csrfHeader(),
			body:       fmt.Sprintf(`{"name":%q,"role":"warden"}`, strings.Repeat("n", accounts.MaxTokenNameLength+1)),
			wantStatus: 422, wantCode: "invalid", wantFields: []string{"name", "role"}},
	})
}

func TestInvitations(t *testing.T) {
	e := newEnv(t)
	school := e.org(accounts.KindBuyer, "School No. 14")
	e.user("admin@school.kz", map[int64]accounts.Role{school.ID: accounts.RoleAdmin})
	e.user("veteran@school.kz", nil)
	admin := e.login(t, "admin@school.kz")
	invitations := fmt.Sprintf("/api/v1/organizations/%d/invitations", school.ID)

	invite := func(t *testing.T, email, role string) (id int64, secret string) {
		t.Helper()
		r := e.do(t, req{method: "POST", path: invitations, session: admin, headers: admin.csrfHeader(),
			body: fmt.Sprintf(`{"email":%q,"role":%q}`, email, role)})
		if r.status != 201 {
			t.Fatalf("invite %s: %s", email, r)
		}
		var inv struct {
			ID        int64  `json:"id"`
			Email     string `json:"email"`
			Role      string `json:"role"`
			ExpiresAt string `json:"expires_at"`
		}
		r.decode(t, &inv)
		if inv.Email != email || inv.Role != role || inv.ExpiresAt == "" {
			t.Errorf("invitation %+v", inv)
		}
		// The link goes only to the invited mailbox, never back to the inviter.
		link, secret := postgrestest.InvitationLink(t, e.db, email)
		if strings.Contains(r.body, secret) || !strings.HasPrefix(link, "http://localhost/invitations/") {
			t.Fatalf("the response shows the secret, or the e-mail's link %q is not http://localhost/invitations/<secret>: %s", link, r.body)
		}
		return inv.ID, secret
	}
	_, newcomer := invite(t, "new@school.kz", "requester")
	_, weak := invite(t, "weak@school.kz", "approver")
	revokedID, revoked := invite(t, "gone@school.kz", "approver")
	_, veteran := invite(t, "veteran@school.kz", "accountant")
	accept := "/api/v1/invitations/accept"
	var joined *session

	e.run(t, []scenario{
		{name: "the list has them, without links", method: "GET", path: invitations, session: admin, wantStatus: 200,
			wantContains: []string{"new@school.kz", "weak@school.kz", "gone@school.kz"}, wantAbsent: []string{"link", newcomer}},
		{name: "revoke one", method: "DELETE", path: fmt.Sprintf("%s/%d", invitations, revokedID), session: admin,
			headers: admin.csrfHeader(), wantStatus: 204},
		{name: "a revoked invitation cannot be accepted", method: "POST", path: accept,
			body: fmt.Sprintf(`{"token":%q,"name":"Gone","password":"long enough password"}`, revoked), wantStatus: 404, wantCode: "not_found"},
		{name: "an unknown invitation", method: "POST", path: accept,
			body: `{"token":"no-such-secret","name":"X","password":"long enough password"}`, wantStatus: 404, wantCode: "not_found"},
		{name: "a newcomer needs a proper password and name", method: "POST", path: accept,
			body: fmt.Sprintf(`{"token":%q,"name":" ","password":"short"}`, weak), wantStatus: 422, wantCode: "invalid",
			wantFields: []string{"name", "password"}},
		{name: "an existing account must sign in first", method: "POST", path: accept,
			body: fmt.Sprintf(`{"token":%q}`, veteran), wantStatus: 401, wantCode: "unauthenticated"},
		{name: "a newcomer joins and is signed in", method: "POST", path: accept,
			body:       fmt.Sprintf(`{"token":%q,"name":"New Teacher","password":"long enough password"}`, newcomer),
			wantStatus: 200, wantContains: []string{`"email":"new@school.kz"`, `"name":"New Teacher"`, `"csrf_token":"`},
			after: func(t *testing.T, r resp) {
				c := r.cookie("sheber_session")
				if c == nil || c.Value == "" || !c.HttpOnly {
					t.Fatalf("no session cookie after accepting: %q", r.header.Values("Set-Cookie"))
				}
				var out struct {
					CSRFToken string `json:"csrf_token"`
				}
				r.decode(t, &out)
				joined = &session{cookie: c.Value, csrf: out.CSRFToken}
			}},
		{name: "accepting twice", method: "POST", path: accept,
			body: fmt.Sprintf(`{"token":%q,"name":"New Teacher","password":"long enough password"}`, newcomer), wantStatus: 404, wantCode: "not_found"},
		{name: "the invitation is no longer pending", method: "GET", path: invitations, session: admin, wantStatus: 200,
			wantAbsent: []string{"new@school.kz", "gone@school.kz"}, wantContains: []string{"weak@school.kz"}},
		{name: "the newcomer is a member", method: "GET", path: fmt.Sprintf("/api/v1/organizations/%d/members", school.ID), session: admin,
			wantStatus: 200, wantContains: []string{`"email":"new@school.kz"`, `"role":"requester"`}},
	})
	t.Run("the newcomer's session works", func(t *testing.T) {
		if joined == nil {
			t.Skip("the newcomer did not join")
		}
		r := e.do(t, req{method: "GET", path: "/api/v1/me", session: joined})
		if r.status != 200 || !strings.Contains(r.body, `"role":"requester"`) || !strings.Contains(r.body, joined.csrf) {
			t.Errorf("me as the newcomer: %s", r)
		}
		// The new password signs in too.
		r = e.do(t, req{method: "POST", path: "/api/v1/auth/login", body: loginBody("new@school.kz", "long enough password")})
		if r.status != 200 {
			t.Errorf("sign-in with the password chosen on joining: %s", r)
		}
	})
	t.Run("an existing account accepts while signed in", func(t *testing.T) {
		v := e.login(t, "veteran@school.kz")
		r := e.do(t, req{method: "POST", path: accept, session: v, body: fmt.Sprintf(`{"token":%q}`, veteran)})
		if r.status != 403 {
			t.Errorf("accepting with a session but without X-CSRF-Token: %s", r)
		}
		r = e.do(t, req{method: "POST", path: accept, session: v, headers: v.csrfHeader(), body: fmt.Sprintf(`{"token":%q}`, veteran)})
		if r.status != 200 || !strings.Contains(r.body, `"email":"veteran@school.kz"`) {
			t.Fatalf("accept: %s", r)
		}
		if c := r.cookie("sheber_session"); c != nil && c.Value != "" && c.Value != v.cookie {
			t.Errorf("accepting while signed in replaced the session")
		}
		r = e.do(t, req{method: "GET", path: "/api/v1/me", session: v})
		if !strings.Contains(r.body, `"role":"accountant"`) {
			t.Errorf("me after accepting: %s", r)
		}
	})
}
