package orders

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/sheber-kz/sheber/accounts"
)

// Fulfillment returns a fulfillment order to those who may see it: the producer
// enterprise's members, the buyer organization's, and oversight of either region.
func (s *Service) Fulfillment(ctx context.Context, a accounts.Actor, id int64) (Fulfillment, error) {
	if a.Anonymous() {
		return Fulfillment{}, &accounts.Error{Code: accounts.CodeUnauthenticated, Message: "sign in first"}
	}
	f, err := s.Store.Fulfillment(ctx, id, false)
	if err != nil {
		return Fulfillment{}, err
	}
	if err := s.canSee(a, f); err != nil {
		return Fulfillment{}, err
	}
	return f, nil
}

// canSee allows the producer's side or the buyer's side to see f.
func (s *Service) canSee(a accounts.Actor, f Fulfillment) error {
	err := accounts.Authorize(a, accounts.ActionView, f.Resource())
	if err == nil {
		return nil
	}
	if accounts.Authorize(a, accounts.ActionView, accounts.Resource{Kind: accounts.ResourceOrders, OrgID: f.BuyerOrgID, Region: f.BuyerRegion}) == nil {
		return nil
	}
	return err
}

// Queue lists a producer enterprise's fulfillment orders by due date.
func (s *Service) Queue(ctx context.Context, a accounts.Actor, enterpriseID int64, q QueueFilter) ([]Fulfillment, error) {
	if _, err := s.organization(ctx, a, accounts.ResourceFulfillments, accounts.ActionView, enterpriseID, accounts.KindProducerEnterprise); err != nil {
		return nil, err
	}
	q.EnterpriseID = enterpriseID
	if q.Limit <= 0 || q.Limit > MaxListPage {
		q.Limit = MaxListPage
	}
	return s.Store.Queue(ctx, q)
}

// SiteLoad is a site's booked labour per week against its capacity.
type SiteLoad struct {
	Site  Site
	Weeks []WeekLoad // every week of the window, booked minutes (0 when free)
}

// CapacityMinutes is the site's weekly capacity in minutes.
func (l SiteLoad) CapacityMinutes() int64 { return int64(l.Site.WeeklyCapacityHours) * 60 }

// LoadWeeks is how many weeks the producer's load chart shows.
const LoadWeeks = 12

// Load returns the weekly load of each of an enterprise's sites for LoadWeeks from this
// week.
func (s *Service) Load(ctx context.Context, a accounts.Actor, enterpriseID int64) ([]SiteLoad, error) {
	if _, err := s.organization(ctx, a, accounts.ResourceFulfillments, accounts.ActionView, enterpriseID, accounts.KindProducerEnterprise); err != nil {
		return nil, err
	}
	sites, err := s.Store.Sites(ctx, enterpriseID)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(sites))
	for _, site := range sites {
		ids = append(ids, site.ID)
	}
	monday := Today(s.now()).Monday()
	load, err := s.Store.SiteLoad(ctx, ids, monday)
	if err != nil {
		return nil, err
	}
	out := make([]SiteLoad, 0, len(sites))
	for _, site := range sites {
		l := SiteLoad{Site: site}
		for i := 0; i < LoadWeeks; i++ {
			w := monday.AddDays(7 * i)
			l.Weeks = append(l.Weeks, WeekLoad{Week: w, Minutes: load[site.ID][w]})
		}
		out = append(out, l)
	}
	return out, nil
}

// fulfillmentTransition runs change on fulfillment id with its order locked, if a may act
// for side on it, then stores both, closes the order if every part is done, and returns
// the fulfillment fresh.
func (s *Service) fulfillmentTransition(ctx context.Context, a accounts.Actor, id int64, side Side, action Action,
	change func(tx Store, o *Order, f *Fulfillment) error) (Fulfillment, error) {
	f, _, err := s.keyedTransition(ctx, a, id, side, action, nil, change)
	return f, err
}

// keyedTransition is fulfillmentTransition for a create with an idempotency key: the key
// is claimed once the actor is known to may act, before the state is checked, so that a
// repeat of the request that moved the state on gets its replay rather than a 409.
func (s *Service) keyedTransition(ctx context.Context, a accounts.Actor, id int64, side Side, action Action, key *IdempotencyKey,
	change func(tx Store, o *Order, f *Fulfillment) error) (Fulfillment, *IdempotentResult, error) {
	if a.Anonymous() {
		return Fulfillment{}, nil, &accounts.Error{Code: accounts.CodeUnauthenticated, Message: "sign in first"}
	}
	var replay *IdempotentResult
	err := s.Store.InTx(ctx, func(tx Store) error {
		peek, err := tx.Fulfillment(ctx, id, false)
		if err != nil {
			return err
		}
		if err := s.canSee(a, peek); err != nil {
			return err
		}
		o, err := tx.Order(ctx, peek.OrderID, true)
		if err != nil {
			return err
		}
		f, err := tx.Fulfillment(ctx, id, true)
		if err != nil {
			return err
		}
		res := f.Resource()
		if side == SideBuyer {
			res = orderResource(accounts.ResourceOrders, o)
		}
		if err := accounts.Authorize(a, accounts.ActionManage, res); err != nil {
			if accounts.ErrorCode(err) == accounts.CodeNotFound { // it may see it (above), not change it
				return &accounts.Error{Code: accounts.CodeForbidden, Message: "your role does not allow this"}
			}
			return err
		}
		r, err := claim(ctx, tx, key)
		if err != nil {
			return err
		}
		if r != nil {
			replay = r
			return errReplay
		}
		if err := checkFulfillment(action, f); err != nil {
			return err
		}
		if err := change(tx, &o, &f); err != nil {
			return err
		}
		for _, l := range f.Lines {
			if !l.valid() { // a bug, not the caller's mistake: nothing is stored
				return accounts.Internal(fmt.Errorf("orders: fulfillment %d line %d counters broken: %+v", f.ID, l.OrderLineID, l))
			}
		}
		if err := tx.UpdateFulfillment(ctx, &f); err != nil {
			return err
		}
		return s.settleOrder(ctx, tx, a, &o, f)
	})
	if replay != nil {
		return Fulfillment{}, replay, nil
	}
	if err != nil {
		return Fulfillment{}, nil, err
	}
	f, err := s.Store.Fulfillment(ctx, id, false)
	return f, nil, err
}

// settleOrder updates order o after a change of its fulfillment changed: its money from
// its parts, and its state once every part is closed or cancelled.
func (s *Service) settleOrder(ctx context.Context, tx Store, a accounts.Actor, o *Order, changed Fulfillment) error {
	o.CommittedTiyn, o.SpentTiyn = 0, 0
	done, cancelled := true, true
	for _, f := range o.Fulfillments {
		if f.ID == changed.ID {
			f = changed
		}
		o.CommittedTiyn += f.CommittedTiyn
		o.SpentTiyn += f.SpentTiyn
		if !f.Status.Terminal() {
			done = false
		}
		if f.Status != FulfillmentCancelled {
			cancelled = false
		}
	}
	if done && o.Status == StatusSubmitted {
		to, action := StatusClosed, ActionCloseOrder
		if cancelled {
			to, action = StatusCancelled, ActionCancelOrder
		}
		if err := s.record(ctx, tx, a, actorOrg(a, o.BuyerOrgID), Event{OrderID: o.ID, Action: action, From: string(o.Status), To: string(to)}); err != nil {
			return err
		}
		o.Status = to
	}
	return tx.UpdateOrder(ctx, o)
}

// event records a fulfillment's transition from `from` to its current state.
func (s *Service) event(ctx context.Context, tx Store, a accounts.Actor, f *Fulfillment, orgID int64, action Action, from FulfillmentStatus, reason string, data any) error {
	return s.record(ctx, tx, a, actorOrg(a, orgID), Event{OrderID: f.OrderID, FulfillmentID: f.ID, Action: action,
		From: string(from), To: string(f.Status), Reason: reason, Data: eventData(data)})
}

// Confirm is the producer's acceptance of a routed fulfillment order, promising a date:
// the quoted one if promise is zero. A promise may be later than the quote, never in the
// past.
func (s *Service) Confirm(ctx context.Context, a accounts.Actor, id int64, promise Date) (Fulfillment, error) {
	return s.fulfillmentTransition(ctx, a, id, SideProducer, ActionConfirm, func(tx Store, o *Order, f *Fulfillment) error {
		if promise.IsZero() {
			promise = f.QuotedDate
		}
		today := Today(s.now())
		if promise.Before(today) || promise.After(today.AddDays(ScheduleHorizonWeeks*7)) {
			return &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed",
				Fields: map[string]string{"promised_date": fmt.Sprintf("must be between today and %d weeks ahead", ScheduleHorizonWeeks)}}
		}
		from := f.Status
		f.PromisedDate = promise
		f.Status = derivedStatus(f.Lines)
		if err := s.event(ctx, tx, a, f, f.EnterpriseID, ActionConfirm, from, "", map[string]any{"promised_date": promise.String(), "quoted_date": f.QuotedDate.String()}); err != nil {
			return err
		}
		return s.notifyOrg(ctx, tx, o.BuyerOrgID, buyerRoles, NotifyConfirmed, o, f, "")
	})
}

// buyerRoles are the members of a buyer organization told about its orders.
var buyerRoles = []accounts.Role{accounts.RoleRequester, accounts.RoleApprover, accounts.RoleAdmin}

// producerRoles are the members of a producer enterprise told about its queue.
var producerRoles = []accounts.Role{accounts.RoleProducerManager, accounts.RoleWorkshopMaster}

// Decline is the producer's refusal of a routed fulfillment order at its site, with a
// reason: the router offers it to the next eligible site, or returns it to the buyer.
func (s *Service) Decline(ctx context.Context, a accounts.Actor, id int64, reason string) (Fulfillment, error) {
	reason = strings.TrimSpace(reason)
	if err := checkReason(reason, true); err != nil {
		return Fulfillment{}, err
	}
	return s.fulfillmentTransition(ctx, a, id, SideProducer, ActionDecline, func(tx Store, o *Order, f *Fulfillment) error {
		if err := tx.AddDecline(ctx, f.ID, f.SiteID, a.UserID, reason, s.now()); err != nil {
			return err
		}
		if err := tx.ReleaseBookings(ctx, f.ID); err != nil {
			return err
		}
		declined := f.SiteID
		if err := s.event(ctx, tx, a, f, f.EnterpriseID, ActionDecline, f.Status, reason, map[string]any{"site_id": declined}); err != nil {
			return err
		}
		f.DeclinedSiteIDs = append(f.DeclinedSiteIDs, declined)
		lines := o.linesOf(*f)
		sitesOf, err := orderSites(ctx, tx, lines, nil)
		if err != nil {
			return err
		}
		return s.route(ctx, tx, a, o, []*Fulfillment{f}, [][]int64{siteIDsOf(lines, sitesOf)}, linesByID(o.Lines), false)
	})
}

// linesOf returns the order lines a fulfillment makes.
func (o Order) linesOf(f Fulfillment) []Line {
	var out []Line
	for _, fl := range f.Lines {
		for _, l := range o.Lines {
			if l.ID == fl.OrderLineID {
				out = append(out, l)
			}
		}
	}
	return out
}

// siteIDsOf returns the sites that can make every one of lines, ascending.
func siteIDsOf(lines []Line, sitesOf func(int64) []int64) []int64 {
	var common []int64
	for i, l := range lines {
		if i == 0 {
			common = slices.Clone(sitesOf(l.ListingID))
		} else {
			common = intersect(common, sitesOf(l.ListingID))
		}
	}
	slices.Sort(common)
	return common
}

// LineUnits is a number of units of one order line.
type LineUnits struct {
	OrderLineID int64
	Units       int
}

// unitsByLine checks that units names lines of f with positive counts, at most once each.
func unitsByLine(f Fulfillment, units []LineUnits, field string) (map[int64]int, error) {
	v := accounts.Validation{}
	out := map[int64]int{}
	if len(units) == 0 {
		v.Add(field, "name at least one line")
	}
	for i, u := range units {
		at := fmt.Sprintf("%s[%d]", field, i)
		if !slices.ContainsFunc(f.Lines, func(l FulfillmentLine) bool { return l.OrderLineID == u.OrderLineID }) {
			v.Add(at+".order_line_id", "not a line of this fulfillment order")
			continue
		}
		if _, dup := out[u.OrderLineID]; dup {
			v.Add(at+".order_line_id", "named twice")
			continue
		}
		if u.Units < 1 || u.Units > MaxQuantity {
			v.Add(at+".units", fmt.Sprintf("must be between 1 and %d", MaxQuantity))
			continue
		}
		out[u.OrderLineID] = u.Units
	}
	return out, v.Err()
}

// Progress records units made at the site, per line; no line may go past its quantity.
func (s *Service) Progress(ctx context.Context, a accounts.Actor, id int64, units []LineUnits) (Fulfillment, error) {
	return s.fulfillmentTransition(ctx, a, id, SideProducer, ActionProgress, func(tx Store, o *Order, f *Fulfillment) error {
		by, err := unitsByLine(*f, units, "lines")
		if err != nil {
			return err
		}
		v := accounts.Validation{}
		for i := range f.Lines {
			l := &f.Lines[i]
			n, ok := by[l.OrderLineID]
			if !ok {
				continue
			}
			if n > l.ToMake() {
				v.Add(fmt.Sprintf("lines[%d].units", indexOf(units, l.OrderLineID)), fmt.Sprintf("only %d units are still to be made", l.ToMake()))
				continue
			}
			l.Made += n
		}
		if err := v.Err(); err != nil {
			return err
		}
		from := f.Status
		f.Status = derivedStatus(f.Lines)
		return s.event(ctx, tx, a, f, f.EnterpriseID, ActionProgress, from, "", map[string]any{"units": by})
	})
}

func indexOf(units []LineUnits, lineID int64) int {
	for i, u := range units {
		if u.OrderLineID == lineID {
			return i
		}
	}
	return -1
}

// MarkReady records every unit still to be made as made.
func (s *Service) MarkReady(ctx context.Context, a accounts.Actor, id int64) (Fulfillment, error) {
	return s.fulfillmentTransition(ctx, a, id, SideProducer, ActionMarkReady, func(tx Store, o *Order, f *Fulfillment) error {
		made := map[int64]int{}
		for i := range f.Lines {
			l := &f.Lines[i]
			if n := l.ToMake(); n > 0 {
				made[l.OrderLineID] = n
				l.Made += n
			}
		}
		from := f.Status
		f.Status = derivedStatus(f.Lines)
		return s.event(ctx, tx, a, f, f.EnterpriseID, ActionMarkReady, from, "", map[string]any{"units": made})
	})
}

// ShipmentInput is a consignment: its waybill number and the units per line (none: every
// made unit not shipped yet).
type ShipmentInput struct {
	Waybill string
	Lines   []LineUnits
}

// Ship records a shipment of made units, possibly partial.
func (s *Service) Ship(ctx context.Context, a accounts.Actor, id int64, in ShipmentInput, key *IdempotencyKey) (Fulfillment, *IdempotentResult, error) {
	return s.keyedTransition(ctx, a, id, SideProducer, ActionShip, key, func(tx Store, o *Order, f *Fulfillment) error {
		var err error
		in.Waybill = strings.TrimSpace(in.Waybill)
		v := accounts.Validation{}
		if in.Waybill == "" {
			v.Add("waybill", "is required")
		} else if tooLong(in.Waybill, MaxWaybillLength) {
			v.Add("waybill", fmt.Sprintf("is longer than %d characters", MaxWaybillLength))
		}
		var by map[int64]int
		if len(in.Lines) > 0 {
			if by, err = unitsByLine(*f, in.Lines, "lines"); err != nil {
				return err
			}
		} else {
			by = map[int64]int{}
			for _, l := range f.Lines {
				if l.ToShip() > 0 {
					by[l.OrderLineID] = l.ToShip()
				}
			}
			if len(by) == 0 {
				return conflictf("no made unit is waiting to be shipped")
			}
		}
		sh := Shipment{FulfillmentID: f.ID, Waybill: in.Waybill, ShippedAt: s.now()}
		for i := range f.Lines {
			l := &f.Lines[i]
			n, ok := by[l.OrderLineID]
			if !ok {
				continue
			}
			if n > l.ToShip() {
				v.Add(fmt.Sprintf("lines[%d].units", indexOf(in.Lines, l.OrderLineID)), fmt.Sprintf("only %d made units are waiting to be shipped", l.ToShip()))
				continue
			}
			l.Shipped += n
			sh.Lines = append(sh.Lines, ShipmentLine{OrderLineID: l.OrderLineID, Quantity: n})
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := tx.CreateShipment(ctx, &sh); err != nil {
			if accounts.ErrorCode(err) == accounts.CodeConflict {
				return &accounts.Error{Code: accounts.CodeConflict, Message: "this fulfillment order has a shipment with this waybill already",
					Fields: map[string]string{"waybill": "already used"}}
			}
			return err
		}
		from := f.Status
		f.Status = derivedStatus(f.Lines)
		if err := s.event(ctx, tx, a, f, f.EnterpriseID, ActionShip, from, "", map[string]any{"waybill": in.Waybill, "units": by, "shipment_id": sh.ID}); err != nil {
			return err
		}
		if key != nil {
			if err := tx.SetIdempotentResource(ctx, *key, "fulfillment", f.ID); err != nil {
				return err
			}
		}
		return s.notifyOrg(ctx, tx, o.BuyerOrgID, buyerRoles, NotifyShipped, o, f, in.Waybill)
	})
}

// errReplay rolls back a transaction that found its idempotency key used: the caller
// replays what the key recorded.
var errReplay = &accounts.Error{Code: accounts.CodeConflict, Message: "replayed"}

// Deliver is the buyer's record that every shipment so far arrived.
func (s *Service) Deliver(ctx context.Context, a accounts.Actor, id int64) (Fulfillment, error) {
	return s.fulfillmentTransition(ctx, a, id, SideBuyer, ActionDeliver, func(tx Store, o *Order, f *Fulfillment) error {
		delivered, err := tx.MarkShipmentsDelivered(ctx, f.ID, s.now())
		if err != nil {
			return err
		}
		if len(delivered) == 0 {
			return conflictf("no shipment is on its way")
		}
		by := map[int64]int{}
		for _, sh := range delivered {
			for _, sl := range sh.Lines {
				by[sl.OrderLineID] += sl.Quantity
			}
		}
		for i := range f.Lines {
			f.Lines[i].Delivered += by[f.Lines[i].OrderLineID]
		}
		from := f.Status
		f.Status = derivedStatus(f.Lines)
		if f.Status == FulfillmentDelivered {
			f.DeliveredOn = Today(s.now())
		}
		if err := s.event(ctx, tx, a, f, o.BuyerOrgID, ActionDeliver, from, "", map[string]any{"units": by, "shipments": len(delivered)}); err != nil {
			return err
		}
		return s.notifyOrg(ctx, tx, f.EnterpriseID, producerRoles, NotifyDelivered, o, f, "")
	})
}

// AcceptanceInput is the buyer's judgement of delivered units per line.
type AcceptanceInput struct {
	Lines        []AcceptanceLine
	DefectReason string
}

// Accept records the buyer's acceptance of delivered units: accepted units turn their
// amount from commitment into spending; rejected ones go back to the producer's queue as
// rework, with the defect reason. When every unit is accepted the fulfillment closes, with
// the days it was late.
func (s *Service) Accept(ctx context.Context, a accounts.Actor, id int64, in AcceptanceInput, key *IdempotencyKey) (Fulfillment, *IdempotentResult, error) {
	in.DefectReason = strings.TrimSpace(in.DefectReason)
	return s.keyedTransition(ctx, a, id, SideBuyer, ActionAccept, key, func(tx Store, o *Order, f *Fulfillment) error {
		acc, err := s.judge(f, in)
		if err != nil {
			return err
		}
		acc.AcceptedBy = a.UserID
		var spent int64
		rejected := 0
		for _, al := range acc.Lines {
			for i := range f.Lines {
				l := &f.Lines[i]
				if l.OrderLineID != al.OrderLineID {
					continue
				}
				l.Accepted += al.Accepted
				l.Rejected += al.Rejected
				spent += int64(al.Accepted) * l.UnitPriceTiyn
				rejected += al.Rejected
			}
		}
		spent = min(spent, f.CommittedTiyn)
		if spent > 0 {
			if err := tx.SpendBudget(ctx, o.BudgetLineID, spent); err != nil {
				return err
			}
			f.CommittedTiyn -= spent
			f.SpentTiyn += spent
		}
		from := f.Status
		f.Status = derivedStatus(f.Lines)
		if rejected > 0 {
			f.DeliveredOn = Date{}
			if err := s.bookRework(ctx, tx, o, f, acc.Lines); err != nil {
				return err
			}
		}
		if f.Status == FulfillmentClosed {
			if f.DeliveredOn.IsZero() {
				f.DeliveredOn = Today(s.now())
			}
			f.DaysOverdue, f.PenaltyTiyn = LatePenalty(f.AmountTiyn, f.PromisedDate.Time(), f.DeliveredOn.Time(), o.Penalty)
			if f.CommittedTiyn > 0 { // nothing is left to accept: nothing stays committed
				if err := tx.ReleaseBudget(ctx, o.BudgetLineID, f.CommittedTiyn); err != nil {
					return err
				}
				f.CommittedTiyn = 0
			}
			if err := tx.ReleaseBookings(ctx, f.ID); err != nil {
				return err
			}
		}
		acc.DaysOverdue, acc.PenaltyTiyn = f.DaysOverdue, f.PenaltyTiyn
		if err := tx.CreateAcceptance(ctx, &acc); err != nil {
			return err
		}
		if err := s.event(ctx, tx, a, f, o.BuyerOrgID, ActionAccept, from, in.DefectReason,
			map[string]any{"acceptance_id": acc.ID, "accepted": sumAccepted(acc.Lines), "rejected": rejected, "spent_tiyn": spent}); err != nil {
			return err
		}
		if key != nil {
			if err := tx.SetIdempotentResource(ctx, *key, "fulfillment", f.ID); err != nil {
				return err
			}
		}
		return s.notifyOrg(ctx, tx, f.EnterpriseID, producerRoles, NotifyAccepted, o, f, in.DefectReason)
	})
}

func sumAccepted(ls []AcceptanceLine) int {
	n := 0
	for _, l := range ls {
		n += l.Accepted
	}
	return n
}

// judge validates an acceptance of f: every line named at most once, its accepted and
// rejected units within those delivered and not yet judged, a defect reason for rejects.
func (s *Service) judge(f *Fulfillment, in AcceptanceInput) (Acceptance, error) {
	v := accounts.Validation{}
	acc := Acceptance{FulfillmentID: f.ID, AcceptedAt: s.now(), DefectReason: in.DefectReason}
	if len(in.Lines) == 0 {
		v.Add("lines", "name at least one line")
	}
	seen := map[int64]bool{}
	rejected := 0
	for i, al := range in.Lines {
		at := fmt.Sprintf("lines[%d]", i)
		idx := slices.IndexFunc(f.Lines, func(l FulfillmentLine) bool { return l.OrderLineID == al.OrderLineID })
		switch {
		case idx < 0:
			v.Add(at+".order_line_id", "not a line of this fulfillment order")
			continue
		case seen[al.OrderLineID]:
			v.Add(at+".order_line_id", "named twice")
			continue
		case al.Accepted < 0 || al.Rejected < 0:
			v.Add(at, "accepted and rejected units cannot be negative")
			continue
		case al.Accepted+al.Rejected == 0:
			v.Add(at, "accept or reject at least one unit")
			continue
		case al.Accepted+al.Rejected > f.Lines[idx].AwaitingAcceptance():
			v.Add(at, fmt.Sprintf("only %d delivered units await acceptance", f.Lines[idx].AwaitingAcceptance()))
			continue
		}
		seen[al.OrderLineID] = true
		rejected += al.Rejected
		acc.Lines = append(acc.Lines, al)
	}
	switch {
	case rejected > 0 && in.DefectReason == "":
		v.Add("defect_reason", "say what is wrong with the rejected units")
	case tooLong(in.DefectReason, MaxReasonLength):
		v.Add("defect_reason", fmt.Sprintf("is longer than %d characters", MaxReasonLength))
	}
	return acc, v.Err()
}

// planAtSite locks site id and plans minutes of labour there from this week on, against
// its load as the lock leaves it.
func (s *Service) planAtSite(ctx context.Context, tx Store, id int64, minutes int64) (Site, Plan, error) {
	if err := tx.LockSites(ctx, []int64{id}); err != nil {
		return Site{}, Plan{}, err
	}
	site, err := tx.Site(ctx, id)
	if err != nil {
		return Site{}, Plan{}, err
	}
	today := Today(s.now())
	load, err := tx.SiteLoad(ctx, []int64{id}, today.Monday())
	if err != nil {
		return Site{}, Plan{}, err
	}
	return site, Schedule(int64(site.WeeklyCapacityHours)*60, load[id], today, minutes, 0), nil
}

// bookRework books the labour of rejected units at the fulfillment's site, from this week.
func (s *Service) bookRework(ctx context.Context, tx Store, o *Order, f *Fulfillment, lines []AcceptanceLine) error {
	byID := linesByID(o.Lines)
	var minutes int64
	for _, al := range lines {
		minutes += int64(al.Rejected) * int64(byID[al.OrderLineID].LabourMinutesPerUnit)
	}
	if minutes == 0 || f.SiteID == 0 {
		return nil
	}
	_, plan, err := s.planAtSite(ctx, tx, f.SiteID, minutes)
	if err != nil {
		return err
	}
	if !plan.Feasible {
		return nil // the site is full for the horizon: the rework waits unbooked, visible in the queue
	}
	f.LabourMinutes += minutes
	return tx.Book(ctx, f.ID, f.SiteID, plan.Bookings)
}

// Cancel cancels a fulfillment order. The buyer cancels one that is routed, confirmed
// without production, or returned, at once; once production started, the side that asks
// first (RequestCancel) needs the other side's Cancel. Cancelling releases its budget
// commitment, its capacity and the ready stock it took and did not ship.
func (s *Service) Cancel(ctx context.Context, a accounts.Actor, id int64, side Side, reason string) (Fulfillment, error) {
	reason = strings.TrimSpace(reason)
	if err := checkReason(reason, false); err != nil {
		return Fulfillment{}, err
	}
	if side != SideBuyer && side != SideProducer {
		return Fulfillment{}, &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed", Fields: map[string]string{"side": "must be buyer or producer"}}
	}
	return s.fulfillmentTransition(ctx, a, id, side, ActionCancel, func(tx Store, o *Order, f *Fulfillment) error {
		agreed := f.CancelRequestedBy != "" && f.CancelRequestedBy != side
		free := side == SideBuyer && (f.Status == FulfillmentRouted || f.Status == FulfillmentReturned ||
			(f.Status == FulfillmentConfirmed && !f.productionStarted()))
		if !agreed && !free {
			if f.CancelRequestedBy == side {
				return conflictf("you asked to cancel already; the other side has to agree")
			}
			// Ask: the other side's cancel agrees.
			if err := checkFulfillment(ActionRequestCancel, *f); err != nil {
				return err
			}
			f.CancelRequestedBy, f.CancelReason = side, reason
			if err := s.event(ctx, tx, a, f, sideOrg(side, o, f), ActionRequestCancel, f.Status, reason, map[string]any{"side": side}); err != nil {
				return err
			}
			roles, org := producerRoles, f.EnterpriseID
			if side == SideProducer {
				roles, org = buyerRoles, o.BuyerOrgID
			}
			return s.notifyOrg(ctx, tx, org, roles, NotifyCancelRequested, o, f, reason)
		}
		if err := s.release(ctx, tx, o, f); err != nil {
			return err
		}
		from := f.Status
		f.Status = FulfillmentCancelled
		if reason == "" {
			reason = f.CancelReason
		}
		if err := s.event(ctx, tx, a, f, sideOrg(side, o, f), ActionCancel, from, reason, map[string]any{"side": side, "agreed": agreed}); err != nil {
			return err
		}
		if side == SideBuyer {
			return s.notifyOrg(ctx, tx, f.EnterpriseID, producerRoles, NotifyCancelled, o, f, reason)
		}
		return s.notifyOrg(ctx, tx, o.BuyerOrgID, buyerRoles, NotifyCancelled, o, f, reason)
	})
}

func sideOrg(side Side, o *Order, f *Fulfillment) int64 {
	if side == SideProducer {
		return f.EnterpriseID
	}
	return o.BuyerOrgID
}

// release gives back what a cancelled fulfillment held: its budget commitment, its
// bookings, and the stock it took and did not ship.
func (s *Service) release(ctx context.Context, tx Store, o *Order, f *Fulfillment) error {
	if f.CommittedTiyn > 0 {
		if err := tx.ReleaseBudget(ctx, o.BudgetLineID, f.CommittedTiyn); err != nil {
			return err
		}
		f.CommittedTiyn = 0
	}
	if err := tx.ReleaseBookings(ctx, f.ID); err != nil {
		return err
	}
	byID := linesByID(o.Lines)
	for i := range f.Lines {
		l := &f.Lines[i]
		// Units from stock are made first: those not shipped go back.
		back := min(l.FromStock, l.Made-l.Shipped)
		if back > 0 {
			if err := tx.ReturnStock(ctx, byID[l.OrderLineID].ListingID, back); err != nil {
				return err
			}
		}
	}
	return nil
}
