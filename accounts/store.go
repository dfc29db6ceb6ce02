package accounts

import (
	"context"
	"time"
)

// Store persists the accounts domain. Methods return an *Error with CodeNotFound when a
// looked-up row does not exist and CodeConflict when a unique rule would be broken.
type Store interface {
	// InTx runs fn with a Store bound to one transaction, committed when fn returns nil and
	// rolled back otherwise.
	InTx(ctx context.Context, fn func(Store) error) error

	// CreateOrganization inserts o and sets its ID and CreatedAt. Returns CodeConflict if
	// the BIN is taken.
	CreateOrganization(ctx context.Context, o *Organization) error
	// Organization returns the organization with id.
	Organization(ctx context.Context, id int64) (Organization, error)
	// OrganizationByBIN returns the organization with bin.
	OrganizationByBIN(ctx context.Context, bin string) (Organization, error)
	// CreateProductionSite inserts s. Returns CodeConflict if the enterprise already has a
	// site with that code.
	CreateProductionSite(ctx context.Context, s *ProductionSite) error
	// ProductionSites returns the sites an enterprise operates, by code.
	ProductionSites(ctx context.Context, enterpriseID int64) ([]ProductionSite, error)

	// CreateUser inserts u. Returns CodeConflict if the e-mail is taken.
	CreateUser(ctx context.Context, u *User) error
	// User returns the user with id.
	User(ctx context.Context, id int64) (User, error)
	// UserByEmail returns the user with the (normalized) e-mail.
	UserByEmail(ctx context.Context, email string) (User, error)

	// AddMembership gives a user a role in an organization. Returns CodeConflict if the user
	// already belongs to it.
	AddMembership(ctx context.Context, m Membership) error
	// UserMemberships returns every membership of a user with its organization's data.
	UserMemberships(ctx context.Context, userID int64) ([]Member, error)
	// OrganizationMembers returns the members of an organization, by name.
	OrganizationMembers(ctx context.Context, orgID int64) ([]Member, error)

	// CreateInvitation inserts inv. Returns CodeConflict if a pending invitation for the
	// same e-mail and organization exists.
	CreateInvitation(ctx context.Context, inv *Invitation) error
	// InvitationByTokenHash returns the invitation whose secret hashes to hash.
	InvitationByTokenHash(ctx context.Context, hash string) (Invitation, error)
	// Invitations returns the pending (not accepted, not revoked, not expired at now)
	// invitations of an organization.
	Invitations(ctx context.Context, orgID int64, now time.Time) ([]Invitation, error)
	// MarkInvitationAccepted records acceptance at at; returns CodeConflict if it was
	// already accepted, revoked or expired by then, so that two concurrent acceptances
	// cannot both succeed and a late one cannot slip past the expiry.
	MarkInvitationAccepted(ctx context.Context, id int64, at time.Time) error
	// RevokeInvitation revokes a pending invitation of org. Returns CodeNotFound if there is
	// none with id in org.
	RevokeInvitation(ctx context.Context, orgID, id int64, at time.Time) error

	// CreateAPIToken inserts t.
	CreateAPIToken(ctx context.Context, t *APIToken) error
	// APITokenByHash returns the token whose secret hashes to hash, with the scope's
	// organization data filled in.
	APITokenByHash(ctx context.Context, hash string) (APIToken, Member, error)
	// APITokens returns an organization's tokens, newest first, revoked ones included.
	APITokens(ctx context.Context, orgID int64) ([]APIToken, error)
	// CountActiveAPITokens counts an organization's tokens that are not revoked.
	CountActiveAPITokens(ctx context.Context, orgID int64) (int, error)
	// RevokeAPIToken revokes token id of org; CodeNotFound if org has no such token.
	RevokeAPIToken(ctx context.Context, orgID, id int64, at time.Time) error
	// UseAPIToken is APITokenByHash for a request made with the token at at, which it
	// records as the token's last use unless the token is revoked or a use within the
	// minute before at is recorded already (to spare a write per request). The token is
	// returned as it was before.
	UseAPIToken(ctx context.Context, hash string, at time.Time) (APIToken, Member, error)

	// EnqueueEmail adds a message to the durable outbox that the worker delivers; called
	// in the same transaction as the change the message is about.
	EnqueueEmail(ctx context.Context, e Email) error
}

// SessionStore keeps signed-in sessions. Sessions expire after SessionIdleTimeout without
// use and SessionAbsoluteTimeout after sign-in, whichever comes first.
type SessionStore interface {
	// CreateSession stores s under s.ID.
	CreateSession(ctx context.Context, s Session) error
	// TouchSession returns the session with id and pushes its idle expiry forward.
	// Returns CodeNotFound if there is no such live session.
	TouchSession(ctx context.Context, id string, now time.Time) (Session, error)
	// DeleteSession removes one session; removing a missing one is not an error.
	DeleteSession(ctx context.Context, id string) error
	// DeleteUserSessions removes every session of a user and returns how many there were.
	DeleteUserSessions(ctx context.Context, userID int64) (int, error)
}

// Limiter counts attempts per key in fixed windows, for throttling.
type Limiter interface {
	// Take counts one attempt on key, starting a window of length window with the first,
	// and returns how long key stays blocked if this attempt is over limit, or zero. The
	// attempt is counted before it is carried out, so that parallel attempts cannot all
	// slip under the limit.
	Take(ctx context.Context, key string, limit int, window time.Duration) (time.Duration, error)
	// Give returns one attempt taken on key (an attempt that turned out well).
	Give(ctx context.Context, key string) error
	// Reset forgets key's attempts.
	Reset(ctx context.Context, key string) error
}

// PasswordHasher hashes and verifies passwords with a slow, salted function.
type PasswordHasher interface {
	Hash(password string) (string, error)
	// Verify reports whether password matches encoded; an error means encoded is corrupt.
	Verify(password, encoded string) (bool, error)
}

// Email is one outgoing message.
type Email struct {
	To      string
	Subject string
	Text    string
}
