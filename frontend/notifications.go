package frontend

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/orders"
)

// The signed-in user's in-app notifications (the header shows how many are unread) and
// the cabinet: the links to the order and queue pages of each of the user's organizations.

// notificationItem is a notification with its text in the page's language and the page it
// is about.
type notificationItem struct {
	orders.Notification
	Text string
	Link string
	// Request: it is about a custom request, and Link is the list of requests.
	Request bool
}

// notificationsPage is the data of the notification list.
type notificationsPage struct {
	Items  []notificationItem
	Unread int
	// OlderURL and NewestURL page the list (see pageLinks).
	OlderURL, NewestURL string
}

// notificationLink is the page a notification is about: the order for its buyer's people,
// the fulfillment order for the producer's.
func notificationLink(a accounts.Actor, n orders.Notification) string {
	// A custom request's notices name no request: they lead to the list it is in.
	switch n.Kind {
	case orders.NotifyRequestInvited:
		return orgPath(n.OrgID, "invited-requests")
	case orders.NotifyQuoteReceived:
		return orgPath(n.OrgID, "custom-requests")
	}
	for _, m := range a.Memberships {
		if m.OrgID == n.OrgID && m.OrgKind != accounts.KindBuyer && n.FulfillmentID != 0 {
			return "/fulfillments/" + strconv.FormatInt(n.FulfillmentID, 10)
		}
	}
	if n.OrderID != 0 {
		return orderPath(n.OrderID, "")
	}
	return ""
}

func (ui *UI) notificationsPage(c *fiber.Ctx) error {
	svc, err := ui.ordersService()
	if err != nil {
		return err
	}
	actor, err := signedIn(c)
	if err != nil {
		return err
	}
	ctx, lang := c.UserContext(), language(c)
	before, err := beforeQuery(c)
	if err != nil {
		return err
	}
	ns, err := svc.Notifications(ctx, actor, before, notificationsPageSize+1)
	if err != nil {
		return err
	}
	ns, older := pageOf(ns, notificationsPageSize, func(n orders.Notification) int64 { return n.ID })
	page := notificationsPage{}
	page.OlderURL, page.NewestURL = pageLinks("/notifications", "", "", before, older)
	if page.Unread, err = svc.UnreadCount(ctx, actor); err != nil {
		return err
	}
	for _, n := range ns {
		page.Items = append(page.Items, notificationItem{Notification: n, Text: n.Text(lang), Link: notificationLink(actor, n),
			Request: n.Kind == orders.NotifyRequestInvited || n.Kind == orders.NotifyQuoteReceived})
	}
	return ui.render(c, fiber.StatusOK, pageNotifications, ui.newView(c, page))
}

// markRead marks the notifications named in the form (id, repeated) read, or all of them
// (all=1).
func (ui *UI) markRead(c *fiber.Ctx) error {
	svc, err := ui.ordersService()
	if err != nil {
		return err
	}
	actor, err := signedIn(c)
	if err != nil {
		return err
	}
	var ids []int64
	if c.FormValue("all") == "" {
		for i, raw := range c.Context().PostArgs().PeekMulti("id") {
			id, err := strconv.ParseInt(string(raw), 10, 64)
			if err != nil || id <= 0 || i >= orders.MaxNotificationsPage {
				return &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed", Fields: map[string]string{"id": "not a notification"}}
			}
			ids = append(ids, id)
		}
		if len(ids) == 0 {
			return c.Redirect("/notifications", fiber.StatusSeeOther)
		}
	}
	if _, err := svc.MarkRead(c.UserContext(), actor, ids); err != nil {
		return err
	}
	return c.Redirect("/notifications", fiber.StatusSeeOther)
}

// cabinetOrg is one of the user's organizations with the cabinet pages it has.
type cabinetOrg struct {
	accounts.Member
	Buyer      bool // cart, orders, budget
	Approver   bool // approvals inbox
	Producer   bool // queue
	CanOrder   bool
	Accountant bool
}

// cabinetPage is the data of the cabinet.
type cabinetPage struct {
	Orgs []cabinetOrg
}

func (ui *UI) cabinetPage(c *fiber.Ctx) error {
	actor, err := signedIn(c)
	if err != nil {
		return err
	}
	return ui.render(c, fiber.StatusOK, pageCabinet, ui.newView(c, cabinetPage{Orgs: cabinetOrgs(actor)}))
}

// cabinetOrgs lists the user's buyer organizations and producer enterprises.
func cabinetOrgs(a accounts.Actor) []cabinetOrg {
	var out []cabinetOrg
	for _, m := range a.Memberships {
		res := func(kind accounts.ResourceKind) bool {
			return accounts.Authorize(a, accounts.ActionManage, accounts.Resource{Kind: kind, OrgID: m.OrgID, Region: m.Region}) == nil
		}
		switch m.OrgKind {
		case accounts.KindBuyer:
			out = append(out, cabinetOrg{Member: m, Buyer: true, CanOrder: res(accounts.ResourceOrders),
				Approver: res(accounts.ResourceOrderApproval), Accountant: res(accounts.ResourceBudget)})
		case accounts.KindProducerEnterprise:
			out = append(out, cabinetOrg{Member: m, Producer: true})
		}
	}
	return out
}

// unreadCount is the header's count of unread notifications; 0 when it cannot be read (the
// page is still worth showing).
func (ui *UI) unreadCount(c *fiber.Ctx, a accounts.Actor) int {
	if ui.srv.Orders == nil || a.UserID == 0 {
		return 0
	}
	n, err := ui.srv.Orders.UnreadCount(c.UserContext(), a)
	if err != nil {
		return 0
	}
	return n
}
