package orders

import (
	"context"
	"fmt"
	"strings"

	"github.com/sheber-kz/sheber/accounts"
)

// LineInput asks for quantity units of a listing.
type LineInput struct {
	ListingID int64
	Quantity  int
}

// OrderInput is a new order.
type OrderInput struct {
	// FromCart takes the lines from the requester's cart (and empties it); otherwise
	// Lines are the order's.
	FromCart        bool
	Lines           []LineInput
	DeliveryAddress string
	// DeliveryRegion defaults to the buyer organization's region.
	DeliveryRegion string
	RequestedDate  Date
	BudgetLineID   int64
	Note           string
	// Submit submits the order at once (sends it for approval if the organization
	// requires approval).
	Submit bool
}

// Cart returns the actor's cart in a buyer organization.
func (s *Service) Cart(ctx context.Context, a accounts.Actor, orgID int64) ([]CartItem, error) {
	if _, err := s.organization(ctx, a, accounts.ResourceOrders, accounts.ActionManage, orgID, accounts.KindBuyer); err != nil {
		return nil, err
	}
	if a.UserID == 0 {
		return nil, nil // a machine client orders with lines, it has no cart
	}
	return s.Store.Cart(ctx, orgID, a.UserID)
}

// SetCartItem puts quantity units of a published listing in the actor's cart (0 takes
// the listing out).
func (s *Service) SetCartItem(ctx context.Context, a accounts.Actor, orgID, listingID int64, quantity int) ([]CartItem, error) {
	if _, err := s.organization(ctx, a, accounts.ResourceOrders, accounts.ActionManage, orgID, accounts.KindBuyer); err != nil {
		return nil, err
	}
	if a.UserID == 0 {
		return nil, &accounts.Error{Code: accounts.CodeForbidden, Message: "a machine client has no cart: create the order with its lines"}
	}
	if quantity < 0 || quantity > MaxQuantity {
		return nil, &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed",
			Fields: map[string]string{"quantity": fmt.Sprintf("must be between 0 and %d", MaxQuantity)}}
	}
	var items []CartItem
	err := s.Store.InTx(ctx, func(tx Store) error {
		if quantity > 0 {
			ls, err := tx.Listings(ctx, []int64{listingID})
			if err != nil {
				return err
			}
			l, ok := ls[listingID]
			if !ok || !l.Published {
				return &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed",
					Fields: map[string]string{"listing_id": "no published listing with this id"}}
			}
			if quantity < l.MinOrderQty {
				return &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed",
					Fields: map[string]string{"quantity": fmt.Sprintf("the minimum order is %d", l.MinOrderQty)}}
			}
			cart, err := tx.Cart(ctx, orgID, a.UserID)
			if err != nil {
				return err
			}
			if len(cart) >= MaxCartItems && !inCart(cart, listingID) {
				return &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed",
					Fields: map[string]string{"listing_id": fmt.Sprintf("a cart holds at most %d listings", MaxCartItems)}}
			}
		}
		if err := tx.SetCartItem(ctx, orgID, a.UserID, listingID, quantity); err != nil {
			return err
		}
		var err error
		items, err = tx.Cart(ctx, orgID, a.UserID)
		return err
	})
	return items, err
}

func inCart(cart []CartItem, listingID int64) bool {
	for _, it := range cart {
		if it.ListingID == listingID {
			return true
		}
	}
	return false
}

// CreateOrder creates a buyer organization's order from in, snapshotting each listing's
// title, unit, price, labour and lead time, and submits it if in.Submit. With key, a
// repeat of the same request returns what the first recorded instead (the replay).
func (s *Service) CreateOrder(ctx context.Context, a accounts.Actor, orgID int64, in OrderInput, key *IdempotencyKey) (Order, *IdempotentResult, error) {
	org, err := s.buyerOrganization(ctx, a, orgID)
	if err != nil {
		return Order{}, nil, err
	}
	if r, err := s.replayed(ctx, key); err != nil || r != nil {
		return Order{}, r, err
	}
	// The procurement routes and the goods list are read before the transaction: read
	// inside it, a request would hold one connection of the pool while waiting for
	// another, and under load the pool runs dry with every connection idle in a
	// transaction. (The enterprises' subtypes come with the listings, in it.)
	pre, err := s.prefetchRoute(ctx)
	if err != nil {
		return Order{}, nil, err
	}
	var o Order
	var replay *IdempotentResult
	err = s.Store.InTx(ctx, func(tx Store) error {
		r, err := claim(ctx, tx, key)
		if err != nil || r != nil {
			replay = r
			return err
		}
		lines := in.Lines
		if in.FromCart {
			if a.UserID == 0 {
				return &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed",
					Fields: map[string]string{"from_cart": "a machine client has no cart"}}
			}
			cart, err := tx.Cart(ctx, orgID, a.UserID)
			if err != nil {
				return err
			}
			lines = nil
			for _, it := range cart {
				lines = append(lines, LineInput{ListingID: it.ListingID, Quantity: it.Quantity})
			}
		}
		var listings map[int64]CartListing
		o, listings, err = s.newOrder(ctx, tx, a, org, in, lines, pre)
		if err != nil {
			return err
		}
		if err := tx.CreateOrder(ctx, &o); err != nil {
			return err
		}
		// The key names the order now, not after its submission: what follows holds
		// production sites' rows locked, and the fewer statements it runs the better.
		if key != nil {
			if err := tx.SetIdempotentResource(ctx, *key, "order", o.ID); err != nil {
				return err
			}
		}
		if err := s.record(ctx, tx, a, orgID, Event{OrderID: o.ID, Action: ActionCreate, To: string(StatusDraft),
			Data: eventData(map[string]any{"total_tiyn": o.TotalTiyn, "lines": len(o.Lines)})}); err != nil {
			return err
		}
		if in.FromCart {
			if err := tx.ClearCart(ctx, orgID, a.UserID); err != nil {
				return err
			}
		}
		if in.Submit {
			return s.submit(ctx, tx, a, &o, listings)
		}
		return nil
	})
	if err != nil || replay != nil {
		return Order{}, replay, err
	}
	o, err = s.Store.Order(ctx, o.ID, false)
	return o, nil, err
}

// buyerOrganization is s.organization for managing the orders of buyer organization
// orgID. For a member of it, the organization is the one the actor's membership was
// read with in this request (its kind and region are all an order needs), so that it is
// not read again; anyone else gets s.organization's answer.
func (s *Service) buyerOrganization(ctx context.Context, a accounts.Actor, orgID int64) (accounts.Organization, error) {
	for _, m := range a.Memberships {
		if m.OrgID != orgID || m.OrgKind == "" {
			continue
		}
		org := accounts.Organization{ID: orgID, Kind: m.OrgKind, Name: m.OrgName, Region: m.Region}
		if err := accounts.Authorize(a, accounts.ActionManage, accounts.Resource{Kind: accounts.ResourceOrders, OrgID: org.ID, Region: org.Region}); err != nil {
			return accounts.Organization{}, err
		}
		if org.Kind != accounts.KindBuyer {
			return accounts.Organization{}, &accounts.Error{Code: accounts.CodeNotFound, Message: "not found"}
		}
		return org, nil
	}
	return s.organization(ctx, a, accounts.ResourceOrders, accounts.ActionManage, orgID, accounts.KindBuyer)
}

// newOrder validates in and builds the order with its snapshotted lines; it returns the
// listings it read too (by id), for the order's split.
func (s *Service) newOrder(ctx context.Context, tx Store, a accounts.Actor, org accounts.Organization, in OrderInput, lines []LineInput, pre *routeLookup) (Order, map[int64]CartListing, error) {
	v := accounts.Validation{}
	in.DeliveryAddress, in.Note = strings.TrimSpace(in.DeliveryAddress), strings.TrimSpace(in.Note)
	if in.DeliveryRegion == "" {
		in.DeliveryRegion = org.Region
	}
	switch {
	case in.DeliveryAddress == "":
		v.Add("delivery_address", "is required")
	case tooLong(in.DeliveryAddress, MaxAddressLength):
		v.Add("delivery_address", fmt.Sprintf("is longer than %d characters", MaxAddressLength))
	}
	if _, ok := accounts.RegionByCode(in.DeliveryRegion); !ok {
		v.Add("delivery_region", "not a region code")
	}
	today := Today(s.now())
	if !in.RequestedDate.IsZero() && (in.RequestedDate.Before(today) || in.RequestedDate.After(today.AddDays(MaxRequestedDays))) {
		v.Add("requested_date", fmt.Sprintf("must be between today and %d days ahead", MaxRequestedDays))
	}
	if tooLong(in.Note, MaxNoteLength) {
		v.Add("note", fmt.Sprintf("is longer than %d characters", MaxNoteLength))
	}
	if in.BudgetLineID == 0 {
		v.Add("budget_line_id", "is required")
	} else if b, err := tx.BudgetLine(ctx, in.BudgetLineID); err != nil || b.OrgID != org.ID {
		if err != nil && accounts.ErrorCode(err) != accounts.CodeNotFound {
			return Order{}, nil, err
		}
		v.Add("budget_line_id", "not a budget line of this organization")
	}
	switch {
	case len(lines) == 0:
		v.Add("lines", "an order needs at least one line")
	case len(lines) > MaxCartItems:
		v.Add("lines", fmt.Sprintf("at most %d lines", MaxCartItems))
	}
	ids := make([]int64, 0, len(lines))
	seen := map[int64]bool{}
	for i, l := range lines {
		if seen[l.ListingID] {
			v.Add(fmt.Sprintf("lines[%d].listing_id", i), "the listing is in the order twice")
		}
		seen[l.ListingID] = true
		ids = append(ids, l.ListingID)
	}
	if len(v) > 0 {
		return Order{}, nil, v.Err()
	}
	listings, err := tx.Listings(ctx, ids)
	if err != nil {
		return Order{}, nil, err
	}
	o := Order{BuyerOrgID: org.ID, BuyerRegion: org.Region, CreatedBy: a.UserID, Status: StatusDraft,
		DeliveryAddress: in.DeliveryAddress, DeliveryRegion: in.DeliveryRegion, RequestedDate: in.RequestedDate,
		BudgetLineID: in.BudgetLineID, Note: in.Note}
	for i, in := range lines {
		l, ok := listings[in.ListingID]
		field := fmt.Sprintf("lines[%d]", i)
		switch {
		case !ok || !l.Published:
			v.Add(field+".listing_id", "no published listing with this id")
			continue
		case in.Quantity < 1 || in.Quantity > MaxQuantity:
			v.Add(field+".quantity", fmt.Sprintf("must be between 1 and %d", MaxQuantity))
			continue
		case in.Quantity < l.MinOrderQty:
			v.Add(field+".quantity", fmt.Sprintf("the minimum order is %d", l.MinOrderQty))
			continue
		case len(l.SiteIDs) == 0:
			v.Add(field+".listing_id", "the listing names no production site")
			continue
		}
		line := Line{Position: i + 1, ListingID: in.ListingID, EnterpriseID: l.EnterpriseID, CategoryCode: l.CategoryCode,
			Title: l.Title, Unit: l.Unit, UnitPriceTiyn: l.UnitPriceTiyn, VATIncluded: l.VATIncluded, Quantity: in.Quantity,
			LabourMinutesPerUnit: l.LabourMinutesPerUnit, LeadTimeDays: l.LeadTimeDays, AmountTiyn: l.UnitPriceTiyn * int64(in.Quantity)}
		o.Lines = append(o.Lines, line)
		o.TotalTiyn += line.AmountTiyn
		if pre != nil {
			pre.subtypes[l.EnterpriseID] = l.EnterpriseSubtype
		}
	}
	if err := v.Err(); err != nil {
		return Order{}, nil, err
	}
	route, _, err := s.chooseRoute(ctx, o, "ru", pre)
	if err != nil {
		return Order{}, nil, err
	}
	o.ProcurementRoute, o.Penalty = route.Code, route.Penalty
	return o, listings, nil
}

// routeLookup is what choosing a procurement route reads, read ahead: the routes, the
// goods list and the subtypes of enterprises by id.
type routeLookup struct {
	routes   []ProcurementRoute
	goods    map[string]bool
	subtypes map[int64]accounts.Subtype
}

// prefetchRoute reads, outside any transaction, the routes and the goods list that
// choosing the route of an order reads; the subtypes of its enterprises are filled in
// from its listings. Nil without a procurement store.
func (s *Service) prefetchRoute(ctx context.Context) (*routeLookup, error) {
	if s.Procurement == nil {
		return nil, nil
	}
	pre := &routeLookup{subtypes: map[int64]accounts.Subtype{}}
	var err error
	if pre.routes, err = s.Procurement.ProcurementRoutes(ctx); err != nil {
		return nil, err
	}
	if pre.goods, err = s.Procurement.GoodsList(ctx); err != nil {
		return nil, err
	}
	return pre, nil
}

// procurementRoute chooses the procurement route of order o and says why, in lang. Without a
// procurement store (a portal set up without routes) no route applies and orders carry
// the default penalty rule.
func (s *Service) procurementRoute(ctx context.Context, o Order, lang string) (ProcurementRoute, []string, error) {
	return s.chooseRoute(ctx, o, lang, nil)
}

// chooseRoute is procurementRoute with what pre read ahead (nil: read everything now).
func (s *Service) chooseRoute(ctx context.Context, o Order, lang string, pre *routeLookup) (ProcurementRoute, []string, error) {
	if s.Procurement == nil {
		return ProcurementRoute{Penalty: DefaultPenaltyRule}, nil, nil
	}
	if pre == nil {
		pre = &routeLookup{subtypes: map[int64]accounts.Subtype{}}
		var err error
		if pre.routes, err = s.Procurement.ProcurementRoutes(ctx); err != nil {
			return ProcurementRoute{}, nil, err
		}
		if pre.goods, err = s.Procurement.GoodsList(ctx); err != nil {
			return ProcurementRoute{}, nil, err
		}
	}
	f := RouteFacts{OnGoodsList: func(c string) bool { return pre.goods[c] }, AmountTiyn: o.TotalTiyn, Lang: lang}
	seen := map[int64]bool{}
	for _, l := range o.Lines {
		f.CategoryCodes = append(f.CategoryCodes, l.CategoryCode)
		if seen[l.EnterpriseID] {
			continue
		}
		seen[l.EnterpriseID] = true
		sub, ok := pre.subtypes[l.EnterpriseID]
		if !ok {
			ent, err := s.Directory.Organization(ctx, l.EnterpriseID)
			if err != nil {
				return ProcurementRoute{}, nil, err
			}
			sub = ent.Subtype
		}
		f.EnterpriseSubtypes = append(f.EnterpriseSubtypes, sub)
	}
	return ChooseRoute(pre.routes, f)
}

// RouteOf returns the procurement route that applies to an order now, with the reasons in
// lang, for the order form; the order itself records the route chosen when it was made.
func (s *Service) RouteOf(ctx context.Context, a accounts.Actor, orderID int64, lang string) (ProcurementRoute, []string, error) {
	o, err := s.Order(ctx, a, orderID)
	if err != nil {
		return ProcurementRoute{}, nil, err
	}
	return s.procurementRoute(ctx, o, lang)
}

// Order returns an order with its lines and fulfillments, to those who may see it: the
// buyer organization's members, oversight of its region, and the producer enterprises
// it was split to (they see it through their fulfillment orders, not here).
func (s *Service) Order(ctx context.Context, a accounts.Actor, id int64) (Order, error) {
	if a.Anonymous() {
		return Order{}, &accounts.Error{Code: accounts.CodeUnauthenticated, Message: "sign in first"}
	}
	o, err := s.Store.Order(ctx, id, false)
	if err != nil {
		return Order{}, err
	}
	if err := accounts.Authorize(a, accounts.ActionView, orderResource(accounts.ResourceOrders, o)); err != nil {
		return Order{}, err
	}
	return o, nil
}

// Orders lists a buyer organization's orders, newest first.
func (s *Service) Orders(ctx context.Context, a accounts.Actor, orgID int64, f OrderFilter) ([]Order, error) {
	if _, err := s.organization(ctx, a, accounts.ResourceOrders, accounts.ActionView, orgID, accounts.KindBuyer); err != nil {
		return nil, err
	}
	f.BuyerOrgID = orgID
	if f.Limit <= 0 || f.Limit > MaxListPage {
		f.Limit = MaxListPage
	}
	return s.Store.Orders(ctx, f)
}

// lockOrder loads order id locked in tx and checks that a may do action to it.
func (s *Service) lockOrder(ctx context.Context, tx Store, a accounts.Actor, kind accounts.ResourceKind, id int64) (Order, error) {
	o, err := tx.Order(ctx, id, true)
	if err != nil {
		return Order{}, err
	}
	if err := accounts.Authorize(a, accounts.ActionManage, orderResource(kind, o)); err != nil {
		return Order{}, err
	}
	return o, nil
}

// Submit submits a draft order: to its approvers if the organization requires approval,
// else at once (see submit). version is the order's version the requester saw.
func (s *Service) Submit(ctx context.Context, a accounts.Actor, id int64, version int) (Order, error) {
	return s.orderTransition(ctx, a, accounts.ResourceOrders, id, version, func(tx Store, o *Order) error {
		return s.submit(ctx, tx, a, o, nil)
	})
}

// Approve approves an order waiting for approval and submits it.
func (s *Service) Approve(ctx context.Context, a accounts.Actor, id int64, version int) (Order, error) {
	return s.orderTransition(ctx, a, accounts.ResourceOrderApproval, id, version, func(tx Store, o *Order) error {
		if err := checkOrder(ActionApprove, *o); err != nil {
			return err
		}
		return s.submitApproved(ctx, tx, a, o, ActionApprove, nil)
	})
}

// ReturnOrder sends an order waiting for approval back to draft, with the approver's
// reason.
func (s *Service) ReturnOrder(ctx context.Context, a accounts.Actor, id int64, version int, reason string) (Order, error) {
	reason = strings.TrimSpace(reason)
	if err := checkReason(reason, true); err != nil {
		return Order{}, err
	}
	return s.orderTransition(ctx, a, accounts.ResourceOrderApproval, id, version, func(tx Store, o *Order) error {
		if err := checkOrder(ActionReturn, *o); err != nil {
			return err
		}
		if err := s.record(ctx, tx, a, o.BuyerOrgID, Event{OrderID: o.ID, Action: ActionReturn, From: string(o.Status), To: string(StatusDraft), Reason: reason}); err != nil {
			return err
		}
		o.Status = StatusDraft
		return s.notifyOrg(ctx, tx, o.BuyerOrgID, []accounts.Role{accounts.RoleRequester, accounts.RoleAdmin}, NotifyReturned, o, nil, reason)
	})
}

// CancelOrder cancels an order that was not submitted; a submitted one is cancelled by
// cancelling its fulfillment orders.
func (s *Service) CancelOrder(ctx context.Context, a accounts.Actor, id int64, version int, reason string) (Order, error) {
	reason = strings.TrimSpace(reason)
	if err := checkReason(reason, false); err != nil {
		return Order{}, err
	}
	return s.orderTransition(ctx, a, accounts.ResourceOrders, id, version, func(tx Store, o *Order) error {
		if err := checkOrder(ActionCancelOrder, *o); err != nil {
			return err
		}
		if err := s.record(ctx, tx, a, o.BuyerOrgID, Event{OrderID: o.ID, Action: ActionCancelOrder, From: string(o.Status), To: string(StatusCancelled), Reason: reason}); err != nil {
			return err
		}
		o.Status = StatusCancelled
		return nil
	})
}

// orderTransition runs change on order id, locked, if a may do kind's manage to it and
// its version is still version (0: any), then stores it and returns it fresh.
func (s *Service) orderTransition(ctx context.Context, a accounts.Actor, kind accounts.ResourceKind, id int64, version int, change func(Store, *Order) error) (Order, error) {
	if a.Anonymous() {
		return Order{}, &accounts.Error{Code: accounts.CodeUnauthenticated, Message: "sign in first"}
	}
	err := s.Store.InTx(ctx, func(tx Store) error {
		o, err := s.lockOrder(ctx, tx, a, kind, id)
		if err != nil {
			return err
		}
		if version != 0 && o.Version != version {
			return &accounts.Error{Code: accounts.CodeConflict, Message: "the order was changed since you loaded it; reload it",
				Fields: map[string]string{"version": fmt.Sprint(o.Version), "state": string(o.Status)}}
		}
		if err := change(tx, &o); err != nil {
			return err
		}
		return tx.UpdateOrder(ctx, &o)
	})
	if err != nil {
		return Order{}, err
	}
	return s.Store.Order(ctx, id, false)
}

// submit sends a draft order for approval if its organization requires it, else submits
// it; listings are those of its lines if the caller read them in tx (nil: none).
func (s *Service) submit(ctx context.Context, tx Store, a accounts.Actor, o *Order, listings map[int64]CartListing) error {
	if err := checkOrder(ActionSubmit, *o); err != nil {
		return err
	}
	set, err := tx.Settings(ctx, o.BuyerOrgID)
	if err != nil {
		return err
	}
	if set.ApprovalRequired {
		if err := s.record(ctx, tx, a, o.BuyerOrgID, Event{OrderID: o.ID, Action: ActionRequestApproval, From: string(o.Status), To: string(StatusPendingApproval)}); err != nil {
			return err
		}
		o.Status = StatusPendingApproval
		if err := tx.UpdateOrder(ctx, o); err != nil {
			return err
		}
		return s.notifyOrg(ctx, tx, o.BuyerOrgID, []accounts.Role{accounts.RoleApprover}, NotifyApprovalNeeded, o, nil, "")
	}
	return s.submitApproved(ctx, tx, a, o, ActionSubmit, listings)
}

// submitApproved commits the order's total against its budget line (refusing an
// overspend), splits it per producer enterprise and routes each part. action is
// ActionSubmit, or ActionApprove when an approver's approval submits it; listings as for
// submit.
func (s *Service) submitApproved(ctx context.Context, tx Store, a accounts.Actor, o *Order, action Action, listings map[int64]CartListing) error {
	if err := s.commitBudget(ctx, tx, a, o, action); err != nil {
		return err
	}
	return s.split(ctx, tx, a, o, listings)
}

// commitBudget commits the order's total against its budget line, refusing an overspend,
// and records and stores the order as submitted; its routing is the caller's.
func (s *Service) commitBudget(ctx context.Context, tx Store, a accounts.Actor, o *Order, action Action) error {
	ok, err := tx.CommitBudget(ctx, o.BudgetLineID, o.TotalTiyn)
	if err != nil {
		return err
	}
	if !ok {
		b, err := tx.BudgetLine(ctx, o.BudgetLineID)
		if err != nil {
			return err
		}
		return &accounts.Error{Code: accounts.CodeInvalid, Message: "the order would overspend its budget line",
			Fields: map[string]string{"budget_line_id": fmt.Sprintf("%d tiyn available, the order needs %d", b.AvailableTiyn(), o.TotalTiyn)}}
	}
	from := o.Status
	o.Status, o.SubmittedAt, o.CommittedTiyn = StatusSubmitted, s.now(), o.TotalTiyn
	if err := s.record(ctx, tx, a, o.BuyerOrgID, Event{OrderID: o.ID, Action: action, From: string(from), To: string(StatusSubmitted),
		Data: eventData(map[string]any{"committed_tiyn": o.TotalTiyn, "budget_line_id": o.BudgetLineID})}); err != nil {
		return err
	}
	return tx.UpdateOrder(ctx, o)
}

// checkReason validates a reason; required says it may not be empty.
func checkReason(reason string, required bool) error {
	switch {
	case required && reason == "":
		return &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed", Fields: map[string]string{"reason": "is required"}}
	case tooLong(reason, MaxReasonLength):
		return &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed",
			Fields: map[string]string{"reason": fmt.Sprintf("is longer than %d characters", MaxReasonLength)}}
	}
	return nil
}
