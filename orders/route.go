package orders

import (
	"context"
	"fmt"
	"slices"

	"github.com/sheber-kz/sheber/accounts"
)

// part is the lines of an order that one producer enterprise makes at one site: the
// sites that can make all of them are SiteIDs.
type part struct {
	EnterpriseID int64
	Lines        []Line
	SiteIDs      []int64
}

// splitParts groups an order's lines per producer enterprise. A line joins the enterprise's
// first part whose sites it shares (narrowing them to those that make every line), so that
// usually an enterprise gets one part; only lines that no common site can make are split
// into further parts. sitesOf gives each listing's sites.
func splitParts(lines []Line, sitesOf func(listingID int64) []int64) []part {
	var parts []part
	for _, l := range lines {
		sites := sitesOf(l.ListingID)
		joined := false
		for i := range parts {
			p := &parts[i]
			if p.EnterpriseID != l.EnterpriseID {
				continue
			}
			common := intersect(p.SiteIDs, sites)
			if len(common) == 0 {
				continue
			}
			p.Lines, p.SiteIDs, joined = append(p.Lines, l), common, true
			break
		}
		if !joined {
			parts = append(parts, part{EnterpriseID: l.EnterpriseID, Lines: []Line{l}, SiteIDs: slices.Clone(sites)})
		}
	}
	return parts
}

func intersect(a, b []int64) []int64 {
	var out []int64
	for _, x := range a {
		if slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// work is what a part needs at a site: labour minutes for the units not taken from stock,
// and the longest lead time of the lines that have units to make.
func work(lines []FulfillmentLine, orderLines map[int64]Line) (minutes int64, leadTimeDays int) {
	for _, fl := range lines {
		l := orderLines[fl.OrderLineID]
		if n := fl.ToMake(); n > 0 {
			minutes += int64(n) * int64(l.LabourMinutesPerUnit)
			leadTimeDays = max(leadTimeDays, l.LeadTimeDays)
		}
	}
	return minutes, leadTimeDays
}

// candidates ranks the sites siteIDs of enterprise enterpriseID for work needing minutes
// with leadTimeDays, to be delivered to region, as of today. The sites must be locked if
// the choice is booked. The enterprise's sites are read in one query, not one a site.
func (s *Service) candidates(ctx context.Context, tx Store, enterpriseID int64, siteIDs []int64, minutes int64, leadTimeDays int, region string, today Date) ([]Candidate, error) {
	if len(siteIDs) == 0 {
		return nil, nil
	}
	load, err := tx.SiteLoad(ctx, siteIDs, today.Monday())
	if err != nil {
		return nil, err
	}
	records, err := tx.OnTimeRecords(ctx, siteIDs)
	if err != nil {
		return nil, err
	}
	all, err := tx.Sites(ctx, enterpriseID)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]Site, len(all))
	for _, site := range all {
		byID[site.ID] = site
	}
	cands := make([]Candidate, 0, len(siteIDs))
	for _, id := range siteIDs {
		site, ok := byID[id]
		if !ok {
			return nil, accounts.Internal(fmt.Errorf("orders: site %d is not one of enterprise %d's", id, enterpriseID))
		}
		weekly := int64(site.WeeklyCapacityHours) * 60
		cands = append(cands, Candidate{Site: site, FreeMinutes: FreeMinutes(weekly, load[id], today),
			DistanceKm: distanceKm(site.Region, region), Record: records[id],
			Plan: Schedule(weekly, load[id], today, minutes, leadTimeDays)})
	}
	return Rank(cands), nil
}

// orderSites returns each listing's sites for the order's lines.
func orderSites(ctx context.Context, tx Store, lines []Line) (func(int64) []int64, error) {
	ids := make([]int64, 0, len(lines))
	for _, l := range lines {
		ids = append(ids, l.ListingID)
	}
	ls, err := tx.Listings(ctx, ids)
	if err != nil {
		return nil, err
	}
	return func(id int64) []int64 { return ls[id].SiteIDs }, nil
}

// split divides a submitted order into fulfillment orders, reserves ready stock for them,
// and routes each to its best site.
func (s *Service) split(ctx context.Context, tx Store, a accounts.Actor, o *Order) error {
	sitesOf, err := orderSites(ctx, tx, o.Lines)
	if err != nil {
		return err
	}
	parts := splitParts(o.Lines, sitesOf)
	// Lock every site any part may book, in one go and in id order, so that two orders
	// never wait for each other's sites.
	var all []int64
	for _, p := range parts {
		all = append(all, p.SiteIDs...)
	}
	slices.Sort(all)
	if err := tx.LockSites(ctx, slices.Compact(all)); err != nil {
		return err
	}
	byID := linesByID(o.Lines)
	for _, p := range parts {
		f := Fulfillment{OrderID: o.ID, OrderNumber: o.Number, BuyerOrgID: o.BuyerOrgID, BuyerRegion: o.BuyerRegion, EnterpriseID: p.EnterpriseID}
		for _, l := range p.Lines {
			took, err := tx.ReserveStock(ctx, l.ListingID, l.Quantity)
			if err != nil {
				return err
			}
			f.Lines = append(f.Lines, FulfillmentLine{OrderLineID: l.ID, Title: l.Title, Unit: l.Unit, UnitPriceTiyn: l.UnitPriceTiyn,
				Quantity: l.Quantity, FromStock: took, Made: took})
			f.AmountTiyn += l.AmountTiyn
		}
		f.CommittedTiyn = f.AmountTiyn
		if err := s.route(ctx, tx, a, o, &f, p.SiteIDs, byID, true); err != nil {
			return err
		}
	}
	return nil
}

func linesByID(lines []Line) map[int64]Line {
	m := make(map[int64]Line, len(lines))
	for _, l := range lines {
		m[l.ID] = l
	}
	return m
}

// route offers fulfillment f to the best of siteIDs that has not declined it, booking the
// work there, or returns it to the buyer if none can take it; create says f is new (else it
// is stored already and was declined). The sites must be locked. It records the event and
// notifies the producer.
func (s *Service) route(ctx context.Context, tx Store, a accounts.Actor, o *Order, f *Fulfillment, siteIDs []int64, orderLines map[int64]Line, create bool) error {
	var eligible []int64
	for _, id := range siteIDs {
		if !slices.Contains(f.DeclinedSiteIDs, id) {
			eligible = append(eligible, id)
		}
	}
	minutes, lead := work(f.Lines, orderLines)
	f.LabourMinutes = minutes
	today := Today(s.now())
	cands, err := s.candidates(ctx, tx, f.EnterpriseID, eligible, minutes, lead, o.DeliveryRegion, today)
	if err != nil {
		return err
	}
	from := string(f.Status)
	if len(cands) > 0 && cands[0].Plan.Feasible {
		best := cands[0]
		f.Status, f.SiteID, f.Region, f.QuotedDate = FulfillmentRouted, best.Site.ID, best.Site.Region, best.Plan.Promise
	} else {
		f.Status, f.SiteID, f.QuotedDate = FulfillmentReturned, 0, Date{}
		if f.Region == "" {
			f.Region = o.BuyerRegion
		}
	}
	if create {
		err = tx.CreateFulfillment(ctx, f)
	} else {
		err = tx.UpdateFulfillment(ctx, f)
	}
	if err != nil {
		return err
	}
	if f.Status == FulfillmentReturned {
		if err := s.record(ctx, tx, a, actorOrg(a, o.BuyerOrgID), Event{OrderID: o.ID, FulfillmentID: f.ID, Action: ActionReturnToBuyer, From: from, To: string(f.Status),
			Reason: "no production site of the enterprise can take it", Data: eventData(map[string]any{"eligible_sites": len(eligible)})}); err != nil {
			return err
		}
		return s.notifyOrg(ctx, tx, o.BuyerOrgID, []accounts.Role{accounts.RoleRequester, accounts.RoleApprover, accounts.RoleAdmin}, NotifyReturnedToBuyer, o, f, "")
	}
	best := cands[0]
	if err := tx.Book(ctx, f.ID, f.SiteID, best.Plan.Bookings); err != nil {
		return err
	}
	if err := s.record(ctx, tx, a, actorOrg(a, o.BuyerOrgID), Event{OrderID: o.ID, FulfillmentID: f.ID, Action: ActionRoute, From: from, To: string(f.Status),
		Data: eventData(routeData(best, len(cands)))}); err != nil {
		return err
	}
	return s.notifyOrg(ctx, tx, f.EnterpriseID, []accounts.Role{accounts.RoleProducerManager, accounts.RoleWorkshopMaster}, NotifyNewFulfillment, o, f, "")
}

// routeData is what the record keeps of a routing choice.
func routeData(c Candidate, of int) map[string]any {
	return map[string]any{"site_id": c.Site.ID, "quoted_date": c.Plan.Promise.String(), "free_minutes": c.FreeMinutes,
		"distance_km": int(c.DistanceKm), "on_time_rate": int(c.Record.Rate() * 100), "candidates": of, "labour_minutes": sumBookings(c.Plan.Bookings)}
}

func sumBookings(ws []WeekLoad) int64 {
	var n int64
	for _, w := range ws {
		n += w.Minutes
	}
	return n
}

// PartQuote is the routing preview of one part of a draft order: the sites ranked as
// routing would rank them now, the first being the one it would choose, and the date it
// could promise.
type PartQuote struct {
	EnterpriseID int64
	Lines        []Line
	// FromStock is how many units of each line ready stock covers now, by order line id.
	FromStock  map[int64]int
	Candidates []Candidate
}

// Promise is the date the chosen site could promise; zero if no site can take the part.
func (q PartQuote) Promise() Date {
	if len(q.Candidates) == 0 || !q.Candidates[0].Plan.Feasible {
		return Date{}
	}
	return q.Candidates[0].Plan.Promise
}

// Quote previews how a draft order would be split and routed and what dates it would be
// promised, without reserving or booking anything: the figures may change by the time it
// is submitted.
func (s *Service) Quote(ctx context.Context, a accounts.Actor, orderID int64) ([]PartQuote, error) {
	o, err := s.Order(ctx, a, orderID)
	if err != nil {
		return nil, err
	}
	var quotes []PartQuote
	err = s.Store.InTx(ctx, func(tx Store) error {
		sitesOf, err := orderSites(ctx, tx, o.Lines)
		if err != nil {
			return err
		}
		ids := make([]int64, 0, len(o.Lines))
		for _, l := range o.Lines {
			ids = append(ids, l.ListingID)
		}
		listings, err := tx.Listings(ctx, ids)
		if err != nil {
			return err
		}
		byID := linesByID(o.Lines)
		for _, p := range splitParts(o.Lines, sitesOf) {
			q := PartQuote{EnterpriseID: p.EnterpriseID, Lines: p.Lines, FromStock: map[int64]int{}}
			var fls []FulfillmentLine
			for _, l := range p.Lines {
				took := min(l.Quantity, listings[l.ListingID].ReadyStock)
				q.FromStock[l.ID] = took
				fls = append(fls, FulfillmentLine{OrderLineID: l.ID, Quantity: l.Quantity, FromStock: took, Made: took})
			}
			minutes, lead := work(fls, byID)
			if q.Candidates, err = s.candidates(ctx, tx, p.EnterpriseID, p.SiteIDs, minutes, lead, o.DeliveryRegion, Today(s.now())); err != nil {
				return err
			}
			quotes = append(quotes, q)
		}
		return nil
	})
	return quotes, err
}
