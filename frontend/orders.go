package frontend

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/api"
	"github.com/sheber-kz/sheber/orders"
)

// The buyer's cabinet: the cart (filled from product pages), the order form, which makes
// a draft order whose page shows the procurement route and the promised dates before it
// is submitted, the approvals inbox, the order list, an order's page with its
// fulfillments, the buyer's forms for them and the timeline of its record, and the budget
// lines. Every change is a POST answered by a redirect; the domain decides every change,
// the pages only hide the controls that would be refused.

// ordersService is the orders domain, or an error page when the portal serves no orders.
func (ui *UI) ordersService() (*orders.Service, error) {
	if ui.srv.Orders == nil {
		return nil, &accounts.Error{Code: accounts.CodeUnavailable, Message: "orders are not served here"}
	}
	return ui.srv.Orders, nil
}

// ordersCall is how an orders page begins: the orders service, the id in the path's
// param and the signed-in actor, refusing in that order what is missing.
func (ui *UI) ordersCall(c *fiber.Ctx, param string) (*orders.Service, int64, accounts.Actor, error) {
	svc, err := ui.ordersService()
	if err != nil {
		return nil, 0, accounts.Actor{}, err
	}
	id, err := api.PathID(c, param)
	if err != nil {
		return nil, 0, accounts.Actor{}, err
	}
	actor, err := signedIn(c)
	if err != nil {
		return nil, 0, accounts.Actor{}, err
	}
	return svc, id, actor, nil
}

// signedIn returns the actor, refusing anonymous visitors (a GET is sent to sign in).
func signedIn(c *fiber.Ctx) (accounts.Actor, error) {
	a := api.ActorOf(c)
	if a.Anonymous() {
		return a, &accounts.Error{Code: accounts.CodeUnauthenticated, Message: "sign in first"}
	}
	return a, nil
}

// allowed reports whether a may do action to resources of kind in org; the pages show
// only the controls that will work.
func allowed(a accounts.Actor, action accounts.Action, kind accounts.ResourceKind, org accounts.Organization) bool {
	return accounts.Authorize(a, action, accounts.Resource{Kind: kind, OrgID: org.ID, Region: org.Region}) == nil
}

// cartOrgs are the buyer organizations in which a may fill a cart.
func cartOrgs(a accounts.Actor) []accounts.Member {
	var out []accounts.Member
	for _, m := range a.Memberships {
		if m.OrgKind == accounts.KindBuyer && accounts.Authorize(a, accounts.ActionManage,
			accounts.Resource{Kind: accounts.ResourceOrders, OrgID: m.OrgID, Region: m.Region}) == nil {
			out = append(out, m)
		}
	}
	return out
}

func orgPath(orgID int64, tail string) string {
	return "/orgs/" + strconv.FormatInt(orgID, 10) + "/" + tail
}

func orderPath(id int64, done string) string {
	p := "/orders/" + strconv.FormatInt(id, 10)
	if done != "" {
		p += "?done=" + done
	}
	return p
}

// formInt reads a whole number from a form field; ok is false if it is not one.
func formInt(c *fiber.Ctx, name string) (int, bool) {
	n, err := strconv.Atoi(strings.ReplaceAll(strings.TrimSpace(c.FormValue(name)), " ", ""))
	return n, err == nil
}

// addToCart puts the quantity a product page's form asks for into the chosen
// organization's cart, on top of what it holds of the listing already.
func (ui *UI) addToCart(c *fiber.Ctx) error {
	svc, listingID, actor, err := ui.ordersCall(c, "id")
	if err != nil {
		return err
	}
	orgID, err := strconv.ParseInt(c.FormValue("org_id"), 10, 64)
	if err != nil || orgID <= 0 {
		return &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed", Fields: map[string]string{"org_id": "choose an organization"}}
	}
	qty, ok := formInt(c, "quantity")
	if !ok || qty < 1 {
		return &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed", Fields: map[string]string{"quantity": "enter a whole number of at least 1"}}
	}
	ctx := c.UserContext()
	cart, err := svc.Cart(ctx, actor, orgID)
	if err != nil {
		return err
	}
	for _, it := range cart {
		if it.ListingID == listingID {
			qty += it.Quantity
		}
	}
	if _, err := svc.SetCartItem(ctx, actor, orgID, listingID, qty); err != nil {
		return err
	}
	return c.Redirect(orgPath(orgID, "cart?added=1"), fiber.StatusSeeOther)
}

// cartLine is a cart item with its amount.
type cartLine struct {
	orders.CartItem
	AmountTiyn int64
}

// cartPage is the data of a buyer organization's cart and order form.
type cartPage struct {
	Org         accounts.Organization
	Lines       []cartLine
	TotalTiyn   int64
	BudgetLines []orders.BudgetLine
	Regions     []accounts.Region
	Form        form
	Added       bool
	MinDate     string // the order form's date bounds, 2006-01-02
	MaxDate     string
}

func (ui *UI) cartPage(c *fiber.Ctx) error {
	return ui.renderCart(c, fiber.StatusOK, form{})
}

// renderCart shows the cart of the organization in the path with the order form f (empty:
// filled in with the organization's defaults).
func (ui *UI) renderCart(c *fiber.Ctx, status int, f form) error {
	svc, orgID, actor, err := ui.ordersCall(c, "id")
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	items, err := svc.Cart(ctx, actor, orgID)
	if err != nil {
		return err
	}
	org, err := ui.srv.Accounts.Organization(ctx, actor, orgID)
	if err != nil {
		return err
	}
	lines, err := svc.BudgetLines(ctx, actor, orgID, 0)
	if err != nil {
		return err
	}
	if f.Values == nil {
		f.Values = map[string]string{"delivery_region": org.Region}
		if len(lines) > 0 {
			f.Values["budget_line_id"] = strconv.FormatInt(lines[0].ID, 10)
		}
	}
	today := orders.Today(ui.now())
	page := cartPage{Org: org, BudgetLines: lines, Regions: accounts.Regions, Form: f, Added: c.Query("added") == "1",
		MinDate: today.String(), MaxDate: today.AddDays(orders.MaxRequestedDays).String()}
	for _, it := range items {
		l := cartLine{CartItem: it, AmountTiyn: it.Listing.UnitPriceTiyn * int64(it.Quantity)}
		page.Lines = append(page.Lines, l)
		page.TotalTiyn += l.AmountTiyn
	}
	return ui.render(c, status, pageCart, ui.newView(c, page))
}

// setCartItem changes the quantity of a listing in the cart (0 takes it out).
func (ui *UI) setCartItem(c *fiber.Ctx) error {
	svc, err := ui.ordersService()
	if err != nil {
		return err
	}
	orgID, err := api.PathID(c, "id")
	if err != nil {
		return err
	}
	listingID, err := api.PathID(c, "listingID")
	if err != nil {
		return err
	}
	actor, err := signedIn(c)
	if err != nil {
		return err
	}
	qty, ok := formInt(c, "quantity")
	if c.FormValue("remove") != "" {
		qty, ok = 0, true
	}
	if !ok {
		return &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed", Fields: map[string]string{"quantity": "enter a whole number"}}
	}
	if _, err := svc.SetCartItem(c.UserContext(), actor, orgID, listingID, qty); err != nil {
		return err
	}
	return c.Redirect(orgPath(orgID, "cart"), fiber.StatusSeeOther)
}

// orderFields are the order form's fields.
var orderFields = []string{"delivery_address", "delivery_region", "requested_date", "budget_line_id", "note"}

// createOrder makes a draft order of the cart; its page shows the route and the promised
// dates, and submits it.
func (ui *UI) createOrder(c *fiber.Ctx) error {
	svc, orgID, actor, err := ui.ordersCall(c, "id")
	if err != nil {
		return err
	}
	f := form{Values: map[string]string{}, Errors: map[string]string{}}
	for _, name := range orderFields {
		f.Values[name] = strings.TrimSpace(formValue(c, name))
		if len([]rune(f.Values[name])) > maxFormFieldLength {
			f.Errors[name] = "too long"
		}
	}
	in := orders.OrderInput{FromCart: true, DeliveryAddress: f.Values["delivery_address"], DeliveryRegion: f.Values["delivery_region"],
		Note: f.Values["note"]}
	if s := f.Values["requested_date"]; s != "" {
		d, err := orders.ParseDate(s)
		if err != nil {
			f.Errors["requested_date"] = err.Error()
		}
		in.RequestedDate = d
	}
	if s := f.Values["budget_line_id"]; s != "" {
		in.BudgetLineID, _ = strconv.ParseInt(s, 10, 64)
	}
	if f.HasErrors() {
		return ui.renderCart(c, fiber.StatusUnprocessableEntity, f)
	}
	o, _, err := svc.CreateOrder(c.UserContext(), actor, orgID, in, nil)
	if status, fields, ok := formProblem(err); ok {
		for field, problem := range fields {
			if !contains(orderFields, field) {
				field = "form"
			}
			if f.Errors[field] == "" {
				f.Errors[field] = problem
			}
		}
		return ui.renderCart(c, status, f)
	}
	if err != nil {
		return err
	}
	return c.Redirect(orderPath(o.ID, "created"), fiber.StatusSeeOther)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// ordersPage is the data of an organization's order list or its approvals inbox.
type ordersPage struct {
	Org       accounts.Organization
	Orders    []orders.Order
	Status    string
	Statuses  []orders.Status
	Approvals bool // the inbox of orders waiting for approval
	CanOrder  bool
	// Settings are the organization's order settings, which approvers change on the inbox.
	Settings   orders.Settings
	CanApprove bool
	// OlderURL and NewestURL page the list (see pageLinks).
	OlderURL, NewestURL string
}

// orderStatuses are the order list's filter choices.
var orderStatuses = []orders.Status{orders.StatusDraft, orders.StatusPendingApproval, orders.StatusSubmitted, orders.StatusClosed, orders.StatusCancelled}

func (ui *UI) ordersPage(c *fiber.Ctx) error { return ui.renderOrders(c, false) }

func (ui *UI) approvalsPage(c *fiber.Ctx) error { return ui.renderOrders(c, true) }

func (ui *UI) renderOrders(c *fiber.Ctx, approvals bool) error {
	svc, orgID, actor, err := ui.ordersCall(c, "id")
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	status := orders.Status(strings.Clone(c.Query("status")))
	if approvals {
		status = orders.StatusPendingApproval
	} else if status != "" && !containsStatus(orderStatuses, status) {
		return &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed", Fields: map[string]string{"status": "not an order state"}}
	}
	before, err := beforeQuery(c)
	if err != nil {
		return err
	}
	list, err := svc.Orders(ctx, actor, orgID, orders.OrderFilter{Status: status, BeforeID: before, Limit: ordersPageSize + 1})
	if err != nil {
		return err
	}
	list, older := pageOf(list, ordersPageSize, func(o orders.Order) int64 { return o.ID })
	org, err := ui.srv.Accounts.Organization(ctx, actor, orgID)
	if err != nil {
		return err
	}
	page := ordersPage{Org: org, Orders: list, Status: string(status), Statuses: orderStatuses, Approvals: approvals,
		CanOrder:   allowed(actor, accounts.ActionManage, accounts.ResourceOrders, org),
		CanApprove: allowed(actor, accounts.ActionManage, accounts.ResourceOrderApproval, org)}
	if approvals {
		page.OlderURL, page.NewestURL = pageLinks(orgPath(orgID, "approvals"), "", "", before, older)
	} else {
		page.OlderURL, page.NewestURL = pageLinks(orgPath(orgID, "orders"), "status", string(status), before, older)
	}
	if approvals {
		if page.Settings, err = svc.Settings(ctx, actor, orgID); err != nil {
			return err
		}
	}
	return ui.render(c, fiber.StatusOK, pageOrders, ui.newView(c, page))
}

func containsStatus(list []orders.Status, s orders.Status) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// saveOrderSettings turns the approval of the organization's orders on or off.
func (ui *UI) saveOrderSettings(c *fiber.Ctx) error {
	svc, orgID, actor, err := ui.ordersCall(c, "id")
	if err != nil {
		return err
	}
	set := orders.Settings{OrgID: orgID, ApprovalRequired: c.FormValue("approval_required") == "1"}
	if _, err := svc.SaveSettings(c.UserContext(), actor, set); err != nil {
		return err
	}
	return c.Redirect(orgPath(orgID, "approvals"), fiber.StatusSeeOther)
}

// orderPage is the data of an order's page.
type orderPage struct {
	Order      orders.Order
	Org        accounts.Organization
	BudgetLine orders.BudgetLine
	// Route is the procurement route that applies and why (Reasons), in the page's language.
	Route   orders.ProcurementRoute
	Reasons []string
	// Quotes preview the split, the chosen sites and the promised dates of a draft.
	Quotes []orders.PartQuote
	Events []orders.Event
	// Fulfillments are the order's parts with the buyer's forms for them.
	Fulfillments []fulfillmentView
	CanManage    bool // requesters: submit, cancel, deliver, accept
	CanApprove   bool
	Done         string
	// Settlements are the fulfillment orders' invoices and payments, by fulfillment order.
	Settlements map[int64]*settlementView
}

// IsDraft reports whether the order is still a draft.
func (p orderPage) IsDraft() bool { return p.Order.Status == orders.StatusDraft }

// Pending reports whether the order waits for approval.
func (p orderPage) Pending() bool { return p.Order.Status == orders.StatusPendingApproval }

// QuotePromise is the latest promised date of the draft's parts; zero if a part has none.
func (p orderPage) QuotePromise() orders.Date {
	var latest orders.Date
	for _, q := range p.Quotes {
		d := q.Promise()
		if d.IsZero() {
			return orders.Date{}
		}
		latest = orders.MaxDate(latest, d)
	}
	return latest
}

// orderDone are the notes a redirect to an order's page may ask for (order.done_<note>).
var orderDone = []string{"created", "submit", "approve", "return", "cancel", "deliver", "accept", "invoice", "pay"}

func (ui *UI) orderPage(c *fiber.Ctx) error {
	id, err := api.PathID(c, "id")
	if err != nil {
		return err
	}
	return ui.renderOrder(c, id, fiber.StatusOK, paymentForms{})
}

// renderOrder shows order id's page with status; pf is a refused invoice or payment form
// to fill in again.
func (ui *UI) renderOrder(c *fiber.Ctx, id int64, status int, pf paymentForms) error {
	svc, err := ui.ordersService()
	if err != nil {
		return err
	}
	actor, err := signedIn(c)
	if err != nil {
		return err
	}
	ctx, lang := c.UserContext(), language(c)
	o, err := svc.Order(ctx, actor, id)
	if err != nil {
		return err
	}
	org, err := ui.srv.Accounts.Organization(ctx, actor, o.BuyerOrgID)
	if err != nil {
		return err
	}
	page := orderPage{Order: o, Org: org,
		CanManage:  allowed(actor, accounts.ActionManage, accounts.ResourceOrders, org),
		CanApprove: allowed(actor, accounts.ActionManage, accounts.ResourceOrderApproval, org)}
	if done := c.Query("done"); contains(orderDone, done) {
		page.Done = strings.Clone(done)
	}
	if page.BudgetLine, err = svc.BudgetLine(ctx, actor, o.BudgetLineID); err != nil {
		return err
	}
	if page.Route, page.Reasons, err = svc.RouteOf(ctx, actor, id, lang); err != nil {
		return err
	}
	if o.Status == orders.StatusDraft || o.Status == orders.StatusPendingApproval {
		if page.Quotes, err = svc.Quote(ctx, actor, id); err != nil {
			return err
		}
	}
	if page.Events, err = svc.Events(ctx, actor, id); err != nil {
		return err
	}
	for _, f := range o.Fulfillments {
		page.Fulfillments = append(page.Fulfillments, ui.newFulfillmentView(c, actor, f, orderPath(id, "")))
	}
	if page.Settlements, err = ui.settlementViews(c, actor, svc, o, pf); err != nil {
		return err
	}
	v := ui.newView(c, page)
	if c.Method() == fiber.MethodPost { // a refused form: the language switch returns to the order
		v.Here = orderPath(id, "")
	}
	return ui.render(c, status, pageOrder, v)
}

// orderAction carries out the buttons of an order's page: submit, approve, return and
// cancel.
func (ui *UI) orderAction(c *fiber.Ctx) error {
	svc, id, actor, err := ui.ordersCall(c, "id")
	if err != nil {
		return err
	}
	version, _ := formInt(c, "version")
	reason := formValue(c, "reason")
	ctx := c.UserContext()
	action := c.Params("action")
	switch action {
	case "submit":
		_, err = svc.Submit(ctx, actor, id, version)
	case "approve":
		_, err = svc.Approve(ctx, actor, id, version)
	case "return":
		_, err = svc.ReturnOrder(ctx, actor, id, version, reason)
	case "cancel":
		_, err = svc.CancelOrder(ctx, actor, id, version, reason)
	default:
		return &accounts.Error{Code: accounts.CodeNotFound, Message: "not found"}
	}
	if err != nil {
		return err
	}
	return c.Redirect(orderPath(id, action), fiber.StatusSeeOther)
}

// budgetPage is the data of a buyer organization's budget lines.
type budgetPage struct {
	Org       accounts.Organization
	Lines     []orders.BudgetLine
	CanCreate bool
	Form      form
	Created   bool
}

func (ui *UI) budgetPage(c *fiber.Ctx) error {
	return ui.renderBudget(c, fiber.StatusOK, form{Values: map[string]string{"year": strconv.Itoa(orders.Today(ui.now()).Time().Year())}})
}

func (ui *UI) renderBudget(c *fiber.Ctx, status int, f form) error {
	svc, orgID, actor, err := ui.ordersCall(c, "id")
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	lines, err := svc.BudgetLines(ctx, actor, orgID, 0)
	if err != nil {
		return err
	}
	org, err := ui.srv.Accounts.Organization(ctx, actor, orgID)
	if err != nil {
		return err
	}
	page := budgetPage{Org: org, Lines: lines, Form: f, Created: c.Query("created") == "1",
		CanCreate: allowed(actor, accounts.ActionManage, accounts.ResourceBudget, org)}
	return ui.render(c, status, pageBudget, ui.newView(c, page))
}

// budgetFields are the budget line form's fields.
var budgetFields = []string{"year", "code", "name", "amount"}

func (ui *UI) createBudgetLine(c *fiber.Ctx) error {
	svc, orgID, actor, err := ui.ordersCall(c, "id")
	if err != nil {
		return err
	}
	f := form{Values: map[string]string{}, Errors: map[string]string{}}
	for _, name := range budgetFields {
		f.Values[name] = strings.TrimSpace(formValue(c, name))
	}
	in := orders.BudgetLineInput{Code: f.Values["code"], Name: f.Values["name"]}
	if y, ok := formInt(c, "year"); ok {
		in.Year = y
	} else {
		f.Errors["year"] = "enter a year, like 2026"
	}
	if tiyn, ok := parseTenge(f.Values["amount"]); ok {
		in.AmountTiyn = tiyn
	} else {
		f.Errors["amount"] = "enter the amount in tenge, like 12 345,67"
	}
	if f.HasErrors() {
		return ui.renderBudget(c, fiber.StatusUnprocessableEntity, f)
	}
	_, _, err = svc.CreateBudgetLine(c.UserContext(), actor, orgID, in, nil)
	if status, fields, ok := formProblem(err); ok {
		for field, problem := range fields {
			if field == "amount_tiyn" {
				field = "amount"
			}
			if !contains(budgetFields, field) {
				field = "form"
			}
			f.Errors[field] = problem
		}
		return ui.renderBudget(c, status, f)
	}
	if err != nil {
		return err
	}
	return c.Redirect(orgPath(orgID, "budget?created=1"), fiber.StatusSeeOther)
}
