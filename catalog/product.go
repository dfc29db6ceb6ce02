package catalog

import (
	"context"

	"github.com/sheber-kz/sheber/accounts"
)

// Site is a production site that makes a listing, with the institution it is in.
type Site struct {
	accounts.ProductionSite
	Institution accounts.Organization
}

// ProductDetails is what the product page shows of a published listing besides the
// listing itself: who makes it, where, and where it sits in the category tree.
type ProductDetails struct {
	Listing    Listing
	Enterprise accounts.Organization
	Sites      []Site     // the listing's sites, in the order of Listing.SiteIDs
	Breadcrumb []Category // from the top-level category down to the listing's own
}

// ProductDetails returns a published listing with its producer, sites and category path;
// it is public. Any other listing is not found, as with Product.
func (s *Service) ProductDetails(ctx context.Context, id int64) (ProductDetails, error) {
	l, err := s.Product(ctx, id)
	if err != nil {
		return ProductDetails{}, err
	}
	d := ProductDetails{Listing: l}
	if d.Enterprise, err = s.Directory.Organization(ctx, l.EnterpriseID); err != nil {
		return ProductDetails{}, err
	}
	if d.Sites, err = s.listingSites(ctx, l); err != nil {
		return ProductDetails{}, err
	}
	cats, err := s.Store.Categories(ctx)
	if err != nil {
		return ProductDetails{}, err
	}
	d.Breadcrumb = CategoryPath(cats, l.CategoryCode)
	return d, nil
}

// listingSites returns l's production sites with their institutions.
func (s *Service) listingSites(ctx context.Context, l Listing) ([]Site, error) {
	all, err := s.Directory.ProductionSites(ctx, l.EnterpriseID)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]accounts.ProductionSite, len(all))
	for _, site := range all {
		byID[site.ID] = site
	}
	institutions := map[int64]accounts.Organization{}
	out := make([]Site, 0, len(l.SiteIDs))
	for _, id := range l.SiteIDs {
		site, ok := byID[id]
		if !ok {
			continue // no longer the enterprise's
		}
		inst, ok := institutions[site.InstitutionID]
		if !ok {
			if inst, err = s.Directory.Organization(ctx, site.InstitutionID); err != nil {
				return nil, err
			}
			institutions[site.InstitutionID] = inst
		}
		out = append(out, Site{ProductionSite: site, Institution: inst})
	}
	return out, nil
}

// CategoryPath returns the categories from the top of the tree down to code; nil if code
// is not in cats.
func CategoryPath(cats []Category, code string) []Category {
	byCode := make(map[string]Category, len(cats))
	for _, c := range cats {
		byCode[c.Code] = c
	}
	var path []Category
	for depth := 0; code != "" && depth <= len(cats); depth++ {
		c, ok := byCode[code]
		if !ok {
			return nil
		}
		path = append([]Category{c}, path...)
		code = c.ParentCode
	}
	return path
}

// MaxProducersPerRequest bounds the organizations Producers looks up at once: a page of
// results and its enterprise facet.
const MaxProducersPerRequest = 2 * MaxPerPage

// Producers returns the producer enterprises with the given ids, for showing who makes
// the listings of a result page; it is public (an organization's name is). Unknown ids
// are left out; ids beyond MaxProducersPerRequest are ignored.
func (s *Service) Producers(ctx context.Context, ids []int64) (map[int64]accounts.Organization, error) {
	out := make(map[int64]accounts.Organization, len(ids))
	for _, id := range ids {
		if _, done := out[id]; done || id <= 0 {
			continue
		}
		if len(out) >= MaxProducersPerRequest {
			break
		}
		org, err := s.Directory.Organization(ctx, id)
		if accounts.ErrorCode(err) == accounts.CodeNotFound {
			continue
		}
		if err != nil {
			return nil, err
		}
		if org.Kind == accounts.KindProducerEnterprise {
			out[id] = org
		}
	}
	return out, nil
}

// EditorSites returns the production sites of enterprise orgID with their institutions,
// for the listing editor's choice; only those who may manage its listings see them.
func (s *Service) EditorSites(ctx context.Context, a accounts.Actor, orgID int64) (accounts.Organization, []Site, error) {
	org, err := s.enterprise(ctx, a, accounts.ActionManage, orgID)
	if err != nil {
		return accounts.Organization{}, nil, err
	}
	all, err := s.Directory.ProductionSites(ctx, orgID)
	if err != nil {
		return accounts.Organization{}, nil, err
	}
	l := Listing{EnterpriseID: orgID}
	for _, site := range all {
		l.SiteIDs = append(l.SiteIDs, site.ID)
	}
	sites, err := s.listingSites(ctx, l)
	return org, sites, err
}
