package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/orders"
	"github.com/sheber-kz/sheber/orders/pdf"
)

// Idempotency of creates (the routes marked (I) in api/openapi.yaml).
const (
	// IdempotencyHeader names the client's key of a create.
	IdempotencyHeader = "Idempotency-Key"
	// ReplayedHeader marks a response that repeats what a key's first request got.
	ReplayedHeader = "Idempotent-Replayed"
	// MaxIdempotencyKeyLength bounds a key, in bytes (printable ASCII).
	MaxIdempotencyKeyLength = 255
)

// VATRatePercent is Kazakhstan's VAT rate, for the VAT that prices including it contain.
const VATRatePercent = 12

// idempotencyKey reads the Idempotency-Key of a create: nil without one. The key is scoped
// to who sends it, and bound to the hash of the method, the path and the raw body.
func idempotencyKey(c *fiber.Ctx) (*orders.IdempotencyKey, error) {
	raw := c.Request().Header.Peek(IdempotencyHeader)
	if raw == nil {
		return nil, nil
	}
	bad := len(raw) == 0 || len(raw) > MaxIdempotencyKeyLength
	for _, b := range raw {
		if b < 0x20 || b > 0x7e {
			bad = true
		}
	}
	if bad {
		return nil, &accounts.Error{Code: accounts.CodeInvalid, Message: "bad " + IdempotencyHeader + " header",
			Fields: map[string]string{IdempotencyHeader: fmt.Sprintf("must be 1 to %d printable ASCII characters", MaxIdempotencyKeyLength)}}
	}
	a := ActorOf(c)
	var scope string
	switch {
	case a.TokenID != 0:
		scope = "token:" + strconv.FormatInt(a.TokenID, 10)
	case a.UserID != 0:
		scope = "user:" + strconv.FormatInt(a.UserID, 10)
	default:
		return nil, nil // the public creates nothing: the service refuses it
	}
	h := sha256.New()
	h.Write([]byte(c.Method()))
	h.Write([]byte{0})
	h.Write([]byte(c.Path()))
	h.Write([]byte{0})
	h.Write(c.Body())
	return &orders.IdempotencyKey{Scope: scope, Key: string(raw), RequestHash: h.Sum(nil)}, nil
}

// idempotent runs a create that honours Idempotency-Key. create does the work under key;
// if it reports the key was seen, the first response is sent again verbatim (or, if none
// was stored, the resource it made is rendered afresh by render) with Idempotent-Replayed;
// otherwise its result is sent with 201 and stored for the key's repeats.
func (s *Server) idempotent(c *fiber.Ctx, create func(key *orders.IdempotencyKey) (any, *orders.IdempotentResult, error)) error {
	key, err := idempotencyKey(c)
	if err != nil {
		return err
	}
	out, replay, err := create(key)
	if err != nil {
		return err
	}
	if replay != nil {
		c.Set(ReplayedHeader, "true")
		if replay.Status != 0 {
			c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
			return c.Status(replay.Status).Send(replay.Body)
		}
		if out, err = s.renderResource(c, replay.ResourceKind, replay.ResourceID); err != nil {
			return err
		}
	}
	body, err := json.Marshal(out)
	if err != nil {
		return err
	}
	if key != nil && replay == nil {
		// The resource exists whatever happens here: if the response cannot be stored,
		// repeats render it afresh.
		if err := s.Orders.SaveResponse(c.UserContext(), *key, fiber.StatusCreated, body); err != nil && s.Logger != nil {
			s.Logger.ErrorContext(c.UserContext(), "idempotent response not stored", slog.String("request_id", RequestID(c)), slog.Any("error", err))
		}
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Status(fiber.StatusCreated).Send(body)
}

// renderResource renders what an idempotency key created, for a repeat whose first
// response was not stored.
func (s *Server) renderResource(c *fiber.Ctx, kind string, id int64) (any, error) {
	ctx, a := c.UserContext(), ActorOf(c)
	switch kind {
	case "order":
		o, err := s.Orders.Order(ctx, a, id)
		return newOrder(o), err
	case "fulfillment":
		f, err := s.Orders.Fulfillment(ctx, a, id)
		return newFulfillment(f), err
	case "budget_line":
		b, err := s.Orders.BudgetLine(ctx, a, id)
		return newBudgetLine(b), err
	case "custom_request":
		r, err := s.Orders.Request(ctx, a, id)
		return newCustomRequest(r), err
	case "custom_quote":
		q, err := s.Orders.CustomQuote(ctx, a, id)
		return newCustomQuote(q), err
	case "invoice":
		inv, err := s.Orders.Invoice(ctx, a, id)
		return newInvoice(inv), err
	case "payment":
		p, err := s.Orders.Payment(ctx, a, id)
		return newPayment(p), err
	}
	return nil, &accounts.Error{Code: accounts.CodeConflict, Message: "a request with this " + IdempotencyHeader + " is still being processed; retry later"}
}

// queryInt reads an optional integer query parameter; a bad one is 422 naming it.
func queryInt(c *fiber.Ctx, name string) (int64, error) {
	v := c.Query(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed", Fields: map[string]string{name: "must be a whole number, 0 or more"}}
	}
	return n, nil
}

// pageQuery reads the keyset page of a list: ?before= (the id the page starts below; 0:
// the newest) and ?limit= (0: the list's default), a bad one 422 naming it.
func pageQuery(c *fiber.Ctx) (before, limit int64, err error) {
	if before, err = queryInt(c, "before"); err != nil {
		return 0, 0, err
	}
	if limit, err = queryInt(c, "limit"); err != nil {
		return 0, 0, err
	}
	return before, limit, nil
}

// dateField parses an optional date ("" is zero) of a request's field.
func dateField(name, v string) (orders.Date, error) {
	if v == "" {
		return orders.Date{}, nil
	}
	d, err := orders.ParseDate(v)
	if err != nil {
		return orders.Date{}, &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed", Fields: map[string]string{name: err.Error()}}
	}
	return d, nil
}

// documentLang reads ?lang= of a document: ru (the default), kk or en.
func documentLang(c *fiber.Ctx) (string, error) {
	switch lang := c.Query("lang"); lang {
	case "":
		return "ru", nil
	case "ru", "kk", "en":
		return strings.Clone(lang), nil
	}
	return "", &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed", Fields: map[string]string{"lang": "must be ru, kk or en"}}
}

// Carts.

func (s *Server) cart(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	items, err := s.Orders.Cart(c.UserContext(), ActorOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(newCart(items))
}

func (s *Server) setCartItem(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	listingID, err := PathID(c, "listingID")
	if err != nil {
		return err
	}
	var in cartItemRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	items, err := s.Orders.SetCartItem(c.UserContext(), ActorOf(c), id, listingID, in.Quantity)
	if err != nil {
		return err
	}
	return c.JSON(newCart(items))
}

// Orders.

func (s *Server) createOrder(c *fiber.Ctx) error {
	orgID, err := PathID(c, "id")
	if err != nil {
		return err
	}
	var in createOrderRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	requested, err := dateField("requested_date", in.RequestedDate)
	if err != nil {
		return err
	}
	oi := orders.OrderInput{FromCart: in.FromCart, DeliveryAddress: in.DeliveryAddress, DeliveryRegion: in.DeliveryRegion,
		RequestedDate: requested, BudgetLineID: in.BudgetLineID, Note: in.Note, Submit: in.Submit}
	for _, l := range in.Lines {
		oi.Lines = append(oi.Lines, orders.LineInput{ListingID: l.ListingID, Quantity: l.Quantity})
	}
	return s.idempotent(c, func(key *orders.IdempotencyKey) (any, *orders.IdempotentResult, error) {
		o, replay, err := s.Orders.CreateOrder(c.UserContext(), ActorOf(c), orgID, oi, key)
		return newOrder(o), replay, err
	})
}

func (s *Server) orgOrders(c *fiber.Ctx) error {
	orgID, err := PathID(c, "id")
	if err != nil {
		return err
	}
	before, limit, err := pageQuery(c)
	if err != nil {
		return err
	}
	f := orders.OrderFilter{Status: orders.Status(strings.Clone(c.Query("status"))), BeforeID: before, Limit: int(min(limit, orders.MaxListPage))}
	os, err := s.Orders.Orders(c.UserContext(), ActorOf(c), orgID, f)
	if err != nil {
		return err
	}
	out := make([]orderDTO, len(os))
	for i, o := range os {
		out[i] = newOrder(o)
	}
	return c.JSON(listDTO[orderDTO]{Items: out})
}

func (s *Server) order(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	o, err := s.Orders.Order(c.UserContext(), ActorOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(newOrder(o))
}

func (s *Server) quote(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	qs, err := s.Orders.Quote(c.UserContext(), ActorOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(newQuote(qs))
}

func (s *Server) orderRoute(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	lang, err := documentLang(c)
	if err != nil {
		return err
	}
	r, reasons, err := s.Orders.RouteOf(c.UserContext(), ActorOf(c), id, lang)
	if err != nil {
		return err
	}
	if reasons == nil {
		reasons = []string{}
	}
	return c.JSON(routeChoiceDTO{Route: newProcurementRoute(r), Reasons: reasons})
}

// orderTransition serves the version-checked transitions of an order.
func (s *Server) orderTransition(c *fiber.Ctx, withReason bool,
	do func(a accounts.Actor, id int64, version int, reason string) (orders.Order, error)) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	var in orderReasonRequest
	if withReason {
		err = decodeJSON(c, &in)
	} else {
		var v orderVersionRequest
		err = decodeJSON(c, &v)
		in.Version = v.Version
	}
	if err != nil {
		return err
	}
	if in.Version <= 0 {
		return &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed",
			Fields: map[string]string{"version": "required: the version of the order the change is based on"}}
	}
	o, err := do(ActorOf(c), id, in.Version, in.Reason)
	if err != nil {
		return err
	}
	return c.JSON(newOrder(o))
}

func (s *Server) submitOrder(c *fiber.Ctx) error {
	return s.orderTransition(c, false, func(a accounts.Actor, id int64, v int, _ string) (orders.Order, error) {
		return s.Orders.Submit(c.UserContext(), a, id, v)
	})
}

func (s *Server) approveOrder(c *fiber.Ctx) error {
	return s.orderTransition(c, false, func(a accounts.Actor, id int64, v int, _ string) (orders.Order, error) {
		return s.Orders.Approve(c.UserContext(), a, id, v)
	})
}

func (s *Server) returnOrder(c *fiber.Ctx) error {
	return s.orderTransition(c, true, func(a accounts.Actor, id int64, v int, reason string) (orders.Order, error) {
		return s.Orders.ReturnOrder(c.UserContext(), a, id, v, reason)
	})
}

func (s *Server) cancelOrder(c *fiber.Ctx) error {
	return s.orderTransition(c, true, func(a accounts.Actor, id int64, v int, reason string) (orders.Order, error) {
		return s.Orders.CancelOrder(c.UserContext(), a, id, v, reason)
	})
}

func (s *Server) orderEvents(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	es, err := s.Orders.Events(c.UserContext(), ActorOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(newEvents(es))
}

// Settings and budgets.

func (s *Server) orderSettings(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	set, err := s.Orders.Settings(c.UserContext(), ActorOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(orderSettingsDTO{ApprovalRequired: set.ApprovalRequired})
}

func (s *Server) saveOrderSettings(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	var in orderSettingsDTO
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	set, err := s.Orders.SaveSettings(c.UserContext(), ActorOf(c), orders.Settings{OrgID: id, ApprovalRequired: in.ApprovalRequired})
	if err != nil {
		return err
	}
	return c.JSON(orderSettingsDTO{ApprovalRequired: set.ApprovalRequired})
}

func (s *Server) budgetLines(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	year, err := queryInt(c, "year")
	if err != nil {
		return err
	}
	bs, err := s.Orders.BudgetLines(c.UserContext(), ActorOf(c), id, int(min(year, 1<<30)))
	if err != nil {
		return err
	}
	out := make([]budgetLineDTO, len(bs))
	for i, b := range bs {
		out[i] = newBudgetLine(b)
	}
	return c.JSON(listDTO[budgetLineDTO]{Items: out})
}

func (s *Server) createBudgetLine(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	var in budgetLineRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	return s.idempotent(c, func(key *orders.IdempotencyKey) (any, *orders.IdempotentResult, error) {
		b, replay, err := s.Orders.CreateBudgetLine(c.UserContext(), ActorOf(c), id,
			orders.BudgetLineInput{Year: in.Year, Code: in.Code, Name: in.Name, AmountTiyn: in.AmountTiyn}, key)
		return newBudgetLine(b), replay, err
	})
}

// Producers' queue and fulfillment orders.

func (s *Server) queue(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	site, err := queryInt(c, "site_id")
	if err != nil {
		return err
	}
	q := orders.QueueFilter{SiteID: site}
	if st := c.Query("state"); st != "" {
		for _, one := range strings.Split(st, ",") {
			fs := orders.FulfillmentStatus(strings.Clone(strings.TrimSpace(one)))
			known := false
			for _, k := range orders.FulfillmentStatuses {
				known = known || k == fs
			}
			if !known {
				return &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed",
					Fields: map[string]string{"state": fmt.Sprintf("%q is not a state of a fulfillment order", fs)}}
			}
			q.Statuses = append(q.Statuses, fs)
		}
	}
	fs, err := s.Orders.Queue(c.UserContext(), ActorOf(c), id, q)
	if err != nil {
		return err
	}
	out := make([]fulfillmentDTO, len(fs))
	for i, f := range fs {
		out[i] = newFulfillment(f)
	}
	return c.JSON(listDTO[fulfillmentDTO]{Items: out})
}

func (s *Server) load(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	ls, err := s.Orders.Load(c.UserContext(), ActorOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(newLoad(ls))
}

func (s *Server) fulfillment(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	f, err := s.Orders.Fulfillment(c.UserContext(), ActorOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(newFulfillment(f))
}

// fulfillmentChange serves a transition of a fulfillment order whose body is req (nil:
// any JSON object, or none).
func (s *Server) fulfillmentChange(c *fiber.Ctx, req any, do func(id int64) (orders.Fulfillment, error)) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	if req == nil {
		var empty struct{}
		req = &empty
		if len(bytes.TrimSpace(c.Body())) == 0 {
			req = nil
		}
	}
	if req != nil {
		if err := decodeJSON(c, req); err != nil {
			return err
		}
	}
	f, err := do(id)
	if err != nil {
		return err
	}
	return c.JSON(newFulfillment(f))
}

func domainUnits(ls []lineUnitsDTO) []orders.LineUnits {
	out := make([]orders.LineUnits, len(ls))
	for i, l := range ls {
		out[i] = orders.LineUnits{OrderLineID: l.OrderLineID, Units: l.Units}
	}
	return out
}

func (s *Server) confirmFulfillment(c *fiber.Ctx) error {
	var in confirmRequest
	return s.fulfillmentChange(c, &in, func(id int64) (orders.Fulfillment, error) {
		promise, err := dateField("promised_date", in.PromisedDate)
		if err != nil {
			return orders.Fulfillment{}, err
		}
		return s.Orders.Confirm(c.UserContext(), ActorOf(c), id, promise)
	})
}

func (s *Server) declineFulfillment(c *fiber.Ctx) error {
	var in reasonRequest
	return s.fulfillmentChange(c, &in, func(id int64) (orders.Fulfillment, error) {
		return s.Orders.Decline(c.UserContext(), ActorOf(c), id, in.Reason)
	})
}

func (s *Server) progressFulfillment(c *fiber.Ctx) error {
	var in unitsRequest
	return s.fulfillmentChange(c, &in, func(id int64) (orders.Fulfillment, error) {
		return s.Orders.Progress(c.UserContext(), ActorOf(c), id, domainUnits(in.Lines))
	})
}

func (s *Server) readyFulfillment(c *fiber.Ctx) error {
	return s.fulfillmentChange(c, nil, func(id int64) (orders.Fulfillment, error) {
		return s.Orders.MarkReady(c.UserContext(), ActorOf(c), id)
	})
}

func (s *Server) deliverFulfillment(c *fiber.Ctx) error {
	return s.fulfillmentChange(c, nil, func(id int64) (orders.Fulfillment, error) {
		return s.Orders.Deliver(c.UserContext(), ActorOf(c), id)
	})
}

func (s *Server) cancelFulfillment(c *fiber.Ctx) error {
	var in cancelFulfillmentRequest
	return s.fulfillmentChange(c, &in, func(id int64) (orders.Fulfillment, error) {
		return s.Orders.Cancel(c.UserContext(), ActorOf(c), id, orders.Side(in.Side), in.Reason)
	})
}

func (s *Server) createShipment(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	var in shipmentRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	return s.idempotent(c, func(key *orders.IdempotencyKey) (any, *orders.IdempotentResult, error) {
		f, replay, err := s.Orders.Ship(c.UserContext(), ActorOf(c), id, orders.ShipmentInput{Waybill: in.Waybill, Lines: domainUnits(in.Lines)}, key)
		return newFulfillment(f), replay, err
	})
}

func (s *Server) createAcceptance(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	var in acceptanceRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	ai := orders.AcceptanceInput{DefectReason: in.DefectReason}
	for _, l := range in.Lines {
		ai.Lines = append(ai.Lines, orders.AcceptanceLine{OrderLineID: l.OrderLineID, Accepted: l.Accepted, Rejected: l.Rejected})
	}
	return s.idempotent(c, func(key *orders.IdempotencyKey) (any, *orders.IdempotentResult, error) {
		f, replay, err := s.Orders.Accept(c.UserContext(), ActorOf(c), id, ai, key)
		return newFulfillment(f), replay, err
	})
}

// Notifications.

func (s *Server) notifications(c *fiber.Ctx) error {
	before, limit, err := pageQuery(c)
	if err != nil {
		return err
	}
	ctx, a := c.UserContext(), ActorOf(c)
	ns, err := s.Orders.Notifications(ctx, a, before, int(min(limit, orders.MaxNotificationsPage)))
	if err != nil {
		return err
	}
	unread, err := s.Orders.UnreadCount(ctx, a)
	if err != nil {
		return err
	}
	lang, err := documentLang(c)
	if err != nil {
		return err
	}
	out := notificationsDTO{Items: make([]notificationDTO, len(ns)), Unread: unread}
	for i, n := range ns {
		out.Items[i] = notificationDTO{ID: n.ID, Kind: string(n.Kind), Text: n.Text(lang), OrderID: n.OrderID, OrderNumber: n.OrderNumber,
			FulfillmentID: n.FulfillmentID, Note: n.Note, CreatedAt: n.CreatedAt.UTC(), Read: !n.ReadAt.IsZero()}
	}
	return c.JSON(out)
}

func (s *Server) markNotificationsRead(c *fiber.Ctx) error {
	var in markReadRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if in.All == (len(in.IDs) > 0) {
		return &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed",
			Fields: map[string]string{"ids": `name the notifications to mark read, or send "all": true (not both)`}}
	}
	ids := in.IDs
	if in.All {
		ids = nil
	}
	n, err := s.Orders.MarkRead(c.UserContext(), ActorOf(c), ids)
	if err != nil {
		return err
	}
	return c.JSON(markedDTO{Marked: n})
}

// Documents.

// sendPDF sends a rendered document as a download named name.
func sendPDF(c *fiber.Ctx, name string, write func(*bytes.Buffer) error) error {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s"`, name))
	return c.Send(buf.Bytes())
}

func party(o accounts.Organization, lang string) pdf.Party {
	p := pdf.Party{Name: o.Name.In(lang), BIN: o.BIN}
	if r, ok := accounts.RegionByCode(o.Region); ok {
		p.Region = r.Name.In(lang)
	}
	return p
}

// unitNames are the units of measure as documents print them; the same words as the
// pages' "unit.*" messages in frontend/locales (a test keeps them equal).
var unitNames = map[string]accounts.Text{
	"piece": {RU: "шт.", KK: "дана", EN: "pcs"},
	"set":   {RU: "компл.", KK: "жиынтық", EN: "sets"},
	"pair":  {RU: "пар", KK: "жұп", EN: "pairs"},
	"m":     {RU: "м", KK: "м", EN: "m"},
	"m2":    {RU: "м²", KK: "м²", EN: "m²"},
	"m3":    {RU: "м³", KK: "м³", EN: "m³"},
	"kg":    {RU: "кг", KK: "кг", EN: "kg"},
	"t":     {RU: "т", KK: "т", EN: "t"},
}

// unitName is a unit's name in lang; an unknown unit prints as its code.
func unitName(code, lang string) string {
	if t, ok := unitNames[code]; ok {
		return t.In(lang)
	}
	return code
}

func siteLine(s orders.Site, lang string) string {
	if s.ID == 0 {
		return ""
	}
	return s.Name.In(lang) + ", " + s.InstitutionName.In(lang)
}

// vatOf is the VAT that amount, a price including VAT, contains.
func vatOf(amount int64) int64 {
	return (amount*VATRatePercent + (100+VATRatePercent)/2) / (100 + VATRatePercent)
}

func (s *Server) orderConfirmation(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	lang, err := documentLang(c)
	if err != nil {
		return err
	}
	ent, err := queryInt(c, "enterprise_id")
	if err != nil {
		return err
	}
	cf, err := s.Orders.Confirmation(c.UserContext(), ActorOf(c), id, ent, lang)
	if err != nil {
		return err
	}
	o := cf.Order
	d := pdf.OrderConfirmation{Lang: lang, Number: o.Number, IssuedAt: time.Now().UTC(), Buyer: party(cf.Buyer, lang),
		Producer: party(cf.Producer, lang), DeliveryAddress: o.DeliveryAddress, RequestedDate: o.RequestedDate.Time(),
		BudgetLine: cf.BudgetLine.Code + " — " + cf.BudgetLine.Name, ProcurementRoute: cf.Route.Name.In(lang),
		LegalBasis: cf.Route.LegalBasis.In(lang)}
	if !o.SubmittedAt.IsZero() {
		d.IssuedAt = o.SubmittedAt.UTC()
	}
	var sites []string
	for _, site := range cf.Sites {
		sites = append(sites, siteLine(site, lang))
	}
	d.Site = strings.Join(sites, "; ")
	for _, f := range cf.Fulfillments {
		promise := f.PromisedDate
		if promise.IsZero() {
			promise = f.QuotedDate
		}
		if t := promise.Time(); t.After(d.PromisedDate) {
			d.PromisedDate = t
		}
	}
	for _, l := range cf.Lines {
		d.Lines = append(d.Lines, pdf.Line{Title: l.Title.In(lang), Unit: unitName(l.Unit, lang), Quantity: int64(l.Quantity),
			UnitPriceTiyn: l.UnitPriceTiyn, AmountTiyn: l.AmountTiyn, VATIncluded: l.VATIncluded})
		d.TotalTiyn += l.AmountTiyn
		if l.VATIncluded {
			d.VATTiyn += vatOf(l.AmountTiyn)
		}
	}
	name := fmt.Sprintf("%s-%d-confirmation-%s.pdf", o.Number, cf.Producer.ID, lang)
	return sendPDF(c, name, func(b *bytes.Buffer) error { return pdf.WriteOrderConfirmation(b, d) })
}

func (s *Server) acceptanceAct(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	lang, err := documentLang(c)
	if err != nil {
		return err
	}
	af, err := s.Orders.Act(c.UserContext(), ActorOf(c), id)
	if err != nil {
		return err
	}
	f := af.Fulfillment
	d := pdf.AcceptanceAct{Lang: lang, Number: fmt.Sprintf("%s-A%d", f.OrderNumber, f.ID), OrderNumber: f.OrderNumber,
		IssuedAt: time.Now().UTC(), Buyer: party(af.Buyer, lang), Producer: party(af.Producer, lang), Site: siteLine(af.Site, lang),
		PromisedDate: f.PromisedDate.Time(), DeliveredDate: f.DeliveredOn.Time(), DaysOverdue: f.DaysOverdue, PenaltyTiyn: f.PenaltyTiyn}
	if n := len(af.Acceptances); n > 0 {
		d.IssuedAt = af.Acceptances[n-1].AcceptedAt.UTC()
	}
	reasons := map[int64][]string{}
	for _, acc := range af.Acceptances {
		for _, al := range acc.Lines {
			if al.Rejected > 0 && acc.DefectReason != "" {
				reasons[al.OrderLineID] = append(reasons[al.OrderLineID], acc.DefectReason)
			}
		}
	}
	for _, sh := range f.Shipments {
		d.Waybills = append(d.Waybills, sh.Waybill)
	}
	for _, l := range f.Lines {
		amount := int64(l.Accepted) * l.UnitPriceTiyn
		d.Lines = append(d.Lines, pdf.ActLine{Title: l.Title.In(lang), Unit: unitName(l.Unit, lang), Shipped: int64(l.Shipped), Accepted: int64(l.Accepted),
			Rejected: int64(l.Rejected), DefectReason: strings.Join(reasons[l.OrderLineID], "; "), UnitPriceTiyn: l.UnitPriceTiyn,
			AcceptedAmountTiyn: amount})
		d.TotalAcceptedTiyn += amount
	}
	name := fmt.Sprintf("%s-A%d-acceptance-act-%s.pdf", f.OrderNumber, f.ID, lang)
	return sendPDF(c, name, func(b *bytes.Buffer) error { return pdf.WriteAcceptanceAct(b, d) })
}
