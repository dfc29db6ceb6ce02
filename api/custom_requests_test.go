package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sheber-kz/sheber/accounts"
)

// A custom request over HTTP: created with an Idempotency-Key (a repeat is replayed),
// ranked, sites invited, two producers quote and each reads only its own quote, others get
// 404, the buyer accepts one and gets a submitted order, a second acceptance is 409, and
// the record is the buyer's, not the producers'.
func TestCustomRequestsOverHTTP(t *testing.T) {
	e := newEnv(t)
	buyer, other := e.org(accounts.KindBuyer, "School No. 1"), e.org(accounts.KindBuyer, "School No. 2")
	entA, entB := e.org(accounts.KindProducerEnterprise, "Enbek"), e.org(accounts.KindProducerEnterprise, "Sheber")
	inst := e.org(accounts.KindProducerInstitution, "Institution No. 16")
	siteA, siteB := e.site(entA, inst, "A1", accounts.WorkshopWoodwork), e.site(entB, inst, "B1", accounts.WorkshopWoodwork)
	e.user("requester@school1.kz", map[int64]accounts.Role{buyer.ID: accounts.RoleRequester})
	e.user("requester@school2.kz", map[int64]accounts.Role{other.ID: accounts.RoleRequester})
	e.user("manager@a.kz", map[int64]accounts.Role{entA.ID: accounts.RoleProducerManager})
	e.user("manager@b.kz", map[int64]accounts.Role{entB.ID: accounts.RoleProducerManager})
	requester, outsider := e.login(t, "requester@school1.kz"), e.login(t, "requester@school2.kz")
	managerA, managerB := e.login(t, "manager@a.kz"), e.login(t, "manager@b.kz")
	var budget int64
	if err := e.db.GetContext(e.ctx(), &budget, `INSERT INTO budget_lines (org_id, year, code, name, amount_tiyn) VALUES ($1, 2026, '001', 'Мебель', 1000000000) RETURNING id`,
		buyer.ID); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().UTC().Add(48 * time.Hour).Format(time.RFC3339)
	body := fmt.Sprintf(`{"category":"furniture-desks","title":"Шкаф по чертежу","description":"Сосна","quantity":10,"unit":"piece",
		"delivery_address":"Усть-Каменогорск, ул. Школьная, 1","budget_line_id":%d,"quote_deadline":%q}`, budget, deadline)
	create := func(s *session, key, body string) resp {
		t.Helper()
		h := s.csrfHeader()
		h["Idempotency-Key"] = key
		return e.do(t, req{method: "POST", path: fmt.Sprintf("/api/v1/organizations/%d/custom-requests", buyer.ID), body: body, session: s, headers: h})
	}
	post := func(s *session, path, body string) resp {
		t.Helper()
		return e.do(t, req{method: "POST", path: path, body: body, session: s, headers: s.csrfHeader()})
	}
	get := func(s *session, path string) resp {
		t.Helper()
		return e.do(t, req{method: "GET", path: path, session: s})
	}

	r := create(requester, "cr-1", body)
	if r.status != http.StatusCreated {
		t.Fatalf("create: %s", r)
	}
	var cr struct {
		ID     int64  `json:"id"`
		Number string `json:"number"`
		Status string `json:"status"`
		Quotes []struct {
			ID           int64 `json:"id"`
			EnterpriseID int64 `json:"enterprise_id"`
		} `json:"quotes"`
	}
	r.decode(t, &cr)
	if cr.Status != "open" || cr.Number == "" {
		t.Fatalf("created %s", r)
	}
	if again := create(requester, "cr-1", body); again.status != http.StatusCreated || again.header.Get("Idempotent-Replayed") != "true" || again.body != r.body {
		t.Fatalf("repeat: %s %v", again, again.header)
	}
	if bad := create(requester, "cr-2", `{"category":"furniture-desks","quantity":0}`); bad.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad input: %s", bad)
	} else if _, _, fields := bad.errorEnvelope(t); fields["quantity"] == "" || fields["title"] == "" {
		t.Fatalf("bad input fields: %s", bad)
	}
	path := fmt.Sprintf("/api/v1/custom-requests/%d", cr.ID)

	var ranking struct {
		Items []struct {
			Rank     int  `json:"rank"`
			Eligible bool `json:"eligible"`
			Site     struct {
				ID int64 `json:"id"`
			} `json:"site"`
			Reasons []struct {
				EN string `json:"en"`
			} `json:"reasons"`
		} `json:"items"`
	}
	r = get(requester, path+"/ranking")
	if r.status != http.StatusOK {
		t.Fatalf("ranking: %s", r)
	}
	r.decode(t, &ranking)
	if len(ranking.Items) != 2 || !ranking.Items[0].Eligible || len(ranking.Items[0].Reasons) < 4 || ranking.Items[0].Reasons[1].EN != "3200 h free over the next 8 weeks" {
		t.Fatalf("ranking: %s", r)
	}
	if r := post(requester, path+"/invitations", fmt.Sprintf(`{"site_ids":[%d,%d]}`, siteA, siteB)); r.status != http.StatusOK {
		t.Fatalf("invite: %s", r)
	}
	promised := time.Now().UTC().AddDate(0, 1, 0).Format("2006-01-02")
	quote := func(s *session, site int64, price int) int64 {
		t.Helper()
		h := s.csrfHeader()
		h["Idempotency-Key"] = fmt.Sprintf("q-%d", site)
		r := e.do(t, req{method: "POST", path: path + "/quotes", session: s, headers: h,
			body: fmt.Sprintf(`{"site_id":%d,"unit_price_tiyn":%d,"promised_date":%q,"labour_hours":20}`, site, price, promised)})
		if r.status != http.StatusCreated {
			t.Fatalf("quote: %s", r)
		}
		var q struct {
			ID int64 `json:"id"`
		}
		r.decode(t, &q)
		return q.ID
	}
	qa, qb := quote(managerA, siteA, 5_000_000), quote(managerB, siteB, 4_000_000)
	// A repeat whose first response was never stored (the server died after the commit)
	// renders the quote afresh.
	if _, err := e.db.ExecContext(e.ctx(), `UPDATE idempotency_keys SET response_status = NULL, response_body = NULL WHERE key = $1`,
		fmt.Sprintf("q-%d", siteA)); err != nil {
		t.Fatal(err)
	}
	h := managerA.csrfHeader()
	h["Idempotency-Key"] = fmt.Sprintf("q-%d", siteA)
	again := e.do(t, req{method: "POST", path: path + "/quotes", session: managerA, headers: h,
		body: fmt.Sprintf(`{"site_id":%d,"unit_price_tiyn":%d,"promised_date":%q,"labour_hours":20}`, siteA, 5_000_000, promised)})
	if again.status != http.StatusCreated || again.header.Get("Idempotent-Replayed") != "true" || !strings.Contains(again.body, fmt.Sprintf(`"id":%d`, qa)) {
		t.Fatalf("a repeat without a stored response: %s", again)
	}
	if r := post(managerA, path+"/quotes", fmt.Sprintf(`{"site_id":%d,"unit_price_tiyn":1,"promised_date":%q}`, siteB, promised)); r.status != http.StatusForbidden {
		t.Fatalf("a manager quoted for another enterprise's site: %s", r)
	}

	r = get(managerB, path)
	if r.status != http.StatusOK {
		t.Fatalf("producer read: %s", r)
	}
	r.decode(t, &cr)
	if len(cr.Quotes) != 1 || cr.Quotes[0].ID != qb {
		t.Fatalf("producer B sees %s", r)
	}
	if r := get(requester, path); r.status != http.StatusOK {
		t.Fatalf("buyer read: %s", r)
	} else if r.decode(t, &cr); len(cr.Quotes) != 2 {
		t.Fatalf("the buyer sees %s", r)
	}
	if r := get(outsider, path); r.status != http.StatusNotFound {
		t.Fatalf("another school read the request: %s", r)
	}
	if r := get(managerB, path+"/events"); r.status != http.StatusForbidden {
		t.Fatalf("a producer read the record: %s", r)
	}
	if r := get(managerA, fmt.Sprintf("/api/v1/organizations/%d/invited-requests", entA.ID)); r.status != http.StatusOK {
		t.Fatalf("invited list: %s", r)
	}

	accept := func(q int64, key string) resp {
		t.Helper()
		h := requester.csrfHeader()
		h["Idempotency-Key"] = key
		return e.do(t, req{method: "POST", path: path + "/accept", session: requester, headers: h, body: fmt.Sprintf(`{"quote_id":%d}`, q)})
	}
	r = accept(qa, "acc-1")
	if r.status != http.StatusCreated {
		t.Fatalf("accept: %s", r)
	}
	var o struct {
		Status    string `json:"status"`
		TotalTiyn int64  `json:"total_tiyn"`
	}
	r.decode(t, &o)
	if o.Status != "submitted" || o.TotalTiyn != 10*5_000_000 {
		t.Fatalf("order %s", r)
	}
	if r := accept(qb, "acc-2"); r.status != http.StatusConflict {
		t.Fatalf("a second acceptance: %s", r)
	}
	if r := get(requester, path+"/events"); r.status != http.StatusOK {
		t.Fatalf("events: %s", r)
	}
	if r := get(requester, fmt.Sprintf("/api/v1/organizations/%d/custom-requests?status=ordered", buyer.ID)); r.status != http.StatusOK {
		t.Fatalf("list: %s", r)
	}
	if r := get(requester, fmt.Sprintf("/api/v1/organizations/%d/custom-requests?status=lost", buyer.ID)); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("list with a bad status: %s", r)
	}
}
