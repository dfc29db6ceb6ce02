package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog"
)

// market is a buyer school with its people, another school, a producer enterprise with one
// woodwork site, its people, an inspector of the region and one of another region, two
// published listings and a budget line: what an order needs over HTTP.
type market struct {
	*env
	buyer, otherBuyer, enterprise                              accounts.Organization
	site                                                       int64
	requester, approver, accountant, manager, master, outsider *session
	inspector, farInspector                                    *session
	desk, chair                                                int64 // listings
	budget                                                     int64
}

func newMarket(t *testing.T) *market {
	t.Helper()
	e := newEnv(t)
	m := &market{env: e, buyer: e.org(accounts.KindBuyer, "School No. 1"), otherBuyer: e.org(accounts.KindBuyer, "School No. 2"),
		enterprise: e.org(accounts.KindProducerEnterprise, "Enbek Workshops")}
	institution := e.org(accounts.KindProducerInstitution, "Institution No. 16")
	m.site = e.site(m.enterprise, institution, "W1", accounts.WorkshopWoodwork)
	oversight := e.org(accounts.KindOversight, "Penal department of East Kazakhstan")
	far := accounts.Organization{BIN: validBIN(t), Kind: accounts.KindOversight, Subtype: accounts.Subtypes[accounts.KindOversight][0],
		Name: accounts.Text{RU: "ДУИС г. Шымкент", KK: "ДУИС г. Шымкент", EN: "Penal department of Shymkent"}, Region: "shymkent"}
	if err := e.store.CreateOrganization(e.ctx(), &far); err != nil {
		t.Fatal(err)
	}
	e.user("requester@school1.kz", map[int64]accounts.Role{m.buyer.ID: accounts.RoleRequester})
	e.user("approver@school1.kz", map[int64]accounts.Role{m.buyer.ID: accounts.RoleApprover})
	e.user("accountant@school1.kz", map[int64]accounts.Role{m.buyer.ID: accounts.RoleAccountant})
	e.user("requester@school2.kz", map[int64]accounts.Role{m.otherBuyer.ID: accounts.RoleRequester})
	manager := e.user("manager@enbek.kz", map[int64]accounts.Role{m.enterprise.ID: accounts.RoleProducerManager})
	e.user("master@enbek.kz", map[int64]accounts.Role{m.enterprise.ID: accounts.RoleWorkshopMaster})
	e.user("inspector@east.kz", map[int64]accounts.Role{oversight.ID: accounts.RoleInspector})
	e.user("inspector@shymkent.kz", map[int64]accounts.Role{far.ID: accounts.RoleInspector})
	m.requester, m.approver, m.accountant = e.login(t, "requester@school1.kz"), e.login(t, "approver@school1.kz"), e.login(t, "accountant@school1.kz")
	m.outsider, m.manager, m.master = e.login(t, "requester@school2.kz"), e.login(t, "manager@enbek.kz"), e.login(t, "master@enbek.kz")
	m.inspector, m.farInspector = e.login(t, "inspector@east.kz"), e.login(t, "inspector@shymkent.kz")

	actor := accounts.Actor{UserID: manager.ID, Memberships: []accounts.Member{{Membership: accounts.Membership{UserID: manager.ID,
		OrgID: m.enterprise.ID, Role: accounts.RoleProducerManager}, OrgKind: m.enterprise.Kind, Region: m.enterprise.Region}}}
	listing := func(in catalog.ListingInput) int64 {
		l, err := e.catalog.CreateListing(e.ctx(), actor, m.enterprise.ID, in)
		if err != nil {
			t.Fatalf("listing: %v", err)
		}
		if l, err = e.catalog.SetStatus(e.ctx(), actor, l.ID, l.Version, catalog.StatusPublished); err != nil {
			t.Fatalf("publish: %v", err)
		}
		return l.ID
	}
	m.desk = listing(catalog.ListingInput{Title: accounts.Text{RU: "Парта ученическая", KK: "Оқушы партасы", EN: "School desk"},
		CategoryCode: "furniture-desks", Unit: catalog.UnitPiece, PriceTiyn: 2_500_000, VATIncluded: true, MinOrderQty: 1,
		LeadTimeDays: 10, LabourMinutesPerUnit: 60, SiteIDs: []int64{m.site}})
	m.chair = listing(catalog.ListingInput{Title: accounts.Text{RU: "Стул ученический", KK: "Оқушы орындығы", EN: "School chair"},
		CategoryCode: "furniture-chairs", Unit: catalog.UnitPiece, PriceTiyn: 1_200_000, MinOrderQty: 1,
		LeadTimeDays: 7, LabourMinutesPerUnit: 30, SiteIDs: []int64{m.site}})

	r := m.call(t, m.accountant, "POST", m.orgPath(m.buyer.ID, "budget-lines"),
		fmt.Sprintf(`{"year":%d,"code":"001.015","name":"Оснащение кабинетов","amount_tiyn":1000000000}`, time.Now().Year()), nil)
	if r.status != http.StatusCreated {
		t.Fatalf("budget line: %s", r)
	}
	var b struct {
		ID int64 `json:"id"`
	}
	r.decode(t, &b)
	m.budget = b.ID
	return m
}

func (m *market) orgPath(org int64, rest string) string {
	return fmt.Sprintf("/api/v1/organizations/%d/%s", org, rest)
}

// call sends a request as s (with its CSRF token on changes) and extra headers.
func (m *market) call(t *testing.T, s *session, method, path, body string, headers map[string]string) resp {
	t.Helper()
	h := map[string]string{}
	if s != nil && method != "GET" {
		h = s.csrfHeader()
	}
	for k, v := range headers {
		h[k] = v
	}
	return m.do(t, req{method: method, path: path, body: body, session: s, headers: h})
}

// must calls and fails the test unless the status is want.
func (m *market) must(t *testing.T, want int, s *session, method, path, body string, headers map[string]string) resp {
	t.Helper()
	r := m.call(t, s, method, path, body, headers)
	if r.status != want {
		t.Fatalf("%s %s: %s, want %d", method, path, r, want)
	}
	return r
}

type orderOut struct {
	ID            int64  `json:"id"`
	Number        string `json:"number"`
	Status        string `json:"status"`
	Version       int    `json:"version"`
	TotalTiyn     int64  `json:"total_tiyn"`
	CommittedTiyn int64  `json:"committed_tiyn"`
	SpentTiyn     int64  `json:"spent_tiyn"`
	Lines         []struct {
		ID        int64 `json:"id"`
		ListingID int64 `json:"listing_id"`
		Quantity  int   `json:"quantity"`
	} `json:"lines"`
	Fulfillments []fulfillmentOut `json:"fulfillments"`
}

type fulfillmentOut struct {
	ID           int64  `json:"id"`
	Status       string `json:"status"`
	SiteID       int64  `json:"site_id"`
	PromisedDate string `json:"promised_date"`
	QuotedDate   string `json:"quoted_date"`
	Lines        []struct {
		OrderLineID int64 `json:"order_line_id"`
		Quantity    int   `json:"quantity"`
		Made        int   `json:"made"`
		Shipped     int   `json:"shipped"`
		Delivered   int   `json:"delivered"`
		Accepted    int   `json:"accepted"`
		Rejected    int   `json:"rejected"`
	} `json:"lines"`
	Shipments []struct {
		Waybill string `json:"waybill"`
	} `json:"shipments"`
}

func (m *market) orderBody(extra string) string {
	return fmt.Sprintf(`{"lines":[{"listing_id":%d,"quantity":4},{"listing_id":%d,"quantity":2}],"delivery_address":"Өскемен, ул. Школьная, 1","budget_line_id":%d%s}`,
		m.desk, m.chair, m.budget, extra)
}

// TestOrderWholePathOverHTTP walks an order from the cart through approval, routing, the
// producer's confirmation, progress, a partial shipment, delivery, an acceptance with a
// rejected unit, rework and the final acceptance to its close, with its record, its
// documents and its notifications.
func TestOrderWholePathOverHTTP(t *testing.T) {
	m := newMarket(t)
	fpath := func(id int64, rest string) string { return fmt.Sprintf("/api/v1/fulfillments/%d%s", id, rest) }

	// The cart.
	m.must(t, 200, m.requester, "PUT", m.orgPath(m.buyer.ID, fmt.Sprintf("cart/%d", m.desk)), `{"quantity":4}`, nil)
	r := m.must(t, 200, m.requester, "PUT", m.orgPath(m.buyer.ID, fmt.Sprintf("cart/%d", m.chair)), `{"quantity":2}`, nil)
	var cart struct {
		Items []struct {
			ListingID  int64 `json:"listing_id"`
			Quantity   int   `json:"quantity"`
			AmountTiyn int64 `json:"amount_tiyn"`
		} `json:"items"`
	}
	r.decode(t, &cart)
	if len(cart.Items) != 2 {
		t.Fatalf("cart: %s", r)
	}
	m.must(t, 200, m.requester, "GET", m.orgPath(m.buyer.ID, "cart"), "", nil)

	// Approval is required: the order created with submit waits for the approver.
	m.must(t, 200, m.approver, "PUT", m.orgPath(m.buyer.ID, "order-settings"), `{"approval_required":true}`, nil)
	r = m.must(t, 201, m.requester, "POST", m.orgPath(m.buyer.ID, "orders"),
		fmt.Sprintf(`{"from_cart":true,"delivery_address":"Өскемен, ул. Школьная, 1","requested_date":%q,"budget_line_id":%d,"note":"к 1 сентября","submit":true}`,
			time.Now().AddDate(0, 2, 0).Format(time.DateOnly), m.budget), map[string]string{"Idempotency-Key": "order-1"})
	var o orderOut
	r.decode(t, &o)
	if o.Status != "pending_approval" || len(o.Lines) != 2 || o.TotalTiyn != 4*2_500_000+2*1_200_000 {
		t.Fatalf("created order: %s", r)
	}
	r = m.must(t, 200, m.requester, "GET", m.orgPath(m.buyer.ID, "cart"), "", nil)
	if !strings.Contains(r.body, `"items":[]`) {
		t.Errorf("the cart was not emptied: %s", r)
	}

	// The quote and the procurement route, before submission.
	r = m.must(t, 200, m.requester, "GET", fmt.Sprintf("/api/v1/orders/%d/quote", o.ID), "", nil)
	var q struct {
		Parts []struct {
			EnterpriseID int64  `json:"enterprise_id"`
			PromisedDate string `json:"promised_date"`
			Candidates   []struct {
				Rank     int  `json:"rank"`
				Feasible bool `json:"feasible"`
			} `json:"candidates"`
		} `json:"parts"`
	}
	r.decode(t, &q)
	if len(q.Parts) != 1 || q.Parts[0].EnterpriseID != m.enterprise.ID || q.Parts[0].PromisedDate == "" ||
		len(q.Parts[0].Candidates) != 1 || !q.Parts[0].Candidates[0].Feasible {
		t.Fatalf("quote: %s", r)
	}
	r = m.must(t, 200, m.requester, "GET", fmt.Sprintf("/api/v1/orders/%d/procurement-route?lang=en", o.ID), "", nil)
	if !strings.Contains(r.body, `"route":{"code":`) || !strings.Contains(r.body, `"reasons":[`) {
		t.Errorf("procurement route: %s", r)
	}

	// The requester may not approve; the approver does, which submits and routes it.
	m.must(t, 403, m.requester, "POST", fmt.Sprintf("/api/v1/orders/%d/approve", o.ID), fmt.Sprintf(`{"version":%d}`, o.Version), nil)
	r = m.must(t, 200, m.approver, "POST", fmt.Sprintf("/api/v1/orders/%d/approve", o.ID), fmt.Sprintf(`{"version":%d}`, o.Version), nil)
	r.decode(t, &o)
	if o.Status != "submitted" || len(o.Fulfillments) != 1 || o.CommittedTiyn != o.TotalTiyn {
		t.Fatalf("approved order: %s", r)
	}
	f := o.Fulfillments[0]
	if f.Status != "routed" || f.SiteID != m.site || f.QuotedDate == "" {
		t.Fatalf("fulfillment: %+v", f)
	}
	deskLine, chairLine := o.Lines[0].ID, o.Lines[1].ID

	// The producer sees it in its queue and its load.
	r = m.must(t, 200, m.manager, "GET", m.orgPath(m.enterprise.ID, "queue?state=routed,confirmed&site_id="+fmt.Sprint(m.site)), "", nil)
	if !strings.Contains(r.body, fmt.Sprintf(`"id":%d`, f.ID)) {
		t.Errorf("queue without the fulfillment: %s", r)
	}
	r = m.must(t, 200, m.master, "GET", m.orgPath(m.enterprise.ID, "load"), "", nil)
	if !strings.Contains(r.body, `"capacity_hours":400`) || !strings.Contains(r.body, `"weeks":[{"week":`) {
		t.Errorf("load: %s", r)
	}

	step := func(s *session, want int, method, rest, body string, headers map[string]string) fulfillmentOut {
		t.Helper()
		r := m.must(t, want, s, method, fpath(f.ID, rest), body, headers)
		var out fulfillmentOut
		r.decode(t, &out)
		return out
	}
	f = step(m.manager, 200, "POST", "/confirm", `{"promised_date":""}`, nil)
	if f.Status != "confirmed" || f.PromisedDate != f.QuotedDate {
		t.Fatalf("confirmed: %+v", f)
	}
	f = step(m.master, 200, "POST", "/progress", fmt.Sprintf(`{"lines":[{"order_line_id":%d,"units":3}]}`, deskLine), nil)
	if f.Status != "in_production" {
		t.Fatalf("progress: %+v", f)
	}
	f = step(m.master, 200, "POST", "/ready", `{}`, nil)
	if f.Status != "ready" {
		t.Fatalf("ready: %+v", f)
	}
	// A partial shipment, delivered; then the rest.
	f = step(m.manager, 201, "POST", "/shipments", fmt.Sprintf(`{"waybill":"ТТН-1","lines":[{"order_line_id":%d,"units":2}]}`, deskLine),
		map[string]string{"Idempotency-Key": "ship-1"})
	if f.Status != "ready" || len(f.Shipments) != 1 {
		t.Fatalf("partial shipment: %+v", f)
	}
	f = step(m.requester, 200, "POST", "/deliver", "", nil)
	if f.Lines[0].Delivered != 2 {
		t.Fatalf("partial delivery: %+v", f)
	}
	f = step(m.manager, 201, "POST", "/shipments", `{"waybill":"ТТН-2"}`, map[string]string{"Idempotency-Key": "ship-2"})
	if f.Status != "shipped" {
		t.Fatalf("second shipment: %+v", f)
	}
	// A repeat of the shipment that moved the state on replays it, not 409.
	r = m.must(t, 201, m.manager, "POST", fpath(f.ID, "/shipments"), `{"waybill":"ТТН-2"}`, map[string]string{"Idempotency-Key": "ship-2"})
	if r.header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("repeated shipment not replayed: %s", r)
	}
	f = step(m.requester, 200, "POST", "/deliver", `{}`, nil)
	if f.Status != "delivered" {
		t.Fatalf("delivered: %+v", f)
	}
	// One desk is rejected: it goes back to the queue as rework.
	r = m.must(t, 422, m.requester, "POST", fpath(f.ID, "/acceptances"),
		fmt.Sprintf(`{"lines":[{"order_line_id":%d,"accepted":3,"rejected":1}]}`, deskLine), nil)
	if _, _, fields := r.errorEnvelope(t); fields["defect_reason"] == "" {
		t.Errorf("a reject without a reason: %s", r)
	}
	f = step(m.requester, 201, "POST", "/acceptances", fmt.Sprintf(`{"lines":[{"order_line_id":%d,"accepted":3,"rejected":1},{"order_line_id":%d,"accepted":2,"rejected":0}],"defect_reason":"трещина столешницы"}`,
		deskLine, chairLine), map[string]string{"Idempotency-Key": "accept-1"})
	if f.Status != "rework" || f.Lines[0].Rejected != 1 {
		t.Fatalf("acceptance with a reject: %+v", f)
	}
	f = step(m.master, 200, "POST", "/progress", fmt.Sprintf(`{"lines":[{"order_line_id":%d,"units":1}]}`, deskLine), nil)
	if f.Status != "ready" {
		t.Fatalf("rework made: %+v", f)
	}
	step(m.manager, 201, "POST", "/shipments", `{"waybill":"ТТН-3"}`, nil)
	step(m.requester, 200, "POST", "/deliver", "", nil)
	final := fmt.Sprintf(`{"lines":[{"order_line_id":%d,"accepted":1}]}`, deskLine)
	f = step(m.requester, 201, "POST", "/acceptances", final, map[string]string{"Idempotency-Key": "accept-2"})
	if f.Status != "closed" {
		t.Fatalf("final acceptance: %+v", f)
	}
	// Its repeat, after the close, is replayed, not refused by the state.
	r = m.must(t, 201, m.requester, "POST", fpath(f.ID, "/acceptances"), final, map[string]string{"Idempotency-Key": "accept-2"})
	if r.header.Get("Idempotent-Replayed") != "true" || !strings.Contains(r.body, `"status":"closed"`) {
		t.Errorf("repeated final acceptance: %s", r)
	}
	r = m.must(t, 200, m.requester, "GET", fmt.Sprintf("/api/v1/orders/%d", o.ID), "", nil)
	r.decode(t, &o)
	if o.Status != "closed" || o.SpentTiyn != o.TotalTiyn || o.CommittedTiyn != 0 {
		t.Fatalf("closed order: %s", r)
	}
	r = m.must(t, 200, m.accountant, "GET", m.orgPath(m.buyer.ID, fmt.Sprintf("budget-lines?year=%d", time.Now().Year())), "", nil)
	if !strings.Contains(r.body, fmt.Sprintf(`"spent_tiyn":%d`, o.TotalTiyn)) || !strings.Contains(r.body, `"committed_tiyn":0`) {
		t.Errorf("budget after acceptance: %s", r)
	}

	// An illegal transition is 409 with the current state.
	r = m.must(t, 409, m.manager, "POST", fpath(f.ID, "/confirm"), `{}`, nil)
	if _, _, fields := r.errorEnvelope(t); fields["state"] != "closed" {
		t.Errorf("409 without the state: %s", r)
	}
	r = m.must(t, 409, m.requester, "POST", fmt.Sprintf("/api/v1/orders/%d/submit", o.ID), fmt.Sprintf(`{"version":%d}`, o.Version), nil)
	if _, _, fields := r.errorEnvelope(t); fields["state"] != "closed" {
		t.Errorf("409 without the state: %s", r)
	}

	// The record: every transition, hash-chained.
	r = m.must(t, 200, m.inspector, "GET", fmt.Sprintf("/api/v1/orders/%d/events", o.ID), "", nil)
	var evs struct {
		Items []struct {
			Seq      int    `json:"seq"`
			Action   string `json:"action"`
			PrevHash string `json:"prev_hash"`
			Hash     string `json:"hash"`
		} `json:"items"`
	}
	r.decode(t, &evs)
	if len(evs.Items) < 15 {
		t.Fatalf("events: %d, want every transition: %s", len(evs.Items), r)
	}
	for i, e := range evs.Items {
		if e.Seq != i+1 || len(e.Hash) != 64 || (i > 0 && e.PrevHash != evs.Items[i-1].Hash) {
			t.Errorf("event %d is not chained: %+v", i, e)
		}
	}
	if evs.Items[0].Action != "create" || evs.Items[len(evs.Items)-1].Action != "close_order" {
		t.Errorf("record from %s to %s", evs.Items[0].Action, evs.Items[len(evs.Items)-1].Action)
	}

	// Documents: both sides, and oversight; nobody else.
	for _, who := range []*session{m.requester, m.manager, m.inspector} {
		for _, path := range []string{fmt.Sprintf("/api/v1/orders/%d/confirmation.pdf?lang=kk", o.ID), fpath(f.ID, "/acceptance-act.pdf?lang=ru")} {
			r := m.must(t, 200, who, "GET", path, "", nil)
			if !strings.HasPrefix(r.body, "%PDF-") || r.header.Get("Content-Type") != "application/pdf" ||
				!strings.HasPrefix(r.header.Get("Content-Disposition"), `attachment; filename="`+o.Number) {
				t.Errorf("%s: not a PDF download: %v %.40q", path, r.header, r.body)
			}
		}
	}
	for _, who := range []*session{m.outsider, m.farInspector, nil} {
		for _, path := range []string{fmt.Sprintf("/api/v1/orders/%d/confirmation.pdf", o.ID), fpath(f.ID, "/acceptance-act.pdf")} {
			r := m.call(t, who, "GET", path, "", nil)
			if r.status != 404 && !(who == nil && r.status == 401) {
				t.Errorf("%s by an outsider: %s", path, r)
			}
		}
	}
	m.must(t, 422, m.requester, "GET", fmt.Sprintf("/api/v1/orders/%d/confirmation.pdf?lang=de", o.ID), "", nil)
	m.must(t, 422, m.requester, "GET", "/api/v1/notifications?lang=de", "", nil)

	// Notifications: the buyer heard of the promise, the shipments and more.
	r = m.must(t, 200, m.requester, "GET", "/api/v1/notifications?lang=en", "", nil)
	var ns struct {
		Items []struct {
			ID   int64  `json:"id"`
			Kind string `json:"kind"`
			Text string `json:"text"`
			Read bool   `json:"read"`
		} `json:"items"`
		Unread int `json:"unread"`
	}
	r.decode(t, &ns)
	kinds := map[string]bool{}
	for _, n := range ns.Items {
		kinds[n.Kind] = true
	}
	if !kinds["confirmed"] || !kinds["shipped"] || ns.Unread != len(ns.Items) || !strings.Contains(r.body, o.Number) {
		t.Fatalf("notifications: %s", r)
	}
	r = m.must(t, 200, m.requester, "POST", "/api/v1/notifications/read", fmt.Sprintf(`{"ids":[%d]}`, ns.Items[0].ID), nil)
	if r.body != `{"marked":1}` {
		t.Errorf("mark one: %s", r)
	}
	m.must(t, 422, m.requester, "POST", "/api/v1/notifications/read", `{}`, nil)
	r = m.must(t, 200, m.requester, "POST", "/api/v1/notifications/read", `{"all":true}`, nil)
	if r.body != fmt.Sprintf(`{"marked":%d}`, len(ns.Items)-1) {
		t.Errorf("mark all: %s", r)
	}
	r = m.must(t, 200, m.requester, "GET", "/api/v1/notifications", "", nil)
	if !strings.Contains(r.body, `"unread":0`) {
		t.Errorf("after marking all read: %s", r)
	}
	r = m.must(t, 200, m.manager, "GET", "/api/v1/notifications", "", nil)
	if !strings.Contains(r.body, `"kind":"new_fulfillment"`) || !strings.Contains(r.body, `"kind":"accepted"`) {
		t.Errorf("the producer's notifications: %s", r)
	}
}

// TestOrderIdempotencyOverHTTP: a repeat with the same key and body gets the first
// response and makes nothing; another body under the key is 422; parallel repeats make one
// order; a bad key is 422 naming the header.
func TestOrderIdempotencyOverHTTP(t *testing.T) {
	m := newMarket(t)
	path := m.orgPath(m.buyer.ID, "orders")
	count := func() int {
		t.Helper()
		r := m.must(t, 200, m.requester, "GET", path, "", nil)
		var l struct {
			Items []orderOut `json:"items"`
		}
		r.decode(t, &l)
		return len(l.Items)
	}
	key := map[string]string{"Idempotency-Key": "7f1c2b9e-order"}
	first := m.must(t, 201, m.requester, "POST", path, m.orderBody(`,"submit":true`), key)
	if first.header.Get("Idempotent-Replayed") != "" {
		t.Errorf("the first response is marked replayed")
	}
	again := m.must(t, 201, m.requester, "POST", path, m.orderBody(`,"submit":true`), key)
	if again.body != first.body || again.header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("the repeat differs:\n%s\n%s", first.body, again.body)
	}
	if n := count(); n != 1 {
		t.Fatalf("%d orders after a repeat, want 1", n)
	}
	r := m.must(t, 422, m.requester, "POST", path, m.orderBody(`,"submit":false`), key)
	if _, _, fields := r.errorEnvelope(t); fields["Idempotency-Key"] == "" {
		t.Errorf("another body under the key: %s", r)
	}
	// The key is the sender's: another person's same key is another request.
	e2 := m.user("requester2@school1.kz", map[int64]accounts.Role{m.buyer.ID: accounts.RoleRequester})
	other := m.login(t, e2.Email)
	r = m.must(t, 201, other, "POST", path, m.orderBody(""), key)
	if r.header.Get("Idempotent-Replayed") != "" {
		t.Errorf("another sender's key was replayed")
	}
	// An API token has its own scope, and its repeats replay as a person's do.
	m.user("admin@school1.kz", map[int64]accounts.Role{m.buyer.ID: accounts.RoleAdmin})
	admin := m.login(t, "admin@school1.kz")
	r = m.must(t, 201, admin, "POST", m.orgPath(m.buyer.ID, "tokens"), `{"name":"supply system","role":"requester"}`, nil)
	var tok struct {
		Secret string `json:"secret"`
	}
	r.decode(t, &tok)
	byToken := func() resp {
		return m.do(t, req{method: "POST", path: path, body: m.orderBody(`,"submit":true`), bearer: tok.Secret, headers: key})
	}
	a, b := byToken(), byToken()
	if a.status != 201 || a.header.Get("Idempotent-Replayed") != "" || b.status != 201 || b.body != a.body || b.header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("token's key:\n%s\n%s", a, b)
	}
	for _, bad := range []string{strings.Repeat("k", 256), "ключ", "tab\there"} {
		r := m.must(t, 422, m.requester, "POST", path, m.orderBody(""), map[string]string{"Idempotency-Key": bad})
		if _, _, fields := r.errorEnvelope(t); fields["Idempotency-Key"] == "" {
			t.Errorf("key %q: %s", bad, r)
		}
	}
	if n := count(); n != 3 {
		t.Fatalf("%d orders, want 3", n)
	}

	// Parallel requests with one key make one order, and every one answers with it.
	const parallel = 8
	var wg sync.WaitGroup
	bodies := make([]resp, parallel)
	for i := range parallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			bodies[i] = m.call(t, m.requester, "POST", path, m.orderBody(`,"submit":true`), map[string]string{"Idempotency-Key": "parallel"})
		}()
	}
	wg.Wait()
	var id int64
	for i, r := range bodies {
		if r.status != 201 {
			t.Fatalf("parallel request %d: %s", i, r)
		}
		var o orderOut
		r.decode(t, &o)
		if id == 0 {
			id = o.ID
		} else if o.ID != id {
			t.Errorf("parallel request %d made order %d, another made %d", i, o.ID, id)
		}
	}
	if n := count(); n != 4 {
		t.Fatalf("%d orders after %d parallel requests with one key, want 4", n, parallel)
	}

	// Budget lines honour keys too.
	bl := m.orgPath(m.buyer.ID, "budget-lines")
	body := `{"year":2027,"code":"002.001","name":"Мебель","amount_tiyn":500}`
	a = m.must(t, 201, m.accountant, "POST", bl, body, map[string]string{"Idempotency-Key": "bl"})
	b = m.must(t, 201, m.accountant, "POST", bl, body, map[string]string{"Idempotency-Key": "bl"})
	if a.body != b.body || b.header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("budget line repeat:\n%s\n%s", a.body, b.body)
	}
}

// TestOrderAPIRefusals: bad bodies name their fields, other organizations see nothing,
// inspectors only read, version conflicts and illegal transitions are 409.
func TestOrderAPIRefusals(t *testing.T) {
	m := newMarket(t)
	path := m.orgPath(m.buyer.ID, "orders")
	m.run(t, []scenario{
		{name: "unknown field", method: "POST", path: path, session: m.requester, headers: m.requester.csrfHeader(),
			body: m.orderBody(`,"colour":"red"`), wantStatus: 400, wantCode: "bad_request", wantFields: []string{"colour"}},
		{name: "bad date", method: "POST", path: path, session: m.requester, headers: m.requester.csrfHeader(),
			body: m.orderBody(`,"requested_date":"01.09.2026"`), wantStatus: 422, wantCode: "invalid", wantFields: []string{"requested_date"}},
		{name: "past date", method: "POST", path: path, session: m.requester, headers: m.requester.csrfHeader(),
			body: m.orderBody(`,"requested_date":"2020-01-01"`), wantStatus: 422, wantCode: "invalid", wantFields: []string{"requested_date"}},
		{name: "negative quantity", method: "POST", path: path, session: m.requester, headers: m.requester.csrfHeader(),
			body:       fmt.Sprintf(`{"lines":[{"listing_id":%d,"quantity":-3}],"delivery_address":"x","budget_line_id":%d}`, m.desk, m.budget),
			wantStatus: 422, wantCode: "invalid", wantFields: []string{"lines[0].quantity"}},
		{name: "quantity of the wrong type", method: "POST", path: path, session: m.requester, headers: m.requester.csrfHeader(),
			body: fmt.Sprintf(`{"lines":[{"listing_id":%d,"quantity":"many"}]}`, m.desk), wantStatus: 422, wantCode: "invalid", wantFields: []string{"lines.quantity"}},
		{name: "missing address and budget", method: "POST", path: path, session: m.requester, headers: m.requester.csrfHeader(),
			body: fmt.Sprintf(`{"lines":[{"listing_id":%d,"quantity":1}]}`, m.desk), wantStatus: 422, wantFields: []string{"delivery_address", "budget_line_id"}},
		{name: "negative cart quantity", method: "PUT", path: m.orgPath(m.buyer.ID, fmt.Sprintf("cart/%d", m.desk)), session: m.requester,
			headers: m.requester.csrfHeader(), body: `{"quantity":-1}`, wantStatus: 422, wantFields: []string{"quantity"}},
		{name: "bad year", method: "GET", path: m.orgPath(m.buyer.ID, "budget-lines?year=soon"), session: m.accountant, wantStatus: 422, wantFields: []string{"year"}},
		{name: "bad state", method: "GET", path: m.orgPath(m.enterprise.ID, "queue?state=lost"), session: m.manager, wantStatus: 422, wantFields: []string{"state"}},
		{name: "anonymous", method: "GET", path: path, wantStatus: 401, wantCode: "unauthenticated"},
		{name: "another school's orders", method: "GET", path: path, session: m.outsider, wantStatus: 404},
		{name: "another school's cart", method: "GET", path: m.orgPath(m.buyer.ID, "cart"), session: m.outsider, wantStatus: 404},
		{name: "ordering for another school", method: "POST", path: path, session: m.outsider, headers: m.outsider.csrfHeader(),
			body: m.orderBody(""), wantStatus: 404},
		{name: "a school's queue", method: "GET", path: m.orgPath(m.enterprise.ID, "queue"), session: m.requester, wantStatus: 404},
	})

	r := m.must(t, 201, m.requester, "POST", path, m.orderBody(`,"submit":true`), nil)
	var o orderOut
	r.decode(t, &o)
	f := o.Fulfillments[0].ID
	opath := fmt.Sprintf("/api/v1/orders/%d", o.ID)
	fpath := fmt.Sprintf("/api/v1/fulfillments/%d", f)
	m.run(t, []scenario{
		{name: "the outsider cannot see the order", method: "GET", path: opath, session: m.outsider, wantStatus: 404},
		{name: "nor its record", method: "GET", path: opath + "/events", session: m.outsider, wantStatus: 404},
		{name: "nor the fulfillment", method: "GET", path: fpath, session: m.outsider, wantStatus: 404},
		{name: "nor cancel it", method: "POST", path: fpath + "/cancel", session: m.outsider, headers: m.outsider.csrfHeader(),
			body: `{"side":"buyer"}`, wantStatus: 404},
		{name: "another region's inspector sees nothing", method: "GET", path: opath, session: m.farInspector, wantStatus: 404},
		{name: "the inspector reads the order", method: "GET", path: opath, session: m.inspector, wantStatus: 200},
		{name: "and the fulfillment", method: "GET", path: fpath, session: m.inspector, wantStatus: 200},
		{name: "and the queue", method: "GET", path: m.orgPath(m.enterprise.ID, "queue"), session: m.inspector, wantStatus: 200},
		{name: "but may not confirm", method: "POST", path: fpath + "/confirm", session: m.inspector, headers: m.inspector.csrfHeader(),
			body: `{}`, wantStatus: 403, wantCode: "forbidden"},
		{name: "nor cancel", method: "POST", path: fpath + "/cancel", session: m.inspector, headers: m.inspector.csrfHeader(),
			body: `{"side":"buyer","reason":"x"}`, wantStatus: 403},
		{name: "nor order", method: "POST", path: path, session: m.inspector, headers: m.inspector.csrfHeader(),
			body: m.orderBody(""), wantStatus: 403},
		{name: "the buyer may not confirm", method: "POST", path: fpath + "/confirm", session: m.requester, headers: m.requester.csrfHeader(),
			body: `{}`, wantStatus: 403},
		{name: "version is required", method: "POST", path: opath + "/cancel", session: m.requester, headers: m.requester.csrfHeader(),
			body: `{"reason":"x"}`, wantStatus: 422, wantFields: []string{"version"}},
		{name: "a stale version", method: "POST", path: opath + "/cancel", session: m.requester, headers: m.requester.csrfHeader(),
			body: `{"version":1,"reason":"x"}`, wantStatus: 409, wantFields: []string{"version", "state"}},
		{name: "a submitted order cannot be cancelled as a whole", method: "POST", path: opath + "/cancel", session: m.requester,
			headers: m.requester.csrfHeader(), body: fmt.Sprintf(`{"version":%d}`, o.Version), wantStatus: 409, wantFields: []string{"state"}},
		{name: "shipping before confirming", method: "POST", path: fpath + "/shipments", session: m.manager, headers: m.manager.csrfHeader(),
			body: `{"waybill":"W"}`, wantStatus: 409, wantFields: []string{"state"}},
		{name: "a bad promised date", method: "POST", path: fpath + "/confirm", session: m.manager, headers: m.manager.csrfHeader(),
			body: `{"promised_date":"tomorrow"}`, wantStatus: 422, wantFields: []string{"promised_date"}},
		{name: "a body on ready that is not empty", method: "POST", path: fpath + "/ready", session: m.manager, headers: m.manager.csrfHeader(),
			body: `{"all":true}`, wantStatus: 400, wantFields: []string{"all"}},
		{name: "the buyer cancels before production", method: "POST", path: fpath + "/cancel", session: m.requester,
			headers: m.requester.csrfHeader(), body: `{"side":"buyer","reason":"не нужно"}`, wantStatus: 200, wantContains: []string{`"status":"cancelled"`}},
		{name: "then the order is cancelled", method: "GET", path: opath, session: m.requester, wantStatus: 200, wantContains: []string{`"status":"cancelled"`}},
	})
	// The order records the cancellation as the last event.
	r = m.must(t, 200, m.requester, "GET", opath+"/events", "", nil)
	var evs struct {
		Items []json.RawMessage `json:"items"`
	}
	r.decode(t, &evs)
	if len(evs.Items) == 0 || !strings.Contains(string(evs.Items[len(evs.Items)-1]), `"action":"cancel_order"`) {
		t.Errorf("record after cancellation: %s", r)
	}
}

// TestOrderConfirmationPerProducer: an order split to two enterprises has a confirmation
// per enterprise; the buyer names the one it wants, each producer gets only its own part.
func TestOrderConfirmationPerProducer(t *testing.T) {
	m := newMarket(t)
	second := m.org(accounts.KindProducerEnterprise, "Second Workshops")
	institution := accounts.Organization{BIN: validBIN(t), Kind: accounts.KindProducerInstitution, Subtype: accounts.Subtypes[accounts.KindProducerInstitution][0],
		Name: accounts.Text{RU: "Учреждение № 29", KK: "№ 29 мекеме", EN: "Institution No. 29"}, Region: "karaganda", InstitutionNumber: 29}
	if err := m.store.CreateOrganization(m.ctx(), &institution); err != nil {
		t.Fatal(err)
	}
	site := m.env.site(second, institution, "S1", accounts.WorkshopWoodwork)
	u := m.user("manager@second.kz", map[int64]accounts.Role{second.ID: accounts.RoleProducerManager})
	manager2 := m.login(t, u.Email)
	actor := accounts.Actor{UserID: u.ID, Memberships: []accounts.Member{{Membership: accounts.Membership{UserID: u.ID,
		OrgID: second.ID, Role: accounts.RoleProducerManager}, OrgKind: second.Kind, Region: second.Region}}}
	l, err := m.catalog.CreateListing(m.ctx(), actor, second.ID, catalog.ListingInput{Title: accounts.Text{RU: "Шкаф", KK: "Шкаф", EN: "Cupboard"},
		CategoryCode: "furniture-desks", Unit: catalog.UnitPiece, PriceTiyn: 5_000_000, MinOrderQty: 1, LeadTimeDays: 5,
		LabourMinutesPerUnit: 90, SiteIDs: []int64{site}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.catalog.SetStatus(m.ctx(), actor, l.ID, l.Version, catalog.StatusPublished); err != nil {
		t.Fatal(err)
	}
	r := m.must(t, 201, m.requester, "POST", m.orgPath(m.buyer.ID, "orders"),
		fmt.Sprintf(`{"lines":[{"listing_id":%d,"quantity":1},{"listing_id":%d,"quantity":1}],"delivery_address":"Өскемен","budget_line_id":%d,"submit":true}`,
			m.desk, l.ID, m.budget), nil)
	var o orderOut
	r.decode(t, &o)
	if len(o.Fulfillments) != 2 {
		t.Fatalf("split: %s", r)
	}
	doc := func(enterprise int64) string {
		p := fmt.Sprintf("/api/v1/orders/%d/confirmation.pdf", o.ID)
		if enterprise != 0 {
			p += fmt.Sprintf("?enterprise_id=%d", enterprise)
		}
		return p
	}
	r = m.must(t, 422, m.requester, "GET", doc(0), "", nil)
	if _, _, fields := r.errorEnvelope(t); fields["enterprise_id"] == "" {
		t.Errorf("several producers without enterprise_id: %s", r)
	}
	for _, c := range []struct {
		who        *session
		enterprise int64
		want       int
	}{
		{m.requester, m.enterprise.ID, 200}, {m.requester, second.ID, 200}, {m.requester, m.otherBuyer.ID, 404},
		{m.manager, 0, 200}, {m.manager, m.enterprise.ID, 200}, {m.manager, second.ID, 404},
		{manager2, 0, 200}, {manager2, m.enterprise.ID, 404}, {m.outsider, second.ID, 404},
	} {
		r := m.call(t, c.who, "GET", doc(c.enterprise), "", nil)
		if r.status != c.want || (c.want == 200 && !strings.HasPrefix(r.body, "%PDF-")) {
			t.Errorf("enterprise %d: %d, want %d", c.enterprise, r.status, c.want)
		}
		if c.want == 200 && c.enterprise != 0 && !strings.Contains(r.header.Get("Content-Disposition"), fmt.Sprintf("-%d-confirmation", c.enterprise)) {
			t.Errorf("file name %q does not name enterprise %d", r.header.Get("Content-Disposition"), c.enterprise)
		}
	}
}
