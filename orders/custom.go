package orders

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog"
)

// Custom requests: a state order for a specification that no listing offers. The buyer's
// requester describes the item; the router ranks the sites whose workshop kind matches
// the category (RankSites); the buyer, or a regional coordinator, invites some of them;
// the producer managers of the invited sites' enterprises quote a unit price, a date and
// the labour it takes, before the quote deadline; the buyer accepts one quote and it
// becomes a submitted order of one line, its fulfillment confirmed at the quoting site.
//
// The regional coordinator is an inspector of an oversight body whose remit covers the
// request's delivery region: coordinating who is asked to quote is the one thing oversight
// may change here; otherwise it reads, as everywhere.

// Limits of custom requests. The README lists them too.
const (
	// MaxRequestTitleLength and MaxRequestDescriptionLength bound the item's description,
	// in characters.
	MaxRequestTitleLength       = 200
	MaxRequestDescriptionLength = 10_000
	// MaxQuoteDeadlineDays is how far ahead a quote deadline may be set.
	MaxQuoteDeadlineDays = 90
	// MinQuoteWindow is the least time producers get to quote.
	MinQuoteWindow = time.Hour
	// MaxInvitedSites is how many sites one request may invite in all.
	MaxInvitedSites = 20
	// MaxRankedSites is how many sites the ranking of a request shows.
	MaxRankedSites = 50
	// MaxQuoteLabourHours bounds the labour a quote states.
	MaxQuoteLabourHours = 100_000
	// MaxUnitPriceTiyn bounds a quoted unit price: a billion tenge.
	MaxUnitPriceTiyn = 100_000_000_000
)

// RequestStatus is the state of a custom request.
type RequestStatus string

// Request states: open while it collects quotes; ordered once a quote is accepted;
// cancelled by the buyer.
const (
	RequestOpen      RequestStatus = "open"
	RequestOrdered   RequestStatus = "ordered"
	RequestCancelled RequestStatus = "cancelled"
)

// Actions on custom requests, as their record names them.
const (
	ActionRequestCreate Action = "request_create"
	ActionInvite        Action = "invite"
	ActionQuote         Action = "quote"
	ActionAcceptQuote   Action = "accept_quote"
	ActionCancelRequest Action = "cancel_request"
)

// CustomRequest is a buyer organization's request for an item no listing offers.
type CustomRequest struct {
	ID              int64
	Number          string // "CR-2026-000042"
	BuyerOrgID      int64
	BuyerRegion     string
	CreatedBy       int64
	Status          RequestStatus
	CategoryCode    string
	Title           string
	Description     string
	Quantity        int
	Unit            string
	WantedDate      Date // zero: as soon as possible
	DeliveryAddress string
	DeliveryRegion  string
	BudgetLineID    int64
	QuoteDeadline   time.Time
	AcceptedQuoteID int64
	OrderID         int64
	Version         int
	CreatedAt       time.Time
	UpdatedAt       time.Time
	Invitations     []Invitation
	// QuoteCount is how many quotes the request has; only the buyer's list of requests
	// (Requests) sets it, as it reads no quotes.
	QuoteCount int
	// Quotes are those the reader may see: all of them for the buyer and oversight, only
	// its own enterprise's for a producer.
	Quotes []CustomQuote
}

// Invitation is a site asked to quote for a request.
type Invitation struct {
	SiteID       int64
	EnterpriseID int64
	InvitedBy    int64 // user
	InvitedOrg   int64 // the buyer, or the coordinator's oversight body
	InvitedAt    time.Time
}

// invited reports whether any site of enterprise is invited to r.
func (r CustomRequest) invited(enterpriseID int64) bool {
	return slices.ContainsFunc(r.Invitations, func(i Invitation) bool { return i.EnterpriseID == enterpriseID })
}

// CustomQuote is a producer's offer for a request from one of its sites.
type CustomQuote struct {
	ID            int64
	RequestID     int64
	SiteID        int64
	EnterpriseID  int64
	UnitPriceTiyn int64
	VATIncluded   bool
	PromisedDate  Date
	LabourHours   int
	Note          string
	CreatedBy     int64
	CreatedAt     time.Time
}

// AmountTiyn is what the quote costs for the request's quantity.
func (q CustomQuote) AmountTiyn(quantity int) int64 { return q.UnitPriceTiyn * int64(quantity) }

// RequestInput is a new custom request.
type RequestInput struct {
	CategoryCode    string
	Title           string
	Description     string
	Quantity        int
	Unit            string
	WantedDate      Date
	DeliveryAddress string
	// DeliveryRegion defaults to the buyer organization's region.
	DeliveryRegion string
	BudgetLineID   int64
	QuoteDeadline  time.Time
}

// QuoteInput is a producer's quote.
type QuoteInput struct {
	SiteID        int64
	UnitPriceTiyn int64
	VATIncluded   bool
	PromisedDate  Date
	// LabourHours is the work at the site the item takes in all: accepting the quote books
	// it in the site's capacity.
	LabourHours int
	Note        string
}

// RequestFilter selects custom requests.
type RequestFilter struct {
	BuyerOrgID int64 // the buyer's requests
	InvitedEnt int64 // or those a producer enterprise is invited to
	Status     RequestStatus
	Limit      int
	BeforeID   int64
}

// CustomRequestStore persists custom requests; Store has it. Methods return CodeNotFound
// for a missing row and CodeConflict when a unique rule is broken.
type CustomRequestStore interface {
	// CategoryWorkshopKind returns the workshop kind of a category.
	CategoryWorkshopKind(ctx context.Context, code string) (accounts.WorkshopKind, error)
	// SitesOfKind returns every production site of a workshop kind.
	SitesOfKind(ctx context.Context, kind accounts.WorkshopKind) ([]Site, error)
	// CreateCustomRequest inserts r and sets its ID, Number, Version (1) and timestamps.
	CreateCustomRequest(ctx context.Context, r *CustomRequest) error
	// CustomRequest returns a request with its invitations and all its quotes; lock holds
	// it (FOR UPDATE) until the transaction ends.
	CustomRequest(ctx context.Context, id int64, lock bool) (CustomRequest, error)
	// UpdateCustomRequest stores r's state, accepted quote and order and bumps its version.
	UpdateCustomRequest(ctx context.Context, r *CustomRequest) error
	// CustomRequests lists requests by f, newest first, without quotes.
	CustomRequests(ctx context.Context, f RequestFilter) ([]CustomRequest, error)
	// AddInvitations records invitations; a site invited already is left as it was.
	AddInvitations(ctx context.Context, requestID int64, invs []Invitation) error
	// CreateQuote inserts q and sets its ID; CodeConflict if the site quoted already.
	CreateQuote(ctx context.Context, q *CustomQuote) error
	// QuoteRequestID returns the request a quote is for.
	QuoteRequestID(ctx context.Context, quoteID int64) (int64, error)

	// LastRequestEvent returns a request's newest event (nil if none); call it with the
	// request locked.
	LastRequestEvent(ctx context.Context, requestID int64) (*RequestEvent, error)
	// AppendRequestEvent inserts a sealed event.
	AppendRequestEvent(ctx context.Context, e RequestEvent) error
	// RequestEvents returns a request's events in Seq order.
	RequestEvents(ctx context.Context, requestID int64) ([]RequestEvent, error)
	// EachRequestChain calls fn with every request's events, request by request.
	EachRequestChain(ctx context.Context, fn func(requestID int64, events []RequestEvent) error) error
}

// requestResource is the request as the policy sees it: one of the buyer's orders.
func requestResource(kind accounts.ResourceKind, r CustomRequest) accounts.Resource {
	return accounts.Resource{Kind: kind, OrgID: r.BuyerOrgID, Region: r.BuyerRegion}
}

// coordinates reports whether a is a regional coordinator of region: a person (not a
// machine client) who is an inspector of an oversight body covering it.
func coordinates(a accounts.Actor, region string) bool {
	if a.TokenID != 0 || a.UserID == 0 {
		return false
	}
	for _, m := range a.Memberships {
		if m.OrgKind == accounts.KindOversight && m.Role == accounts.RoleInspector && (m.Region == "" || m.Region == region) {
			return true
		}
	}
	return false
}

// CreateRequest creates a buyer organization's custom request; with key, a repeat of the
// same request returns what the first recorded.
func (s *Service) CreateRequest(ctx context.Context, a accounts.Actor, orgID int64, in RequestInput, key *IdempotencyKey) (CustomRequest, *IdempotentResult, error) {
	org, err := s.organization(ctx, a, accounts.ResourceOrders, accounts.ActionManage, orgID, accounts.KindBuyer)
	if err != nil {
		return CustomRequest{}, nil, err
	}
	var r CustomRequest
	var replay *IdempotentResult
	err = s.Store.InTx(ctx, func(tx Store) error {
		res, err := claim(ctx, tx, key)
		if err != nil || res != nil {
			replay = res
			return err
		}
		if r, err = s.newRequest(ctx, tx, a, org, in); err != nil {
			return err
		}
		if err := tx.CreateCustomRequest(ctx, &r); err != nil {
			return err
		}
		if err := s.recordRequest(ctx, tx, a, orgID, RequestEvent{RequestID: r.ID, Action: ActionRequestCreate, To: string(RequestOpen),
			Data: eventData(map[string]any{"category": r.CategoryCode, "quantity": r.Quantity, "quote_deadline": r.QuoteDeadline.Format(time.RFC3339)})}); err != nil {
			return err
		}
		if key != nil {
			return tx.SetIdempotentResource(ctx, *key, "custom_request", r.ID)
		}
		return nil
	})
	if err != nil || replay != nil {
		return CustomRequest{}, replay, err
	}
	r, err = s.Store.CustomRequest(ctx, r.ID, false)
	return r, nil, err
}

// newRequest validates in.
func (s *Service) newRequest(ctx context.Context, tx Store, a accounts.Actor, org accounts.Organization, in RequestInput) (CustomRequest, error) {
	v := accounts.Validation{}
	in.Title, in.Description = strings.TrimSpace(in.Title), strings.TrimSpace(in.Description)
	in.DeliveryAddress = strings.TrimSpace(in.DeliveryAddress)
	if in.DeliveryRegion == "" {
		in.DeliveryRegion = org.Region
	}
	if in.CategoryCode == "" {
		v.Add("category", "is required")
	} else if _, err := tx.CategoryWorkshopKind(ctx, in.CategoryCode); err != nil {
		if accounts.ErrorCode(err) != accounts.CodeNotFound {
			return CustomRequest{}, err
		}
		v.Add("category", "unknown category")
	}
	switch {
	case in.Title == "":
		v.Add("title", "is required")
	case tooLong(in.Title, MaxRequestTitleLength):
		v.Add("title", fmt.Sprintf("is longer than %d characters", MaxRequestTitleLength))
	}
	if tooLong(in.Description, MaxRequestDescriptionLength) {
		v.Add("description", fmt.Sprintf("is longer than %d characters", MaxRequestDescriptionLength))
	}
	if in.Quantity < 1 || in.Quantity > MaxQuantity {
		v.Add("quantity", fmt.Sprintf("must be between 1 and %d", MaxQuantity))
	}
	if !slices.Contains(catalog.Units, catalog.Unit(in.Unit)) {
		v.Add("unit", "not a known unit")
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
	now := s.now()
	today := Today(now)
	if !in.WantedDate.IsZero() && (in.WantedDate.Before(today) || in.WantedDate.After(today.AddDays(MaxRequestedDays))) {
		v.Add("wanted_date", fmt.Sprintf("must be between today and %d days ahead", MaxRequestedDays))
	}
	deadline := in.QuoteDeadline.UTC().Truncate(time.Microsecond)
	if deadline.Before(now.Add(MinQuoteWindow)) || deadline.After(now.AddDate(0, 0, MaxQuoteDeadlineDays)) {
		v.Add("quote_deadline", fmt.Sprintf("must be between %s and %d days from now", MinQuoteWindow, MaxQuoteDeadlineDays))
	}
	if in.BudgetLineID == 0 {
		v.Add("budget_line_id", "is required")
	} else if b, err := tx.BudgetLine(ctx, in.BudgetLineID); err != nil || b.OrgID != org.ID {
		if err != nil && accounts.ErrorCode(err) != accounts.CodeNotFound {
			return CustomRequest{}, err
		}
		v.Add("budget_line_id", "not a budget line of this organization")
	}
	if err := v.Err(); err != nil {
		return CustomRequest{}, err
	}
	return CustomRequest{BuyerOrgID: org.ID, BuyerRegion: org.Region, CreatedBy: a.UserID, Status: RequestOpen,
		CategoryCode: in.CategoryCode, Title: in.Title, Description: in.Description, Quantity: in.Quantity, Unit: in.Unit,
		WantedDate: in.WantedDate, DeliveryAddress: in.DeliveryAddress, DeliveryRegion: in.DeliveryRegion,
		BudgetLineID: in.BudgetLineID, QuoteDeadline: deadline}, nil
}

// seeRequest checks that a may see r and returns r with the quotes a may see: every quote
// for the buyer's members and oversight, only its own enterprise's for an invited
// producer. Anybody else is told there is nothing here.
func seeRequest(a accounts.Actor, r CustomRequest) (CustomRequest, error) {
	if a.Anonymous() {
		return CustomRequest{}, &accounts.Error{Code: accounts.CodeUnauthenticated, Message: "sign in first"}
	}
	if accounts.Authorize(a, accounts.ActionView, requestResource(accounts.ResourceOrders, r)) == nil {
		return r, nil
	}
	var own []CustomQuote
	seen := false
	for _, m := range a.Memberships {
		if !r.invited(m.OrgID) {
			continue
		}
		seen = true
		for _, q := range r.Quotes {
			if q.EnterpriseID == m.OrgID {
				own = append(own, q)
			}
		}
	}
	if !seen {
		return CustomRequest{}, &accounts.Error{Code: accounts.CodeNotFound, Message: "not found"}
	}
	r.Quotes = own
	return r, nil
}

// Request returns a custom request to those who may see it (see seeRequest).
func (s *Service) Request(ctx context.Context, a accounts.Actor, id int64) (CustomRequest, error) {
	if a.Anonymous() {
		return CustomRequest{}, &accounts.Error{Code: accounts.CodeUnauthenticated, Message: "sign in first"}
	}
	r, err := s.Store.CustomRequest(ctx, id, false)
	if err != nil {
		return CustomRequest{}, err
	}
	return seeRequest(a, r)
}

// Requests lists a buyer organization's custom requests, newest first.
func (s *Service) Requests(ctx context.Context, a accounts.Actor, orgID int64, f RequestFilter) ([]CustomRequest, error) {
	if _, err := s.organization(ctx, a, accounts.ResourceOrders, accounts.ActionView, orgID, accounts.KindBuyer); err != nil {
		return nil, err
	}
	f.BuyerOrgID, f.InvitedEnt = orgID, 0
	if f.Limit <= 0 || f.Limit > MaxListPage {
		f.Limit = MaxListPage
	}
	return s.Store.CustomRequests(ctx, f)
}

// InvitedRequests lists the custom requests a producer enterprise is invited to quote
// for, newest first, to its members and oversight.
func (s *Service) InvitedRequests(ctx context.Context, a accounts.Actor, enterpriseID int64, f RequestFilter) ([]CustomRequest, error) {
	if _, err := s.organization(ctx, a, accounts.ResourceFulfillments, accounts.ActionView, enterpriseID, accounts.KindProducerEnterprise); err != nil {
		return nil, err
	}
	f.BuyerOrgID, f.InvitedEnt = 0, enterpriseID
	if f.Limit <= 0 || f.Limit > MaxListPage {
		f.Limit = MaxListPage
	}
	rs, err := s.Store.CustomRequests(ctx, f)
	for i := range rs {
		rs[i].QuoteCount = 0 // a producer does not learn how many others quoted
	}
	return rs, err
}

// RankedSite is a site the router would invite, with why it stands where it stands.
type RankedSite struct {
	Candidate
	// Eligible is false for a site without free capacity in the FreeCapacityWeeks.
	Eligible bool
	Reasons  []accounts.Text
}

// reasonText is what the ranking says of a site, in ru, kk and en.
var reasonText = map[string]accounts.Text{
	"kind":     {RU: "Вид цеха «%s» соответствует категории", KK: "«%s» цех түрі санатқа сәйкес келеді", EN: "Workshop kind %q matches the category"},
	"free":     {RU: "Свободно %d ч за %d нед.", KK: "%[2]d аптада %[1]d сағ бос", EN: "%d h free over the next %d weeks"},
	"nofree":   {RU: "Нет свободной мощности на %d нед. вперёд", KK: "Алдағы %d аптада бос қуат жоқ", EN: "No free capacity in the next %d weeks"},
	"distance": {RU: "%d км до региона доставки", KK: "Жеткізу өңіріне дейін %d км", EN: "%d km to the delivery region"},
	"nodist":   {RU: "Расстояние до региона доставки неизвестно", KK: "Жеткізу өңіріне дейінгі қашықтық белгісіз", EN: "Distance to the delivery region unknown"},
	"ontime":   {RU: "В срок %d из %d завершённых заказов", KK: "Аяқталған %[2]d тапсырыстың %[1]d мерзімінде", EN: "On time in %d of %d closed orders"},
	"invited":  {RU: "Уже приглашён", KK: "Шақырылған", EN: "Invited already"},
}

func reason(code string, args ...any) accounts.Text {
	t := reasonText[code]
	return accounts.Text{RU: fmt.Sprintf(t.RU, args...), KK: fmt.Sprintf(t.KK, args...), EN: fmt.Sprintf(t.EN, args...)}
}

// RankSites ranks the production sites that could make a request's item: those whose
// workshop kind is the category's, ordered as routing orders sites (Rank: free capacity
// over FreeCapacityWeeks in bands, then distance to the delivery region, then on-time
// record), at most MaxRankedSites, each with its reasons. The labour is not known before
// the producers quote, so a site is eligible when it has any free capacity.
func (s *Service) RankSites(ctx context.Context, a accounts.Actor, id int64) ([]RankedSite, error) {
	r, err := s.Request(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if accounts.Authorize(a, accounts.ActionView, requestResource(accounts.ResourceOrders, r)) != nil {
		return nil, &accounts.Error{Code: accounts.CodeForbidden, Message: "only the buyer and oversight see the ranking"}
	}
	kind, err := s.Store.CategoryWorkshopKind(ctx, r.CategoryCode)
	if err != nil {
		return nil, err
	}
	sites, err := s.Store.SitesOfKind(ctx, kind)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(sites))
	for _, site := range sites {
		ids = append(ids, site.ID)
	}
	today := Today(s.now())
	var load map[int64]map[Date]int64
	var records map[int64]OnTimeRecord
	if len(ids) > 0 {
		if load, err = s.Store.SiteLoad(ctx, ids, today.Monday()); err != nil {
			return nil, err
		}
		if records, err = s.Store.OnTimeRecords(ctx, ids); err != nil {
			return nil, err
		}
	}
	cands := make([]Candidate, 0, len(sites))
	for _, site := range sites {
		weekly := int64(site.WeeklyCapacityHours) * 60
		c := Candidate{Site: site, FreeMinutes: FreeMinutes(weekly, load[site.ID], today),
			DistanceKm: distanceKm(site.Region, r.DeliveryRegion), Record: records[site.ID]}
		c.Plan = Plan{Feasible: c.FreeMinutes > 0, Finish: today, Promise: today}
		cands = append(cands, c)
	}
	ranked := Rank(cands)
	if len(ranked) > MaxRankedSites {
		ranked = ranked[:MaxRankedSites]
	}
	out := make([]RankedSite, 0, len(ranked))
	for _, c := range ranked {
		rs := RankedSite{Candidate: c, Eligible: c.Plan.Feasible}
		rs.Reasons = append(rs.Reasons, reason("kind", string(kind)))
		if c.FreeMinutes > 0 {
			rs.Reasons = append(rs.Reasons, reason("free", int(c.FreeMinutes/60), FreeCapacityWeeks))
		} else {
			rs.Reasons = append(rs.Reasons, reason("nofree", FreeCapacityWeeks))
		}
		if c.DistanceKm >= 0 {
			rs.Reasons = append(rs.Reasons, reason("distance", int(c.DistanceKm)))
		} else {
			rs.Reasons = append(rs.Reasons, reason("nodist"))
		}
		rs.Reasons = append(rs.Reasons, reason("ontime", c.Record.OnTime, c.Record.Closed))
		if slices.ContainsFunc(r.Invitations, func(i Invitation) bool { return i.SiteID == c.Site.ID }) {
			rs.Reasons = append(rs.Reasons, reason("invited"))
		}
		out = append(out, rs)
	}
	return out, nil
}

// Invite asks sites to quote for an open request before its deadline: the buyer's
// requesters, approvers and admins may, and so may a regional coordinator (see the
// comment at the top). Each site must be of the category's workshop kind; a site invited
// already is left as it was. The invited enterprises' producer managers are notified.
func (s *Service) Invite(ctx context.Context, a accounts.Actor, id int64, siteIDs []int64) (CustomRequest, error) {
	if a.Anonymous() {
		return CustomRequest{}, &accounts.Error{Code: accounts.CodeUnauthenticated, Message: "sign in first"}
	}
	if len(siteIDs) == 0 || len(siteIDs) > MaxInvitedSites {
		return CustomRequest{}, &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed",
			Fields: map[string]string{"site_ids": fmt.Sprintf("name 1 to %d sites", MaxInvitedSites)}}
	}
	err := s.Store.InTx(ctx, func(tx Store) error {
		r, err := tx.CustomRequest(ctx, id, true)
		if err != nil {
			return err
		}
		if err := accounts.Authorize(a, accounts.ActionManage, requestResource(accounts.ResourceOrders, r)); err != nil {
			if !coordinates(a, r.DeliveryRegion) {
				if _, seeErr := seeRequest(a, r); seeErr != nil {
					return seeErr
				}
				return err
			}
		}
		if err := s.checkOpen(r, "invite"); err != nil {
			return err
		}
		kind, err := tx.CategoryWorkshopKind(ctx, r.CategoryCode)
		if err != nil {
			return err
		}
		v := accounts.Validation{}
		var invs []Invitation
		var added []int64
		for i, sid := range siteIDs {
			if slices.ContainsFunc(r.Invitations, func(x Invitation) bool { return x.SiteID == sid }) || slices.Contains(added, sid) {
				continue
			}
			site, err := tx.Site(ctx, sid)
			if err != nil {
				if accounts.ErrorCode(err) != accounts.CodeNotFound {
					return err
				}
				v.Add(fmt.Sprintf("site_ids[%d]", i), "no such production site")
				continue
			}
			if site.WorkshopKind != kind {
				v.Add(fmt.Sprintf("site_ids[%d]", i), fmt.Sprintf("the site is a %s workshop; the category needs %s", site.WorkshopKind, kind))
				continue
			}
			invs = append(invs, Invitation{SiteID: sid, EnterpriseID: site.EnterpriseID, InvitedBy: a.UserID, InvitedOrg: actorOrg(a, r.BuyerOrgID), InvitedAt: s.now()})
			added = append(added, sid)
		}
		if err := v.Err(); err != nil {
			return err
		}
		if len(r.Invitations)+len(invs) > MaxInvitedSites {
			return &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed",
				Fields: map[string]string{"site_ids": fmt.Sprintf("a request invites at most %d sites", MaxInvitedSites)}}
		}
		if len(invs) == 0 {
			return nil
		}
		if err := tx.AddInvitations(ctx, r.ID, invs); err != nil {
			return err
		}
		if err := s.recordRequest(ctx, tx, a, actorOrg(a, r.BuyerOrgID), RequestEvent{RequestID: r.ID, Action: ActionInvite,
			From: string(r.Status), To: string(r.Status), Data: eventData(map[string]any{"site_ids": added})}); err != nil {
			return err
		}
		notified := map[int64]bool{}
		for _, inv := range invs {
			if notified[inv.EnterpriseID] {
				continue
			}
			notified[inv.EnterpriseID] = true
			if err := s.notifyRequest(ctx, tx, inv.EnterpriseID, []accounts.Role{accounts.RoleProducerManager}, NotifyRequestInvited, r, "/cabinet/custom-requests/"); err != nil {
				return err
			}
		}
		return tx.UpdateCustomRequest(ctx, &r)
	})
	if err != nil {
		return CustomRequest{}, err
	}
	return s.Request(ctx, a, id)
}

// checkOpen refuses a change of a request that is no longer open, or whose quote
// deadline passed, with 409 naming its state.
func (s *Service) checkOpen(r CustomRequest, what string) error {
	if r.Status != RequestOpen {
		return &accounts.Error{Code: accounts.CodeConflict, Message: fmt.Sprintf("a custom request in state %q cannot %s", r.Status, what),
			Fields: map[string]string{"state": string(r.Status)}}
	}
	if !s.now().Before(r.QuoteDeadline) {
		return &accounts.Error{Code: accounts.CodeConflict, Message: fmt.Sprintf("the quote deadline passed at %s: it is too late to %s", r.QuoteDeadline.Format(time.RFC3339), what),
			Fields: map[string]string{"quote_deadline": r.QuoteDeadline.Format(time.RFC3339), "state": string(r.Status)}}
	}
	return nil
}

// SubmitQuote is a producer manager's quote for a request from one of its enterprise's
// invited sites, before the quote deadline (a late quote is refused with 409). Each site
// quotes once. The buyer is notified.
func (s *Service) SubmitQuote(ctx context.Context, a accounts.Actor, requestID int64, in QuoteInput, key *IdempotencyKey) (CustomQuote, *IdempotentResult, error) {
	if a.Anonymous() {
		return CustomQuote{}, nil, &accounts.Error{Code: accounts.CodeUnauthenticated, Message: "sign in first"}
	}
	in.Note = strings.TrimSpace(in.Note)
	var q CustomQuote
	var replay *IdempotentResult
	err := s.Store.InTx(ctx, func(tx Store) error {
		res, err := claim(ctx, tx, key)
		if err != nil || res != nil {
			replay = res
			return err
		}
		r, err := tx.CustomRequest(ctx, requestID, true)
		if err != nil {
			return err
		}
		if _, err := seeRequest(a, r); err != nil {
			return err
		}
		i := slices.IndexFunc(r.Invitations, func(x Invitation) bool { return x.SiteID == in.SiteID })
		if i < 0 {
			return &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed",
				Fields: map[string]string{"site_id": "the site is not invited to quote for this request"}}
		}
		inv := r.Invitations[i]
		if !MayQuote(a, r, inv.EnterpriseID) {
			return &accounts.Error{Code: accounts.CodeForbidden, Message: "only the producer managers of the site's enterprise quote"}
		}
		if err := s.checkOpen(r, "quote"); err != nil {
			return err
		}
		v := accounts.Validation{}
		if in.UnitPriceTiyn < 1 || in.UnitPriceTiyn > MaxUnitPriceTiyn {
			v.Add("unit_price_tiyn", fmt.Sprintf("must be between 1 and %d", int64(MaxUnitPriceTiyn)))
		}
		today := Today(s.now())
		if in.PromisedDate.IsZero() || in.PromisedDate.Before(today) || in.PromisedDate.After(today.AddDays(ScheduleHorizonWeeks*7)) {
			v.Add("promised_date", fmt.Sprintf("must be between today and %d weeks ahead", ScheduleHorizonWeeks))
		}
		if in.LabourHours < 0 || in.LabourHours > MaxQuoteLabourHours {
			v.Add("labour_hours", fmt.Sprintf("must be between 0 and %d", MaxQuoteLabourHours))
		}
		if tooLong(in.Note, MaxNoteLength) {
			v.Add("note", fmt.Sprintf("is longer than %d characters", MaxNoteLength))
		}
		if err := v.Err(); err != nil {
			return err
		}
		q = CustomQuote{RequestID: r.ID, SiteID: in.SiteID, EnterpriseID: inv.EnterpriseID, UnitPriceTiyn: in.UnitPriceTiyn,
			VATIncluded: in.VATIncluded, PromisedDate: in.PromisedDate, LabourHours: in.LabourHours, Note: in.Note,
			CreatedBy: a.UserID, CreatedAt: s.now()}
		if err := tx.CreateQuote(ctx, &q); err != nil {
			if accounts.ErrorCode(err) == accounts.CodeConflict {
				return &accounts.Error{Code: accounts.CodeConflict, Message: "this site has quoted for the request already",
					Fields: map[string]string{"site_id": "quoted already"}}
			}
			return err
		}
		if err := s.recordRequest(ctx, tx, a, inv.EnterpriseID, RequestEvent{RequestID: r.ID, QuoteID: q.ID, Action: ActionQuote,
			From: string(r.Status), To: string(r.Status), Data: eventData(map[string]any{"site_id": q.SiteID,
				"unit_price_tiyn": q.UnitPriceTiyn, "promised_date": q.PromisedDate.String(), "labour_hours": q.LabourHours})}); err != nil {
			return err
		}
		if err := s.notifyRequest(ctx, tx, r.BuyerOrgID, buyerRoles, NotifyQuoteReceived, r, "/cabinet/custom-requests/"); err != nil {
			return err
		}
		if err := tx.UpdateCustomRequest(ctx, &r); err != nil {
			return err
		}
		if key != nil {
			return tx.SetIdempotentResource(ctx, *key, "custom_quote", q.ID)
		}
		return nil
	})
	if err != nil || replay != nil {
		return CustomQuote{}, replay, err
	}
	return q, nil, nil
}

// CustomQuote returns one quote to those who may see it: the buyer's side and oversight,
// and the quoting enterprise; to anybody else it does not exist.
func (s *Service) CustomQuote(ctx context.Context, a accounts.Actor, id int64) (CustomQuote, error) {
	if a.Anonymous() {
		return CustomQuote{}, &accounts.Error{Code: accounts.CodeUnauthenticated, Message: "sign in first"}
	}
	requestID, err := s.Store.QuoteRequestID(ctx, id)
	if err != nil {
		return CustomQuote{}, err
	}
	r, err := s.Request(ctx, a, requestID)
	if err != nil {
		return CustomQuote{}, err
	}
	for _, q := range r.Quotes {
		if q.ID == id {
			return q, nil
		}
	}
	return CustomQuote{}, &accounts.Error{Code: accounts.CodeNotFound, Message: "not found"}
}

// AcceptQuote is the buyer's acceptance of one quote of an open request: it becomes an
// order of one line (no listing; the request's title, unit and quantity at the quote's
// price), submitted at once (its total committed against the request's budget line, a
// budget overspend refused with 422), with one fulfillment routed straight to the quoting
// site and confirmed with the quoted date, the quote's labour booked in the site's queue.
// Approval settings do not apply: choosing the quote is the buyer's decision. A request
// is ordered once: a second acceptance, concurrent or later, is refused with 409.
func (s *Service) AcceptQuote(ctx context.Context, a accounts.Actor, requestID, quoteID int64, key *IdempotencyKey) (Order, *IdempotentResult, error) {
	if a.Anonymous() {
		return Order{}, nil, &accounts.Error{Code: accounts.CodeUnauthenticated, Message: "sign in first"}
	}
	pre, err := s.prefetchQuoteRoute(ctx, requestID, quoteID)
	if err != nil {
		return Order{}, nil, err
	}
	var o Order
	var replay *IdempotentResult
	err = s.Store.InTx(ctx, func(tx Store) error {
		res, err := claim(ctx, tx, key)
		if err != nil || res != nil {
			replay = res
			return err
		}
		r, err := tx.CustomRequest(ctx, requestID, true)
		if err != nil {
			return err
		}
		if _, err := seeRequest(a, r); err != nil {
			return err
		}
		if err := accounts.Authorize(a, accounts.ActionManage, requestResource(accounts.ResourceOrders, r)); err != nil {
			return err
		}
		if r.Status != RequestOpen {
			return &accounts.Error{Code: accounts.CodeConflict, Message: fmt.Sprintf("a custom request in state %q cannot accept a quote", r.Status),
				Fields: map[string]string{"state": string(r.Status)}}
		}
		qi := slices.IndexFunc(r.Quotes, func(q CustomQuote) bool { return q.ID == quoteID })
		if qi < 0 {
			return &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed",
				Fields: map[string]string{"quote_id": "not a quote of this request"}}
		}
		q := r.Quotes[qi]
		if o, err = s.orderFromQuote(ctx, tx, a, r, q, pre); err != nil {
			return err
		}
		from := r.Status
		r.Status, r.AcceptedQuoteID, r.OrderID = RequestOrdered, q.ID, o.ID
		if err := s.recordRequest(ctx, tx, a, r.BuyerOrgID, RequestEvent{RequestID: r.ID, QuoteID: q.ID, Action: ActionAcceptQuote,
			From: string(from), To: string(r.Status), Data: eventData(map[string]any{"order_id": o.ID, "order_number": o.Number,
				"amount_tiyn": o.TotalTiyn})}); err != nil {
			return err
		}
		if err := tx.UpdateCustomRequest(ctx, &r); err != nil {
			return err
		}
		if key != nil {
			return tx.SetIdempotentResource(ctx, *key, "order", o.ID)
		}
		return nil
	})
	if err != nil || replay != nil {
		return Order{}, replay, err
	}
	o, err = s.Store.Order(ctx, o.ID, false)
	return o, nil, err
}

// prefetchQuoteRoute reads, before the acceptance's transaction (as CreateOrder does, so
// that a transaction never waits for a second pooled connection), what choosing the
// procurement route reads: the routes, the goods list and the quoting enterprise's subtype.
// Nil without a procurement store; a quote it cannot find now is looked up inside.
func (s *Service) prefetchQuoteRoute(ctx context.Context, requestID, quoteID int64) (*routeLookup, error) {
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
	r, err := s.Store.CustomRequest(ctx, requestID, false)
	if err != nil {
		return pre, nil // the transaction reports it
	}
	for _, q := range r.Quotes {
		if q.ID == quoteID {
			ent, err := s.Directory.Organization(ctx, q.EnterpriseID)
			if err != nil {
				return nil, err
			}
			pre.subtypes[q.EnterpriseID] = ent.Subtype
		}
	}
	return pre, nil
}

// orderFromQuote makes, in tx, the submitted order of request r at quote q, with its one
// fulfillment confirmed at the quoting site.
func (s *Service) orderFromQuote(ctx context.Context, tx Store, a accounts.Actor, r CustomRequest, q CustomQuote, pre *routeLookup) (Order, error) {
	minutes := int64(q.LabourHours) * 60
	title := accounts.Text{RU: r.Title, KK: r.Title, EN: r.Title}
	line := Line{Position: 1, EnterpriseID: q.EnterpriseID, CategoryCode: r.CategoryCode, Title: title, Unit: r.Unit,
		UnitPriceTiyn: q.UnitPriceTiyn, VATIncluded: q.VATIncluded, Quantity: r.Quantity,
		LabourMinutesPerUnit: int(minutes / int64(r.Quantity)), AmountTiyn: q.AmountTiyn(r.Quantity)}
	o := Order{BuyerOrgID: r.BuyerOrgID, BuyerRegion: r.BuyerRegion, CreatedBy: a.UserID, Status: StatusDraft,
		DeliveryAddress: r.DeliveryAddress, DeliveryRegion: r.DeliveryRegion, RequestedDate: r.WantedDate,
		BudgetLineID: r.BudgetLineID, Note: "Custom request " + r.Number, Lines: []Line{line}, TotalTiyn: line.AmountTiyn}
	route, _, err := s.chooseRoute(ctx, o, "ru", pre)
	if err != nil {
		return Order{}, err
	}
	o.ProcurementRoute, o.Penalty = route.Code, route.Penalty
	if err := tx.CreateOrder(ctx, &o); err != nil {
		return Order{}, err
	}
	if err := s.record(ctx, tx, a, r.BuyerOrgID, Event{OrderID: o.ID, Action: ActionCreate, To: string(StatusDraft),
		Data: eventData(map[string]any{"total_tiyn": o.TotalTiyn, "lines": 1, "custom_request_id": r.ID, "quote_id": q.ID})}); err != nil {
		return Order{}, err
	}
	if err := s.commitBudget(ctx, tx, a, &o, ActionSubmit); err != nil {
		return Order{}, err
	}

	// Route straight to the quoting site, booking the quoted labour from this week on.
	site, plan, err := s.planAtSite(ctx, tx, q.SiteID, minutes)
	if err != nil {
		return Order{}, err
	}
	if !plan.Feasible {
		return Order{}, &accounts.Error{Code: accounts.CodeConflict, Message: "the quoting site no longer has the capacity for the quoted labour",
			Fields: map[string]string{"quote_id": fmt.Sprintf("%d labour hours do not fit in the site's next %d weeks", q.LabourHours, ScheduleHorizonWeeks)}}
	}
	l := o.Lines[0]
	f := Fulfillment{OrderID: o.ID, OrderNumber: o.Number, BuyerOrgID: o.BuyerOrgID, BuyerRegion: o.BuyerRegion,
		EnterpriseID: q.EnterpriseID, SiteID: site.ID, Region: site.Region, Status: FulfillmentRouted, LabourMinutes: minutes,
		AmountTiyn: l.AmountTiyn, CommittedTiyn: l.AmountTiyn, QuotedDate: q.PromisedDate,
		Lines: []FulfillmentLine{{OrderLineID: l.ID, Title: l.Title, Unit: l.Unit, UnitPriceTiyn: l.UnitPriceTiyn, Quantity: l.Quantity}}}
	if err := tx.CreateFulfillments(ctx, []*Fulfillment{&f}, [][]WeekLoad{plan.Bookings}); err != nil {
		return Order{}, err
	}
	if err := s.record(ctx, tx, a, r.BuyerOrgID, Event{OrderID: o.ID, FulfillmentID: f.ID, Action: ActionRoute, To: string(FulfillmentRouted),
		Reason: "the buyer accepted the site's quote for custom request " + r.Number,
		Data:   eventData(map[string]any{"site_id": site.ID, "quote_id": q.ID, "quoted_date": q.PromisedDate.String(), "labour_minutes": minutes, "schedule_finish": plan.Finish.String()})}); err != nil {
		return Order{}, err
	}
	f.Status, f.PromisedDate = FulfillmentConfirmed, q.PromisedDate
	if err := tx.UpdateFulfillment(ctx, &f); err != nil {
		return Order{}, err
	}
	if err := s.record(ctx, tx, a, r.BuyerOrgID, Event{OrderID: o.ID, FulfillmentID: f.ID, Action: ActionConfirm, From: string(FulfillmentRouted),
		To: string(FulfillmentConfirmed), Reason: "confirmed by the producer's quote",
		Data: eventData(map[string]any{"promised_date": q.PromisedDate.String(), "quoted_date": q.PromisedDate.String()})}); err != nil {
		return Order{}, err
	}
	return o, s.notifyOrg(ctx, tx, q.EnterpriseID, producerRoles, NotifyNewFulfillment, &o, &f, "")
}

// CancelRequest is the buyer's cancellation of an open request, with a reason.
func (s *Service) CancelRequest(ctx context.Context, a accounts.Actor, id int64, reason string) (CustomRequest, error) {
	if a.Anonymous() {
		return CustomRequest{}, &accounts.Error{Code: accounts.CodeUnauthenticated, Message: "sign in first"}
	}
	reason = strings.TrimSpace(reason)
	if err := checkReason(reason, false); err != nil {
		return CustomRequest{}, err
	}
	err := s.Store.InTx(ctx, func(tx Store) error {
		r, err := tx.CustomRequest(ctx, id, true)
		if err != nil {
			return err
		}
		if _, err := seeRequest(a, r); err != nil {
			return err
		}
		if err := accounts.Authorize(a, accounts.ActionManage, requestResource(accounts.ResourceOrders, r)); err != nil {
			return err
		}
		if r.Status != RequestOpen {
			return &accounts.Error{Code: accounts.CodeConflict, Message: fmt.Sprintf("a custom request in state %q cannot be cancelled", r.Status),
				Fields: map[string]string{"state": string(r.Status)}}
		}
		if err := s.recordRequest(ctx, tx, a, r.BuyerOrgID, RequestEvent{RequestID: r.ID, Action: ActionCancelRequest,
			From: string(r.Status), To: string(RequestCancelled), Reason: reason}); err != nil {
			return err
		}
		r.Status = RequestCancelled
		return tx.UpdateCustomRequest(ctx, &r)
	})
	if err != nil {
		return CustomRequest{}, err
	}
	return s.Request(ctx, a, id)
}

// RequestEvents returns a request's record, to the buyer's members and oversight (the
// record holds every quote, which producers do not see of each other).
func (s *Service) RequestEvents(ctx context.Context, a accounts.Actor, id int64) ([]RequestEvent, error) {
	r, err := s.Request(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if err := accounts.Authorize(a, accounts.ActionView, requestResource(accounts.ResourceOrders, r)); err != nil {
		return nil, &accounts.Error{Code: accounts.CodeForbidden, Message: "only the buyer and oversight see the record of a request"}
	}
	return s.Store.RequestEvents(ctx, id)
}

// Notification kinds of custom requests.
const (
	NotifyRequestInvited NotificationKind = "request_invited" // to producers: asked to quote
	NotifyQuoteReceived  NotificationKind = "quote_received"  // to buyers: a producer quoted
)

// notifyRequest notifies org's members holding one of roles about request r; the number
// stands where an order's would, and the e-mail links path + id.
func (s *Service) notifyRequest(ctx context.Context, tx Store, org int64, roles []accounts.Role, kind NotificationKind, r CustomRequest, path string) error {
	users, err := tx.Members(ctx, org, roles)
	if err != nil || len(users) == 0 {
		return err
	}
	link := strings.TrimSuffix(s.PublicURL, "/") + path + fmt.Sprint(r.ID)
	ns := make([]Notification, 0, len(users))
	for _, u := range users {
		n := Notification{OrgID: org, Kind: kind, OrderNumber: r.Number, Note: r.Title, CreatedAt: s.now(), UserID: u.UserID, Email: u.Email}
		n.Subject = "Sheber: " + n.Text("ru")
		n.Body = emailBody(n, link)
		ns = append(ns, n)
	}
	return tx.Notify(ctx, ns)
}
