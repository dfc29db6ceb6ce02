package orders_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog"
	"github.com/sheber-kz/sheber/orders"
)

// An order of two producer enterprises, one a state enterprise of the penal system and
// one a social enterprise: the route is chosen on both producers' subtypes (read with the
// listings), each enterprise gets its fulfillment at its own site, and each enterprise's
// members, and only they, are told of theirs.
func TestOrderOfTwoProducers(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	social := accounts.Organization{BIN: bin(t, 100), Kind: accounts.KindProducerEnterprise, Subtype: accounts.SubtypeSocialEnterprise,
		Name: accounts.Text{RU: "ТОО «Социальное предприятие»"}, Region: "karaganda"}
	if err := w.accts.CreateOrganization(ctx, &social); err != nil {
		t.Fatal(err)
	}
	site := accounts.ProductionSite{EnterpriseID: social.ID, InstitutionID: w.siteNear.InstitutionID, Code: "S-SEW",
		Name: accounts.Text{RU: "Швейный цех"}, WorkshopKind: accounts.WorkshopSewing, WeeklyCapacityHours: 80}
	if err := w.accts.CreateProductionSite(ctx, &site); err != nil {
		t.Fatal(err)
	}
	u := accounts.User{Email: "manager@social.test", Name: "manager@social.test", PasswordHash: "unused"}
	if err := w.accts.CreateUser(ctx, &u); err != nil {
		t.Fatal(err)
	}
	m := accounts.Membership{UserID: u.ID, OrgID: social.ID, Role: accounts.RoleProducerManager}
	if err := w.accts.AddMembership(ctx, m); err != nil {
		t.Fatal(err)
	}
	manager := accounts.Actor{UserID: u.ID, Memberships: []accounts.Member{{Membership: m, OrgKind: social.Kind, Region: social.Region}}}
	apron, err := w.cat.CreateListing(ctx, manager, social.ID, catalog.ListingInput{Title: accounts.Text{RU: "Фартук для труда"},
		CategoryCode: "furniture-desks", Unit: catalog.UnitPiece, PriceTiyn: 300_000, MinOrderQty: 1, LeadTimeDays: 5,
		LabourMinutesPerUnit: 20, SiteIDs: []int64{site.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.cat.SetStatus(ctx, manager, apron.ID, apron.Version, catalog.StatusPublished); err != nil {
		t.Fatal(err)
	}

	// The state enterprise alone, on the goods list: a direct contract.
	if o := w.order(orders.LineInput{ListingID: w.desk.ID, Quantity: 1}); o.ProcurementRoute != orders.RouteDirectPenalEnterprise {
		t.Fatalf("an order of the state enterprise alone follows %q; want %q", o.ProcurementRoute, orders.RouteDirectPenalEnterprise)
	}
	// With the social enterprise too, the direct contract does not apply.
	o := w.order(orders.LineInput{ListingID: w.desk.ID, Quantity: 2}, orders.LineInput{ListingID: apron.ID, Quantity: 10})
	if o.ProcurementRoute != orders.RoutePriceOfferRequest {
		t.Fatalf("an order of both enterprises follows %q; want %q", o.ProcurementRoute, orders.RoutePriceOfferRequest)
	}
	// The route the order form shows now (read without the listings) is the same.
	if r, _, err := w.svc.RouteOf(ctx, w.requester, o.ID, "en"); err != nil || r.Code != o.ProcurementRoute {
		t.Errorf("RouteOf = %q, %v; want the recorded %q", r.Code, err, o.ProcurementRoute)
	}
	sameLines(t, w, o)
	if len(o.Fulfillments) != 2 {
		t.Fatalf("%d fulfillments; want one per enterprise", len(o.Fulfillments))
	}
	for _, f := range o.Fulfillments {
		want := map[int64]int64{w.ent.ID: w.siteFar.ID, social.ID: site.ID}[f.EnterpriseID]
		if f.Status != orders.FulfillmentRouted || f.SiteID != want {
			t.Errorf("fulfillment of enterprise %d: %s at site %d; want routed to site %d", f.EnterpriseID, f.Status, f.SiteID, want)
		}
	}
	// Each manager has a notice of the new fulfillment of their enterprise only: the
	// state enterprise's of both orders, the social enterprise's of the second.
	for _, c := range []struct {
		name  string
		actor accounts.Actor
		org   int64
		want  int
	}{{"state enterprise", w.manager, w.ent.ID, 2}, {"social enterprise", manager, social.ID, 1}} {
		ns, err := w.svc.Notifications(ctx, c.actor, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		got := 0
		for _, n := range ns {
			if n.Kind != orders.NotifyNewFulfillment || n.OrgID != c.org {
				t.Errorf("%s manager: notification %+v; want only new fulfillments of their enterprise", c.name, n)
			}
			got++
		}
		if got != c.want {
			t.Errorf("%s manager: %d notifications; want %d", c.name, got, c.want)
		}
	}
}

// sameLines checks that an order read alone, locked or not, has the lines a list of
// orders reads for it, and each of its fulfillments the lines it has when read locked
// (the store reads them in two different ways each).
func sameLines(t *testing.T, w *world, o orders.Order) {
	t.Helper()
	ctx := context.Background()
	list, err := w.store.Orders(ctx, orders.OrderFilter{BuyerOrgID: o.BuyerOrgID, Limit: orders.MaxListPage})
	if err != nil {
		t.Fatal(err)
	}
	var listed []orders.Line
	for _, l := range list {
		if l.ID == o.ID {
			listed = l.Lines
		}
	}
	if len(listed) == 0 || !reflect.DeepEqual(o.Lines, listed) {
		t.Errorf("order %d: lines %+v alone; listed %+v", o.ID, o.Lines, listed)
	}
	err = w.store.InTx(ctx, func(tx orders.Store) error {
		locked, err := tx.Order(ctx, o.ID, true)
		if err == nil && !reflect.DeepEqual(locked.Lines, listed) {
			t.Errorf("order %d: lines %+v locked; listed %+v", o.ID, locked.Lines, listed)
		}
		for _, f := range o.Fulfillments {
			lf, err := tx.Fulfillment(ctx, f.ID, true)
			if err != nil {
				return err
			}
			if len(lf.Lines) == 0 || !reflect.DeepEqual(lf.Lines, f.Lines) {
				t.Errorf("fulfillment %d: lines %+v locked; %+v with its order", f.ID, lf.Lines, f.Lines)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
