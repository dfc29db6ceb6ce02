package frontend_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/orders"
)

var requestLocation = regexp.MustCompile(`^/cabinet/custom-requests/(\d+)\?done=created$`)

// formKeyOf returns the form key of the (first) create form on page p.
func formKeyOf(t *testing.T, p page) string {
	t.Helper()
	m := regexp.MustCompile(`name="form_key" value="([0-9a-f]{32})"`).FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no form key on the page:\n%s", p.body)
	}
	return m[1]
}

// A custom request in the cabinets, without JavaScript: the requester's form marks a
// missing title and a deadline too soon and keeps what was typed; the request's page
// ranks the producer's site with its reasons; a made-up site is refused next to the
// invitation form; the site is invited; a file that is no drawing is refused next to the
// upload field and a PDF drawing is added and served (to the invited producer too, who
// cannot change it; not to another school); the producer finds the request in its list of
// invitations, its quote form marks a bad price, then takes the quote; the regional
// coordinator can invite but not accept; another school and an uninvited producer see
// nothing; the requester removes the drawing, accepts the quote and lands on the new
// order's page; a second press leads to the same order; afterwards the producer's page
// says its quote won and the forms are gone.
func TestCustomRequestInTheCabinets(t *testing.T) {
	e := newEnv(t)
	s := e.shop(t)
	ctx := context.Background()
	school := e.org(t, accounts.Text{RU: "Школа № 5"})
	other := e.org(t, accounts.Text{RU: "Школа № 6"})
	e.user(t, "req@school5.kz", "Айгерим", school, accounts.RoleRequester)
	e.user(t, "req@school6.kz", "Ерлан", other, accounts.RoleRequester)
	duis := accounts.Organization{BIN: newBIN(t), Kind: accounts.KindOversight, Subtype: accounts.Subtypes[accounts.KindOversight][0],
		Name: accounts.Text{RU: "ДУИС по г. Алматы"}, Region: "almaty"}
	if err := e.store.CreateOrganization(ctx, &duis); err != nil {
		t.Fatal(err)
	}
	e.user(t, "inspector@duis.kz", "Нурлан", duis, accounts.RoleInspector)
	stranger := e.orgOf(t, accounts.KindProducerEnterprise, accounts.Text{RU: "РГП «Третий»"})
	e.user(t, "manager@third.kz", "Марат", stranger, accounts.RoleProducerManager)
	budget := orders.BudgetLine{OrgID: school.ID, Year: orders.Today(time.Now()).Time().Year(), Code: "001.015", Name: "Оснащение", AmountTiyn: 10_000_000_00}
	if err := e.ord.Store.CreateBudgetLine(ctx, &budget); err != nil {
		t.Fatal(err)
	}
	org := func(tail string) string { return fmt.Sprintf("/orgs/%d/%s", school.ID, tail) }

	req := newBrowser(t, e.app)
	signIn(t, req, "req@school5.kz")
	req.get("/cabinet").expect(t, http.StatusOK, `href="`+org("custom-requests")+`"`)
	req.get(org("custom-requests")).expect(t, http.StatusOK, `id="requests-none"`, `href="`+org("custom-requests/new")+`"`)
	p := req.get(org("custom-requests/new"))
	p.expect(t, http.StatusOK, `<option value="furniture-cabinets">— `, `name="quote_deadline"`, fmt.Sprintf(`<option value="%d" selected>`, budget.ID))
	soon := time.Now().In(almaty(t)).Add(10 * time.Minute).Format("2006-01-02T15:04")
	form := url.Values{"_csrf": {p.csrf(t)}, "category": {"furniture-cabinets"}, "title": {" "}, "description": {"Сосна, 1800×900×450"},
		"quantity": {"30"}, "unit": {"piece"}, "delivery_address": {"Алматы, ул. Абая, 1"}, "delivery_region": {"almaty"},
		"budget_line_id": {strconv.FormatInt(budget.ID, 10)}, "quote_deadline": {soon}}
	p = req.post(org("custom-requests"), form)
	p.expect(t, http.StatusUnprocessableEntity, `id="e-title-error"`, `id="e-quote_deadline-error"`, "Сосна, 1800×900×450", `value="`+soon+`"`)
	form.Set("title", "Шкаф по чертежу № 7")
	form.Set("quote_deadline", time.Now().In(almaty(t)).Add(72*time.Hour).Format("2006-01-02T15:04"))
	form.Set("form_key", formKeyOf(t, p))
	p = req.post(org("custom-requests"), form)
	m := requestLocation.FindStringSubmatch(p.Header.Get("Location"))
	if p.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("making the request: %d to %q\n%s", p.StatusCode, p.Header.Get("Location"), p.body)
	}
	// A second press of the button (the same form key) opens the request the first made.
	req.post(org("custom-requests"), form).expectRedirect(t, p.Header.Get("Location"))
	path := "/cabinet/custom-requests/" + m[1]
	siteID := strconv.FormatInt(s.site.ID, 10)
	p = req.get(path + "?done=created")
	p.expect(t, http.StatusOK, "Заявка создана", `id="rank-site-`+siteID+`"`, "Вид цеха «woodwork» соответствует категории", "В срок 0 из 0 завершённых заказов",
		`id="invite-site-`+siteID+`"`, `id="quotes-none"`, `id="cancel-form"`, `id="timeline"`)
	tok := p.csrf(t)
	req.post(path+"/invite", url.Values{"_csrf": {tok}, "site_id": {"99999999"}}).expect(t, http.StatusUnprocessableEntity, `id="invite-error"`, "no such production site")
	req.post(path+"/invite", url.Values{"_csrf": {tok}}).expect(t, http.StatusUnprocessableEntity, `id="invite-error"`)
	req.post(path+"/invite", url.Values{"_csrf": {tok}, "site_id": {siteID}}).expectRedirect(t, path+"?done=invite")

	// Drawings: a file that is no drawing is refused next to the file field; a PDF is
	// added, listed and served to the buyer; the producer sees it later without the forms.
	pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
	req.postFiles(path+"/drawings", tok, "files", map[string][]byte{"notes.txt": []byte("hello")}).
		expect(t, http.StatusUnsupportedMediaType, `id="e-files-error"`, `id="drawings-form"`)
	req.postFiles(path+"/drawings", tok, "files", map[string][]byte{"шкаф.pdf": pdf}).expectRedirect(t, path+"?done=drawings#drawings")
	p = req.get(path)
	p.expect(t, http.StatusOK, `id="drawing-list"`, "шкаф.pdf")
	dm := regexp.MustCompile(`href="(/api/v1/attachments/(\d+))" download`).FindStringSubmatch(p.body)
	if dm == nil {
		t.Fatalf("no drawing link:\n%s", p.body)
	}
	if got := req.get(dm[1]); got.StatusCode != http.StatusOK || got.body != string(pdf) {
		t.Errorf("the drawing is served with %d, %d bytes", got.StatusCode, len(got.body))
	}
	drawingRemove := path + "/drawings/" + dm[2] + "/remove"
	req.get(path).expect(t, http.StatusOK, "Уже приглашён", `id="invitations"`)

	// Nobody else sees it; the coordinator of the region may invite, not accept.
	out := newBrowser(t, e.app)
	signIn(t, out, "req@school6.kz")
	out.get(path).expect(t, http.StatusNotFound)
	out.get(org("custom-requests")).expect(t, http.StatusNotFound)
	third := newBrowser(t, e.app)
	signIn(t, third, "manager@third.kz")
	third.get(path).expect(t, http.StatusNotFound)
	insp := newBrowser(t, e.app)
	signIn(t, insp, "inspector@duis.kz")
	p = insp.get(path)
	p.expect(t, http.StatusOK, `id="invite-form"`, `id="ranking"`)
	if regexp.MustCompile(`id="accept-quote-|id="cancel-form"`).MatchString(p.body) {
		t.Error("the coordinator is offered to accept or cancel")
	}

	// The producer: the invitation, a refused quote, a quote.
	mgr := newBrowser(t, e.app)
	signIn(t, mgr, s.managerEmail)
	invited := fmt.Sprintf("/orgs/%d/invited-requests", s.enterprise.ID)
	mgr.get(invited).expect(t, http.StatusOK, `href="`+path+`"`, "Шкаф по чертежу № 7")
	p = mgr.get(path)
	p.expect(t, http.StatusOK, `id="quote-form"`, `<option value="`+siteID+`"`, "шкаф.pdf")
	if regexp.MustCompile(`id="drawings-form"|/remove"`).MatchString(p.body) {
		t.Error("the producer is offered to change the drawings")
	}
	if got := mgr.get(dm[1]); got.StatusCode != http.StatusOK {
		t.Errorf("the invited producer cannot read the drawing: %d", got.StatusCode)
	}
	mgr.post(drawingRemove, url.Values{"_csrf": {p.csrf(t)}}).expect(t, http.StatusForbidden)
	out.get(dm[1]).expect(t, http.StatusNotFound)
	for _, hidden := range []string{`id="ranking"`, `id="timeline"`, `id="invite-form"`} {
		if regexp.MustCompile(regexp.QuoteMeta(hidden)).MatchString(p.body) {
			t.Errorf("the producer sees %s", hidden)
		}
	}
	promise := orders.Today(time.Now()).AddDays(30).String()
	quote := url.Values{"_csrf": {p.csrf(t)}, "site_id": {siteID}, "unit_price": {"дорого"}, "vat_included": {"1"}, "promised_date": {promise},
		"labour_hours": {"120"}, "note": {"сосна 1 сорта"}}
	mgr.post(path+"/quote", quote).expect(t, http.StatusUnprocessableEntity, `id="e-unit_price-error"`, `value="дорого"`, "сосна 1 сорта")
	quote.Set("unit_price", "45 000")
	quote.Set("form_key", formKeyOf(t, p))
	mgr.post(path+"/quote", quote).expectRedirect(t, path+"?done=quote")
	mgr.post(path+"/quote", quote).expectRedirect(t, path+"?done=quote") // a second press
	mgr.get(path+"?done=quote").expect(t, http.StatusOK, "Предложение отправлено покупателю", "Все ваши приглашённые участки уже дали предложение", "45\u00a0000\u00a0₸", "1\u00a0350\u00a0000\u00a0₸")
	mgr.post(path+"/accept", url.Values{"_csrf": {p.csrf(t)}, "quote_id": {"1"}}).expect(t, http.StatusNotFound)

	// The buyer removes the drawing and accepts the quote, and is taken to the order.
	req.post(drawingRemove, url.Values{"_csrf": {tok}}).expectRedirect(t, path+"?done=drawing_removed#drawings")
	req.get(path).expect(t, http.StatusOK, `id="drawings-none"`)
	p = req.get(org("custom-requests"))
	p.expect(t, http.StatusOK, `href="`+path+`"`, "<td>1</td>")
	p = req.get(path)
	qm := regexp.MustCompile(`id="accept-quote-(\d+)"`).FindStringSubmatch(p.body)
	if qm == nil {
		t.Fatalf("no accept button:\n%s", p.body)
	}
	p.expect(t, http.StatusOK, "РГП «Енбек»", "45\u00a0000\u00a0₸")
	p = req.post(path+"/accept", url.Values{"_csrf": {p.csrf(t)}, "quote_id": {qm[1]}})
	om := regexp.MustCompile(`^/orders/(\d+)$`).FindStringSubmatch(p.Header.Get("Location"))
	if p.StatusCode != http.StatusSeeOther || om == nil {
		t.Fatalf("accepting: %d to %q\n%s", p.StatusCode, p.Header.Get("Location"), p.body)
	}
	req.post(path+"/accept", url.Values{"_csrf": {tok}, "quote_id": {qm[1]}}).expectRedirect(t, "/orders/"+om[1])
	req.get("/orders/"+om[1]).expect(t, http.StatusOK, `id="order-state" class="status status-submitted"`, "Шкаф по чертежу № 7", `class="group fulfillment"`)
	p = req.get(path)
	p.expect(t, http.StatusOK, `href="/orders/`+om[1]+`" id="request-order"`, `class="row-accepted"`)
	if regexp.MustCompile(`id="accept-quote-|id="cancel-form"|id="invite-form"`).MatchString(p.body) {
		t.Error("the ordered request still offers its forms")
	}
	mgr.get(path).expect(t, http.StatusOK, "Покупатель принял ваше предложение")

	// A second request, cancelled with a reason.
	p = req.get(org("custom-requests/new"))
	form.Set("_csrf", p.csrf(t))
	if key := formKeyOf(t, p); key == form.Get("form_key") {
		t.Fatalf("the form shown again has the key %s of the request it made", key)
	} else {
		form.Set("form_key", key) // a new form: a new request
	}
	p = req.post(org("custom-requests"), form)
	m = requestLocation.FindStringSubmatch(p.Header.Get("Location"))
	if m == nil {
		t.Fatalf("the second request: %d to %q", p.StatusCode, p.Header.Get("Location"))
	}
	second := "/cabinet/custom-requests/" + m[1]
	req.post(second+"/cancel", url.Values{"_csrf": {tok}, "reason": {"не нужно"}}).expectRedirect(t, second+"?done=cancel")
	req.get(second).expect(t, http.StatusOK, `id="request-state" class="status status-cancelled"`, "не нужно")
	req.get(org("custom-requests?status=cancelled")).expect(t, http.StatusOK, `href="`+second+`"`)
	req.get(org("custom-requests?status=nonsense")).expect(t, http.StatusUnprocessableEntity)
	req.get(org("custom-requests?before=x")).expect(t, http.StatusUnprocessableEntity)
}

// postFiles sends a multipart form with the CSRF token and files in field, as a
// browser's upload form does.
func (b *browser) postFiles(path, csrf, field string, files map[string][]byte) page {
	b.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	if err := w.WriteField("_csrf", csrf); err != nil {
		b.t.Fatal(err)
	}
	for name, data := range files {
		part, err := w.CreateFormFile(field, name)
		if err != nil {
			b.t.Fatal(err)
		}
		if _, err := part.Write(data); err != nil {
			b.t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.do(req)
}

func almaty(t *testing.T) *time.Location {
	t.Helper()
	zone, err := time.LoadLocation("Asia/Almaty")
	if err != nil {
		t.Fatal(err)
	}
	return zone
}
