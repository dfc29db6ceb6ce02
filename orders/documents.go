package orders

import (
	"context"
	"slices"

	"github.com/sheber-kz/sheber/accounts"
)

// ConfirmationFacts are what the order confirmation of one producer enterprise's part of an
// order prints: the order, the lines that enterprise makes, its fulfillment orders and
// their sites, both organizations, the budget line and the procurement route the order
// recorded.
type ConfirmationFacts struct {
	Order        Order
	Lines        []Line
	Fulfillments []Fulfillment
	Sites        []Site
	Buyer        accounts.Organization
	Producer     accounts.Organization
	BudgetLine   BudgetLine
	Route        ProcurementRoute
}

// ActFacts are what the acceptance act of a fulfillment order prints.
type ActFacts struct {
	Fulfillment Fulfillment
	Acceptances []Acceptance
	Site        Site // zero when the fulfillment has no site (returned to the buyer)
	Buyer       accounts.Organization
	Producer    accounts.Organization
}

// errEnterpriseNeeded names the query a confirmation of an order with several producer
// enterprises needs.
func errEnterpriseNeeded() error {
	return &accounts.Error{Code: accounts.CodeInvalid, Message: "the order is made by several producer enterprises: name one",
		Fields: map[string]string{"enterprise_id": "required: one of the order's producer enterprises"}}
}

// Confirmation returns the facts of the order confirmation of order orderID for the
// producer enterprise enterpriseID (0: the only one of the order). Both sides may have it:
// the buyer organization's side (and oversight of its region) for any of the order's
// enterprises; a producer for its own part, once the order was split to it. Anyone else
// gets CodeNotFound.
func (s *Service) Confirmation(ctx context.Context, a accounts.Actor, orderID, enterpriseID int64, lang string) (ConfirmationFacts, error) {
	if a.Anonymous() {
		return ConfirmationFacts{}, &accounts.Error{Code: accounts.CodeUnauthenticated, Message: "sign in first"}
	}
	o, err := s.Store.Order(ctx, orderID, false)
	if err != nil {
		return ConfirmationFacts{}, err
	}
	var enterprises []int64 // those whose part a may see
	if err := accounts.Authorize(a, accounts.ActionView, orderResource(accounts.ResourceOrders, o)); err == nil {
		for _, l := range o.Lines {
			enterprises = append(enterprises, l.EnterpriseID)
		}
	} else {
		for _, f := range o.Fulfillments {
			if accounts.Authorize(a, accounts.ActionView, f.Resource()) == nil {
				enterprises = append(enterprises, f.EnterpriseID)
			}
		}
		if len(enterprises) == 0 {
			return ConfirmationFacts{}, err
		}
	}
	slices.Sort(enterprises)
	enterprises = slices.Compact(enterprises)
	switch {
	case enterpriseID == 0 && len(enterprises) == 1:
		enterpriseID = enterprises[0]
	case enterpriseID == 0:
		return ConfirmationFacts{}, errEnterpriseNeeded()
	case !slices.Contains(enterprises, enterpriseID):
		return ConfirmationFacts{}, &accounts.Error{Code: accounts.CodeNotFound, Message: "not found"}
	}
	cf := ConfirmationFacts{Order: o}
	for _, l := range o.Lines {
		if l.EnterpriseID == enterpriseID {
			cf.Lines = append(cf.Lines, l)
		}
	}
	for _, f := range o.Fulfillments {
		if f.EnterpriseID != enterpriseID || f.Status == FulfillmentCancelled {
			continue
		}
		cf.Fulfillments = append(cf.Fulfillments, f)
		if f.SiteID != 0 {
			site, err := s.Store.Site(ctx, f.SiteID)
			if err != nil {
				return ConfirmationFacts{}, err
			}
			cf.Sites = append(cf.Sites, site)
		}
	}
	if cf.Buyer, err = s.Directory.Organization(ctx, o.BuyerOrgID); err != nil {
		return ConfirmationFacts{}, err
	}
	if cf.Producer, err = s.Directory.Organization(ctx, enterpriseID); err != nil {
		return ConfirmationFacts{}, err
	}
	if cf.BudgetLine, err = s.Store.BudgetLine(ctx, o.BudgetLineID); err != nil {
		return ConfirmationFacts{}, err
	}
	if cf.Route, err = s.recordedRoute(ctx, o, lang); err != nil {
		return ConfirmationFacts{}, err
	}
	return cf, nil
}

// recordedRoute is the procurement route the order recorded when it was made; if the
// table no longer has it, the route that applies now.
func (s *Service) recordedRoute(ctx context.Context, o Order, lang string) (ProcurementRoute, error) {
	if s.Procurement == nil {
		return ProcurementRoute{}, nil
	}
	routes, err := s.Procurement.ProcurementRoutes(ctx)
	if err != nil {
		return ProcurementRoute{}, err
	}
	for _, r := range routes {
		if r.Code == o.ProcurementRoute {
			return r, nil
		}
	}
	r, _, err := s.procurementRoute(ctx, o, lang)
	return r, err
}

// Act returns the facts of the acceptance act of fulfillment order id, to either side of it
// (and oversight); anyone else gets CodeNotFound.
func (s *Service) Act(ctx context.Context, a accounts.Actor, id int64) (ActFacts, error) {
	f, err := s.Fulfillment(ctx, a, id)
	if err != nil {
		return ActFacts{}, err
	}
	af := ActFacts{Fulfillment: f}
	if af.Acceptances, err = s.Store.Acceptances(ctx, id); err != nil {
		return ActFacts{}, err
	}
	if f.SiteID != 0 {
		if af.Site, err = s.Store.Site(ctx, f.SiteID); err != nil {
			return ActFacts{}, err
		}
	}
	if af.Buyer, err = s.Directory.Organization(ctx, f.BuyerOrgID); err != nil {
		return ActFacts{}, err
	}
	if af.Producer, err = s.Directory.Organization(ctx, f.EnterpriseID); err != nil {
		return ActFacts{}, err
	}
	return af, nil
}
