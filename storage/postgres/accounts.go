package postgres

import (
	"context"
	"database/sql"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/sheber-kz/sheber/accounts"
)

// AccountsStore implements accounts.Store.
type AccountsStore struct {
	db *sqlx.DB
	q  queryer
}

// NewAccountsStore returns an accounts.Store on db.
func NewAccountsStore(db *DB) *AccountsStore { return &AccountsStore{db: db.DB, q: db.prepared()} }

var _ accounts.Store = (*AccountsStore)(nil)

// InTx implements accounts.Store.
func (s *AccountsStore) InTx(ctx context.Context, fn func(accounts.Store) error) error {
	return inTx(ctx, s.db, s.q, func(q queryer) error { return fn(&AccountsStore{db: s.db, q: q}) })
}

type organizationRow struct {
	ID                int64          `db:"id"`
	BIN               string         `db:"bin"`
	Kind              string         `db:"kind"`
	Subtype           string         `db:"subtype"`
	NameRU            string         `db:"name_ru"`
	NameKK            string         `db:"name_kk"`
	NameEN            string         `db:"name_en"`
	Region            sql.NullString `db:"region"`
	InstitutionNumber sql.NullInt64  `db:"institution_number"`
	OversightOrgID    sql.NullInt64  `db:"oversight_org_id"`
	CreatedAt         time.Time      `db:"created_at"`
}

func (r organizationRow) organization() accounts.Organization {
	return accounts.Organization{
		ID: r.ID, BIN: r.BIN, Kind: accounts.Kind(r.Kind), Subtype: accounts.Subtype(r.Subtype),
		Name:   accounts.Text{RU: r.NameRU, KK: r.NameKK, EN: r.NameEN},
		Region: r.Region.String, InstitutionNumber: int(r.InstitutionNumber.Int64),
		OversightOrgID: r.OversightOrgID.Int64, CreatedAt: r.CreatedAt.UTC(),
	}
}

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }
func nullInt(n int64) sql.NullInt64      { return sql.NullInt64{Int64: n, Valid: n != 0} }

const organizationColumns = `id, bin, kind, subtype, name_ru, name_kk, name_en, region, institution_number, oversight_org_id, created_at`

// CreateOrganization implements accounts.Store.
func (s *AccountsStore) CreateOrganization(ctx context.Context, o *accounts.Organization) error {
	const q = `INSERT INTO organizations (bin, kind, subtype, name_ru, name_kk, name_en, region, institution_number, oversight_org_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id, created_at`
	err := s.q.QueryRowxContext(ctx, q, o.BIN, o.Kind, o.Subtype, o.Name.RU, o.Name.KK, o.Name.EN,
		nullString(o.Region), nullInt(int64(o.InstitutionNumber)), nullInt(o.OversightOrgID)).Scan(&o.ID, &o.CreatedAt)
	return translate(err)
}

// Organization implements accounts.Store.
func (s *AccountsStore) Organization(ctx context.Context, id int64) (accounts.Organization, error) {
	const q = `SELECT ` + organizationColumns + ` FROM organizations WHERE id = $1`
	var r organizationRow
	if err := s.q.GetContext(ctx, &r, q, id); err != nil {
		return accounts.Organization{}, translate(err)
	}
	return r.organization(), nil
}

// OrganizationByBIN implements accounts.Store.
func (s *AccountsStore) OrganizationByBIN(ctx context.Context, bin string) (accounts.Organization, error) {
	const q = `SELECT ` + organizationColumns + ` FROM organizations WHERE bin = $1`
	var r organizationRow
	if err := s.q.GetContext(ctx, &r, q, bin); err != nil {
		return accounts.Organization{}, translate(err)
	}
	return r.organization(), nil
}

type productionSiteRow struct {
	ID                  int64     `db:"id"`
	EnterpriseID        int64     `db:"enterprise_id"`
	InstitutionID       int64     `db:"institution_id"`
	Code                string    `db:"code"`
	NameRU              string    `db:"name_ru"`
	NameKK              string    `db:"name_kk"`
	NameEN              string    `db:"name_en"`
	WorkshopKind        string    `db:"workshop_kind"`
	WeeklyCapacityHours int       `db:"weekly_capacity_hours"`
	CreatedAt           time.Time `db:"created_at"`
}

// CreateProductionSite implements accounts.Store.
func (s *AccountsStore) CreateProductionSite(ctx context.Context, p *accounts.ProductionSite) error {
	const q = `INSERT INTO production_sites (enterprise_id, institution_id, code, name_ru, name_kk, name_en, workshop_kind, weekly_capacity_hours)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id, created_at`
	err := s.q.QueryRowxContext(ctx, q, p.EnterpriseID, p.InstitutionID, p.Code, p.Name.RU, p.Name.KK, p.Name.EN,
		p.WorkshopKind, p.WeeklyCapacityHours).Scan(&p.ID, &p.CreatedAt)
	return translate(err)
}

// ProductionSites implements accounts.Store.
func (s *AccountsStore) ProductionSites(ctx context.Context, enterpriseID int64) ([]accounts.ProductionSite, error) {
	const q = `SELECT id, enterprise_id, institution_id, code, name_ru, name_kk, name_en, workshop_kind, weekly_capacity_hours, created_at
		FROM production_sites WHERE enterprise_id = $1 ORDER BY code`
	var rows []productionSiteRow
	if err := s.q.SelectContext(ctx, &rows, q, enterpriseID); err != nil {
		return nil, translate(err)
	}
	out := make([]accounts.ProductionSite, len(rows))
	for i, r := range rows {
		out[i] = accounts.ProductionSite{ID: r.ID, EnterpriseID: r.EnterpriseID, InstitutionID: r.InstitutionID, Code: r.Code,
			Name: accounts.Text{RU: r.NameRU, KK: r.NameKK, EN: r.NameEN}, WorkshopKind: accounts.WorkshopKind(r.WorkshopKind),
			WeeklyCapacityHours: r.WeeklyCapacityHours, CreatedAt: r.CreatedAt.UTC()}
	}
	return out, nil
}

type userRow struct {
	ID           int64     `db:"id"`
	Email        string    `db:"email"`
	Name         string    `db:"name"`
	PasswordHash string    `db:"password_hash"`
	CreatedAt    time.Time `db:"created_at"`
}

func (r userRow) user() accounts.User {
	return accounts.User{ID: r.ID, Email: r.Email, Name: r.Name, PasswordHash: r.PasswordHash, CreatedAt: r.CreatedAt.UTC()}
}

// CreateUser implements accounts.Store.
func (s *AccountsStore) CreateUser(ctx context.Context, u *accounts.User) error {
	const q = `INSERT INTO users (email, name, password_hash) VALUES ($1, $2, $3) RETURNING id, created_at`
	return translate(s.q.QueryRowxContext(ctx, q, u.Email, u.Name, u.PasswordHash).Scan(&u.ID, &u.CreatedAt))
}

// User implements accounts.Store.
func (s *AccountsStore) User(ctx context.Context, id int64) (accounts.User, error) {
	const q = `SELECT id, email, name, password_hash, created_at FROM users WHERE id = $1`
	var r userRow
	if err := s.q.GetContext(ctx, &r, q, id); err != nil {
		return accounts.User{}, translate(err)
	}
	return r.user(), nil
}

// UserByEmail implements accounts.Store.
func (s *AccountsStore) UserByEmail(ctx context.Context, email string) (accounts.User, error) {
	const q = `SELECT id, email, name, password_hash, created_at FROM users WHERE email = $1`
	var r userRow
	if err := s.q.GetContext(ctx, &r, q, email); err != nil {
		return accounts.User{}, translate(err)
	}
	return r.user(), nil
}

// AddMembership implements accounts.Store.
func (s *AccountsStore) AddMembership(ctx context.Context, m accounts.Membership) error {
	const q = `INSERT INTO memberships (user_id, org_id, role) VALUES ($1, $2, $3)`
	_, err := s.q.ExecContext(ctx, q, m.UserID, m.OrgID, m.Role)
	return translate(err)
}

type memberRow struct {
	UserID    int64          `db:"user_id"`
	OrgID     int64          `db:"org_id"`
	Role      string         `db:"role"`
	CreatedAt time.Time      `db:"created_at"`
	Email     string         `db:"email"`
	Name      string         `db:"name"`
	NameRU    string         `db:"name_ru"`
	NameKK    string         `db:"name_kk"`
	NameEN    string         `db:"name_en"`
	Kind      string         `db:"kind"`
	Region    sql.NullString `db:"region"`
}

func (r memberRow) member() accounts.Member {
	return accounts.Member{
		Membership: accounts.Membership{UserID: r.UserID, OrgID: r.OrgID, Role: accounts.Role(r.Role), CreatedAt: r.CreatedAt.UTC()},
		Email:      r.Email, Name: r.Name, OrgName: accounts.Text{RU: r.NameRU, KK: r.NameKK, EN: r.NameEN},
		OrgKind: accounts.Kind(r.Kind), Region: r.Region.String,
	}
}

const memberSelect = `SELECT m.user_id, m.org_id, m.role, m.created_at, u.email, u.name,
	o.name_ru, o.name_kk, o.name_en, o.kind, o.region
	FROM memberships m JOIN users u ON u.id = m.user_id JOIN organizations o ON o.id = m.org_id`

func (s *AccountsStore) members(ctx context.Context, q string, arg int64) ([]accounts.Member, error) {
	var rows []memberRow
	if err := s.q.SelectContext(ctx, &rows, q, arg); err != nil {
		return nil, translate(err)
	}
	out := make([]accounts.Member, len(rows))
	for i, r := range rows {
		out[i] = r.member()
	}
	return out, nil
}

// UserMemberships implements accounts.Store.
func (s *AccountsStore) UserMemberships(ctx context.Context, userID int64) ([]accounts.Member, error) {
	return s.members(ctx, memberSelect+` WHERE m.user_id = $1 ORDER BY o.name_ru, o.id`, userID)
}

// OrganizationMembers implements accounts.Store.
func (s *AccountsStore) OrganizationMembers(ctx context.Context, orgID int64) ([]accounts.Member, error) {
	return s.members(ctx, memberSelect+` WHERE m.org_id = $1 ORDER BY u.name, u.id`, orgID)
}

type invitationRow struct {
	ID         int64         `db:"id"`
	OrgID      int64         `db:"org_id"`
	Email      string        `db:"email"`
	Role       string        `db:"role"`
	InvitedBy  sql.NullInt64 `db:"invited_by"`
	TokenHash  string        `db:"token_hash"`
	CreatedAt  time.Time     `db:"created_at"`
	ExpiresAt  time.Time     `db:"expires_at"`
	AcceptedAt sql.NullTime  `db:"accepted_at"`
	RevokedAt  sql.NullTime  `db:"revoked_at"`
}

func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}

func (r invitationRow) invitation() accounts.Invitation {
	return accounts.Invitation{ID: r.ID, OrgID: r.OrgID, Email: r.Email, Role: accounts.Role(r.Role), InvitedBy: r.InvitedBy.Int64,
		TokenHash: r.TokenHash, CreatedAt: r.CreatedAt.UTC(), ExpiresAt: r.ExpiresAt.UTC(),
		AcceptedAt: timePtr(r.AcceptedAt), RevokedAt: timePtr(r.RevokedAt)}
}

const invitationColumns = `id, org_id, email, role, invited_by, token_hash, created_at, expires_at, accepted_at, revoked_at`

// CreateInvitation implements accounts.Store. An expired invitation for the same person
// is closed first, so that only a live one blocks a new invitation.
func (s *AccountsStore) CreateInvitation(ctx context.Context, inv *accounts.Invitation) error {
	const closeExpired = `UPDATE invitations SET revoked_at = $3
		WHERE org_id = $1 AND email = $2 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at <= $3`
	const q = `INSERT INTO invitations (org_id, email, role, invited_by, token_hash, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`
	if _, err := s.q.ExecContext(ctx, closeExpired, inv.OrgID, inv.Email, inv.CreatedAt); err != nil {
		return translate(err)
	}
	err := s.q.QueryRowxContext(ctx, q, inv.OrgID, inv.Email, inv.Role, nullInt(inv.InvitedBy), inv.TokenHash, inv.CreatedAt, inv.ExpiresAt).Scan(&inv.ID)
	if err := translate(err); err != nil {
		if accounts.ErrorCode(err) == accounts.CodeConflict {
			return &accounts.Error{Code: accounts.CodeConflict, Message: "an invitation to this e-mail is already pending", Fields: map[string]string{"email": "already invited"}}
		}
		return err
	}
	return nil
}

// InvitationByTokenHash implements accounts.Store.
func (s *AccountsStore) InvitationByTokenHash(ctx context.Context, hash string) (accounts.Invitation, error) {
	const q = `SELECT ` + invitationColumns + ` FROM invitations WHERE token_hash = $1`
	var r invitationRow
	if err := s.q.GetContext(ctx, &r, q, hash); err != nil {
		return accounts.Invitation{}, translate(err)
	}
	return r.invitation(), nil
}

// Invitations implements accounts.Store.
func (s *AccountsStore) Invitations(ctx context.Context, orgID int64, now time.Time) ([]accounts.Invitation, error) {
	const q = `SELECT ` + invitationColumns + ` FROM invitations
		WHERE org_id = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $2 ORDER BY created_at DESC`
	var rows []invitationRow
	if err := s.q.SelectContext(ctx, &rows, q, orgID, now); err != nil {
		return nil, translate(err)
	}
	out := make([]accounts.Invitation, len(rows))
	for i, r := range rows {
		out[i] = r.invitation()
	}
	return out, nil
}

// MarkInvitationAccepted implements accounts.Store.
func (s *AccountsStore) MarkInvitationAccepted(ctx context.Context, id int64, at time.Time) error {
	const q = `UPDATE invitations SET accepted_at = $2 WHERE id = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $2`
	return expectOne(s.q.ExecContext(ctx, q, id, at))(&accounts.Error{Code: accounts.CodeConflict, Message: "this invitation was already used, revoked or has expired"})
}

// RevokeInvitation implements accounts.Store.
func (s *AccountsStore) RevokeInvitation(ctx context.Context, orgID, id int64, at time.Time) error {
	const q = `UPDATE invitations SET revoked_at = $3 WHERE id = $2 AND org_id = $1 AND accepted_at IS NULL AND revoked_at IS NULL`
	return expectOne(s.q.ExecContext(ctx, q, orgID, id, at))(&accounts.Error{Code: accounts.CodeNotFound, Message: "no pending invitation with this id"})
}

// expectOne turns the result of an UPDATE that must touch exactly one row into an error:
// the driver's, or missing when no row matched.
func expectOne(res sql.Result, err error) func(missing error) error {
	return func(missing error) error {
		if err != nil {
			return translate(err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return translate(err)
		}
		if n == 0 {
			return missing
		}
		return nil
	}
}

type apiTokenRow struct {
	ID         int64         `db:"id"`
	OrgID      int64         `db:"org_id"`
	Role       string        `db:"role"`
	Name       string        `db:"name"`
	Prefix     string        `db:"prefix"`
	Hash       string        `db:"hash"`
	CreatedBy  sql.NullInt64 `db:"created_by"`
	CreatedAt  time.Time     `db:"created_at"`
	LastUsedAt sql.NullTime  `db:"last_used_at"`
	RevokedAt  sql.NullTime  `db:"revoked_at"`
}

func (r apiTokenRow) token() accounts.APIToken {
	return accounts.APIToken{ID: r.ID, OrgID: r.OrgID, Role: accounts.Role(r.Role), Name: r.Name, Prefix: r.Prefix, Hash: r.Hash,
		CreatedBy: r.CreatedBy.Int64, CreatedAt: r.CreatedAt.UTC(), LastUsedAt: timePtr(r.LastUsedAt), RevokedAt: timePtr(r.RevokedAt)}
}

// CreateAPIToken implements accounts.Store.
func (s *AccountsStore) CreateAPIToken(ctx context.Context, t *accounts.APIToken) error {
	const q = `INSERT INTO api_tokens (org_id, role, name, prefix, hash, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`
	return translate(s.q.QueryRowxContext(ctx, q, t.OrgID, t.Role, t.Name, t.Prefix, t.Hash, nullInt(t.CreatedBy), t.CreatedAt).Scan(&t.ID))
}

// APITokenByHash implements accounts.Store.
func (s *AccountsStore) APITokenByHash(ctx context.Context, hash string) (accounts.APIToken, accounts.Member, error) {
	return s.apiToken(ctx, apiTokenByHash, hash)
}

// UseAPIToken implements accounts.Store: the token is read and its use recorded in one
// statement. The UPDATE in the WITH runs whether or not the query reads it; the SELECT
// sees the row as it was before.
func (s *AccountsStore) UseAPIToken(ctx context.Context, hash string, at time.Time) (accounts.APIToken, accounts.Member, error) {
	// $2 is cast: without it PostgreSQL reads "$2 - interval" as interval arithmetic and
	// refuses the comparison with a timestamp.
	const q = `WITH t AS (` + apiTokenByHash + `), touched AS (
			UPDATE api_tokens u SET last_used_at = $2 FROM t
			WHERE u.id = t.id AND t.revoked_at IS NULL
				AND (u.last_used_at IS NULL OR u.last_used_at < $2::timestamptz - interval '1 minute'))
		SELECT * FROM t`
	return s.apiToken(ctx, q, hash, at)
}

// apiTokenByHash selects the token whose hash is $1 with its organization's data.
const apiTokenByHash = `SELECT t.id, t.org_id, t.role, t.name, t.prefix, t.hash, t.created_by, t.created_at, t.last_used_at, t.revoked_at,
		o.name_ru, o.name_kk, o.name_en, o.kind, o.region
	FROM api_tokens t JOIN organizations o ON o.id = t.org_id WHERE t.hash = $1`

// apiToken runs q, which returns apiTokenByHash's row, and builds the token and its scope.
func (s *AccountsStore) apiToken(ctx context.Context, q string, args ...any) (accounts.APIToken, accounts.Member, error) {
	var r struct {
		apiTokenRow
		NameRU string         `db:"name_ru"`
		NameKK string         `db:"name_kk"`
		NameEN string         `db:"name_en"`
		Kind   string         `db:"kind"`
		Region sql.NullString `db:"region"`
	}
	if err := s.q.GetContext(ctx, &r, q, args...); err != nil {
		return accounts.APIToken{}, accounts.Member{}, translate(err)
	}
	t := r.token()
	m := accounts.Member{Membership: accounts.Membership{OrgID: t.OrgID, Role: t.Role, CreatedAt: t.CreatedAt},
		Name: t.Name, OrgName: accounts.Text{RU: r.NameRU, KK: r.NameKK, EN: r.NameEN}, OrgKind: accounts.Kind(r.Kind), Region: r.Region.String}
	return t, m, nil
}

// APITokens implements accounts.Store.
func (s *AccountsStore) APITokens(ctx context.Context, orgID int64) ([]accounts.APIToken, error) {
	const q = `SELECT id, org_id, role, name, prefix, hash, created_by, created_at, last_used_at, revoked_at
		FROM api_tokens WHERE org_id = $1 ORDER BY created_at DESC, id DESC`
	var rows []apiTokenRow
	if err := s.q.SelectContext(ctx, &rows, q, orgID); err != nil {
		return nil, translate(err)
	}
	out := make([]accounts.APIToken, len(rows))
	for i, r := range rows {
		out[i] = r.token()
	}
	return out, nil
}

// CountActiveAPITokens implements accounts.Store. It locks the organization's row so that
// concurrent issuers cannot both pass the limit.
func (s *AccountsStore) CountActiveAPITokens(ctx context.Context, orgID int64) (int, error) {
	const lockOrg = `SELECT id FROM organizations WHERE id = $1 FOR UPDATE`
	const q = `SELECT count(*) FROM api_tokens WHERE org_id = $1 AND revoked_at IS NULL`
	var id int64
	if err := s.q.GetContext(ctx, &id, lockOrg, orgID); err != nil {
		return 0, translate(err)
	}
	var n int
	return n, translate(s.q.GetContext(ctx, &n, q, orgID))
}

// RevokeAPIToken implements accounts.Store.
func (s *AccountsStore) RevokeAPIToken(ctx context.Context, orgID, id int64, at time.Time) error {
	const q = `UPDATE api_tokens SET revoked_at = $3 WHERE id = $2 AND org_id = $1 AND revoked_at IS NULL`
	return expectOne(s.q.ExecContext(ctx, q, orgID, id, at))(&accounts.Error{Code: accounts.CodeNotFound, Message: "no active token with this id"})
}

// EnqueueEmail implements accounts.Store.
func (s *AccountsStore) EnqueueEmail(ctx context.Context, e accounts.Email) error {
	const q = `INSERT INTO email_outbox (recipient, subject, body) VALUES ($1, $2, $3)`
	_, err := s.q.ExecContext(ctx, q, e.To, e.Subject, e.Text)
	return translate(err)
}
