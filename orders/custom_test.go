package orders_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/orders"
)

// rival is a second producer enterprise with a woodwork site in Karaganda and its manager,
// and a metalwork site of the world's enterprise, for custom requests.
type rival struct {
	ent      accounts.Organization
	site     accounts.ProductionSite
	manager  accounts.Actor
	metal    accounts.ProductionSite
	stranger accounts.Actor // manager of an enterprise never invited
}

func newRival(t *testing.T, w *world) rival {
	t.Helper()
	ctx := context.Background()
	var r rival
	n := 900
	org := func(kind accounts.Kind, sub accounts.Subtype, name, region string, inst int) accounts.Organization {
		n++
		o := accounts.Organization{BIN: bin(t, n), Kind: kind, Subtype: sub, Name: accounts.Text{RU: name}, Region: region, InstitutionNumber: inst}
		if err := w.accts.CreateOrganization(ctx, &o); err != nil {
			t.Fatal(err)
		}
		return o
	}
	inst := org(accounts.KindProducerInstitution, accounts.SubtypePenalInstitution, "Учреждение № 11", "karaganda", 11)
	r.ent = org(accounts.KindProducerEnterprise, accounts.SubtypeStateEnterprise, "РГП «Шебер»", "karaganda", 0)
	strange := org(accounts.KindProducerEnterprise, accounts.SubtypeStateEnterprise, "РГП «Третий»", "almaty", 0)
	r.site = accounts.ProductionSite{EnterpriseID: r.ent.ID, InstitutionID: inst.ID, Code: "S-WOOD", Name: accounts.Text{RU: "Цех"},
		WorkshopKind: accounts.WorkshopWoodwork, WeeklyCapacityHours: 80}
	r.metal = accounts.ProductionSite{EnterpriseID: w.ent.ID, InstitutionID: inst.ID, Code: "K-METAL", Name: accounts.Text{RU: "Металл"},
		WorkshopKind: accounts.WorkshopMetalwork, WeeklyCapacityHours: 80}
	for _, s := range []*accounts.ProductionSite{&r.site, &r.metal} {
		if err := w.accts.CreateProductionSite(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	person := func(email string, o accounts.Organization, role accounts.Role) accounts.Actor {
		u := accounts.User{Email: email, Name: email, PasswordHash: "unused"}
		if err := w.accts.CreateUser(ctx, &u); err != nil {
			t.Fatal(err)
		}
		m := accounts.Membership{UserID: u.ID, OrgID: o.ID, Role: role}
		if err := w.accts.AddMembership(ctx, m); err != nil {
			t.Fatal(err)
		}
		return accounts.Actor{UserID: u.ID, Memberships: []accounts.Member{{Membership: m, OrgKind: o.Kind, Region: o.Region}}}
	}
	r.manager = person("manager@sheber.test", r.ent, accounts.RoleProducerManager)
	r.stranger = person("manager@third.test", strange, accounts.RoleProducerManager)
	return r
}

// request creates an open custom request for 30 cabinets, quotes due in two days.
func (w *world) request(t *testing.T) orders.CustomRequest {
	t.Helper()
	r, _, err := w.svc.CreateRequest(context.Background(), w.requester, w.buyer.ID, orders.RequestInput{CategoryCode: "furniture-desks",
		Title: "Шкаф для лаборатории по чертежу", Description: "Сосна, 1800×900×450, по чертежу № 7", Quantity: 30, Unit: "piece",
		WantedDate: orders.DateOf(2026, 11, 1), DeliveryAddress: "Караганда, ул. Школьная, 1", BudgetLineID: w.budget.ID,
		QuoteDeadline: w.now.Add(48 * time.Hour)}, nil)
	if err != nil {
		t.Fatalf("create request: %v", err)
	}
	return r
}

func hasKind(t *testing.T, w *world, a accounts.Actor, kind orders.NotificationKind) bool {
	t.Helper()
	ns, err := w.svc.Notifications(context.Background(), a, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range ns {
		if n.Kind == kind {
			return true
		}
	}
	return false
}

// The whole path of a custom request: created, ranked with reasons, sites invited by the
// buyer and by the regional coordinator, two producers quote (each seeing only its own
// quote), the buyer accepts one and it becomes a submitted order with one fulfillment
// confirmed at the quoting site with the quoted date, its labour booked; the request's
// record verifies and refuses changes.
func TestCustomRequestToOrder(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	rv := newRival(t, w)
	s := w.svc
	r := w.request(t)
	if r.Status != orders.RequestOpen || r.Number == "" || r.BuyerRegion != "karaganda" || r.DeliveryRegion != "karaganda" {
		t.Fatalf("request %+v", r)
	}

	// The ranking: the three woodwork sites, the metalwork one left out, by free capacity
	// over 8 weeks: Pavlodar (400 h a week), the rival's (80 h), the near site (40 h).
	ranked, err := s.RankSites(ctx, w.requester, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ranked) != 3 || ranked[0].Site.ID != w.siteFar.ID || ranked[1].Site.ID != rv.site.ID || ranked[2].Site.ID != w.siteNear.ID {
		t.Fatalf("ranking %+v", ranked)
	}
	far := ranked[0]
	if !far.Eligible || far.FreeMinutes != 8*400*60 || len(far.Reasons) != 4 {
		t.Fatalf("far site %+v", far)
	}
	if got := far.Reasons[1].EN; got != "3200 h free over the next 8 weeks" {
		t.Fatalf("free capacity reason %q", got)
	}
	if got := far.Reasons[0].RU; got != "Вид цеха «woodwork» соответствует категории" {
		t.Fatalf("kind reason %q", got)
	}
	if got := ranked[1].Reasons[2].EN; got != "0 km to the delivery region" {
		t.Fatalf("distance reason %q", got)
	}
	if far.Reasons[2].EN == ranked[1].Reasons[2].EN {
		t.Fatal("Pavlodar and Karaganda are at the same distance")
	}
	if _, err := s.RankSites(ctx, w.manager, r.ID); code(err) != accounts.CodeNotFound {
		t.Fatalf("an uninvited producer saw the ranking: %v", err)
	}

	// Invitations: a site of another workshop kind is refused; the buyer invites one
	// site, the regional coordinator another.
	if _, err := s.Invite(ctx, w.requester, r.ID, []int64{rv.metal.ID}); field(err, "site_ids[0]") == "" {
		t.Fatalf("a metalwork site was invited for furniture: %v", err)
	}
	if _, err := s.Invite(ctx, w.requester, r.ID, []int64{w.siteFar.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Invite(ctx, w.otherInspector, r.ID, []int64{rv.site.ID}); code(err) != accounts.CodeNotFound {
		t.Fatalf("an inspector of another region invited: %v", err)
	}
	r, err = s.Invite(ctx, w.inspector, r.ID, []int64{rv.site.ID, w.siteFar.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Invitations) != 2 {
		t.Fatalf("invitations %+v", r.Invitations)
	}
	if !hasKind(t, w, w.manager, orders.NotifyRequestInvited) || !hasKind(t, w, rv.manager, orders.NotifyRequestInvited) {
		t.Fatal("an invited producer was not notified")
	}

	// Quotes. A workshop master does not quote; a site not invited does not.
	farQuote := orders.QuoteInput{SiteID: w.siteFar.ID, UnitPriceTiyn: 8_000_000, PromisedDate: orders.DateOf(2026, 10, 20), LabourHours: 600}
	if _, _, err := s.SubmitQuote(ctx, w.master, r.ID, farQuote, nil); code(err) != accounts.CodeForbidden {
		t.Fatalf("a workshop master quoted: %v", err)
	}
	if _, _, err := s.SubmitQuote(ctx, w.manager, r.ID, orders.QuoteInput{SiteID: w.siteNear.ID, UnitPriceTiyn: 1, PromisedDate: orders.DateOf(2026, 10, 1)}, nil); field(err, "site_id") == "" {
		t.Fatalf("an uninvited site quoted: %v", err)
	}
	qFar, _, err := s.SubmitQuote(ctx, w.manager, r.ID, farQuote, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.SubmitQuote(ctx, w.manager, r.ID, farQuote, nil); code(err) != accounts.CodeConflict {
		t.Fatalf("a site quoted twice: %v", err)
	}
	qRival, _, err := s.SubmitQuote(ctx, rv.manager, r.ID, orders.QuoteInput{SiteID: rv.site.ID, UnitPriceTiyn: 7_500_000,
		PromisedDate: orders.DateOf(2026, 11, 15), LabourHours: 700}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !hasKind(t, w, w.requester, orders.NotifyQuoteReceived) {
		t.Fatal("the buyer was not told of a quote")
	}

	// Who sees which quotes.
	seen := func(a accounts.Actor) []int64 {
		t.Helper()
		got, err := s.Request(ctx, a, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, q := range got.Quotes {
			ids = append(ids, q.ID)
		}
		return ids
	}
	if ids := seen(w.manager); len(ids) != 1 || ids[0] != qFar.ID {
		t.Fatalf("the enbek manager sees quotes %v", ids)
	}
	if ids := seen(rv.manager); len(ids) != 1 || ids[0] != qRival.ID {
		t.Fatalf("the rival manager sees quotes %v", ids)
	}
	if ids := seen(w.requester); len(ids) != 2 {
		t.Fatalf("the buyer sees quotes %v", ids)
	}
	if ids := seen(w.inspector); len(ids) != 2 {
		t.Fatalf("the inspector sees quotes %v", ids)
	}
	if _, err := s.CustomQuote(ctx, rv.manager, qFar.ID); code(err) != accounts.CodeNotFound {
		t.Fatalf("the rival read a competitor's quote: %v", err)
	}
	if q, err := s.CustomQuote(ctx, w.manager, qFar.ID); err != nil || q.UnitPriceTiyn != 8_000_000 {
		t.Fatalf("own quote %+v %v", q, err)
	}
	if _, err := s.RequestEvents(ctx, rv.manager, r.ID); code(err) != accounts.CodeForbidden {
		t.Fatalf("a producer read the record with its rival's prices: %v", err)
	}
	if list, err := s.InvitedRequests(ctx, rv.manager, rv.ent.ID, orders.RequestFilter{}); err != nil || len(list) != 1 || list[0].ID != r.ID {
		t.Fatalf("invited requests %v %v", list, err)
	}
	if list, err := s.InvitedRequests(ctx, rv.stranger, rv.stranger.Memberships[0].OrgID, orders.RequestFilter{}); err != nil || len(list) != 0 {
		t.Fatalf("an enterprise never invited lists %v %v", list, err)
	}

	// Oversight reads, it does not accept.
	if _, _, err := s.AcceptQuote(ctx, w.inspector, r.ID, qFar.ID, nil); code(err) != accounts.CodeForbidden {
		t.Fatalf("an inspector accepted: %v", err)
	}
	o, _, err := s.AcceptQuote(ctx, w.requester, r.ID, qFar.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if o.Status != orders.StatusSubmitted || o.TotalTiyn != 30*8_000_000 || o.CommittedTiyn != o.TotalTiyn || len(o.Lines) != 1 ||
		o.Lines[0].ListingID != 0 || o.Lines[0].Title.RU != r.Title || o.Lines[0].Quantity != 30 || o.RequestedDate != r.WantedDate {
		t.Fatalf("order %+v", o)
	}
	if o.ProcurementRoute != orders.RouteDirectPenalEnterprise {
		t.Fatalf("procurement route %q", o.ProcurementRoute)
	}
	sameLines(t, w, o) // a line of no listing
	if len(o.Fulfillments) != 1 {
		t.Fatalf("fulfillments %+v", o.Fulfillments)
	}
	f := o.Fulfillments[0]
	if f.SiteID != w.siteFar.ID || f.Status != orders.FulfillmentConfirmed || f.PromisedDate != farQuote.PromisedDate ||
		f.LabourMinutes != 600*60 || f.EnterpriseID != w.ent.ID {
		t.Fatalf("fulfillment %+v", f)
	}
	// 600 h at a 400 h site: this week and the next.
	load, err := s.Load(ctx, w.manager, w.ent.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, sl := range load {
		if sl.Site.ID == w.siteFar.ID && (sl.Weeks[0].Minutes != 400*60 || sl.Weeks[1].Minutes != 200*60) {
			t.Fatalf("far site load %+v", sl.Weeks[:3])
		}
	}
	b, _ := s.BudgetLine(ctx, w.requester, w.budget.ID)
	if b.CommittedTiyn != o.TotalTiyn {
		t.Fatalf("budget committed %d", b.CommittedTiyn)
	}
	if !hasKind(t, w, w.master, orders.NotifyNewFulfillment) {
		t.Fatal("the producer was not told of the order")
	}
	// The fulfillment runs as any other: the producer records progress.
	if _, err := s.Progress(ctx, w.master, f.ID, []orders.LineUnits{{OrderLineID: o.Lines[0].ID, Units: 10}}); err != nil {
		t.Fatal(err)
	}

	r, err = s.Request(ctx, w.requester, r.ID)
	if err != nil || r.Status != orders.RequestOrdered || r.OrderID != o.ID || r.AcceptedQuoteID != qFar.ID {
		t.Fatalf("request after acceptance %+v %v", r, err)
	}
	if _, _, err := s.AcceptQuote(ctx, w.requester, r.ID, qRival.ID, nil); code(err) != accounts.CodeConflict || field(err, "state") != "ordered" {
		t.Fatalf("a second acceptance: %v", err)
	}
	if _, err := s.Invite(ctx, w.requester, r.ID, []int64{w.siteNear.ID}); code(err) != accounts.CodeConflict {
		t.Fatalf("an ordered request invited: %v", err)
	}

	evs, err := s.RequestEvents(ctx, w.inspector, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	var actions []orders.Action
	for _, e := range evs {
		actions = append(actions, e.Action)
	}
	want := []orders.Action{orders.ActionRequestCreate, orders.ActionInvite, orders.ActionInvite, orders.ActionQuote, orders.ActionQuote, orders.ActionAcceptQuote}
	if len(actions) != len(want) {
		t.Fatalf("record %v, want %v", actions, want)
	}
	for i := range want {
		if actions[i] != want[i] {
			t.Fatalf("record %v, want %v", actions, want)
		}
	}
	if n, m, err := orders.VerifyRequestChains(ctx, w.store); err != nil || n != 1 || m != len(want) {
		t.Fatalf("verify: %d requests, %d events, %v", n, m, err)
	}
	if n, _, err := orders.VerifyChains(ctx, w.store); err != nil || n != 1 {
		t.Fatalf("verify orders: %d %v", n, err)
	}
	if _, err := w.db.ExecContext(ctx, `UPDATE custom_request_events SET reason = 'x' WHERE request_id = $1`, r.ID); err == nil {
		t.Fatal("UPDATE of the request record was allowed")
	}
	if _, err := w.db.ExecContext(ctx, `DELETE FROM custom_request_events WHERE request_id = $1`, r.ID); err == nil {
		t.Fatal("DELETE of the request record was allowed")
	}
	// Tampering behind the trigger's back is found.
	tx, err := w.db.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`ALTER TABLE custom_request_events DISABLE TRIGGER custom_request_events_no_update`,
		`UPDATE custom_request_events SET data = '{"unit_price_tiyn":1}' WHERE seq = 4`,
		`ALTER TABLE custom_request_events ENABLE TRIGGER custom_request_events_no_update`} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			tx.Rollback()
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	var ce *orders.RequestChainError
	if _, _, err := orders.VerifyRequestChains(ctx, w.store); !errors.As(err, &ce) || ce.RequestID != r.ID || ce.Seq != 4 {
		t.Fatalf("after tampering: %v", err)
	}
}

// A quote after the deadline is refused with 409 naming the deadline, and so is an
// invitation; the buyer may still accept a quote made in time.
func TestLateQuoteRefused(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	s := w.svc
	r := w.request(t)
	if _, err := s.Invite(ctx, w.requester, r.ID, []int64{w.siteFar.ID, w.siteNear.ID}); err != nil {
		t.Fatal(err)
	}
	q, _, err := s.SubmitQuote(ctx, w.manager, r.ID, orders.QuoteInput{SiteID: w.siteNear.ID, UnitPriceTiyn: 5_000_000, PromisedDate: orders.DateOf(2026, 10, 1), LabourHours: 10}, nil)
	if err != nil {
		t.Fatal(err)
	}
	w.now = r.QuoteDeadline // the deadline itself is late
	_, _, err = s.SubmitQuote(ctx, w.manager, r.ID, orders.QuoteInput{SiteID: w.siteFar.ID, UnitPriceTiyn: 4_000_000, PromisedDate: orders.DateOf(2026, 10, 1)}, nil)
	if code(err) != accounts.CodeConflict || field(err, "quote_deadline") == "" {
		t.Fatalf("a late quote: %v", err)
	}
	if _, err := s.Invite(ctx, w.requester, r.ID, []int64{w.siteFar.ID}); code(err) != accounts.CodeConflict {
		t.Fatalf("a late invitation: %v", err)
	}
	got, _ := s.Request(ctx, w.requester, r.ID)
	if len(got.Quotes) != 1 {
		t.Fatalf("quotes %+v", got.Quotes)
	}
	if _, _, err := s.AcceptQuote(ctx, w.requester, r.ID, q.ID, nil); err != nil {
		t.Fatal(err)
	}
}

// Two buyers' people accepting two quotes of one request at once make one order: the
// other is refused with 409, and nothing of it stays (no second commitment, no booking).
func TestConcurrentAcceptMakesOneOrder(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	rv := newRival(t, w)
	s := w.svc
	r := w.request(t)
	if _, err := s.Invite(ctx, w.requester, r.ID, []int64{w.siteFar.ID, rv.site.ID}); err != nil {
		t.Fatal(err)
	}
	q1, _, err := s.SubmitQuote(ctx, w.manager, r.ID, orders.QuoteInput{SiteID: w.siteFar.ID, UnitPriceTiyn: 5_000_000, PromisedDate: orders.DateOf(2026, 10, 1), LabourHours: 10}, nil)
	if err != nil {
		t.Fatal(err)
	}
	q2, _, err := s.SubmitQuote(ctx, rv.manager, r.ID, orders.QuoteInput{SiteID: rv.site.ID, UnitPriceTiyn: 6_000_000, PromisedDate: orders.DateOf(2026, 10, 1), LabourHours: 10}, nil)
	if err != nil {
		t.Fatal(err)
	}
	const workers = 8
	var wg sync.WaitGroup
	errs := make([]error, workers)
	start := make(chan struct{})
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			a, q := w.requester, q1.ID
			if i%2 == 1 {
				a, q = w.approver, q2.ID
			}
			_, _, errs[i] = s.AcceptQuote(ctx, a, r.ID, q, nil)
		}(i)
	}
	close(start)
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case code(err) != accounts.CodeConflict:
			t.Fatalf("refused for another reason: %v", err)
		}
	}
	var orderCount, bookings int
	if err := w.db.GetContext(ctx, &orderCount, `SELECT count(*) FROM orders`); err != nil {
		t.Fatal(err)
	}
	if err := w.db.GetContext(ctx, &bookings, `SELECT count(DISTINCT fulfillment_id) FROM capacity_bookings`); err != nil {
		t.Fatal(err)
	}
	b, _ := s.BudgetLine(ctx, w.requester, w.budget.ID)
	got, _ := s.Request(ctx, w.requester, r.ID)
	if ok != 1 || orderCount != 1 || bookings != 1 || got.Status != orders.RequestOrdered {
		t.Fatalf("%d acceptances, %d orders, %d booked fulfillments, request %s", ok, orderCount, bookings, got.Status)
	}
	amount := int64(30 * 5_000_000)
	if got.AcceptedQuoteID == q2.ID {
		amount = 30 * 6_000_000
	}
	if b.CommittedTiyn != amount {
		t.Fatalf("committed %d, want %d", b.CommittedTiyn, amount)
	}
}

// Access across organizations: another school, an inspector of another region, and an
// enterprise never invited see nothing of a request; a producer does not create one;
// bad input is refused naming the field; a repeated create with its key makes one request.
func TestCustomRequestAccessAndInput(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	rv := newRival(t, w)
	s := w.svc
	r := w.request(t)
	for name, a := range map[string]accounts.Actor{"another school": w.outsider, "another region's inspector": w.otherInspector,
		"an uninvited producer": rv.stranger, "the public": {}} {
		if _, err := s.Request(ctx, a, r.ID); code(err) != accounts.CodeNotFound && code(err) != accounts.CodeUnauthenticated {
			t.Errorf("%s read the request: %v", name, err)
		}
		if _, err := s.Invite(ctx, a, r.ID, []int64{w.siteFar.ID}); err == nil {
			t.Errorf("%s invited", name)
		}
		if _, err := s.CancelRequest(ctx, a, r.ID, ""); err == nil {
			t.Errorf("%s cancelled", name)
		}
	}
	if _, err := s.Requests(ctx, w.outsider, w.buyer.ID, orders.RequestFilter{}); code(err) != accounts.CodeNotFound {
		t.Errorf("another school listed the requests: %v", err)
	}
	if list, err := s.Requests(ctx, w.inspector, w.buyer.ID, orders.RequestFilter{}); err != nil || len(list) != 1 {
		t.Errorf("the region's inspector lists %v %v", list, err)
	}
	if _, _, err := s.CreateRequest(ctx, w.manager, w.buyer.ID, orders.RequestInput{}, nil); code(err) != accounts.CodeNotFound {
		t.Errorf("a producer created a request for a school: %v", err)
	}
	if _, _, err := s.CreateRequest(ctx, w.inspector, w.buyer.ID, orders.RequestInput{}, nil); code(err) != accounts.CodeForbidden {
		t.Errorf("an inspector created a request: %v", err)
	}

	bad := []struct {
		field  string
		change func(*orders.RequestInput)
	}{
		{"category", func(in *orders.RequestInput) { in.CategoryCode = "no-such" }},
		{"title", func(in *orders.RequestInput) { in.Title = " " }},
		{"quantity", func(in *orders.RequestInput) { in.Quantity = 0 }},
		{"unit", func(in *orders.RequestInput) { in.Unit = "barrel" }},
		{"delivery_region", func(in *orders.RequestInput) { in.DeliveryRegion = "mars" }},
		{"wanted_date", func(in *orders.RequestInput) { in.WantedDate = orders.DateOf(2026, 8, 1) }},
		{"quote_deadline", func(in *orders.RequestInput) { in.QuoteDeadline = w.now.Add(time.Minute) }},
		{"quote_deadline", func(in *orders.RequestInput) { in.QuoteDeadline = w.now.AddDate(0, 0, orders.MaxQuoteDeadlineDays+1) }},
		{"budget_line_id", func(in *orders.RequestInput) { in.BudgetLineID = 0 }},
	}
	for _, c := range bad {
		in := orders.RequestInput{CategoryCode: "furniture-desks", Title: "Шкаф", Quantity: 1, Unit: "piece", DeliveryAddress: "Караганда",
			BudgetLineID: w.budget.ID, QuoteDeadline: w.now.Add(24 * time.Hour)}
		c.change(&in)
		if _, _, err := s.CreateRequest(ctx, w.requester, w.buyer.ID, in, nil); field(err, c.field) == "" {
			t.Errorf("%s: %v", c.field, err)
		}
	}

	in := orders.RequestInput{CategoryCode: "furniture-desks", Title: "Шкаф", Quantity: 1, Unit: "piece", DeliveryAddress: "Караганда",
		BudgetLineID: w.budget.ID, QuoteDeadline: w.now.Add(24 * time.Hour)}
	k := key("user:1", "req-1", "body")
	first, replay, err := s.CreateRequest(ctx, w.requester, w.buyer.ID, in, k)
	if err != nil || replay != nil {
		t.Fatal(err)
	}
	_, replay, err = s.CreateRequest(ctx, w.requester, w.buyer.ID, in, k)
	if err != nil || replay == nil || replay.ResourceKind != "custom_request" || replay.ResourceID != first.ID {
		t.Fatalf("repeat: %+v %v", replay, err)
	}
	if _, _, err := s.CreateRequest(ctx, w.requester, w.buyer.ID, in, key("user:1", "req-1", "other body")); code(err) != accounts.CodeInvalid {
		t.Fatalf("the key with another body: %v", err)
	}
	if got, err := s.CancelRequest(ctx, w.requester, first.ID, "Не нужно"); err != nil || got.Status != orders.RequestCancelled {
		t.Fatalf("cancel: %+v %v", got, err)
	}
	if _, _, err := s.SubmitQuote(ctx, w.manager, first.ID, orders.QuoteInput{SiteID: w.siteFar.ID}, nil); code(err) != accounts.CodeNotFound {
		t.Fatalf("a quote for a cancelled request it is not invited to: %v", err)
	}
}
