package orders

import (
	"testing"

	"github.com/sheber-kz/sheber/accounts"
)

// Schedule fills free weeks earliest first and promises no earlier than the lead time.
func TestSchedule(t *testing.T) {
	tue := DateOf(2026, 9, 1) // a Tuesday
	mon := tue.Monday()
	if mon != DateOf(2026, 8, 31) {
		t.Fatalf("Monday of %s is %s", tue, mon)
	}
	load := map[Date]int64{mon: 30 * 60, mon.AddDays(7): 40 * 60}
	p := Schedule(40*60, load, tue, 25*60, 3)
	// 10 h free this week, none next week, 15 h the week after: done Friday 18 September.
	if !p.Feasible || len(p.Bookings) != 2 || p.Bookings[0].Minutes != 600 || p.Bookings[1].Week != mon.AddDays(14) ||
		p.Finish != DateOf(2026, 9, 18) || p.Promise != p.Finish {
		t.Fatalf("plan %+v", p)
	}
	if p := Schedule(40*60, nil, tue, 60, 30); p.Promise != tue.AddDays(30) {
		t.Fatalf("lead time not respected: %+v", p)
	}
	if p := Schedule(40*60, nil, tue, 0, 0); !p.Feasible || p.Promise != tue || len(p.Bookings) != 0 {
		t.Fatalf("no work: %+v", p)
	}
	if p := Schedule(0, nil, tue, 60, 0); p.Feasible {
		t.Fatal("a site without capacity can take work")
	}
	if p := Schedule(60, nil, tue, int64(ScheduleHorizonWeeks)*60+1, 0); p.Feasible {
		t.Fatal("work beyond the horizon was promised")
	}
}

// Rank: feasible first, then the free-capacity band, then distance, then the record.
func TestRank(t *testing.T) {
	site := func(id int64) Site { return Site{ID: id, Name: accounts.Text{RU: "s"}} }
	feasible := Plan{Feasible: true}
	cands := []Candidate{
		{Site: site(1), FreeMinutes: 100 * 60, DistanceKm: 900, Plan: feasible},
		{Site: site(2), FreeMinutes: 110 * 60, DistanceKm: 100, Plan: feasible},                                              // same band as 1, nearer
		{Site: site(3), FreeMinutes: 500 * 60, DistanceKm: 2000, Plan: Plan{}},                                               // infeasible
		{Site: site(4), FreeMinutes: 100 * 60, DistanceKm: 100, Record: OnTimeRecord{Closed: 10, OnTime: 2}, Plan: feasible}, // as 2, worse record
		{Site: site(5), FreeMinutes: 300 * 60, DistanceKm: -1, Plan: feasible},                                               // most free, distance unknown
	}
	got := Rank(cands)
	want := []int64{5, 2, 4, 1, 3}
	for i, c := range got {
		if c.Site.ID != want[i] || c.Rank != i+1 {
			t.Fatalf("rank %d is site %d (rank %d); want order %v", i+1, c.Site.ID, c.Rank, want)
		}
	}
}

// splitParts keeps an enterprise's lines together while a common site makes them all.
func TestSplitParts(t *testing.T) {
	sites := map[int64][]int64{1: {10, 11}, 2: {11}, 3: {12}, 4: {20}}
	lines := []Line{{ID: 1, ListingID: 1, EnterpriseID: 100}, {ID: 2, ListingID: 2, EnterpriseID: 100},
		{ID: 3, ListingID: 3, EnterpriseID: 100}, {ID: 4, ListingID: 4, EnterpriseID: 200}}
	parts := splitParts(lines, func(id int64) []int64 { return sites[id] })
	if len(parts) != 3 || len(parts[0].Lines) != 2 || len(parts[0].SiteIDs) != 1 || parts[0].SiteIDs[0] != 11 ||
		parts[1].Lines[0].ID != 3 || parts[2].EnterpriseID != 200 {
		t.Fatalf("parts %+v", parts)
	}
}

// The state follows the counters.
func TestDerivedStatus(t *testing.T) {
	l := FulfillmentLine{Quantity: 10}
	cases := []struct {
		l    FulfillmentLine
		want FulfillmentStatus
	}{
		{l, FulfillmentConfirmed},
		{FulfillmentLine{Quantity: 10, FromStock: 3, Made: 3}, FulfillmentConfirmed},
		{FulfillmentLine{Quantity: 10, Made: 4}, FulfillmentInProduction},
		{FulfillmentLine{Quantity: 10, Made: 10, Shipped: 4}, FulfillmentReady},
		{FulfillmentLine{Quantity: 10, Made: 10, Shipped: 10, Delivered: 4}, FulfillmentShipped},
		{FulfillmentLine{Quantity: 10, Made: 10, Shipped: 10, Delivered: 10}, FulfillmentDelivered},
		{FulfillmentLine{Quantity: 10, Made: 10, Shipped: 10, Delivered: 10, Accepted: 9, Rejected: 1}, FulfillmentRework},
		{FulfillmentLine{Quantity: 10, Made: 11, Shipped: 10, Delivered: 10, Accepted: 9, Rejected: 1}, FulfillmentReady},
		{FulfillmentLine{Quantity: 10, Made: 11, Shipped: 11, Delivered: 11, Accepted: 10, Rejected: 1}, FulfillmentClosed},
	}
	for i, c := range cases {
		if !c.l.valid() {
			t.Fatalf("case %d: counters %+v are not valid", i, c.l)
		}
		if got := derivedStatus([]FulfillmentLine{c.l}); got != c.want {
			t.Errorf("case %d %+v: %s, want %s", i, c.l, got, c.want)
		}
	}
	if (FulfillmentLine{Quantity: 10, Made: 5, Shipped: 6}).valid() {
		t.Error("more shipped than made passes")
	}
}

// FuzzEventHash: sealing is deterministic and any change of a field changes the hash.
func FuzzEventHash(f *testing.F) {
	f.Add(int64(1), "ship", "ready", "shipped", "ТТН-1", `{"units":{"1":2}}`)
	f.Fuzz(func(t *testing.T, order int64, action, from, to, reason, data string) {
		e := Event{OrderID: order, Action: Action(action), From: from, To: to, Reason: reason, Data: data}
		e.seal(nil)
		if err := VerifyChain([]Event{e}); err != nil {
			t.Fatal(err)
		}
		changed := e
		changed.Reason += "x"
		if string(changed.ComputeHash()) == string(e.Hash) {
			t.Fatal("a changed reason keeps the hash")
		}
		// Moving a byte between fields changes the hash: fields are length-prefixed.
		shifted := e
		shifted.From, shifted.To = from+to, ""
		if to != "" && string(shifted.ComputeHash()) == string(e.Hash) {
			t.Fatal("moving text between fields keeps the hash")
		}
	})
}
