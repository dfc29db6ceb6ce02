package frontend

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog"
	"github.com/sheber-kz/sheber/orders"
)

// sampleRequestPages gives the custom request pages data that takes every branch: the
// buyer's and the producer's lists, the new request form clean and with every field
// marked, and the request's page for the buyer (ranking, invitation form, quotes with
// accept buttons, cancel, record), for the buyer after a refused acceptance, for the
// producer before the deadline (quote form with errors), after it and after acceptance.
func sampleRequestPages() map[string][]any {
	at := time.Date(2026, 9, 1, 4, 30, 0, 0, time.UTC) // 09:30 in Almaty
	org := accounts.Organization{ID: 7, Kind: accounts.KindBuyer, Name: accounts.Text{RU: "Школа № 7", KK: "№ 7 мектеп"}, Region: "almaty"}
	ent := accounts.Organization{ID: 9, Kind: accounts.KindProducerEnterprise, Name: accounts.Text{RU: "РГП «Енбек»"}, Region: "karaganda"}
	site := orders.Site{ID: 5, EnterpriseID: 9, Code: "K-WOOD", Name: accounts.Text{RU: "Столярный цех", EN: "Joinery"},
		InstitutionName: accounts.Text{RU: "Учреждение № 29"}, Region: "karaganda", WorkshopKind: accounts.WorkshopWoodwork, WeeklyCapacityHours: 40}
	far := site
	far.ID, far.Name, far.Region = 6, accounts.Text{RU: "Цех № 2"}, "shymkent"
	r := orders.CustomRequest{ID: 3, Number: "CR-2026-000003", BuyerOrgID: 7, BuyerRegion: "almaty", Status: orders.RequestOpen,
		CategoryCode: "furniture-cabinets", Title: "Шкаф по чертежу № 7", Description: "Сосна, 1800×900×450", Quantity: 30, Unit: "piece",
		WantedDate: orders.DateOf(2026, 11, 1), DeliveryAddress: "Алматы, ул. Абая, 1", DeliveryRegion: "almaty", BudgetLineID: 3,
		QuoteDeadline: at.Add(48 * time.Hour), CreatedAt: at, QuoteCount: 2,
		Invitations: []orders.Invitation{{SiteID: 5, EnterpriseID: 9, InvitedAt: at}}}
	quote := orders.CustomQuote{ID: 11, RequestID: 3, SiteID: 5, EnterpriseID: 9, UnitPriceTiyn: 45_000_00, VATIncluded: true,
		PromisedDate: orders.DateOf(2026, 10, 20), LabourHours: 120, Note: "сосна 1 сорта", CreatedAt: at}
	r.Quotes = []orders.CustomQuote{quote}
	ranked := []rankedView{
		{RankedSite: orders.RankedSite{Candidate: orders.Candidate{Site: site, FreeMinutes: 600 * 60, DistanceKm: 210, Record: orders.OnTimeRecord{OnTime: 3, Closed: 4}, Rank: 1},
			Eligible: true, Reasons: []accounts.Text{{RU: "Свободно 600 ч за 8 нед.", EN: "600 h free over the next 8 weeks"}, {RU: "Уже приглашён", EN: "Invited already"}}},
			Producer: ent.Name, Invited: true},
		{RankedSite: orders.RankedSite{Candidate: orders.Candidate{Site: far, DistanceKm: -1, Rank: 2},
			Reasons: []accounts.Text{{RU: "Нет свободной мощности на 8 нед. вперёд"}}}, Producer: ent.Name},
	}
	budget := orders.BudgetLine{ID: 3, OrgID: 7, Year: 2026, Code: "001.015", Name: "Оснащение", AmountTiyn: 1_000_000_00}
	buyer := customRequestPage{Request: r, Buyer: org, Category: accounts.Text{RU: "Шкафы и стеллажи", EN: "Cabinets and shelving"}, BudgetLine: budget,
		BuyerSide: true, CanManage: true, CanInvite: true, Open: true, Ranking: ranked, Done: "created", ListURL: "/orgs/7/custom-requests",
		Invitations: []invitationView{{Invitation: r.Invitations[0], Site: site, Producer: ent.Name}},
		Quotes:      []quoteView{{CustomQuote: quote, Site: site, Producer: ent.Name, AmountTiyn: quote.AmountTiyn(30)}},
		Events: []orders.RequestEvent{{Seq: 1, At: at, Action: orders.ActionRequestCreate, To: "open"},
			{Seq: 2, At: at, Action: orders.ActionInvite, From: "open", To: "open"},
			{Seq: 3, At: at, Action: orders.ActionCancelRequest, From: "open", To: "cancelled", Reason: "не нужно"}}}
	drawings := []orders.Attachment{{ID: 31, RequestID: 3, FileName: "шкаф.pdf", ContentType: "application/pdf", SizeBytes: 120_000},
		{ID: 32, RequestID: 3, FileName: "вид.png", ContentType: "image/png", SizeBytes: 2 << 20, ThumbKey: "attachments/x.jpg", ThumbWidth: 320, ThumbHeight: 240}}
	buyer.Drawings, buyer.CanDraw, buyer.DrawingsLeft = drawings, true, 18
	buyer.MaxDrawingPDF, buyer.MaxDrawingImage = orders.MaxDrawingPDFBytes, orders.MaxDrawingImageBytes
	refused := buyer
	refused.Done = ""
	refused.Ranking = append([]rankedView{ranked[0]}, ranked[1])
	refused.Ranking[1].Checked = true
	refused.Forms = requestForms{Accept: form{Errors: map[string]string{"form": "budget line 001.015 would be overspent"}},
		Invite:   form{Values: map[string]string{"site_ids": "6"}, Errors: map[string]string{"site_ids": "the site is a metalwork workshop"}},
		Cancel:   form{Values: map[string]string{"reason": "x"}, Errors: map[string]string{"reason": "is longer than 1000 characters"}},
		Drawings: form{Errors: map[string]string{"files": "notes.txt: not a PDF"}}}
	ordered := buyer
	ordered.Request.Status, ordered.Request.OrderID, ordered.Request.AcceptedQuoteID = orders.RequestOrdered, 42, 11
	ordered.CanManage, ordered.CanInvite, ordered.Open, ordered.Done, ordered.CanDraw = false, false, false, "", false
	ordered.Quotes = []quoteView{{CustomQuote: quote, Site: site, Producer: ent.Name, AmountTiyn: quote.AmountTiyn(30), Accepted: true}}
	coordinator := buyer
	coordinator.CanManage, coordinator.ListURL, coordinator.Done, coordinator.CanDraw = false, "", "invite", false
	producer := customRequestPage{Request: r, Buyer: org, Category: accounts.Text{RU: "Шкафы и стеллажи"}, Open: true, ListURL: "/orgs/9/invited-requests",
		Invitations: []invitationView{{Invitation: r.Invitations[0], Site: site, Producer: ent.Name}}, QuoteSites: []orders.Site{site, far},
		Today: "2026-09-01", MaxPromise: "2028-08-30", Drawings: drawings,
		Forms: requestForms{Quote: form{Values: map[string]string{"site_id": "6", "unit_price": "дорого", "vat_included": "1", "note": "срочно"},
			Errors: map[string]string{"unit_price": "enter the price in tenge", "promised_date": "must be between today and 104 weeks ahead",
				"labour_hours": "bad", "site_id": "quoted already", "note": "too long", "form": "conflict"}}},
	}
	quoted := producer
	quoted.QuoteSites, quoted.Forms, quoted.Done = nil, requestForms{}, "quote"
	quoted.Quotes = []quoteView{{CustomQuote: quote, Site: site, Producer: ent.Name, AmountTiyn: quote.AmountTiyn(30)}}
	late := quoted
	late.Open, late.Expired, late.Done = false, true, ""
	won := quoted
	won.Request.Status, won.Request.AcceptedQuoteID, won.OwnAccepted, won.Open = orders.RequestOrdered, 11, true, false
	lost := won
	lost.OwnAccepted, lost.Quotes = false, nil
	gone := lost
	gone.Request.Status = orders.RequestCancelled
	cannot := producer
	cannot.QuoteSites, cannot.Forms = nil, requestForms{}

	cats := categoryOptions([]catalog.Category{{Code: "furniture", Name: accounts.Text{RU: "Мебель"}}, {Code: "furniture-cabinets", ParentCode: "furniture", Name: accounts.Text{RU: "Шкафы"}}}, nil, "furniture-cabinets")
	newForm := newRequestPage{Org: org, Categories: cats, Units: catalog.Units, Regions: accounts.Regions, BudgetLines: []orders.BudgetLine{budget},
		MinDate: "2026-09-01", MaxDate: "2028-09-01", MinDeadline: "2026-09-01T10:31", MaxDeadline: "2026-11-30T09:30", MaxTitle: 200, MaxDescription: 10000,
		Form: form{Values: map[string]string{"category": "furniture-cabinets", "unit": "piece", "quantity": "1", "delivery_region": "almaty", "budget_line_id": "3",
			"quote_deadline": "2026-09-08T18:00"}}}
	bad := newForm
	bad.BudgetLines = nil
	bad.Form = form{Values: map[string]string{"title": "", "quantity": "много"}, Errors: map[string]string{}}
	for _, f := range requestFields {
		bad.Form.Errors[f] = "problem with " + f
	}
	bad.Form.Errors["form"] = "validation failed"

	cabinets := map[string]accounts.Text{"furniture-cabinets": {RU: "Шкафы и стеллажи"}}
	expired := r
	expired.ID, expired.QuoteDeadline = 4, at.Add(-time.Hour)
	list := customRequestsPage{Org: org, Requests: []orders.CustomRequest{r, expired}, Categories: cabinets, Statuses: requestStatuses, Status: "open",
		CanCreate: true, Now: at, OlderURL: "/orgs/7/custom-requests?before=4&status=open", NewestURL: "/orgs/7/custom-requests?status=open"}
	invited := customRequestsPage{Org: ent, Invited: true, Requests: []orders.CustomRequest{r}, Categories: map[string]accounts.Text{}, Statuses: requestStatuses, Now: at}
	return map[string][]any{
		pageCustomRequests:   {list, invited, customRequestsPage{Org: org, Statuses: requestStatuses}, customRequestsPage{Org: ent, Invited: true}},
		pageCustomRequestNew: {newForm, bad},
		pageCustomRequest:    {buyer, refused, ordered, coordinator, producer, quoted, late, won, lost, gone, cannot},
	}
}

// customRequestRuntimeKeys are the message keys the custom request pages build at run
// time: the request's states, the notes after a change and the record's actions.
func customRequestRuntimeKeys() []string {
	var keys []string
	for _, s := range requestStatuses {
		keys = append(keys, "request.status_"+string(s))
	}
	for _, n := range requestDone {
		keys = append(keys, "request.done_"+n)
	}
	for _, a := range []orders.Action{orders.ActionRequestCreate, orders.ActionInvite, orders.ActionQuote, orders.ActionAcceptQuote, orders.ActionCancelRequest} {
		keys = append(keys, "event."+string(a))
	}
	return keys
}

func renderPage(t *testing.T, ui *UI, page, lang string, data any) string {
	t.Helper()
	var buf bytes.Buffer
	if err := ui.execute(&buf, page, view{Lang: lang, CSRF: "csrf-token-value", SignedIn: true, Page: data}); err != nil {
		t.Fatalf("%s in %s: %v", page, lang, err)
	}
	return buf.String()
}

// The buyer's request page shows the ranking with every reason, a labelled checkbox per
// site not invited yet (none for the invited one), the quote with its price, amount, date
// and producer and an accept button, the cancellation and the record, in each language.
func TestRequestPageForTheBuyer(t *testing.T) {
	ui := newTestUI(t)
	samples := sampleRequestPages()[pageCustomRequest]
	want := map[string][]string{
		langRU: {"Заявка CR-2026-000003", "Подходящие участки", "Свободно 600 ч за 8 нед.", "Нет свободной мощности на 8 нед. вперёд", "Принять", "с НДС", "Заявка создана"},
		langKK: {"CR-2026-000003 өтінімі", "Қолайлы учаскелер", "Қабылдау", "ҚҚС-мен", "Өтінім жасалды"},
		langEN: {"Custom request CR-2026-000003", "Sites that fit", "600 h free over the next 8 weeks", "Accept", "VAT included", "Request made"},
	}
	for lang, texts := range want {
		html := renderPage(t, ui, pageCustomRequest, lang, samples[0])
		for _, s := range append(texts, formatTenge(lang, 45_000_00), formatTenge(lang, 1_350_000_00), "20.10.2026", "РГП «Енбек»", "210",
			`<input type="checkbox" id="invite-site-6" name="site_id" value="6"><label for="invite-site-6">`,
			`action="/cabinet/custom-requests/3/invite"`, `id="accept-quote-11"`, `name="quote_id" value="11"`,
			`action="/cabinet/custom-requests/3/cancel"`, `id="timeline"`, `03.09.2026 09:30`, `href="/orgs/7/custom-requests"`) {
			if !strings.Contains(html, s) {
				t.Errorf("%s: no %q in the buyer's page", lang, s)
			}
		}
		if strings.Contains(html, `id="invite-site-5"`) {
			t.Errorf("%s: the invited site can be invited again", lang)
		}
		if strings.Contains(html, `id="quote-form"`) {
			t.Errorf("%s: the buyer is offered the producer's quote form", lang)
		}
		// Every reason of every site is listed.
		if n := strings.Count(html, `<ul class="reasons"><li`); n != 2 {
			t.Errorf("%s: %d sites with reasons; want 2", lang, n)
		}
	}

	// The drawings: a PDF and an image with its thumbnail, each linked through the API and
	// with a remove button; the upload form says how many more may come.
	html := renderPage(t, ui, pageCustomRequest, langEN, samples[0])
	for _, s := range []string{`href="/api/v1/attachments/31" download="шкаф.pdf"`, `src="/api/v1/attachments/32/thumbnail" width="320" height="240" alt="Drawing вид.png"`,
		`action="/cabinet/custom-requests/3/drawings/31/remove"`, `enctype="multipart/form-data"`, "You may add 18 more: a PDF up to 20.0\u00a0MB, an image up to 15.0\u00a0MB"} {
		if !strings.Contains(html, s) {
			t.Errorf("no %q in the drawings section", s)
		}
	}
	// A refused acceptance, invitation, cancellation and upload are said next to their forms; the
	// site chosen before is still checked.
	html = renderPage(t, ui, pageCustomRequest, langRU, samples[1])
	for _, s := range []string{`id="e-files-error"`, "notes.txt: not a PDF", `id="accept-error"`, "budget line 001.015 would be overspent", `id="invite-error"`, "the site is a metalwork workshop",
		`id="invite-site-6" name="site_id" value="6" checked`, `id="e-reason" name="reason" type="text" value="x" aria-invalid="true" aria-describedby="e-reason-error"`,
		`id="e-reason-error"`} {
		if !strings.Contains(html, s) {
			t.Errorf("no %q in the page after refusals", s)
		}
	}
	// Once ordered: the order is linked, the accepted quote marked, no forms.
	html = renderPage(t, ui, pageCustomRequest, langEN, samples[2])
	for _, s := range []string{`href="/orders/42" id="request-order"`, "Ordered", `class="row-accepted"`, "Accepted"} {
		if !strings.Contains(html, s) {
			t.Errorf("no %q in the ordered request's page", s)
		}
	}
	for _, s := range []string{`id="accept-quote-11"`, `id="invite-form"`, `id="cancel-form"`, `id="drawings-form"`, `/remove"`} {
		if strings.Contains(html, s) {
			t.Errorf("the ordered request still offers %q", s)
		}
	}
	// The regional coordinator may invite but not accept or cancel.
	html = renderPage(t, ui, pageCustomRequest, langRU, samples[3])
	if !strings.Contains(html, `id="invite-form"`) || strings.Contains(html, `id="accept-quote-11"`) || strings.Contains(html, `id="cancel-form"`) {
		t.Errorf("the coordinator's page: invite %v, accept %v, cancel %v", strings.Contains(html, `id="invite-form"`),
			strings.Contains(html, `id="accept-quote-11"`), strings.Contains(html, `id="cancel-form"`))
	}
}

// The producer's page is read-only but for the quote form, which marks each field's
// problem next to it; after quoting, after the deadline, after acceptance (its own or
// another's) and after cancellation it says where things stand, and it never shows the
// ranking, the record or other producers.
func TestRequestPageForTheProducer(t *testing.T) {
	ui := newTestUI(t)
	samples := sampleRequestPages()[pageCustomRequest]
	html := renderPage(t, ui, pageCustomRequest, langRU, samples[4])
	for _, s := range []string{`action="/cabinet/custom-requests/3/quote"`, `<option value="6" selected>`,
		`id="e-unit_price" name="unit_price" type="text" inputmode="decimal" required value="дорого" aria-describedby="e-unit_price-hint e-unit_price-error" aria-invalid="true"`,
		`id="e-unit_price-error"`, `id="e-promised_date-error"`, `id="e-labour_hours-error"`, `id="e-site_id-error"`, `id="e-note-error"`,
		`min="2026-09-01" max="2028-08-30"`, `id="e-vat_included" name="vat_included" type="checkbox" value="1" checked`, "Количество в заявке: 30",
		"Предложения принимаются до 03.09.2026 09:30", "Шкаф по чертежу № 7", `href="/orgs/9/invited-requests"`} {
		if !strings.Contains(html, s) {
			t.Errorf("no %q in the producer's page", s)
		}
	}
	for _, s := range []string{`id="ranking"`, `id="timeline"`, `id="invite-form"`, `id="accept-quote-`, `id="cancel-form"`, `id="drawings-form"`, `/remove"`} {
		if strings.Contains(html, s) {
			t.Errorf("the producer sees %q", s)
		}
	}
	if !strings.Contains(html, `href="/api/v1/attachments/31" download="шкаф.pdf"`) {
		t.Error("the producer does not see the drawings")
	}
	states := map[int]string{5: "Предложение отправлено покупателю.", 6: "Срок приёма предложений истёк: предложения больше не принимаются.",
		7: "Покупатель принял ваше предложение", 8: "Покупатель принял другое предложение.", 9: "Покупатель отменил заявку.",
		10: "Предложение дают руководители производства предприятия."}
	for i, want := range states {
		html := renderPage(t, ui, pageCustomRequest, langRU, samples[i])
		if !strings.Contains(html, want) {
			t.Errorf("sample %d: no %q", i, want)
		}
		if strings.Contains(html, `id="quote-form"`) {
			t.Errorf("sample %d still offers the quote form", i)
		}
	}
}

// The new request form marks every field the domain refused, next to the field, keeps
// what was typed, and offers the seeded category tree.
func TestNewRequestFormMarksFields(t *testing.T) {
	ui := newTestUI(t)
	samples := sampleRequestPages()[pageCustomRequestNew]
	html := renderPage(t, ui, pageCustomRequestNew, langEN, samples[0])
	for _, s := range []string{`<option value="furniture-cabinets" selected>— Шкафы</option>`, `type="datetime-local" min="2026-09-01T10:31" max="2026-11-30T09:30" required value="2026-09-08T18:00"`,
		`<option value="piece" selected>`, `action="/orgs/7/custom-requests"`, `id="create-request"`} {
		if !strings.Contains(html, s) {
			t.Errorf("no %q in the form", s)
		}
	}
	for _, lang := range languages {
		html := renderPage(t, ui, pageCustomRequestNew, lang, samples[1])
		for _, f := range requestFields {
			if f == "budget_line_id" {
				continue // no budget lines: the field is a message and a link
			}
			if !regexp.MustCompile(`id="e-` + f + `"[^>]*aria-invalid="true"`).MatchString(html) {
				t.Errorf("%s: %s is not marked invalid", lang, f)
			}
		}
		for _, f := range requestFields {
			if !strings.Contains(html, `id="e-`+f+`-error"`) || !strings.Contains(html, "problem with "+f) {
				t.Errorf("%s: no problem next to %s", lang, f)
			}
		}
		if !strings.Contains(html, `value="много"`) {
			t.Errorf("%s: the typed quantity is lost", lang)
		}
	}
}

// The lists show state, deadline and (to the buyer) the number of quotes, and page by id.
func TestRequestListsAndPaging(t *testing.T) {
	ui := newTestUI(t)
	samples := sampleRequestPages()[pageCustomRequests]
	html := renderPage(t, ui, pageCustomRequests, langRU, samples[0])
	for _, s := range []string{`href="/cabinet/custom-requests/3"`, "Приём предложений", "03.09.2026 09:30", "<td>2</td>", "Шкафы и стеллажи",
		"Срок приёма предложений истёк", `href="/orgs/7/custom-requests?before=4&amp;status=open" rel="next" id="older-page"`,
		`href="/orgs/7/custom-requests?status=open" id="newest-page"`, `id="new-request"`} {
		if !strings.Contains(html, s) {
			t.Errorf("no %q in the buyer's list", s)
		}
	}
	html = renderPage(t, ui, pageCustomRequests, langEN, samples[1])
	if strings.Contains(html, "Quotes</th>") || strings.Contains(html, `id="new-request"`) || strings.Contains(html, `id="older-page"`) {
		t.Errorf("the producer's list shows the quote count, the new request button or a page link:\n%s", html)
	}
	orders := ordersPage{Org: accounts.Organization{ID: 7}, OlderURL: "/orgs/7/orders?before=9"}
	if html := renderPage(t, ui, pageOrders, langRU, orders); !strings.Contains(html, `href="/orgs/7/orders?before=9" rel="next"`) {
		t.Error("the order list has no older page link")
	}
	ns := notificationsPage{OlderURL: "/notifications?before=5", NewestURL: "/notifications"}
	if html := renderPage(t, ui, pageNotifications, langKK, ns); !strings.Contains(html, `href="/notifications?before=5" rel="next"`) ||
		!strings.Contains(html, `href="/notifications" id="newest-page"`) {
		t.Error("the notifications page has no page links")
	}
}

func TestPageLinks(t *testing.T) {
	cases := []struct {
		before, older    int64
		value            string
		olderURL, newest string
	}{
		{0, 0, "", "", ""},
		{0, 40, "", "/x?before=40", ""},
		{50, 40, "open", "/x?before=40&status=open", "/x?status=open"},
		{50, 0, "", "", "/x"},
	}
	for _, c := range cases {
		o, n := pageLinks("/x", "status", c.value, c.before, c.older)
		if o != c.olderURL || n != c.newest {
			t.Errorf("pageLinks(%d, %d, %q) = %q, %q; want %q, %q", c.before, c.older, c.value, o, n, c.olderURL, c.newest)
		}
	}
	items := []int64{9, 8, 7}
	if kept, older := pageOf(items, 2, func(i int64) int64 { return i }); len(kept) != 2 || older != 8 {
		t.Errorf("pageOf of 3 by 2 = %v, %d", kept, older)
	}
	if kept, older := pageOf(items, 3, func(i int64) int64 { return i }); len(kept) != 3 || older != 0 {
		t.Errorf("pageOf of 3 by 3 = %v, %d", kept, older)
	}
}

func TestParseDeadline(t *testing.T) {
	got, ok := parseDeadline("2026-09-08T18:00")
	if want := time.Date(2026, 9, 8, 13, 0, 0, 0, time.UTC); !ok || !got.Equal(want) {
		t.Errorf("parseDeadline = %v %v; want %v (18:00 in Almaty)", got, ok, want)
	}
	for _, bad := range []string{"", "2026-09-08", "08.09.2026 18:00", "2026-09-08T25:00", strings.Repeat("9", 100)} {
		if _, ok := parseDeadline(bad); ok {
			t.Errorf("parseDeadline(%q) accepted", bad)
		}
	}
}

func FuzzParseDeadline(f *testing.F) {
	for _, s := range []string{"2026-09-08T18:00", "2026-09-08T18:00:59", "2026-02-30T00:00", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parseDeadline(s)
		if !ok {
			return
		}
		if again := got.In(displayLocation()).Format(quoteDeadlineLayout); !strings.HasPrefix(s, again) {
			t.Fatalf("parseDeadline(%q) = %v, which writes back as %q", s, got, again)
		}
	})
}
