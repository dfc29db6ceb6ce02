package api_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog"
)

// settlementOut is what GET .../invoices says of one fulfillment order.
type settlementOut struct {
	FulfillmentID   int64 `json:"fulfillment_id"`
	DueTiyn         int64 `json:"due_tiyn"`
	InvoicedTiyn    int64 `json:"invoiced_tiyn"`
	PaidTiyn        int64 `json:"paid_tiyn"`
	OutstandingTiyn int64 `json:"outstanding_tiyn"`
	Invoiceable     bool  `json:"invoiceable"`
	Invoices        []struct {
		ID       int64  `json:"id"`
		Number   string `json:"number"`
		PaidTiyn int64  `json:"paid_tiyn"`
		Payments []struct {
			TreasuryRef string `json:"treasury_ref"`
			AmountTiyn  int64  `json:"amount_tiyn"`
		} `json:"payments"`
	} `json:"invoices"`
}

// The buyer records invoices and payments over HTTP, with Idempotency-Key honoured as on
// every create; both sides and the inspector read the figures per fulfillment order; the
// producer and the inspector may not record; nobody else sees anything; bad input is 422
// naming the field and an illegal state 409 naming the state.
func TestInvoicesAndPaymentsOverHTTP(t *testing.T) {
	m := newMarket(t)
	r := m.must(t, 201, m.requester, "POST", m.orgPath(m.buyer.ID, "orders"), m.orderBody(`,"submit":true`), nil)
	var o orderOut
	r.decode(t, &o)
	f := o.Fulfillments[0].ID
	today := time.Now().In(almaty(t)).Format(time.DateOnly)
	ipath := fmt.Sprintf("/api/v1/fulfillments/%d/invoices", f)
	opath := fmt.Sprintf("/api/v1/orders/%d/invoices", o.ID)
	invoice := fmt.Sprintf(`{"number":"СФ-15","issued_on":%q,"amount_tiyn":10000000,"vat_tiyn":1071429,"note":"аванс"}`, today)

	r = m.must(t, 409, m.requester, "POST", ipath, invoice, nil)
	if _, _, fields := r.errorEnvelope(t); fields["state"] != "routed" {
		t.Errorf("invoice before confirmation: %s", r)
	}
	m.must(t, 200, m.manager, "POST", fmt.Sprintf("/api/v1/fulfillments/%d/confirm", f), `{}`, nil)

	csrf := m.requester.csrfHeader()
	m.run(t, []scenario{
		{name: "unknown field", method: "POST", path: ipath, session: m.requester, headers: csrf,
			body: `{"number":"1","sum":5}`, wantStatus: 400, wantFields: []string{"sum"}},
		{name: "bad date", method: "POST", path: ipath, session: m.requester, headers: csrf,
			body: `{"number":"1","issued_on":"03.12.2026","amount_tiyn":1}`, wantStatus: 422, wantFields: []string{"issued_on"}},
		{name: "a date in the future", method: "POST", path: ipath, session: m.requester, headers: csrf,
			body: `{"number":"1","issued_on":"2999-01-01","amount_tiyn":1}`, wantStatus: 422, wantFields: []string{"issued_on"}},
		{name: "no number, no amount", method: "POST", path: ipath, session: m.requester, headers: csrf,
			body: fmt.Sprintf(`{"issued_on":%q}`, today), wantStatus: 422, wantFields: []string{"number", "amount_tiyn"}},
		{name: "more than the order", method: "POST", path: ipath, session: m.requester, headers: csrf,
			body: fmt.Sprintf(`{"number":"1","issued_on":%q,"amount_tiyn":12400001}`, today), wantStatus: 422, wantFields: []string{"amount_tiyn"}},
		{name: "an amount of the wrong type", method: "POST", path: ipath, session: m.requester, headers: csrf,
			body: `{"number":"1","amount_tiyn":"lots"}`, wantStatus: 422, wantFields: []string{"amount_tiyn"}},
		{name: "the producer may not record", method: "POST", path: ipath, session: m.manager, headers: m.manager.csrfHeader(),
			body: invoice, wantStatus: 403, wantCode: "forbidden"},
		{name: "nor the inspector", method: "POST", path: ipath, session: m.inspector, headers: m.inspector.csrfHeader(),
			body: invoice, wantStatus: 403},
		{name: "another school finds nothing", method: "POST", path: ipath, session: m.outsider, headers: m.outsider.csrfHeader(),
			body: invoice, wantStatus: 404},
		{name: "anonymous", method: "POST", path: ipath, body: invoice, wantStatus: 401},
	})

	// An invoice, repeated with its key: recorded once, replayed.
	key := map[string]string{"Idempotency-Key": "invoice-1"}
	r = m.must(t, 201, m.accountant, "POST", ipath, invoice, key)
	var inv struct {
		ID     int64  `json:"id"`
		Number string `json:"number"`
	}
	r.decode(t, &inv)
	if inv.Number != "СФ-15" || !strings.Contains(r.body, `"payments":[]`) || !strings.Contains(r.body, `"vat_tiyn":1071429`) {
		t.Fatalf("invoice: %s", r)
	}
	r = m.must(t, 201, m.accountant, "POST", ipath, invoice, key)
	if r.header.Get("Idempotent-Replayed") != "true" || !strings.Contains(r.body, fmt.Sprintf(`"id":%d`, inv.ID)) {
		t.Errorf("repeated invoice: %s", r)
	}
	r = m.must(t, 422, m.accountant, "POST", ipath, strings.Replace(invoice, "СФ-15", "СФ-16", 1), key)
	if _, _, fields := r.errorEnvelope(t); fields["Idempotency-Key"] == "" {
		t.Errorf("the key with another body: %s", r)
	}
	r = m.must(t, 409, m.requester, "POST", ipath, invoice, nil)
	if _, _, fields := r.errorEnvelope(t); fields["number"] == "" {
		t.Errorf("the same number twice: %s", r)
	}

	// Payments.
	ppath := fmt.Sprintf("/api/v1/invoices/%d/payments", inv.ID)
	payment := fmt.Sprintf(`{"paid_on":%q,"amount_tiyn":4000000,"treasury_ref":"ПП-000123"}`, today)
	m.run(t, []scenario{
		{name: "more than the invoice", method: "POST", path: ppath, session: m.requester, headers: csrf,
			body: fmt.Sprintf(`{"paid_on":%q,"amount_tiyn":10000001,"treasury_ref":"1"}`, today), wantStatus: 422, wantFields: []string{"amount_tiyn"}},
		{name: "no treasury reference", method: "POST", path: ppath, session: m.requester, headers: csrf,
			body: fmt.Sprintf(`{"paid_on":%q,"amount_tiyn":1}`, today), wantStatus: 422, wantFields: []string{"treasury_ref"}},
		{name: "a treasury reference too long", method: "POST", path: ppath, session: m.requester, headers: csrf,
			body: fmt.Sprintf(`{"paid_on":%q,"amount_tiyn":1,"treasury_ref":%q}`, today, strings.Repeat("9", 51)), wantStatus: 422, wantFields: []string{"treasury_ref"}},
		{name: "no date", method: "POST", path: ppath, session: m.requester, headers: csrf,
			body: `{"amount_tiyn":1,"treasury_ref":"1"}`, wantStatus: 422, wantFields: []string{"paid_on"}},
		{name: "no such invoice", method: "POST", path: "/api/v1/invoices/999999/payments", session: m.requester, headers: csrf,
			body: payment, wantStatus: 404},
		{name: "not an id", method: "POST", path: "/api/v1/invoices/abc/payments", session: m.requester, headers: csrf,
			body: payment, wantStatus: 404},
		{name: "the producer may not pay", method: "POST", path: ppath, session: m.master, headers: m.master.csrfHeader(),
			body: payment, wantStatus: 403},
		{name: "another school finds nothing", method: "POST", path: ppath, session: m.outsider, headers: m.outsider.csrfHeader(),
			body: payment, wantStatus: 404},
	})
	pkey := map[string]string{"Idempotency-Key": "payment-1"}
	r = m.must(t, 201, m.requester, "POST", ppath, payment, pkey)
	if !strings.Contains(r.body, `"treasury_ref":"ПП-000123"`) || !strings.Contains(r.body, fmt.Sprintf(`"invoice_id":%d`, inv.ID)) {
		t.Fatalf("payment: %s", r)
	}
	r = m.must(t, 201, m.requester, "POST", ppath, payment, pkey)
	if r.header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("repeated payment not replayed: %s", r)
	}
	r = m.must(t, 409, m.approver, "POST", ppath, payment, nil)
	if _, _, fields := r.errorEnvelope(t); fields["treasury_ref"] == "" {
		t.Errorf("the same payment order twice: %s", r)
	}
	m.must(t, 201, m.approver, "POST", ppath, strings.Replace(payment, "ПП-000123", "ПП-000124", 1), nil)

	// The figures: the order's list and the fulfillment's, for each side.
	for _, s := range []struct {
		name string
		sess *session
	}{{"requester", m.requester}, {"producer", m.manager}, {"inspector", m.inspector}} {
		r = m.must(t, 200, s.sess, "GET", opath, "", nil)
		var list struct {
			Items []settlementOut `json:"items"`
		}
		r.decode(t, &list)
		if len(list.Items) != 1 {
			t.Fatalf("%s: %s", s.name, r)
		}
		st := list.Items[0]
		if st.FulfillmentID != f || st.DueTiyn != 12_400_000 || st.InvoicedTiyn != 10_000_000 || st.PaidTiyn != 8_000_000 ||
			st.OutstandingTiyn != 4_400_000 || !st.Invoiceable || len(st.Invoices) != 1 || len(st.Invoices[0].Payments) != 2 {
			t.Fatalf("%s: settlement %s", s.name, r)
		}
		r = m.must(t, 200, s.sess, "GET", ipath, "", nil)
		if !strings.Contains(r.body, `"paid_tiyn":8000000`) || !strings.Contains(r.body, `"outstanding_tiyn":4400000`) {
			t.Errorf("%s: fulfillment settlement %s", s.name, r)
		}
	}
	m.run(t, []scenario{
		{name: "another school sees no invoices", method: "GET", path: opath, session: m.outsider, wantStatus: 404},
		{name: "nor the fulfillment's", method: "GET", path: ipath, session: m.outsider, wantStatus: 404},
		{name: "another region's inspector neither", method: "GET", path: opath, session: m.farInspector, wantStatus: 404},
		{name: "anonymous", method: "GET", path: opath, wantStatus: 401},
		{name: "no such order", method: "GET", path: "/api/v1/orders/999999/invoices", session: m.requester, wantStatus: 404},
	})
	// Both are on the order's record, the state unchanged.
	r = m.must(t, 200, m.requester, "GET", fmt.Sprintf("/api/v1/orders/%d/events", o.ID), "", nil)
	if !strings.Contains(r.body, `"action":"invoice","from":"confirmed","to":"confirmed"`) || strings.Count(r.body, `"action":"pay"`) != 2 {
		t.Errorf("record: %s", r)
	}
}

// almaty is the zone of the portal's calendar days.
func almaty(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Almaty")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// An order split to two producer enterprises: the buyer sees both parts' invoices, each
// producer only its own part (the other part's list and invoices are 404 to it).
func TestInvoicesPerProducer(t *testing.T) {
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
	opath := fmt.Sprintf("/api/v1/orders/%d/invoices", o.ID)
	parts := func(s *session) []settlementOut {
		t.Helper()
		var list struct {
			Items []settlementOut `json:"items"`
		}
		m.must(t, 200, s, "GET", opath, "", nil).decode(t, &list)
		return list.Items
	}
	if got := parts(m.requester); len(got) != 2 {
		t.Fatalf("the buyer sees %d parts", len(got))
	}
	for _, who := range []*session{m.manager, manager2} {
		got := parts(who)
		if len(got) != 1 {
			t.Fatalf("a producer sees %d parts", len(got))
		}
		var own, foreign int64
		for _, f := range o.Fulfillments {
			if f.ID == got[0].FulfillmentID {
				own = f.ID
			} else {
				foreign = f.ID
			}
		}
		if own == 0 {
			t.Fatalf("a producer sees a part that is not the order's: %+v", got)
		}
		m.must(t, 200, who, "GET", fmt.Sprintf("/api/v1/fulfillments/%d/invoices", own), "", nil)
		m.must(t, 404, who, "GET", fmt.Sprintf("/api/v1/fulfillments/%d/invoices", foreign), "", nil)
	}
	m.must(t, 404, m.outsider, "GET", opath, "", nil)
}
