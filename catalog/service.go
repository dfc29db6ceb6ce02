package catalog

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sheber-kz/sheber/accounts"
)

// Service carries out the catalog's use cases.
type Service struct {
	Store     Store
	Directory Directory
	// Searcher is the search engine; the PostgreSQL store serves unless Meilisearch is
	// configured.
	Searcher Searcher
	// Objects stores images and documents.
	Objects Objects
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// Categories returns the category tree; it is public.
func (s *Service) Categories(ctx context.Context) ([]Category, error) {
	return s.Store.Categories(ctx)
}

// enterprise loads the organization that would own a listing and checks that actor may
// do action to its listings. An organization that is not a producer enterprise has no
// listings: to those with no standing in it, it is simply not found.
func (s *Service) enterprise(ctx context.Context, a accounts.Actor, action accounts.Action, orgID int64) (accounts.Organization, error) {
	if a.Anonymous() {
		return accounts.Organization{}, &accounts.Error{Code: accounts.CodeUnauthenticated, Message: "sign in first"}
	}
	org, err := s.Directory.Organization(ctx, orgID)
	if err != nil {
		return accounts.Organization{}, err
	}
	if err := accounts.Authorize(a, action, accounts.Resource{Kind: accounts.ResourceListings, OrgID: org.ID, Region: org.Region}); err != nil {
		return accounts.Organization{}, err
	}
	if org.Kind != accounts.KindProducerEnterprise {
		return accounts.Organization{}, &accounts.Error{Code: accounts.CodeInvalid, Message: "only producer enterprises list goods",
			Fields: map[string]string{"enterprise_id": "not a producer enterprise"}}
	}
	return org, nil
}

// checkInput normalizes and validates in for enterprise orgID.
func (s *Service) checkInput(ctx context.Context, orgID int64, in *ListingInput) error {
	in.normalize()
	cats, err := s.Store.Categories(ctx)
	if err != nil {
		return err
	}
	byCode := make(map[string]Category, len(cats))
	for _, c := range cats {
		byCode[c.Code] = c
	}
	sites, err := s.Directory.ProductionSites(ctx, orgID)
	if err != nil {
		return err
	}
	own := make(map[int64]bool, len(sites))
	for _, site := range sites {
		own[site.ID] = true
	}
	return in.validate(byCode, own)
}

// CreateListing adds a draft listing to enterprise orgID's catalog and starts its price
// history.
func (s *Service) CreateListing(ctx context.Context, a accounts.Actor, orgID int64, in ListingInput) (Listing, error) {
	if _, err := s.enterprise(ctx, a, accounts.ActionManage, orgID); err != nil {
		return Listing{}, err
	}
	if err := s.checkInput(ctx, orgID, &in); err != nil {
		return Listing{}, err
	}
	l := Listing{EnterpriseID: orgID, Status: StatusDraft}
	l.apply(in)
	err := s.Store.InTx(ctx, func(tx Store) error {
		if err := tx.CreateListing(ctx, &l); err != nil {
			return err
		}
		return tx.AddPricePoint(ctx, l.ID, PricePoint{PriceTiyn: l.PriceTiyn, VATIncluded: l.VATIncluded, From: l.CreatedAt, ChangedBy: a.UserID})
	})
	return l, err
}

// ListingsByExternalCode returns enterprise orgID's listings that carry one of codes (the
// enterprise's own article codes), to those who manage its catalog: tools that keep the
// catalog in step with an outside list, such as `sheber seed demo`, match on them. At most
// MaxListingsPerRequest codes at once.
func (s *Service) ListingsByExternalCode(ctx context.Context, a accounts.Actor, orgID int64, codes []string) ([]Listing, error) {
	if _, err := s.enterprise(ctx, a, accounts.ActionManage, orgID); err != nil {
		return nil, err
	}
	if len(codes) > MaxListingsPerRequest {
		return nil, &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed",
			Fields: map[string]string{"external_code": fmt.Sprintf("at most %d codes at once", MaxListingsPerRequest)}}
	}
	if len(codes) == 0 {
		return nil, nil
	}
	return s.Store.ListingsByExternalCode(ctx, orgID, codes)
}

// Listing returns a listing: a published one to anyone, others only to those who may see
// the enterprise's unpublished listings; to everyone else it does not exist.
func (s *Service) Listing(ctx context.Context, a accounts.Actor, id int64) (Listing, error) {
	l, err := s.Store.Listing(ctx, id)
	if err != nil {
		return Listing{}, err
	}
	if l.Status == StatusPublished {
		return l, nil
	}
	if err := s.authorizeListing(ctx, a, accounts.ActionView, l); err != nil {
		return Listing{}, &accounts.Error{Code: accounts.CodeNotFound, Message: "not found"}
	}
	return l, nil
}

// Product returns a listing of the public catalog: published ones only. Any other listing
// is not found, for everyone: its enterprise reads it through Listing.
func (s *Service) Product(ctx context.Context, id int64) (Listing, error) {
	l, err := s.Store.Listing(ctx, id)
	if err != nil {
		return Listing{}, err
	}
	if l.Status != StatusPublished {
		return Listing{}, &accounts.Error{Code: accounts.CodeNotFound, Message: "not found"}
	}
	return l, nil
}

func (s *Service) authorizeListing(ctx context.Context, a accounts.Actor, action accounts.Action, l Listing) error {
	org, err := s.Directory.Organization(ctx, l.EnterpriseID)
	if err != nil {
		return err
	}
	return accounts.Authorize(a, action, accounts.Resource{Kind: accounts.ResourceListings, OrgID: org.ID, Region: org.Region})
}

// editable loads listing id for a change by a based on version, hiding it from those who
// may not see it. Those who see it (anyone, once it is published) but may not change it
// are told so.
func (s *Service) editable(ctx context.Context, a accounts.Actor, id int64, version int) (Listing, error) {
	if err := checkVersion(version); err != nil {
		return Listing{}, err
	}
	l, err := s.Listing(ctx, a, id)
	if err != nil {
		return Listing{}, err
	}
	if err := s.authorizeListing(ctx, a, accounts.ActionManage, l); err != nil {
		if accounts.ErrorCode(err) == accounts.CodeNotFound && l.Status == StatusPublished {
			return Listing{}, &accounts.Error{Code: accounts.CodeForbidden, Message: "only the producing enterprise's managers change its listings"}
		}
		return Listing{}, err
	}
	if l.Version != version {
		return Listing{}, stale(l.Version)
	}
	return l, nil
}

const staleMessage = "the listing was changed since you loaded it; reload it and apply your change again"

// stale is the refusal of an edit based on an old version; it names the current one.
func stale(current int) error {
	return &accounts.Error{Code: accounts.CodeConflict, Message: staleMessage,
		Fields: map[string]string{"version": fmt.Sprintf("the current version is %d", current)}}
}

// checkVersion refuses an edit that does not say which version it is based on.
func checkVersion(version int) error {
	if version < 1 {
		return &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed",
			Fields: map[string]string{"version": "the version of the listing the change is based on is required"}}
	}
	return nil
}

// save stores l if it is still at version. A lost race becomes the stale refusal, with
// the current version the store names (no second read: the transaction holds a
// connection); other conflicts, such as an external code another listing holds, are
// returned as they are.
func (s *Service) save(ctx context.Context, tx Store, l *Listing, version int) error {
	err := tx.UpdateListing(ctx, l, version)
	var de *accounts.Error
	if errors.As(err, &de) && de.Code == accounts.CodeConflict && de.Fields["version"] != "" {
		return &accounts.Error{Code: accounts.CodeConflict, Message: staleMessage, Fields: de.Fields}
	}
	return err
}

// UpdateListing replaces a listing's content. version is the version the edit was based
// on: if someone changed the listing since, the edit is refused (CodeConflict) with the
// current version in Fields["version"]. A new price or VAT flag is added to the history.
func (s *Service) UpdateListing(ctx context.Context, a accounts.Actor, id int64, version int, in ListingInput) (Listing, error) {
	l, err := s.editable(ctx, a, id, version)
	if err != nil {
		return Listing{}, err
	}
	if err := s.checkInput(ctx, l.EnterpriseID, &in); err != nil {
		return Listing{}, err
	}
	if l.Status == StatusPublished && len(in.SiteIDs) == 0 {
		return Listing{}, &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed",
			Fields: map[string]string{"site_ids": "a published listing needs at least one production site"}}
	}
	priceChanged := l.PriceTiyn != in.PriceTiyn || l.VATIncluded != in.VATIncluded
	l.apply(in)
	err = s.Store.InTx(ctx, func(tx Store) error {
		if err := s.save(ctx, tx, &l, version); err != nil {
			return err
		}
		if !priceChanged {
			return nil
		}
		return tx.AddPricePoint(ctx, l.ID, PricePoint{PriceTiyn: l.PriceTiyn, VATIncluded: l.VATIncluded, From: l.UpdatedAt, ChangedBy: a.UserID})
	})
	return l, err
}

// SetStatus publishes, archives or returns a listing to draft, under the same optimistic
// rule as UpdateListing. Publishing needs a complete listing.
func (s *Service) SetStatus(ctx context.Context, a accounts.Actor, id int64, version int, to Status) (Listing, error) {
	l, err := s.editable(ctx, a, id, version)
	if err != nil {
		return Listing{}, err
	}
	if !CanMove(l.Status, to) {
		return Listing{}, &accounts.Error{Code: accounts.CodeConflict, Message: fmt.Sprintf("the listing is %s and cannot become %s", l.Status, to),
			Fields: map[string]string{"status": fmt.Sprintf("the listing is %s", l.Status)}}
	}
	if to == StatusPublished {
		if err := l.publishable(); err != nil {
			return Listing{}, err
		}
		now := s.now()
		l.PublishedAt = &now
	}
	l.Status = to
	err = s.Store.InTx(ctx, func(tx Store) error { return s.save(ctx, tx, &l, version) })
	return l, err
}

// EnterpriseListings lists an enterprise's newest MaxListingsPerRequest listings of status
// ("" for all), for its own staff (and oversight); others get its published ones only.
func (s *Service) EnterpriseListings(ctx context.Context, a accounts.Actor, orgID int64, status Status) ([]Listing, error) {
	if status != "" && status != StatusDraft && status != StatusPublished && status != StatusArchived {
		return nil, &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed", Fields: map[string]string{"status": "draft, published or archived"}}
	}
	org, err := s.Directory.Organization(ctx, orgID)
	if err != nil {
		return nil, err
	}
	if status != StatusPublished {
		if err := accounts.Authorize(a, accounts.ActionView, accounts.Resource{Kind: accounts.ResourceListings, OrgID: org.ID, Region: org.Region}); err != nil {
			if status != "" {
				return nil, err
			}
			status = StatusPublished // the public sees what is published
		}
	}
	return s.Store.EnterpriseListings(ctx, org.ID, status, MaxListingsPerRequest)
}

// PriceHistory returns a listing's prices, to whoever may see the listing.
func (s *Service) PriceHistory(ctx context.Context, a accounts.Actor, id int64) ([]PricePoint, error) {
	if _, err := s.Listing(ctx, a, id); err != nil {
		return nil, err
	}
	return s.Store.PriceHistory(ctx, id)
}
