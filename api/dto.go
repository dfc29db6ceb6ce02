package api

import (
	"time"

	"github.com/sheber-kz/sheber/accounts"
)

// DTOs: the JSON shapes of the API. Domain types carry no tags; these do.

type textDTO struct {
	RU string `json:"ru"`
	KK string `json:"kk"`
	EN string `json:"en"`
}

func newText(t accounts.Text) textDTO { return textDTO{RU: t.RU, KK: t.KK, EN: t.EN} }

type userDTO struct {
	ID        int64     `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

func newUser(u accounts.User) *userDTO {
	if u.ID == 0 {
		return nil
	}
	return &userDTO{ID: u.ID, Email: u.Email, Name: u.Name, CreatedAt: u.CreatedAt}
}

type orgRefDTO struct {
	ID     int64   `json:"id"`
	Name   textDTO `json:"name"`
	Kind   string  `json:"kind"`
	Region string  `json:"region,omitempty"`
}

type membershipDTO struct {
	Organization orgRefDTO `json:"organization"`
	Role         string    `json:"role"`
	Since        time.Time `json:"since"`
}

type meDTO struct {
	User        *userDTO        `json:"user"`
	TokenID     int64           `json:"token_id,omitempty"`
	Memberships []membershipDTO `json:"memberships"`
	CSRFToken   string          `json:"csrf_token,omitempty"`
}

func newMemberships(ms []accounts.Member) []membershipDTO {
	out := make([]membershipDTO, len(ms))
	for i, m := range ms {
		out[i] = membershipDTO{Organization: orgRefDTO{ID: m.OrgID, Name: newText(m.OrgName), Kind: string(m.OrgKind), Region: m.Region},
			Role: string(m.Role), Since: m.CreatedAt}
	}
	return out
}

type organizationDTO struct {
	ID                int64   `json:"id"`
	BIN               string  `json:"bin"`
	Kind              string  `json:"kind"`
	Subtype           string  `json:"subtype"`
	Name              textDTO `json:"name"`
	Region            string  `json:"region,omitempty"`
	InstitutionNumber int     `json:"institution_number,omitempty"`
	OversightOrgID    int64   `json:"oversight_org_id,omitempty"`
}

func newOrganization(o accounts.Organization) organizationDTO {
	return organizationDTO{ID: o.ID, BIN: o.BIN, Kind: string(o.Kind), Subtype: string(o.Subtype), Name: newText(o.Name),
		Region: o.Region, InstitutionNumber: o.InstitutionNumber, OversightOrgID: o.OversightOrgID}
}

type memberDTO struct {
	UserID int64     `json:"user_id"`
	Email  string    `json:"email"`
	Name   string    `json:"name"`
	Role   string    `json:"role"`
	Since  time.Time `json:"since"`
}

type invitationDTO struct {
	ID        int64     `json:"id"`
	Email     string    `json:"email"`
	Role      string    `json:"role"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

func newInvitation(inv accounts.Invitation) invitationDTO {
	return invitationDTO{ID: inv.ID, Email: inv.Email, Role: string(inv.Role), CreatedAt: inv.CreatedAt, ExpiresAt: inv.ExpiresAt}
}

type tokenDTO struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Role       string     `json:"role"`
	Prefix     string     `json:"prefix"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
	// Secret is present only in the response that issued the token.
	Secret string `json:"secret,omitempty"`
}

func newToken(t accounts.APIToken) tokenDTO {
	return tokenDTO{ID: t.ID, Name: t.Name, Role: string(t.Role), Prefix: t.Prefix, CreatedAt: t.CreatedAt, LastUsedAt: t.LastUsedAt, RevokedAt: t.RevokedAt}
}

type regionDTO struct {
	Code string  `json:"code"`
	ISO  string  `json:"iso"`
	City bool    `json:"city"`
	Name textDTO `json:"name"`
}

type listDTO[T any] struct {
	Items []T `json:"items"`
}
