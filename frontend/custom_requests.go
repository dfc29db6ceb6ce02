package frontend

import (
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/api"
	"github.com/sheber-kz/sheber/catalog"
	"github.com/sheber-kz/sheber/orders"
)

// Custom requests in the cabinets (orders/custom.go): the buyer's list of its
// organization's requests and the form for a new one; the producer's list of the
// requests its enterprise is invited to; and a request's page, which both sides and
// oversight share: the item, the ranking of the sites with its reasons and the
// invitation form (for the buyer and the regional coordinator), the quotes with a button
// that accepts one and makes it an order, the producer's quote form, the cancellation and
// the record. Its address, /cabinet/custom-requests/<id>, is the one the domain's e-mails
// link to.

// requestsPageSize is how many custom requests a list page shows; older ones are a link
// away.
const requestsPageSize = 20

// defaultQuoteWindow is where the new request form puts the quote deadline: a week from
// now, at the end of the working day in Almaty.
const (
	defaultQuoteWindow = 7 * 24 * time.Hour
	defaultQuoteHour   = 18
)

// quoteDeadlineLayout is how a datetime-local field writes a moment, in Almaty time.
const quoteDeadlineLayout = "2006-01-02T15:04"

// displayLocation is Asia/Almaty; New has checked that it loads.
var displayLocation = sync.OnceValue(func() *time.Location {
	zone, err := time.LoadLocation(displayZone)
	if err != nil {
		return time.FixedZone(displayZone, 5*60*60)
	}
	return zone
})

func requestPath(id int64, done string) string {
	p := "/cabinet/custom-requests/" + strconv.FormatInt(id, 10)
	if done != "" {
		p += "?done=" + done
	}
	return p
}

// requestStatuses are the list's filter choices.
var requestStatuses = []orders.RequestStatus{orders.RequestOpen, orders.RequestOrdered, orders.RequestCancelled}

// customRequestsPage is the data of a list of custom requests: a buyer organization's
// own, or those a producer enterprise is invited to (Invited).
type customRequestsPage struct {
	Org        accounts.Organization
	Invited    bool
	Requests   []orders.CustomRequest
	Categories map[string]accounts.Text
	Status     string
	Statuses   []orders.RequestStatus
	CanCreate  bool
	Now        time.Time
	// OlderURL continues the list after its last request; NewestURL goes back to the
	// first page. Both "" where there is nothing to go to.
	OlderURL, NewestURL string
}

// Category is the name of category code, or the code.
func (p customRequestsPage) Category(code string) accounts.Text {
	if t, ok := p.Categories[code]; ok {
		return t
	}
	return accounts.Text{RU: code}
}

// Expired reports whether r is open but past its quote deadline.
func (p customRequestsPage) Expired(r orders.CustomRequest) bool {
	return r.Status == orders.RequestOpen && !p.Now.Before(r.QuoteDeadline)
}

func (ui *UI) customRequestsPage(c *fiber.Ctx) error { return ui.renderCustomRequests(c, false) }

func (ui *UI) invitedRequestsPage(c *fiber.Ctx) error { return ui.renderCustomRequests(c, true) }

func (ui *UI) renderCustomRequests(c *fiber.Ctx, invited bool) error {
	svc, orgID, actor, err := ui.ordersCall(c, "id")
	if err != nil {
		return err
	}
	status := orders.RequestStatus(strings.Clone(c.Query("status")))
	if status != "" && !containsRequestStatus(requestStatuses, status) {
		return &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed", Fields: map[string]string{"status": "not a state of a custom request"}}
	}
	before, err := beforeQuery(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	f := orders.RequestFilter{Status: status, BeforeID: before, Limit: requestsPageSize + 1}
	var list []orders.CustomRequest
	if invited {
		list, err = svc.InvitedRequests(ctx, actor, orgID, f)
	} else {
		list, err = svc.Requests(ctx, actor, orgID, f)
	}
	if err != nil {
		return err
	}
	org, err := ui.srv.Accounts.Organization(ctx, actor, orgID)
	if err != nil {
		return err
	}
	cats, err := ui.categoryNames(c)
	if err != nil {
		return err
	}
	tail := "custom-requests"
	if invited {
		tail = "invited-requests"
	}
	page := customRequestsPage{Org: org, Invited: invited, Categories: cats, Status: string(status), Statuses: requestStatuses, Now: ui.now(),
		CanCreate: !invited && allowed(actor, accounts.ActionManage, accounts.ResourceOrders, org)}
	var older int64
	page.Requests, older = pageOf(list, requestsPageSize, func(r orders.CustomRequest) int64 { return r.ID })
	page.OlderURL, page.NewestURL = pageLinks(orgPath(orgID, tail), "status", string(status), before, older)
	return ui.render(c, fiber.StatusOK, pageCustomRequests, ui.newView(c, page))
}

func containsRequestStatus(list []orders.RequestStatus, s orders.RequestStatus) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// categoryNames maps every category's code to its name; empty when the portal serves no
// catalog.
func (ui *UI) categoryNames(c *fiber.Ctx) (map[string]accounts.Text, error) {
	out := map[string]accounts.Text{}
	if ui.srv.Catalog == nil {
		return out, nil
	}
	cats, err := ui.srv.Catalog.Categories(c.UserContext())
	if err != nil {
		return nil, err
	}
	for _, cat := range cats {
		out[cat.Code] = cat.Name
	}
	return out, nil
}

// newRequestPage is the data of the form for a new custom request.
type newRequestPage struct {
	Org         accounts.Organization
	Form        form
	Categories  []facetOption
	Units       []catalog.Unit
	Regions     []accounts.Region
	BudgetLines []orders.BudgetLine
	// The fields' bounds: dates as 2006-01-02, the deadline as 2006-01-02T15:04 in Almaty.
	MinDate, MaxDate         string
	MinDeadline, MaxDeadline string
	MaxTitle, MaxDescription int
}

// requestFields are the new request form's fields, named as the domain names them.
var requestFields = []string{"category", "title", "description", "quantity", "unit", "wanted_date", "delivery_address", "delivery_region",
	"budget_line_id", "quote_deadline"}

func (ui *UI) newRequestForm(c *fiber.Ctx) error {
	return ui.renderNewRequest(c, fiber.StatusOK, form{})
}

// renderNewRequest shows the form f (empty: filled in with the organization's defaults).
func (ui *UI) renderNewRequest(c *fiber.Ctx, status int, f form) error {
	svc, orgID, actor, err := ui.ordersCall(c, "id")
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	org, err := ui.srv.Accounts.Organization(ctx, actor, orgID)
	if err != nil {
		return err
	}
	if org.Kind != accounts.KindBuyer {
		return &accounts.Error{Code: accounts.CodeNotFound, Message: "not found"}
	}
	if err := accounts.Authorize(actor, accounts.ActionManage, accounts.Resource{Kind: accounts.ResourceOrders, OrgID: org.ID, Region: org.Region}); err != nil {
		return err
	}
	lines, err := svc.BudgetLines(ctx, actor, orgID, 0)
	if err != nil {
		return err
	}
	now := ui.now().In(displayLocation())
	if f.Values == nil {
		day := now.Add(defaultQuoteWindow)
		deadline := time.Date(day.Year(), day.Month(), day.Day(), defaultQuoteHour, 0, 0, 0, day.Location())
		f.Values = map[string]string{"delivery_region": org.Region, "unit": string(catalog.UnitPiece), "quantity": "1",
			"quote_deadline": deadline.Format(quoteDeadlineLayout)}
		if len(lines) > 0 {
			f.Values["budget_line_id"] = strconv.FormatInt(lines[0].ID, 10)
		}
	}
	var cats []catalog.Category
	if ui.srv.Catalog != nil {
		if cats, err = ui.srv.Catalog.Categories(ctx); err != nil {
			return err
		}
	}
	today := orders.Today(now)
	// The deadline's bounds are whole minutes inside the domain's window.
	minDeadline := now.Add(orders.MinQuoteWindow + time.Minute).Truncate(time.Minute)
	f = f.withKey()
	page := newRequestPage{Org: org, Form: f, Categories: categoryOptions(cats, nil, f.Value("category")), Units: catalog.Units,
		Regions: accounts.Regions, BudgetLines: lines, MinDate: today.String(), MaxDate: today.AddDays(orders.MaxRequestedDays).String(),
		MinDeadline: minDeadline.Format(quoteDeadlineLayout), MaxDeadline: now.AddDate(0, 0, orders.MaxQuoteDeadlineDays).Format(quoteDeadlineLayout),
		MaxTitle: orders.MaxRequestTitleLength, MaxDescription: orders.MaxRequestDescriptionLength}
	return ui.render(c, status, pageCustomRequestNew, ui.newView(c, page))
}

// createRequest makes a custom request from the form and opens its page, where the
// buyer invites sites.
func (ui *UI) createRequest(c *fiber.Ctx) error {
	svc, orgID, actor, err := ui.ordersCall(c, "id")
	if err != nil {
		return err
	}
	f := form{Values: map[string]string{}, Errors: map[string]string{}}
	for _, name := range requestFields {
		f.Values[name] = formValue(c, name)
		if name != "description" {
			f.Values[name] = strings.TrimSpace(f.Values[name])
		}
		if len([]rune(f.Values[name])) > maxFormFieldLength {
			f.Errors[name] = "too long"
		}
	}
	in := orders.RequestInput{CategoryCode: f.Values["category"], Title: f.Values["title"], Description: f.Values["description"],
		Unit: f.Values["unit"], DeliveryAddress: f.Values["delivery_address"], DeliveryRegion: f.Values["delivery_region"]}
	if n, ok := formInt(c, "quantity"); ok {
		in.Quantity = n
	} else {
		f.Errors["quantity"] = "enter a whole number"
	}
	if s := f.Values["wanted_date"]; s != "" {
		if in.WantedDate, err = orders.ParseDate(s); err != nil {
			f.Errors["wanted_date"] = err.Error()
		}
	}
	if s := f.Values["budget_line_id"]; s != "" {
		in.BudgetLineID, _ = strconv.ParseInt(s, 10, 64)
	}
	deadline, ok := parseDeadline(f.Values["quote_deadline"])
	if !ok {
		f.Errors["quote_deadline"] = "enter a date and time, like 2026-09-01T18:00"
	}
	in.QuoteDeadline = deadline
	if f.HasErrors() {
		return ui.renderNewRequest(c, fiber.StatusUnprocessableEntity, f)
	}
	r, replay, err := svc.CreateRequest(c.UserContext(), actor, orgID, in, formKey(c, actor, f))
	if err == nil && replay != nil { // a second press: the first made it
		r.ID = replay.ResourceID
	}
	if status, fields, ok := formProblem(err); ok {
		for field, problem := range fields {
			if !contains(requestFields, field) {
				field = "form"
			}
			if f.Errors[field] == "" {
				f.Errors[field] = problem
			}
		}
		return ui.renderNewRequest(c, status, f)
	}
	if err != nil {
		return err
	}
	return c.Redirect(requestPath(r.ID, "created"), fiber.StatusSeeOther)
}

// parseDeadline reads a datetime-local value (2006-01-02T15:04, seconds allowed) as a
// moment in Almaty.
func parseDeadline(s string) (time.Time, bool) {
	if len(s) > len("2006-01-02T15:04:05") {
		return time.Time{}, false
	}
	for _, layout := range []string{quoteDeadlineLayout, "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, displayLocation()); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// rankedView is a ranked site with its producer and whether it is invited.
type rankedView struct {
	orders.RankedSite
	Producer accounts.Text
	Invited  bool
	Checked  bool // chosen on a form shown again
}

// quoteView is a quote with who made it and what it costs in all.
type quoteView struct {
	orders.CustomQuote
	Site       orders.Site
	Producer   accounts.Text
	AmountTiyn int64
	Accepted   bool
}

// invitationView is an invited site with its producer.
type invitationView struct {
	orders.Invitation
	Site     orders.Site
	Producer accounts.Text
}

// requestForms are the forms of a request's page, filled in again with their problems.
type requestForms struct {
	Invite, Quote, Accept, Cancel, Drawings form
}

// customRequestPage is the data of a custom request's page.
type customRequestPage struct {
	Request    orders.CustomRequest
	Buyer      accounts.Organization
	Category   accounts.Text
	BudgetLine orders.BudgetLine
	// BuyerSide: the viewer is of the buyer or oversees it, and sees the ranking, every
	// quote and the record. Otherwise the viewer is an invited producer.
	BuyerSide bool
	CanManage bool // accept a quote, cancel: the buyer's requesters, approvers, admins
	CanInvite bool // the buyer's, or the regional coordinator
	// Open: the request takes invitations and quotes; Expired: open but past its deadline.
	Open, Expired bool
	Ranking       []rankedView
	Invitations   []invitationView
	Quotes        []quoteView
	// QuoteSites are the viewer's invited sites that may still quote.
	QuoteSites []orders.Site
	Events     []orders.RequestEvent
	Forms      requestForms
	Done       string
	// ListURL is the list the request is in, for the viewer: the buyer's requests or
	// its enterprise's invitations; "" for oversight.
	ListURL string
	// OwnAccepted: the producer viewing the page made the accepted quote.
	OwnAccepted bool
	// Drawings are the request's drawings (PDFs and images), which everyone who sees the
	// request sees; CanDraw: the viewer adds and removes them (the buyer, while open).
	Drawings []orders.Attachment
	CanDraw  bool
	// DrawingsLeft is how many more drawings the request may have; MaxDrawingPDF and
	// MaxDrawingImage the largest file of each kind, in bytes.
	DrawingsLeft                   int
	MaxDrawingPDF, MaxDrawingImage int64
	// Quote form bounds, 2006-01-02.
	Today, MaxPromise string
}

// OwnQuoted reports whether the producer viewing the page has quoted.
func (p customRequestPage) OwnQuoted() bool { return !p.BuyerSide && len(p.Quotes) > 0 }

// requestDone are the notes a redirect to a request's page may ask for
// (request.done_<note>).
var requestDone = []string{"created", "invite", "quote", "cancel", "drawings", "drawing_removed"}

func (ui *UI) customRequestPage(c *fiber.Ctx) error {
	return ui.renderCustomRequest(c, fiber.StatusOK, requestForms{})
}

// renderCustomRequest shows the request in the path with its forms as forms holds them.
func (ui *UI) renderCustomRequest(c *fiber.Ctx, status int, forms requestForms) error {
	forms.Quote = forms.Quote.withKey()
	svc, id, actor, err := ui.ordersCall(c, "id")
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	r, err := svc.Request(ctx, actor, id)
	if err != nil {
		return err
	}
	now := ui.now()
	buyerRes := accounts.Resource{Kind: accounts.ResourceOrders, OrgID: r.BuyerOrgID, Region: r.BuyerRegion}
	today := orders.Today(now)
	page := customRequestPage{Request: r, Forms: forms, Open: r.Open(now), Expired: r.Status == orders.RequestOpen && !now.Before(r.QuoteDeadline),
		BuyerSide: accounts.Authorize(actor, accounts.ActionView, buyerRes) == nil,
		CanManage: accounts.Authorize(actor, accounts.ActionManage, buyerRes) == nil && r.Status == orders.RequestOpen,
		Today:     today.String(), MaxPromise: today.AddDays(orders.ScheduleHorizonWeeks * 7).String()}
	page.CanInvite = page.Open && orders.MayInvite(actor, r)
	page.CanDraw = page.Open && page.CanManage
	if page.Drawings, err = svc.Drawings(ctx, actor, id); err != nil {
		return err
	}
	page.DrawingsLeft = max(0, orders.MaxDrawingsPerRequest-len(page.Drawings))
	page.MaxDrawingPDF, page.MaxDrawingImage = orders.MaxDrawingPDFBytes, orders.MaxDrawingImageBytes
	if done := c.Query("done"); contains(requestDone, done) {
		page.Done = strings.Clone(done)
	}
	if page.Buyer, err = ui.srv.Accounts.Organization(ctx, actor, r.BuyerOrgID); err != nil {
		return err
	}
	cats, err := ui.categoryNames(c)
	if err != nil {
		return err
	}
	page.Category = cats[r.CategoryCode]
	if page.Category.RU == "" && page.Category.KK == "" && page.Category.EN == "" {
		page.Category = accounts.Text{RU: r.CategoryCode}
	}

	sites := map[int64]orders.Site{}
	var ranked []orders.RankedSite
	if page.BuyerSide {
		if ranked, err = svc.RankSites(ctx, actor, id); err != nil {
			return err
		}
		for _, rs := range ranked {
			sites[rs.Site.ID] = rs.Site
		}
		if page.Events, err = svc.RequestEvents(ctx, actor, id); err != nil {
			return err
		}
		if page.BudgetLine, err = svc.BudgetLine(ctx, actor, r.BudgetLineID); err != nil {
			return err
		}
	} else {
		// An invited producer: its own enterprises' sites, and the forms it may use.
		seen := map[int64]bool{}
		for _, inv := range r.Invitations {
			if seen[inv.EnterpriseID] {
				continue
			}
			seen[inv.EnterpriseID] = true
			if _, member := actor.RoleIn(inv.EnterpriseID); !member {
				continue
			}
			loads, err := svc.Load(ctx, actor, inv.EnterpriseID)
			if err != nil {
				return err
			}
			for _, l := range loads {
				sites[l.Site.ID] = l.Site
			}
		}
		if page.Open {
			for _, inv := range r.Invitations {
				quoted := false
				for _, q := range r.Quotes {
					quoted = quoted || q.SiteID == inv.SiteID
				}
				if !quoted && orders.MayQuote(actor, r, inv.EnterpriseID) {
					site, ok := sites[inv.SiteID]
					if !ok {
						site = orders.Site{ID: inv.SiteID, EnterpriseID: inv.EnterpriseID}
					}
					page.QuoteSites = append(page.QuoteSites, site)
				}
			}
		}
	}

	var entIDs []int64
	for _, rs := range ranked {
		entIDs = append(entIDs, rs.Site.EnterpriseID)
	}
	for _, inv := range r.Invitations {
		entIDs = append(entIDs, inv.EnterpriseID)
	}
	producers := map[int64]accounts.Organization{}
	if ui.srv.Catalog != nil {
		if producers, err = ui.srv.Catalog.Producers(ctx, entIDs); err != nil {
			return err
		}
	}
	siteOf := func(id, ent int64) orders.Site {
		if s, ok := sites[id]; ok {
			return s
		}
		return orders.Site{ID: id, EnterpriseID: ent}
	}
	chosen := map[string]bool{}
	for _, v := range strings.Split(forms.Invite.Value("site_ids"), ",") {
		chosen[v] = true
	}
	for _, rs := range ranked {
		v := rankedView{RankedSite: rs, Producer: producers[rs.Site.EnterpriseID].Name, Checked: chosen[strconv.FormatInt(rs.Site.ID, 10)]}
		for _, inv := range r.Invitations {
			v.Invited = v.Invited || inv.SiteID == rs.Site.ID
		}
		page.Ranking = append(page.Ranking, v)
	}
	for _, inv := range r.Invitations {
		if _, member := actor.RoleIn(inv.EnterpriseID); !page.BuyerSide && !member {
			continue // a producer sees its own invitations, not who else is asked
		}
		page.Invitations = append(page.Invitations, invitationView{Invitation: inv, Site: siteOf(inv.SiteID, inv.EnterpriseID), Producer: producers[inv.EnterpriseID].Name})
	}
	for _, q := range r.Quotes {
		page.Quotes = append(page.Quotes, quoteView{CustomQuote: q, Site: siteOf(q.SiteID, q.EnterpriseID), Producer: producers[q.EnterpriseID].Name,
			AmountTiyn: q.AmountTiyn(r.Quantity), Accepted: q.ID == r.AcceptedQuoteID})
		page.OwnAccepted = page.OwnAccepted || (!page.BuyerSide && q.ID == r.AcceptedQuoteID)
	}
	if _, member := actor.RoleIn(r.BuyerOrgID); member {
		page.ListURL = orgPath(r.BuyerOrgID, "custom-requests")
	} else {
		for _, inv := range r.Invitations {
			if _, member := actor.RoleIn(inv.EnterpriseID); member && page.ListURL == "" {
				page.ListURL = orgPath(inv.EnterpriseID, "invited-requests")
			}
		}
	}
	return ui.render(c, status, pageCustomRequest, ui.newView(c, page))
}

// maxDrawingBytes is the largest drawing file the form reads: the larger of the domain's
// limits for a PDF and an image (the domain checks each by its kind).
const maxDrawingBytes = max(orders.MaxDrawingPDFBytes, orders.MaxDrawingImageBytes)

// addDrawings uploads the form's files as drawings of the request; a refused upload is
// said next to the file field.
func (ui *UI) addDrawings(c *fiber.Ctx) error {
	svc, id, actor, err := ui.ordersCall(c, "id")
	if err != nil {
		return err
	}
	files, err := api.FormFiles(c, "files", maxDrawingBytes)
	if err == nil && len(files) == 0 {
		err = &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed", Fields: map[string]string{"files": "choose at least one file"}}
	}
	if err == nil {
		_, err = svc.AddDrawings(c.UserContext(), actor, id, files)
	}
	if status, problem, ok := uploadProblem(err); ok {
		return ui.renderCustomRequest(c, status, requestForms{Drawings: form{Errors: map[string]string{"files": problem}}})
	}
	if err != nil {
		return err
	}
	return c.Redirect(requestPath(id, "drawings")+"#drawings", fiber.StatusSeeOther)
}

// removeDrawing removes one drawing of the request.
func (ui *UI) removeDrawing(c *fiber.Ctx) error {
	svc, err := ui.ordersService()
	if err != nil {
		return err
	}
	id, err := api.PathID(c, "id")
	if err != nil {
		return err
	}
	drawingID, err := api.PathID(c, "drawingID")
	if err != nil {
		return err
	}
	actor, err := signedIn(c)
	if err != nil {
		return err
	}
	if err := svc.RemoveDrawing(c.UserContext(), actor, id, drawingID); err != nil {
		return err
	}
	return c.Redirect(requestPath(id, "drawing_removed")+"#drawings", fiber.StatusSeeOther)
}

// quoteFields are the quote form's fields; the domain's unit_price_tiyn is the form's
// unit_price, in tenge.
var quoteFields = []string{"site_id", "unit_price", "vat_included", "promised_date", "labour_hours", "note"}

// requestAction carries out the forms of a request's page: invite, quote, accept (which
// opens the new order) and cancel. Problems with what a form sent show the page again
// with the form marked.
func (ui *UI) requestAction(c *fiber.Ctx) error {
	svc, id, actor, err := ui.ordersCall(c, "id")
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	action := c.Params("action")
	var forms requestForms
	f := form{Values: map[string]string{}, Errors: map[string]string{}}
	// show shows the page again with f as the form of this action.
	show := func(status int) error {
		switch action {
		case "invite":
			forms.Invite = f
		case "quote":
			forms.Quote = f
		case "accept":
			forms.Accept = f
		case "cancel":
			forms.Cancel = f
		}
		return ui.renderCustomRequest(c, status, forms)
	}
	// again shows it with the problems err names in fields (a field of a list, like
	// site_ids[2], is the list's; any other is the form's); any other error is the
	// error page's.
	again := func(err error, fields []string, rename map[string]string) error {
		status, problems, ok := formProblem(err)
		if !ok {
			return err
		}
		for field, problem := range problems {
			if i := strings.IndexByte(field, '['); i > 0 {
				field = field[:i]
			}
			if to, ok := rename[field]; ok {
				field = to
			}
			if !contains(fields, field) {
				field = "form"
			}
			if f.Errors[field] == "" {
				f.Errors[field] = problem
			}
		}
		return show(status)
	}
	switch action {
	case "invite":
		var ids []int64
		var raw []string
		for _, b := range c.Context().PostArgs().PeekMulti("site_id") {
			n, err := strconv.ParseInt(string(b), 10, 64)
			if err != nil || n <= 0 || len(ids) >= orders.MaxInvitedSites {
				return again(&accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed",
					Fields: map[string]string{"site_ids": "choose up to " + strconv.Itoa(orders.MaxInvitedSites) + " sites from the list"}}, []string{"site_ids"}, nil)
			}
			ids = append(ids, n)
			raw = append(raw, string(b))
		}
		f.Values["site_ids"] = strings.Join(raw, ",")
		if len(ids) == 0 {
			return again(&accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed",
				Fields: map[string]string{"site_ids": "choose at least one site"}}, []string{"site_ids"}, nil)
		}
		if _, err := svc.Invite(ctx, actor, id, ids); err != nil {
			return again(err, []string{"site_ids"}, nil)
		}
	case "quote":
		for _, name := range quoteFields {
			f.Values[name] = strings.TrimSpace(formValue(c, name))
		}
		in := orders.QuoteInput{VATIncluded: f.Values["vat_included"] == "1", Note: f.Values["note"]}
		in.SiteID, _ = strconv.ParseInt(f.Values["site_id"], 10, 64)
		if tiyn, ok := parseTenge(f.Values["unit_price"]); ok {
			in.UnitPriceTiyn = tiyn
		} else {
			f.Errors["unit_price"] = "enter the price in tenge, like 12 345,67"
		}
		if s := f.Values["promised_date"]; s != "" {
			if in.PromisedDate, err = orders.ParseDate(s); err != nil {
				f.Errors["promised_date"] = err.Error()
			}
		}
		if s := f.Values["labour_hours"]; s != "" {
			n, ok := formInt(c, "labour_hours")
			if !ok {
				f.Errors["labour_hours"] = "enter a whole number of hours"
			}
			in.LabourHours = n
		}
		if len([]rune(in.Note)) > maxFormFieldLength {
			f.Errors["note"] = "too long"
		}
		if f.HasErrors() {
			return show(fiber.StatusUnprocessableEntity)
		}
		if _, _, err := svc.SubmitQuote(ctx, actor, id, in, formKey(c, actor, f)); err != nil {
			return again(err, quoteFields, map[string]string{"unit_price_tiyn": "unit_price"})
		}
	case "accept":
		quoteID, _ := strconv.ParseInt(c.FormValue("quote_id"), 10, 64)
		o, _, err := svc.AcceptQuote(ctx, actor, id, quoteID, nil)
		if accounts.ErrorCode(err) == accounts.CodeConflict {
			// A second press of the button: the first one made the order.
			if r, rerr := svc.Request(ctx, actor, id); rerr == nil && r.Status == orders.RequestOrdered && r.AcceptedQuoteID == quoteID && r.OrderID != 0 {
				return c.Redirect(orderPath(r.OrderID, ""), fiber.StatusSeeOther)
			}
		}
		if err != nil {
			f.Values["quote_id"] = strconv.FormatInt(quoteID, 10)
			return again(err, nil, nil)
		}
		return c.Redirect(orderPath(o.ID, ""), fiber.StatusSeeOther)
	case "cancel":
		f.Values["reason"] = formValue(c, "reason")
		if _, err := svc.CancelRequest(ctx, actor, id, f.Values["reason"]); err != nil {
			return again(err, []string{"reason"}, nil)
		}
	default:
		return &accounts.Error{Code: accounts.CodeNotFound, Message: "not found"}
	}
	return c.Redirect(requestPath(id, action), fiber.StatusSeeOther)
}
