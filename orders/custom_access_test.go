package orders_test

import (
	"context"
	"testing"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/orders"
)

// MayInvite and MayQuote say what Invite and SubmitQuote do: each actor the first admits
// is admitted by the second and each it refuses is refused. The buyer's list counts the
// quotes; the producer's list of invitations does not tell how many others quoted.
func TestRequestRulesAgreeWithTheService(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	rv := newRival(t, w)
	s := w.svc
	r := w.request(t)
	people := map[string]accounts.Actor{"requester": w.requester, "approver": w.approver, "inspector": w.inspector,
		"another region's inspector": w.otherInspector, "manager": w.manager, "master": w.master, "outsider": w.outsider,
		"rival": rv.manager, "the public": {}}
	for name, a := range people {
		_, err := s.Invite(ctx, a, r.ID, []int64{w.siteFar.ID})
		if may := orders.MayInvite(a, r); may != (err == nil) {
			t.Errorf("%s: MayInvite %v, Invite: %v", name, may, err)
		}
	}
	r, err := s.Request(ctx, w.requester, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Open(w.now) || r.Open(r.QuoteDeadline) {
		t.Errorf("Open at now %v, at the deadline %v", r.Open(w.now), r.Open(r.QuoteDeadline))
	}
	quote := orders.QuoteInput{SiteID: w.siteFar.ID, UnitPriceTiyn: 8_000_000, PromisedDate: orders.DateOf(2026, 10, 20), LabourHours: 60}
	for _, name := range []string{"master", "rival", "requester", "manager"} {
		a := people[name]
		_, _, err := s.SubmitQuote(ctx, a, r.ID, quote, nil)
		if may := orders.MayQuote(a, r, w.ent.ID); may != (err == nil) {
			t.Errorf("%s: MayQuote %v, SubmitQuote: %v", name, may, err)
		}
	}
	if orders.MayQuote(rv.manager, r, rv.ent.ID) {
		t.Error("the rival may quote though its enterprise is not invited")
	}

	list, err := s.Requests(ctx, w.requester, w.buyer.ID, orders.RequestFilter{})
	if err != nil || len(list) != 1 || list[0].QuoteCount != 1 {
		t.Fatalf("the buyer's list: %+v %v", list, err)
	}
	invited, err := s.InvitedRequests(ctx, w.manager, w.ent.ID, orders.RequestFilter{})
	if err != nil || len(invited) != 1 || invited[0].QuoteCount != 0 {
		t.Fatalf("the producer's list: %+v %v", invited, err)
	}
}
