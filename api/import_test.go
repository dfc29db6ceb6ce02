package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/sheber-kz/sheber/api"
	"github.com/sheber-kz/sheber/catalog"
)

type importOut struct {
	Created, Updated, Unchanged int
	DryRun                      bool `json:"dry_run"`
	Errors                      []struct {
		Row     int    `json:"row"`
		Column  string `json:"column"`
		Message string `json:"message"`
	} `json:"errors"`
	TotalErrors int `json:"total_errors"`
	Error       *struct {
		Code string `json:"code"`
	} `json:"error"`
}

func decodeImport(t *testing.T, r resp) importOut {
	t.Helper()
	var out importOut
	dec := json.NewDecoder(strings.NewReader(r.body))
	if err := dec.Decode(&out); err != nil || out.Errors == nil {
		t.Fatalf("not an import report (%v): %s", err, r)
	}
	return out
}

func reported(created, updated, unchanged int) func(t *testing.T, r resp) {
	return func(t *testing.T, r resp) {
		t.Helper()
		out := decodeImport(t, r)
		if out.Created != created || out.Updated != updated || out.Unchanged != unchanged || len(out.Errors) != 0 {
			t.Errorf("report %+v; want %d created, %d updated, %d unchanged", out, created, updated, unchanged)
		}
	}
}

// multipartFile is a multipart body with the field "file" and its content type.
func multipartFile(t *testing.T, name, content string) (string, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	fw, err := w.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.WriteString(fw, content)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String(), w.FormDataContentType()
}

func TestImportAPI(t *testing.T) {
	p := newProducers(t)
	path := fmt.Sprintf("/api/v1/organizations/%d/listings/import", p.enterprise.ID)
	csv := "external_code;title_ru;category;unit;price;vat_included;site_codes;status\n" +
		"A-1;Парта ученическая;" + p.category + ";piece;25000,00;да;W1;published\n" +
		"A-2;Скамейка;" + p.category + ";piece;45000;нет;W1|M1;\n"
	jsonl := `{"external_code":"A-1","title_ru":"Парта ученическая","category":"` + p.category + `","unit":"piece","price":"25000.00","vat_included":true,"site_codes":["W1"],"status":"published"}` + "\n"
	body, ct := multipartFile(t, "goods.csv", csv)
	jsonBody, jsonCT := multipartFile(t, "goods.jsonl", jsonl)
	bad := strings.Replace(csv, "45000", "45 000,123", 1)
	withCSRF := func(s *session, ct string) map[string]string {
		return map[string]string{api.CSRFHeader: s.csrf, "Content-Type": ct}
	}
	p.run(t, []scenario{
		{name: "dry run, raw CSV with the token", method: "POST", path: path + "?dry_run=true", bearer: p.token,
			headers: map[string]string{"Content-Type": "text/csv; charset=utf-8"}, body: csv,
			wantStatus: 200, wantContains: []string{`"dry_run":true`}, after: reported(2, 0, 0)},
		{name: "the dry run stored nothing", method: "GET", path: fmt.Sprintf("/api/v1/organizations/%d/listings", p.enterprise.ID),
			session: p.manager, wantStatus: 200, wantContains: []string{`"items":[]`}},
		{name: "raw CSV with the token", method: "POST", path: path, bearer: p.token,
			headers: map[string]string{"Content-Type": "text/csv"}, body: csv, wantStatus: 200, after: reported(2, 0, 0)},
		{name: "multipart, the same file again, by a manager", method: "POST", path: path, session: p.manager,
			headers: withCSRF(p.manager, ct), body: body, wantStatus: 200, after: reported(0, 0, 2)},
		{name: "JSON Lines in multipart", method: "POST", path: path, session: p.admin,
			headers: withCSRF(p.admin, jsonCT), body: jsonBody, wantStatus: 200, after: reported(0, 0, 1)},
		{name: "raw JSON Lines", method: "POST", path: path, bearer: p.token,
			headers: map[string]string{"Content-Type": "application/x-ndjson"}, body: strings.Replace(jsonl, "25000.00", "26000", 1),
			wantStatus: 200, after: reported(0, 1, 0)},
		{name: "a bad row: 422 with the report", method: "POST", path: path, bearer: p.token,
			headers: map[string]string{"Content-Type": "text/csv"}, body: bad, wantStatus: 422, skipErrorCheck: true,
			after: func(t *testing.T, r resp) {
				out := decodeImport(t, r)
				if len(out.Errors) != 1 || out.Errors[0].Row != 3 || out.Errors[0].Column != "price" || out.Error == nil || out.Error.Code != "invalid" {
					t.Errorf("report %s; want one error on row 3, price", r.body)
				}
			}},
		{name: "without the CSRF header", method: "POST", path: path, session: p.manager,
			headers: map[string]string{"Content-Type": ct}, body: body, wantStatus: 403, wantCode: "csrf_failed"},
		{name: "another enterprise's admin: not found", method: "POST", path: path, session: p.otherAdmin,
			headers: withCSRF(p.otherAdmin, ct), body: body, wantStatus: 404, wantCode: "not_found"},
		{name: "a school's requester: not found", method: "POST", path: path, session: p.requester,
			headers: withCSRF(p.requester, ct), body: body, wantStatus: 404, wantCode: "not_found"},
		{name: "the enterprise's workshop master: forbidden", method: "POST", path: path, session: p.master,
			headers: withCSRF(p.master, ct), body: body, wantStatus: 403, wantCode: "forbidden"},
		{name: "another type", method: "POST", path: path, bearer: p.token,
			headers: map[string]string{"Content-Type": "application/pdf"}, body: csv, wantStatus: 415, wantCode: "unsupported_type"},
		{name: "multipart without the file", method: "POST", path: path, session: p.manager,
			headers: withCSRF(p.manager, "multipart/form-data; boundary=x"), body: "--x--\r\n", wantStatus: 422, wantFields: []string{"file"}},
		{name: "a bad dry_run", method: "POST", path: path + "?dry_run=maybe", bearer: p.token,
			headers: map[string]string{"Content-Type": "text/csv"}, body: csv, wantStatus: 422, wantFields: []string{"dry_run"}},
	})
}

// The import route takes bodies over MaxBodyBytes, up to MaxImportBodyBytes; every other
// route keeps MaxBodyBytes.
func TestImportBodyLimit(t *testing.T) {
	p := newProducers(t)
	addr := strings.TrimPrefix(p.listen(t), "http://")
	path := fmt.Sprintf("/api/v1/organizations/%d/listings/import", p.enterprise.ID)
	r := rawRequest(t, addr, fmt.Sprintf("POST %s HTTP/1.1\r\nHost: sheber.test\r\nContent-Type: text/csv\r\n"+
		"Content-Length: %d\r\n\r\n", path, api.MaxImportBodyBytes+1))
	if r.status != http.StatusRequestEntityTooLarge {
		t.Fatalf("an import over the limit: %s", r)
	}
	// Another route with the same size as a large import: refused at MaxBodyBytes.
	r = rawRequest(t, addr, fmt.Sprintf("POST /api/v1/organizations/%d/listings HTTP/1.1\r\nHost: sheber.test\r\nContent-Type: application/json\r\n"+
		"Content-Length: %d\r\n\r\n", p.enterprise.ID, api.MaxBodyBytes+1))
	if r.status != http.StatusRequestEntityTooLarge {
		t.Fatalf("a listing over MaxBodyBytes: %s", r)
	}

	// A file of 1.5 MiB imports.
	var b strings.Builder
	b.WriteString("external_code,title_ru,description_ru,category,unit,price,site_codes\n")
	rows := 0
	for b.Len() < api.MaxBodyBytes*3/2 {
		fmt.Fprintf(&b, "L-%d,Стеллаж,%s,%s,piece,1000,W1\n", rows, strings.Repeat("Металлический стеллаж. ", 150), p.category)
		rows++
	}
	req, err := http.NewRequest("POST", "http://"+addr+path, strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/csv")
	req.Header.Set("Authorization", "Bearer "+p.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(got), fmt.Sprintf(`"created":%d`, rows)) {
		t.Fatalf("a file of %d bytes: %d %s", b.Len(), res.StatusCode, got)
	}
	if b.Len() > catalog.MaxImportBytes {
		t.Fatal("the test file is over the import limit")
	}
}

// No HTTP request becomes the system actor: not with a session, a token, no credentials,
// or headers and cookies that try to claim it.
func TestHTTPNeverYieldsTheSystemActor(t *testing.T) {
	p := newProducers(t)
	p.app.Get("/test/actor", func(c *fiber.Ctx) error {
		a := api.ActorOf(c)
		_, system := a.System()
		return c.JSON(fiber.Map{"system": system, "user": a.UserID, "token": a.TokenID})
	})
	claims := map[string]string{"X-Sheber-System": "catalog import", "X-Actor": "system", "Cookie": "system=1; actor=system"}
	for _, q := range []req{
		{method: "GET", path: "/test/actor"},
		{method: "GET", path: "/test/actor", headers: claims},
		{method: "GET", path: "/test/actor", session: p.manager, headers: claims},
		{method: "GET", path: "/test/actor", session: p.admin},
		{method: "GET", path: "/test/actor", bearer: p.token, headers: claims},
		{method: "GET", path: "/test/actor?system=true&actor=system"},
	} {
		r := p.do(t, q)
		if r.status != 200 || !strings.Contains(r.body, `"system":false`) {
			t.Errorf("%+v: %s; want an actor that is not the system", q, r)
		}
	}
	// Nor does a system actor's import work without credentials.
	path := fmt.Sprintf("/api/v1/organizations/%d/listings/import", p.enterprise.ID)
	r := p.do(t, req{method: "POST", path: path, headers: map[string]string{"Content-Type": "text/csv", "X-Sheber-System": "1"},
		body: "external_code,title_ru\nX-1,Парта\n"})
	if r.status != http.StatusUnauthorized && r.status != http.StatusForbidden {
		t.Errorf("an import with no credentials: %s", r)
	}
}
