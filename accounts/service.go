package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"time"
)

// Limits of sign-in, sessions, invitations and tokens. The README lists them too.
const (
	// SessionIdleTimeout ends a session that has not been used for this long.
	SessionIdleTimeout = 2 * time.Hour
	// SessionAbsoluteTimeout ends every session this long after sign-in, used or not.
	SessionAbsoluteTimeout = 24 * time.Hour

	// LoginFailuresPerAccount failed sign-ins to one account within LoginWindow block
	// further attempts on it until the window ends.
	LoginFailuresPerAccount = 5
	// LoginFailuresPerIP failed sign-ins from one address within LoginWindow block it.
	LoginFailuresPerIP = 20
	// LoginWindow is the throttling window of sign-in failures.
	LoginWindow = 15 * time.Minute

	// InvitationTTL is how long an invitation link stays valid.
	InvitationTTL = 7 * 24 * time.Hour
	// MaxActiveTokensPerOrg bounds the live API tokens of one organization.
	MaxActiveTokensPerOrg = 50
	// MaxTokenNameLength bounds an API token's label.
	MaxTokenNameLength = 100

	// APITokenPrefix starts every API token, so that leaked tokens are easy to recognise.
	APITokenPrefix = "shb_"
)

// Session is a signed-in browser. ID is the secret in the cookie; stores keep only its hash.
type Session struct {
	ID         string
	UserID     int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	IP         string
	UserAgent  string
}

// Invitation asks someone, by e-mail, to join an organization with a role.
type Invitation struct {
	ID         int64
	OrgID      int64
	Email      string
	Role       Role
	InvitedBy  int64
	TokenHash  string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	AcceptedAt *time.Time
	RevokedAt  *time.Time
}

// APIToken lets a machine client act for one organization with one role.
type APIToken struct {
	ID         int64
	OrgID      int64
	Role       Role
	Name       string
	Prefix     string // the first characters of the secret, to tell tokens apart
	Hash       string
	CreatedBy  int64
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// Service carries out the use cases of the accounts domain.
type Service struct {
	Store    Store
	Sessions SessionStore
	Limiter  Limiter
	Hasher   PasswordHasher
	// PublicURL is where the portal is reached, for links in e-mails.
	PublicURL string
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	// dummyHash is verified against when the e-mail is unknown, to keep timing even; made
	// once, because Login runs on many goroutines at once.
	dummyOnce sync.Once
	dummyHash string
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// LoginInput is a sign-in attempt.
type LoginInput struct {
	Email, Password string
	IP, UserAgent   string
	// PreviousSessionID is the session the browser had before, if any; it is destroyed so
	// that a session fixed by an attacker never becomes signed in.
	PreviousSessionID string
}

// ErrBadCredentials is returned for a wrong e-mail or password, without saying which.
var ErrBadCredentials = &Error{Code: CodeUnauthenticated, Message: "wrong e-mail or password"}

// Login checks credentials and starts a new session. Failures are throttled per account
// and per address: once over the limit, it returns CodeRateLimited with RetryAfter set,
// without checking the password.
func (s *Service) Login(ctx context.Context, in LoginInput) (Session, error) {
	email, err := NormalizeEmail(in.Email)
	if err != nil {
		return Session{}, &Error{Code: CodeInvalid, Message: "validation failed", Fields: map[string]string{"email": err.(*Error).Message}}
	}
	if in.Password == "" {
		return Session{}, &Error{Code: CodeInvalid, Message: "validation failed", Fields: map[string]string{"password": "required"}}
	}
	// Every attempt is counted before the password is checked; a success gives its attempt
	// back (an address shared by a whole school is not punished for its users' sign-ins)
	// and clears the account's count.
	accountKey, ipKey := "login:account:"+hashHex(email), "login:ip:"+addressKey(in.IP)
	for _, k := range []struct {
		key   string
		limit int
	}{{accountKey, LoginFailuresPerAccount}, {ipKey, LoginFailuresPerIP}} {
		wait, err := s.Limiter.Take(ctx, k.key, k.limit, LoginWindow)
		if err != nil {
			return Session{}, Internal(err)
		}
		if wait > 0 {
			return Session{}, &Error{Code: CodeRateLimited, Message: "too many failed sign-in attempts; try again later", RetryAfter: wait}
		}
	}

	user, err := s.Store.UserByEmail(ctx, email)
	var ok bool
	switch {
	case errors.Is(err, ErrNotFound):
		_, _ = s.Hasher.Verify(truncate(in.Password, MaxPasswordLength), s.dummy())
	case err != nil:
		return Session{}, err
	case len(in.Password) > MaxPasswordLength:
		// Never a valid password, but hash it all the same: answering faster here than for
		// an unknown e-mail would tell which accounts exist.
		_, _ = s.Hasher.Verify(truncate(in.Password, MaxPasswordLength), s.dummy())
	default:
		if ok, err = s.Hasher.Verify(in.Password, user.PasswordHash); err != nil {
			return Session{}, Internal(err)
		}
	}
	if !ok {
		return Session{}, ErrBadCredentials
	}
	if err := s.Limiter.Reset(ctx, accountKey); err != nil {
		return Session{}, Internal(err)
	}
	if err := s.Limiter.Give(ctx, ipKey); err != nil {
		return Session{}, Internal(err)
	}
	if in.PreviousSessionID != "" {
		if err := s.Sessions.DeleteSession(ctx, in.PreviousSessionID); err != nil {
			return Session{}, Internal(err)
		}
	}
	return s.startSession(ctx, user.ID, in.IP, in.UserAgent)
}

// addressKey is what sign-in throttling counts an address under: an IPv4 address itself,
// an IPv6 address by its /64, the smallest block a subscriber is given, so that one
// subscriber cannot take a fresh address for every attempt.
func addressKey(ip string) string {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	addr = addr.Unmap()
	if addr.Is4() {
		return addr.String()
	}
	prefix, err := addr.Prefix(64)
	if err != nil {
		return ip
	}
	return prefix.String()
}

func (s *Service) startSession(ctx context.Context, userID int64, ip, userAgent string) (Session, error) {
	now := s.now()
	sess := Session{ID: randomSecret(32), UserID: userID, CreatedAt: now, LastSeenAt: now, IP: ip, UserAgent: truncate(userAgent, 300)}
	if err := s.Sessions.CreateSession(ctx, sess); err != nil {
		return Session{}, Internal(err)
	}
	return sess, nil
}

func (s *Service) dummy() string {
	s.dummyOnce.Do(func() {
		if h, err := s.Hasher.Hash("timing-equaliser-password"); err == nil {
			s.dummyHash = h
		}
	})
	return s.dummyHash
}

// Logout ends one session.
func (s *Service) Logout(ctx context.Context, sessionID string) error {
	if sessionID == "" {
		return nil
	}
	if err := s.Sessions.DeleteSession(ctx, sessionID); err != nil {
		return Internal(err)
	}
	return nil
}

// LogoutEverywhere ends every session of the signed-in user and returns how many ended.
func (s *Service) LogoutEverywhere(ctx context.Context, a Actor) (int, error) {
	if a.UserID == 0 {
		return 0, &Error{Code: CodeUnauthenticated, Message: "sign in first"}
	}
	n, err := s.Sessions.DeleteUserSessions(ctx, a.UserID)
	if err != nil {
		return 0, Internal(err)
	}
	return n, nil
}

// ActorForSession resolves a session cookie to the signed-in actor, extending the session.
// Returns CodeUnauthenticated if the session is unknown or expired.
func (s *Service) ActorForSession(ctx context.Context, sessionID string) (Actor, Session, error) {
	sess, err := s.Sessions.TouchSession(ctx, sessionID, s.now())
	if errors.Is(err, ErrNotFound) {
		return Actor{}, Session{}, &Error{Code: CodeUnauthenticated, Message: "session expired; sign in again"}
	}
	if err != nil {
		return Actor{}, Session{}, Internal(err)
	}
	members, err := s.Store.UserMemberships(ctx, sess.UserID)
	if err != nil {
		return Actor{}, Session{}, err
	}
	return Actor{UserID: sess.UserID, Memberships: members}, sess, nil
}

// ActorForToken resolves an API token to its actor and records its use. Returns
// CodeUnauthenticated for an unknown or revoked token.
func (s *Service) ActorForToken(ctx context.Context, secret string) (Actor, error) {
	refused := &Error{Code: CodeUnauthenticated, Message: "invalid or revoked API token"}
	if !strings.HasPrefix(secret, APITokenPrefix) || len(secret) > 100 {
		return Actor{}, refused
	}
	tok, scope, err := s.Store.UseAPIToken(ctx, hashHex(secret), s.now())
	if errors.Is(err, ErrNotFound) {
		return Actor{}, refused
	}
	if err != nil {
		return Actor{}, err
	}
	if tok.RevokedAt != nil {
		return Actor{}, refused
	}
	return Actor{TokenID: tok.ID, UserID: 0, Memberships: []Member{scope}}, nil
}

// Me returns the signed-in user and their memberships.
func (s *Service) Me(ctx context.Context, a Actor) (User, []Member, error) {
	if a.UserID == 0 {
		if a.TokenID != 0 {
			return User{}, a.Memberships, nil
		}
		return User{}, nil, &Error{Code: CodeUnauthenticated, Message: "sign in first"}
	}
	u, err := s.Store.User(ctx, a.UserID)
	if err != nil {
		return User{}, nil, err
	}
	return u, a.Memberships, nil
}

// Organization returns an organization's public profile.
func (s *Service) Organization(ctx context.Context, a Actor, id int64) (Organization, error) {
	o, err := s.Store.Organization(ctx, id)
	if err != nil {
		return Organization{}, err
	}
	if err := Authorize(a, ActionView, Resource{Kind: ResourceOrganization, OrgID: o.ID, Region: o.Region}); err != nil {
		return Organization{}, err
	}
	return o, nil
}

// authorizeIn loads org and checks that a may do action to its resource of kind.
func (s *Service) authorizeIn(ctx context.Context, a Actor, action Action, kind ResourceKind, orgID int64) (Organization, error) {
	if a.Anonymous() {
		return Organization{}, &Error{Code: CodeUnauthenticated, Message: "sign in first"}
	}
	o, err := s.Store.Organization(ctx, orgID)
	if errors.Is(err, ErrNotFound) {
		return Organization{}, &Error{Code: CodeNotFound, Message: "not found"}
	}
	if err != nil {
		return Organization{}, err
	}
	return o, Authorize(a, action, Resource{Kind: kind, OrgID: o.ID, Region: o.Region})
}

// Members lists who belongs to an organization.
func (s *Service) Members(ctx context.Context, a Actor, orgID int64) ([]Member, error) {
	if _, err := s.authorizeIn(ctx, a, ActionView, ResourceMembers, orgID); err != nil {
		return nil, err
	}
	return s.Store.OrganizationMembers(ctx, orgID)
}

// InviteInput is an invitation to create.
type InviteInput struct {
	OrgID int64
	Email string
	Role  Role
}

// Invite creates an invitation and queues the e-mail carrying its link. The link goes
// only to the invited address, never to the inviter: whoever opens it proves they read that
// mailbox, so nobody can open an account in someone else's name. Its secret is stored only
// as a hash.
func (s *Service) Invite(ctx context.Context, a Actor, in InviteInput) (Invitation, error) {
	org, err := s.authorizeIn(ctx, a, ActionManage, ResourceInvitations, in.OrgID)
	if err != nil {
		return Invitation{}, err
	}
	v := Validation{}
	email, err := NormalizeEmail(in.Email)
	if err != nil {
		v.Add("email", err.(*Error).Message)
	}
	if !RoleAllowed(org.Kind, in.Role) {
		v.Add("role", fmt.Sprintf("not a role in an organization of kind %s", org.Kind))
	}
	if err := v.Err(); err != nil {
		return Invitation{}, err
	}
	secret := randomSecret(24)
	now := s.now()
	inv := Invitation{OrgID: org.ID, Email: email, Role: in.Role, InvitedBy: a.UserID, TokenHash: hashHex(secret), CreatedAt: now, ExpiresAt: now.Add(InvitationTTL)}
	err = s.Store.InTx(ctx, func(tx Store) error {
		if u, err := tx.UserByEmail(ctx, email); err == nil {
			members, err := tx.UserMemberships(ctx, u.ID)
			if err != nil {
				return err
			}
			for _, m := range members {
				if m.OrgID == org.ID {
					return &Error{Code: CodeConflict, Message: "already a member of this organization", Fields: map[string]string{"email": "already a member"}}
				}
			}
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		if err := tx.CreateInvitation(ctx, &inv); err != nil {
			return err
		}
		return tx.EnqueueEmail(ctx, invitationEmail(inv, org, s.PublicURL, secret))
	})
	if err != nil {
		return Invitation{}, err
	}
	return inv, nil
}

// InvitationLink is the page where an invitation with secret is accepted.
func InvitationLink(publicURL, secret string) string {
	return strings.TrimRight(publicURL, "/") + "/invitations/" + secret
}

func invitationEmail(inv Invitation, org Organization, publicURL, secret string) Email {
	link := InvitationLink(publicURL, secret)
	return Email{
		To:      inv.Email,
		Subject: "Sheber: приглашение / шақыру / invitation — " + org.Name.In("ru"),
		Text: fmt.Sprintf("Вас пригласили в «%s» (роль: %s). Ссылка действует до %s:\n%s\n\n"+
			"Сізді «%s» ұйымына шақырды (рөлі: %s). Сілтеме %s дейін жарамды:\n%s\n\n"+
			"You are invited to join %s as %s. The link is valid until %s:\n%s\n",
			org.Name.In("ru"), inv.Role, inv.ExpiresAt.Format("2006-01-02 15:04 UTC"), link,
			org.Name.In("kk"), inv.Role, inv.ExpiresAt.Format("2006-01-02 15:04 UTC"), link,
			org.Name.In("en"), inv.Role, inv.ExpiresAt.Format("2006-01-02 15:04 UTC"), link),
	}
}

// Invitations lists an organization's pending invitations.
func (s *Service) Invitations(ctx context.Context, a Actor, orgID int64) ([]Invitation, error) {
	if _, err := s.authorizeIn(ctx, a, ActionView, ResourceInvitations, orgID); err != nil {
		return nil, err
	}
	return s.Store.Invitations(ctx, orgID, s.now())
}

// RevokeInvitation withdraws a pending invitation.
func (s *Service) RevokeInvitation(ctx context.Context, a Actor, orgID, invitationID int64) error {
	if _, err := s.authorizeIn(ctx, a, ActionManage, ResourceInvitations, orgID); err != nil {
		return err
	}
	return s.Store.RevokeInvitation(ctx, orgID, invitationID, s.now())
}

// PendingInvitation returns the live invitation behind secret and its organization, for the
// page that accepts it. Returns CodeNotFound for an unknown, used, revoked or expired one.
func (s *Service) PendingInvitation(ctx context.Context, secret string) (Invitation, Organization, error) {
	gone := &Error{Code: CodeNotFound, Message: "this invitation is not valid: it was used, revoked or has expired"}
	if secret == "" || len(secret) > 100 {
		return Invitation{}, Organization{}, gone
	}
	inv, err := s.Store.InvitationByTokenHash(ctx, hashHex(secret))
	if errors.Is(err, ErrNotFound) {
		return Invitation{}, Organization{}, gone
	}
	if err != nil {
		return Invitation{}, Organization{}, err
	}
	if inv.AcceptedAt != nil || inv.RevokedAt != nil || !s.now().Before(inv.ExpiresAt) {
		return Invitation{}, Organization{}, gone
	}
	org, err := s.Store.Organization(ctx, inv.OrgID)
	return inv, org, err
}

// AcceptInput accepts an invitation. Someone new gives a name and a password; someone who
// already has an account must be signed in to it (Actor) instead.
type AcceptInput struct {
	Secret   string
	Name     string
	Password string
}

// AcceptInvitation turns an invitation into a membership, creating the user if the
// e-mail has no account yet. It returns the user who joined.
func (s *Service) AcceptInvitation(ctx context.Context, a Actor, in AcceptInput) (User, error) {
	inv, _, err := s.PendingInvitation(ctx, in.Secret)
	if err != nil {
		return User{}, err
	}
	var user User
	err = s.Store.InTx(ctx, func(tx Store) error {
		existing, err := tx.UserByEmail(ctx, inv.Email)
		switch {
		case err == nil:
			if a.UserID != existing.ID {
				return &Error{Code: CodeUnauthenticated, Message: "this e-mail already has an account: sign in to it first"}
			}
			user = existing
		case errors.Is(err, ErrNotFound):
			v := Validation{}
			if err := ValidateName(in.Name); err != nil {
				v.Add("name", err.(*Error).Message)
			}
			if err := ValidatePassword(in.Password); err != nil {
				v.Add("password", err.(*Error).Message)
			}
			if err := v.Err(); err != nil {
				return err
			}
			hash, err := s.Hasher.Hash(in.Password)
			if err != nil {
				return Internal(err)
			}
			user = User{Email: inv.Email, Name: strings.TrimSpace(in.Name), PasswordHash: hash}
			if err := tx.CreateUser(ctx, &user); err != nil {
				return err
			}
		default:
			return err
		}
		if err := tx.MarkInvitationAccepted(ctx, inv.ID, s.now()); err != nil {
			return err
		}
		return tx.AddMembership(ctx, Membership{UserID: user.ID, OrgID: inv.OrgID, Role: inv.Role})
	})
	return user, err
}

// IssueTokenInput describes an API token to issue.
type IssueTokenInput struct {
	OrgID int64
	Name  string
	Role  Role
}

// IssueToken creates an API token for an organization and returns it with its secret,
// which is shown this once and stored only as a hash.
func (s *Service) IssueToken(ctx context.Context, a Actor, in IssueTokenInput) (APIToken, string, error) {
	org, err := s.authorizeIn(ctx, a, ActionManage, ResourceAPITokens, in.OrgID)
	if err != nil {
		return APIToken{}, "", err
	}
	v := Validation{}
	name := strings.TrimSpace(in.Name)
	if name == "" {
		v.Add("name", "required")
	} else if len([]rune(name)) > MaxTokenNameLength {
		v.Add("name", fmt.Sprintf("at most %d characters", MaxTokenNameLength))
	}
	if !RoleAllowed(org.Kind, in.Role) {
		v.Add("role", fmt.Sprintf("not a role in an organization of kind %s", org.Kind))
	}
	if err := v.Err(); err != nil {
		return APIToken{}, "", err
	}
	secret := APITokenPrefix + randomSecret(20)
	tok := APIToken{OrgID: org.ID, Role: in.Role, Name: name, Prefix: secret[:len(APITokenPrefix)+6], Hash: hashHex(secret), CreatedBy: a.UserID, CreatedAt: s.now()}
	err = s.Store.InTx(ctx, func(tx Store) error {
		n, err := tx.CountActiveAPITokens(ctx, org.ID)
		if err != nil {
			return err
		}
		if n >= MaxActiveTokensPerOrg {
			return &Error{Code: CodeConflict, Message: fmt.Sprintf("an organization can hold at most %d active tokens; revoke one first", MaxActiveTokensPerOrg)}
		}
		return tx.CreateAPIToken(ctx, &tok)
	})
	if err != nil {
		return APIToken{}, "", err
	}
	return tok, secret, nil
}

// Tokens lists an organization's API tokens (never their secrets).
func (s *Service) Tokens(ctx context.Context, a Actor, orgID int64) ([]APIToken, error) {
	if _, err := s.authorizeIn(ctx, a, ActionView, ResourceAPITokens, orgID); err != nil {
		return nil, err
	}
	return s.Store.APITokens(ctx, orgID)
}

// RevokeToken revokes an organization's API token; it stops working at once.
func (s *Service) RevokeToken(ctx context.Context, a Actor, orgID, tokenID int64) error {
	if _, err := s.authorizeIn(ctx, a, ActionManage, ResourceAPITokens, orgID); err != nil {
		return err
	}
	return s.Store.RevokeAPIToken(ctx, orgID, tokenID, s.now())
}

// randomSecret returns n random bytes as unpadded base32, lower-cased.
func randomSecret(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("accounts: crypto/rand failed: " + err.Error())
	}
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

// hashHex is the SHA-256 of a secret, hex-encoded: how sessions, tokens and invitations are
// looked up without storing the secret itself. Secrets are long and random, so a fast hash
// is enough.
func hashHex(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// HashSecret exposes hashHex to adapters that key records by a secret's hash.
func HashSecret(secret string) string { return hashHex(secret) }

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
