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

// siteFacts is what ranking knows of sites besides their load: the sites themselves and
// their on-time records. Neither changes with a booking, so they are read without locks.
type siteFacts struct {
	sites   map[int64]Site
	records map[int64]OnTimeRecord
}

// readSiteFacts reads the facts of the sites ids in one query, whatever their enterprises.
func readSiteFacts(ctx context.Context, tx Store, ids []int64) (siteFacts, error) {
	var f siteFacts
	if len(ids) == 0 {
		return f, nil
	}
	sites, records, err := tx.SitesWithRecords(ctx, ids)
	if err != nil {
		return f, err
	}
	f.sites, f.records = make(map[int64]Site, len(sites)), records
	for _, site := range sites {
		f.sites[site.ID] = site
	}
	return f, nil
}

// rank ranks the sites siteIDs of enterprise enterpriseID for work needing minutes with
// leadTimeDays, to be delivered to region, as of today, against the weekly load.
func (f siteFacts) rank(enterpriseID int64, siteIDs []int64, load map[int64]map[Date]int64, minutes int64, leadTimeDays int, region string, today Date) ([]Candidate, error) {
	cands := make([]Candidate, 0, len(siteIDs))
	for _, id := range siteIDs {
		site, ok := f.sites[id]
		if !ok || site.EnterpriseID != enterpriseID {
			return nil, accounts.Internal(fmt.Errorf("orders: site %d is not one of enterprise %d's", id, enterpriseID))
		}
		cands = append(cands, f.candidate(site, load[id], minutes, leadTimeDays, region, today))
	}
	return Rank(cands), nil
}

// candidate is site as a candidate for the work, against its weekly load.
func (f siteFacts) candidate(site Site, load map[Date]int64, minutes int64, leadTimeDays int, region string, today Date) Candidate {
	weekly := int64(site.WeeklyCapacityHours) * 60
	return Candidate{Site: site, FreeMinutes: FreeMinutes(weekly, load, today), DistanceKm: distanceKm(site.Region, region),
		Record: f.records[site.ID], Plan: Schedule(weekly, load, today, minutes, leadTimeDays)}
}

// candidates ranks the sites siteIDs of enterprise enterpriseID for work needing minutes
// with leadTimeDays, to be delivered to region, as of today, reading their load now.
func (s *Service) candidates(ctx context.Context, tx Store, enterpriseID int64, siteIDs []int64, minutes int64, leadTimeDays int, region string, today Date) ([]Candidate, error) {
	if len(siteIDs) == 0 {
		return nil, nil
	}
	facts, err := readSiteFacts(ctx, tx, siteIDs)
	if err != nil {
		return nil, err
	}
	load, err := tx.SiteLoad(ctx, siteIDs, today.Monday())
	if err != nil {
		return nil, err
	}
	return facts.rank(enterpriseID, siteIDs, load, minutes, leadTimeDays, region, today)
}

// orderSites returns each listing's sites for the order's lines, from known if it holds
// every line's listing (read in tx), else read now.
func orderSites(ctx context.Context, tx Store, lines []Line, known map[int64]CartListing) (func(int64) []int64, error) {
	ids := make([]int64, 0, len(lines))
	for _, l := range lines {
		ids = append(ids, l.ListingID)
		if _, ok := known[l.ListingID]; !ok {
			known = nil
		}
	}
	if known != nil {
		return func(id int64) []int64 { return known[id].SiteIDs }, nil
	}
	ls, err := tx.Listings(ctx, ids)
	if err != nil {
		return nil, err
	}
	return func(id int64) []int64 { return ls[id].SiteIDs }, nil
}

// split divides a submitted order into fulfillment orders, reserves ready stock for them,
// and routes each to its best site; listings are its lines' if read in tx (nil: read now).
func (s *Service) split(ctx context.Context, tx Store, a accounts.Actor, o *Order, listings map[int64]CartListing) error {
	sitesOf, err := orderSites(ctx, tx, o.Lines, listings)
	if err != nil {
		return err
	}
	parts := splitParts(o.Lines, sitesOf)
	want := make(map[int64]int, len(o.Lines))
	for _, l := range o.Lines {
		want[l.ListingID] += l.Quantity
	}
	took, err := tx.ReserveStock(ctx, want)
	if err != nil {
		return err
	}
	fs := make([]*Fulfillment, 0, len(parts))
	sites := make([][]int64, 0, len(parts))
	for _, p := range parts {
		f := &Fulfillment{OrderID: o.ID, OrderNumber: o.Number, BuyerOrgID: o.BuyerOrgID, BuyerRegion: o.BuyerRegion, EnterpriseID: p.EnterpriseID}
		for _, l := range p.Lines {
			n := min(took[l.ListingID], l.Quantity)
			took[l.ListingID] -= n
			f.Lines = append(f.Lines, FulfillmentLine{OrderLineID: l.ID, Title: l.Title, Unit: l.Unit, UnitPriceTiyn: l.UnitPriceTiyn,
				Quantity: l.Quantity, FromStock: n, Made: n})
			f.AmountTiyn += l.AmountTiyn
		}
		f.CommittedTiyn = f.AmountTiyn
		fs, sites = append(fs, f), append(sites, p.SiteIDs)
	}
	return s.route(ctx, tx, a, o, fs, sites, linesByID(o.Lines), true)
}

func linesByID(lines []Line) map[int64]Line {
	m := make(map[int64]Line, len(lines))
	for _, l := range lines {
		m[l.ID] = l
	}
	return m
}

// route offers each fulfillment fs[i] to the best of sites[i] that has not declined it,
// booking the work there, or returns it to the buyer if none can take it; create says the
// fulfillments are new (else they are stored already and were declined). It records the
// events and notifies the producers.
//
// Sites are ranked on their load as it is read without locks; only the chosen sites are
// then locked (in id order, in one statement), their load read again and the plan made
// on it, so that two routings never book the same free week, while an order holds the
// rows of one site a part, and only for the last few statements of its transaction. If
// a chosen site filled up meanwhile, all the part's sites are locked and ranked again.
func (s *Service) route(ctx context.Context, tx Store, a accounts.Actor, o *Order, fs []*Fulfillment, sites [][]int64, orderLines map[int64]Line, create bool) error {
	today := Today(s.now())
	monday := today.Monday()
	eligible := make([][]int64, len(fs))
	from := make([]string, len(fs))
	var all []int64
	for i, f := range fs {
		from[i] = string(f.Status)
		for _, id := range sites[i] {
			if !slices.Contains(f.DeclinedSiteIDs, id) {
				eligible[i] = append(eligible[i], id)
			}
		}
		all = append(all, eligible[i]...)
	}
	slices.Sort(all)
	all = slices.Compact(all)
	facts, err := readSiteFacts(ctx, tx, all)
	if err != nil {
		return err
	}
	snapshot, err := tx.SiteLoad(ctx, all, monday)
	if err != nil {
		return err
	}
	type partWork struct {
		minutes int64
		lead    int
		cands   []Candidate
	}
	works := make([]partWork, len(fs))
	var chosen []int64
	for i, f := range fs {
		w := &works[i]
		w.minutes, w.lead = work(f.Lines, orderLines)
		if w.cands, err = facts.rank(f.EnterpriseID, eligible[i], snapshot, w.minutes, w.lead, o.DeliveryRegion, today); err != nil {
			return err
		}
		if len(w.cands) > 0 && w.cands[0].Plan.Feasible {
			chosen = append(chosen, w.cands[0].Site.ID)
		}
	}
	slices.Sort(chosen)
	chosen = slices.Compact(chosen)
	// The producers to notify are read before the sites are locked, to hold them shorter,
	// every enterprise's in one statement.
	enterprises := make([]int64, 0, len(fs))
	for _, f := range fs {
		enterprises = append(enterprises, f.EnterpriseID)
	}
	slices.Sort(enterprises)
	producers, err := tx.MembersOf(ctx, slices.Compact(enterprises), producerRoles)
	if err != nil {
		return err
	}
	// load is the locked sites' load, this transaction's bookings included.
	load := map[int64]map[Date]int64{}
	lockAndRead := func(ids []int64) error {
		var fresh []int64
		for _, id := range ids {
			if _, ok := load[id]; !ok {
				fresh = append(fresh, id)
			}
		}
		if len(fresh) == 0 {
			return nil
		}
		if err := tx.LockSites(ctx, fresh); err != nil {
			return err
		}
		got, err := tx.SiteLoad(ctx, fresh, monday)
		if err != nil {
			return err
		}
		for _, id := range fresh {
			load[id] = got[id]
		}
		return nil
	}
	if err := lockAndRead(chosen); err != nil {
		return err
	}
	bookings := make([][]WeekLoad, len(fs))
	for i, f := range fs {
		w := &works[i]
		f.LabourMinutes = w.minutes
		var best *Candidate
		if len(w.cands) > 0 && w.cands[0].Plan.Feasible {
			site := w.cands[0].Site
			c := facts.candidate(site, load[site.ID], w.minutes, w.lead, o.DeliveryRegion, today)
			if !c.Plan.Feasible {
				// The site filled up since the snapshot: rank all the part's sites on locked load.
				if err := lockAndRead(eligible[i]); err != nil {
					return err
				}
				if w.cands, err = facts.rank(f.EnterpriseID, eligible[i], load, w.minutes, w.lead, o.DeliveryRegion, today); err != nil {
					return err
				}
				c = w.cands[0]
			} else {
				c.Rank, w.cands[0] = 1, c
			}
			if c.Plan.Feasible {
				best = &c
			}
		}
		if best == nil {
			f.Status, f.SiteID, f.QuotedDate = FulfillmentReturned, 0, Date{}
			if f.Region == "" {
				f.Region = o.BuyerRegion
			}
			continue
		}
		f.Status, f.SiteID, f.Region, f.QuotedDate = FulfillmentRouted, best.Site.ID, best.Site.Region, best.Plan.Promise
		bookings[i] = best.Plan.Bookings
		week := load[best.Site.ID]
		if week == nil {
			week = map[Date]int64{}
			load[best.Site.ID] = week
		}
		for _, b := range best.Plan.Bookings {
			week[b.Week] += b.Minutes
		}
	}
	if create {
		if err := tx.CreateFulfillments(ctx, fs, bookings); err != nil {
			return err
		}
	} else {
		for i, f := range fs {
			if err := tx.UpdateFulfillment(ctx, f); err != nil {
				return err
			}
			if len(bookings[i]) > 0 {
				if err := tx.Book(ctx, f.ID, f.SiteID, bookings[i]); err != nil {
					return err
				}
			}
		}
	}
	for i, f := range fs {
		if err := s.routed(ctx, tx, a, o, f, from[i], len(eligible[i]), works[i].cands, producers[f.EnterpriseID]); err != nil {
			return err
		}
	}
	return nil
}

// routed records where routing sent fulfillment f (from state from, among eligible sites
// ranked as cands) and notifies the producer's members producers, or the buyer when it
// came back to them.
func (s *Service) routed(ctx context.Context, tx Store, a accounts.Actor, o *Order, f *Fulfillment, from string, eligible int, cands []Candidate, producers []Recipient) error {
	if f.Status == FulfillmentReturned {
		if err := s.record(ctx, tx, a, actorOrg(a, o.BuyerOrgID), Event{OrderID: o.ID, FulfillmentID: f.ID, Action: ActionReturnToBuyer, From: from, To: string(f.Status),
			Reason: "no production site of the enterprise can take it", Data: eventData(map[string]any{"eligible_sites": eligible})}); err != nil {
			return err
		}
		return s.notifyOrg(ctx, tx, o.BuyerOrgID, buyerRoles, NotifyReturnedToBuyer, o, f, "")
	}
	if err := s.record(ctx, tx, a, actorOrg(a, o.BuyerOrgID), Event{OrderID: o.ID, FulfillmentID: f.ID, Action: ActionRoute, From: from, To: string(f.Status),
		Data: eventData(routeData(cands[0], len(cands)))}); err != nil {
		return err
	}
	return s.notifyMembers(ctx, tx, producers, f.EnterpriseID, NotifyNewFulfillment, o, f, "")
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
		ids := make([]int64, 0, len(o.Lines))
		for _, l := range o.Lines {
			ids = append(ids, l.ListingID)
		}
		listings, err := tx.Listings(ctx, ids)
		if err != nil {
			return err
		}
		sitesOf, err := orderSites(ctx, tx, o.Lines, listings)
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
