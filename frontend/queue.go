package frontend

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/api"
	"github.com/sheber-kz/sheber/catalog"
	"github.com/sheber-kz/sheber/orders"
)

// The producer's cabinet: the enterprise's queue as a board with a column per state,
// filtered by site and state, the weekly load of each site against its capacity as a
// chart drawn on the server, and a fulfillment order's page with the forms that move it
// on (accept with a promised date, decline with a reason, progress, ready, ship). The
// buyer's forms for a fulfillment (delivered, acceptance, cancel) post to the same
// address and come back to the order's page.

func (ui *UI) now() time.Time { return time.Now() }

// boardColumn is one state's column of the queue board.
type boardColumn struct {
	Status orders.FulfillmentStatus
	Items  []orders.Fulfillment
}

// queuePage is the data of an enterprise's queue.
type queuePage struct {
	Org     accounts.Organization
	Columns []boardColumn
	Charts  []loadChart
	Sites   map[int64]orders.Site
	SiteID  int64
	State   string
	States  []orders.FulfillmentStatus
	Total   int
}

// SiteName is the name of site id, "" if unknown.
func (p queuePage) SiteName(id int64) accounts.Text { return p.Sites[id].Name }

func (ui *UI) queuePage(c *fiber.Ctx) error {
	svc, orgID, actor, err := ui.ordersCall(c, "id")
	if err != nil {
		return err
	}
	q := orders.QueueFilter{}
	v := accounts.Validation{}
	if s := c.Query("site"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			v.Add("site", "not a production site")
		}
		q.SiteID = id
	}
	state := orders.FulfillmentStatus(strings.Clone(c.Query("state")))
	if state != "" {
		if !containsFulfillmentStatus(orders.FulfillmentStatuses, state) {
			v.Add("state", "not a state of a fulfillment order")
		}
		q.Statuses = []orders.FulfillmentStatus{state}
	}
	if err := v.Err(); err != nil {
		return err
	}
	ctx := c.UserContext()
	items, err := svc.Queue(ctx, actor, orgID, q)
	if err != nil {
		return err
	}
	loads, err := svc.Load(ctx, actor, orgID)
	if err != nil {
		return err
	}
	org, err := ui.srv.Accounts.Organization(ctx, actor, orgID)
	if err != nil {
		return err
	}
	page := queuePage{Org: org, Sites: map[int64]orders.Site{}, SiteID: q.SiteID, State: string(state),
		States: orders.FulfillmentStatuses, Total: len(items)}
	for _, l := range loads {
		page.Sites[l.Site.ID] = l.Site
		if q.SiteID == 0 || q.SiteID == l.Site.ID {
			page.Charts = append(page.Charts, newLoadChart(l))
		}
	}
	for _, s := range orders.FulfillmentStatuses {
		if state != "" && s != state {
			continue
		}
		col := boardColumn{Status: s}
		for _, f := range items {
			if f.Status == s {
				col.Items = append(col.Items, f)
			}
		}
		page.Columns = append(page.Columns, col)
	}
	return ui.render(c, fiber.StatusOK, pageQueue, ui.newView(c, page))
}

func containsFulfillmentStatus(list []orders.FulfillmentStatus, s orders.FulfillmentStatus) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// fulfillmentForms says in which states each form of a fulfillment is shown; the
// domain's state machine still decides.
var fulfillmentForms = map[string][]orders.FulfillmentStatus{
	"confirm":  {orders.FulfillmentRouted},
	"decline":  {orders.FulfillmentRouted},
	"progress": {orders.FulfillmentConfirmed, orders.FulfillmentInProduction, orders.FulfillmentRework},
	"ready":    {orders.FulfillmentConfirmed, orders.FulfillmentInProduction, orders.FulfillmentRework},
	"ship":     {orders.FulfillmentConfirmed, orders.FulfillmentInProduction, orders.FulfillmentRework, orders.FulfillmentReady},
	"accept":   {orders.FulfillmentInProduction, orders.FulfillmentRework, orders.FulfillmentReady, orders.FulfillmentShipped, orders.FulfillmentDelivered},
	"cancel": {orders.FulfillmentRouted, orders.FulfillmentReturned, orders.FulfillmentConfirmed, orders.FulfillmentInProduction,
		orders.FulfillmentRework, orders.FulfillmentReady, orders.FulfillmentShipped, orders.FulfillmentDelivered},
}

// fulfillmentView is a fulfillment with what the viewer may do to it.
type fulfillmentView struct {
	orders.Fulfillment
	Producer bool   // the viewer runs the producer's side
	Buyer    bool   // the viewer acts for the buyer
	Next     string // the page the forms come back to
	CSRF     string
	Today    string
	MaxDate  string
}

// Shows reports whether the form for action is shown: the viewer's side has it and the
// state allows it.
func (v fulfillmentView) Shows(action string) bool {
	switch action {
	case "confirm", "decline", "progress", "ready", "ship":
		if !v.Producer {
			return false
		}
	case "deliver", "accept":
		if !v.Buyer {
			return false
		}
	case "cancel":
		if !v.Producer && !v.Buyer {
			return false
		}
		// The producer's side can only ask to cancel work it took on; a part it has not
		// accepted is declined instead.
		if v.Producer && (v.Status == orders.FulfillmentRouted || v.Status == orders.FulfillmentReturned) {
			return false
		}
	}
	if action == "deliver" {
		return v.Undelivered() > 0 && !v.Status.Terminal()
	}
	if action == "accept" && v.Awaiting() == 0 {
		return false
	}
	return containsFulfillmentStatus(fulfillmentForms[action], v.Status)
}

// Undelivered is how many shipped units are not delivered yet.
func (v fulfillmentView) Undelivered() int {
	n := 0
	for _, l := range v.Lines {
		n += l.Shipped - l.Delivered
	}
	return n
}

// Awaiting is how many delivered units wait for the buyer's acceptance.
func (v fulfillmentView) Awaiting() int {
	n := 0
	for _, l := range v.Lines {
		n += l.AwaitingAcceptance()
	}
	return n
}

// newFulfillmentView decides what actor may do to f; next is where its forms return.
func (ui *UI) newFulfillmentView(c *fiber.Ctx, actor accounts.Actor, f orders.Fulfillment, next string) fulfillmentView {
	today := orders.Today(ui.now())
	return fulfillmentView{Fulfillment: f, Next: next, CSRF: ui.srv.CSRFToken(c), Today: today.String(), MaxDate: today.AddDays(orders.ScheduleHorizonWeeks * 7).String(),
		Producer: accounts.Authorize(actor, accounts.ActionManage, f.Resource()) == nil,
		Buyer: accounts.Authorize(actor, accounts.ActionManage,
			accounts.Resource{Kind: accounts.ResourceOrders, OrgID: f.BuyerOrgID, Region: f.BuyerRegion}) == nil}
}

// fulfillmentPage is the data of a fulfillment order's page.
type fulfillmentPage struct {
	F    fulfillmentView
	Site orders.Site
	Done string
	// Payments are its invoices and payments, read only here (the buyer records them on
	// the order page).
	Payments *settlementView
	// Acceptances are the buyer's acceptances with their photos, newest first.
	Acceptances []acceptanceView
}

// acceptanceView is an acceptance with its photos and whether the viewer may change them.
type acceptanceView struct {
	orders.AcceptanceRecord
	Editable bool // the buyer's, within orders.AcceptancePhotoWindow
}

// fulfillmentDone are the notes a redirect to a fulfillment's page may ask for.
var fulfillmentDone = []string{"confirm", "decline", "progress", "ready", "ship", "deliver", "accept", "cancel", "photos", "remove_photo"}

func (ui *UI) fulfillmentPage(c *fiber.Ctx) error {
	svc, id, actor, err := ui.ordersCall(c, "id")
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	f, err := svc.Fulfillment(ctx, actor, id)
	if err != nil {
		return err
	}
	page := fulfillmentPage{F: ui.newFulfillmentView(c, actor, f, "/fulfillments/"+strconv.FormatInt(id, 10))}
	if done := c.Query("done"); contains(fulfillmentDone, done) {
		page.Done = strings.Clone(done)
	}
	if page.F.Producer || accounts.Authorize(actor, accounts.ActionView, f.Resource()) == nil {
		loads, err := svc.Load(ctx, actor, f.EnterpriseID)
		if err != nil {
			return err
		}
		for _, l := range loads {
			if l.Site.ID == f.SiteID {
				page.Site = l.Site
			}
		}
	}
	st, err := svc.Settlement(ctx, actor, id)
	if err != nil {
		return err
	}
	page.Payments = &settlementView{Settlement: st}
	recs, err := svc.Acceptances(ctx, actor, id)
	if err != nil {
		return err
	}
	now := ui.now()
	for i := len(recs) - 1; i >= 0; i-- {
		page.Acceptances = append(page.Acceptances, acceptanceView{AcceptanceRecord: recs[i], Editable: page.F.Buyer && now.Before(recs[i].EditableUntil)})
	}
	return ui.render(c, fiber.StatusOK, pageFulfillment, ui.newView(c, page))
}

// lineUnits reads the per-line unit fields prefix<order line id> of f's lines; empty and
// zero fields are left out.
func lineUnits(c *fiber.Ctx, f orders.Fulfillment, prefix string) ([]orders.LineUnits, error) {
	var out []orders.LineUnits
	for _, l := range f.Lines {
		name := prefix + strconv.FormatInt(l.OrderLineID, 10)
		if strings.TrimSpace(c.FormValue(name)) == "" {
			continue
		}
		n, ok := formInt(c, name)
		if !ok || n < 0 {
			return nil, &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed", Fields: map[string]string{name: "enter a whole number"}}
		}
		if n > 0 {
			out = append(out, orders.LineUnits{OrderLineID: l.OrderLineID, Units: n})
		}
	}
	return out, nil
}

// fulfillmentAction carries out a fulfillment's forms, for either side, and goes back to
// the page the form was on.
func (ui *UI) fulfillmentAction(c *fiber.Ctx) error {
	svc, id, actor, err := ui.ordersCall(c, "id")
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	action := c.Params("action")
	if !contains(fulfillmentDone, action) {
		return &accounts.Error{Code: accounts.CodeNotFound, Message: "not found"}
	}
	f, err := svc.Fulfillment(ctx, actor, id)
	if err != nil {
		return err
	}
	reason := formValue(c, "reason")
	switch action {
	case "confirm":
		var promise orders.Date
		if s := strings.TrimSpace(c.FormValue("promised_date")); s != "" {
			if promise, err = orders.ParseDate(s); err != nil {
				return &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed", Fields: map[string]string{"promised_date": err.Error()}}
			}
		}
		_, err = svc.Confirm(ctx, actor, id, promise)
	case "decline":
		_, err = svc.Decline(ctx, actor, id, reason)
	case "progress":
		var units []orders.LineUnits
		if units, err = lineUnits(c, f, "units_"); err == nil {
			_, err = svc.Progress(ctx, actor, id, units)
		}
	case "ready":
		_, err = svc.MarkReady(ctx, actor, id)
	case "ship":
		var units []orders.LineUnits
		if units, err = lineUnits(c, f, "ship_"); err == nil {
			_, _, err = svc.Ship(ctx, actor, id, orders.ShipmentInput{Waybill: formValue(c, "waybill"), Lines: units}, nil)
		}
	case "deliver":
		_, err = svc.Deliver(ctx, actor, id)
	case "accept":
		in := orders.AcceptanceInput{DefectReason: formValue(c, "defect_reason")}
		for _, l := range f.Lines {
			suffix := strconv.FormatInt(l.OrderLineID, 10)
			acc, ok1 := formInt(c, "accepted_"+suffix)
			rej, ok2 := formInt(c, "rejected_"+suffix)
			if strings.TrimSpace(c.FormValue("rejected_"+suffix)) == "" {
				rej, ok2 = 0, true
			}
			if !ok1 || !ok2 {
				return &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed", Fields: map[string]string{"accepted_" + suffix: "enter whole numbers"}}
			}
			if acc > 0 || rej > 0 {
				in.Lines = append(in.Lines, orders.AcceptanceLine{OrderLineID: l.OrderLineID, Accepted: acc, Rejected: rej})
			}
		}
		// The form's photos (a multipart form; none without them) go with the acceptance.
		var photos []catalog.Upload
		if photos, err = api.FormFiles(c, "photos", orders.MaxPhotoBytes); err == nil {
			_, _, err = svc.AcceptWithPhotos(ctx, actor, id, in, photos)
		}
	case "photos":
		accID, _ := strconv.ParseInt(c.FormValue("acceptance_id"), 10, 64)
		var photos []catalog.Upload
		if photos, err = api.FormFiles(c, "photos", orders.MaxPhotoBytes); err == nil {
			_, err = svc.AddPhotos(ctx, actor, id, accID, photos)
		}
	case "remove_photo":
		accID, _ := strconv.ParseInt(c.FormValue("acceptance_id"), 10, 64)
		photoID, _ := strconv.ParseInt(c.FormValue("photo_id"), 10, 64)
		err = svc.RemovePhoto(ctx, actor, id, accID, photoID)
	case "cancel":
		side := orders.SideBuyer
		if c.FormValue("side") == string(orders.SideProducer) {
			side = orders.SideProducer
		}
		_, err = svc.Cancel(ctx, actor, id, side, reason)
	}
	if err != nil {
		return err
	}
	next := safeNext(c.FormValue("next"), "/fulfillments/"+strconv.FormatInt(id, 10))
	if i := strings.IndexByte(next, '?'); i >= 0 {
		next = next[:i]
	}
	return c.Redirect(next+"?done="+action, fiber.StatusSeeOther)
}
