package api

import (
	"time"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog"
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

type categoryDTO struct {
	Code       string  `json:"code"`
	ParentCode *string `json:"parent_code"` // null for a top-level category
	Name       textDTO `json:"name"`
	Position   int     `json:"position"`
	// WorkshopKind is the workshop that usually makes the category's goods.
	WorkshopKind string `json:"workshop_kind"`
}

func newCategory(c catalog.Category) categoryDTO {
	dto := categoryDTO{Code: c.Code, Name: newText(c.Name), Position: c.Position, WorkshopKind: string(c.WorkshopKind)}
	if c.ParentCode != "" {
		parent := c.ParentCode
		dto.ParentCode = &parent
	}
	return dto
}

// attributesDTO is a listing's attributes, in responses and in requests alike: every field
// is optional in a request.
type attributesDTO struct {
	LengthMM      int     `json:"length_mm"`
	WidthMM       int     `json:"width_mm"`
	HeightMM      int     `json:"height_mm"`
	Material      textDTO `json:"material"`
	Colour        textDTO `json:"colour"`
	Standard      string  `json:"standard"`
	AgeGroup      string  `json:"age_group"`
	Certification string  `json:"certification"`
}

func newAttributes(a catalog.Attributes) attributesDTO {
	return attributesDTO{LengthMM: a.LengthMM, WidthMM: a.WidthMM, HeightMM: a.HeightMM, Material: newText(a.Material),
		Colour: newText(a.Colour), Standard: a.Standard, AgeGroup: a.AgeGroup, Certification: a.Certification}
}

func (a attributesDTO) domain() catalog.Attributes {
	return catalog.Attributes{LengthMM: a.LengthMM, WidthMM: a.WidthMM, HeightMM: a.HeightMM, Material: a.Material.domain(),
		Colour: a.Colour.domain(), Standard: a.Standard, AgeGroup: a.AgeGroup, Certification: a.Certification}
}

func (t textDTO) domain() accounts.Text { return accounts.Text{RU: t.RU, KK: t.KK, EN: t.EN} }

// listingDTO is a listing as the API shows it: the writable fields of listingRequest
// (flattened into the same JSON object) with identity, status, version and timestamps.
type listingDTO struct {
	ID           int64 `json:"id"`
	EnterpriseID int64 `json:"enterprise_id"`
	listingRequest
	Status      string     `json:"status"`
	Version     int        `json:"version"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	PublishedAt *time.Time `json:"published_at"`
	// Images are the gallery in order; Documents the attached PDFs.
	Images    []imageDTO    `json:"images"`
	Documents []documentDTO `json:"documents"`
}

func newListing(l catalog.Listing) listingDTO {
	sites := l.SiteIDs
	if sites == nil {
		sites = []int64{} // an array, never null
	}
	return listingDTO{ID: l.ID, EnterpriseID: l.EnterpriseID,
		listingRequest: listingRequest{ExternalCode: l.ExternalCode, Title: newText(l.Title), Description: newText(l.Description),
			Category: l.CategoryCode, Attributes: newAttributes(l.Attributes), Unit: string(l.Unit), PriceTiyn: l.PriceTiyn,
			VATIncluded: l.VATIncluded, MinOrderQty: l.MinOrderQty, LeadTimeDays: l.LeadTimeDays,
			LabourMinutesPerUnit: l.LabourMinutesPerUnit, ReadyStock: l.ReadyStock, SiteIDs: sites},
		Status: string(l.Status), Version: l.Version, CreatedAt: l.CreatedAt, UpdatedAt: l.UpdatedAt, PublishedAt: l.PublishedAt,
		Images: newImages(l.Images), Documents: newDocuments(l.Documents)}
}

func newListings(ls []catalog.Listing) listDTO[listingDTO] {
	out := make([]listingDTO, len(ls))
	for i, l := range ls {
		out[i] = newListing(l)
	}
	return listDTO[listingDTO]{Items: out}
}

// pricePointDTO is one entry of a listing's public price history; who changed the price is
// the enterprise's business and is left out.
type pricePointDTO struct {
	PriceTiyn   int64     `json:"price_tiyn"`
	VATIncluded bool      `json:"vat_included"`
	From        time.Time `json:"from"`
}

// searchResultDTO is one page of the public catalog's search results.
type searchResultDTO struct {
	Items   []listingDTO `json:"items"`
	Total   int          `json:"total"`
	Page    int          `json:"page"`
	PerPage int          `json:"per_page"`
	Facets  facetsDTO    `json:"facets"`
}

type facetsDTO struct {
	Categories  []facetCountDTO `json:"categories"`
	Regions     []facetCountDTO `json:"regions"`
	Enterprises []facetCountDTO `json:"enterprises"`
	PriceBands  []priceBandDTO  `json:"price_bands"`
}

type facetCountDTO struct {
	Key   string `json:"key"`
	Count int    `json:"count"`
}

type priceBandDTO struct {
	Min   int64 `json:"min"`
	Max   int64 `json:"max"` // 0: no upper bound
	Count int   `json:"count"`
}

// suggestionDTO is a search-as-you-type proposal: a listing's title or a category.
type suggestionDTO struct {
	Kind      string  `json:"kind"`
	Text      textDTO `json:"text"`
	ListingID int64   `json:"listing_id,omitempty"`
	Category  string  `json:"category,omitempty"`
}
