package api

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/orders"
)

// Custom requests (orders/custom.go): a buyer's specification, the ranking of sites, the
// invitations, the producers' quotes and the acceptance that makes an order.

type siteInvitationDTO struct {
	SiteID       int64     `json:"site_id"`
	EnterpriseID int64     `json:"enterprise_id"`
	InvitedBy    int64     `json:"invited_by"`
	InvitedOrg   int64     `json:"invited_org"`
	InvitedAt    time.Time `json:"invited_at"`
}

type customQuoteDTO struct {
	ID            int64     `json:"id"`
	RequestID     int64     `json:"request_id"`
	SiteID        int64     `json:"site_id"`
	EnterpriseID  int64     `json:"enterprise_id"`
	UnitPriceTiyn int64     `json:"unit_price_tiyn"`
	VATIncluded   bool      `json:"vat_included"`
	PromisedDate  string    `json:"promised_date"`
	LabourHours   int       `json:"labour_hours"`
	Note          string    `json:"note"`
	CreatedAt     time.Time `json:"created_at"`
}

func newCustomQuote(q orders.CustomQuote) customQuoteDTO {
	return customQuoteDTO{ID: q.ID, RequestID: q.RequestID, SiteID: q.SiteID, EnterpriseID: q.EnterpriseID, UnitPriceTiyn: q.UnitPriceTiyn,
		VATIncluded: q.VATIncluded, PromisedDate: q.PromisedDate.String(), LabourHours: q.LabourHours, Note: q.Note, CreatedAt: q.CreatedAt.UTC()}
}

type customRequestDTO struct {
	ID              int64               `json:"id"`
	Number          string              `json:"number"`
	BuyerOrgID      int64               `json:"buyer_org_id"`
	Status          string              `json:"status"`
	CategoryCode    string              `json:"category"`
	Title           string              `json:"title"`
	Description     string              `json:"description"`
	Quantity        int                 `json:"quantity"`
	Unit            string              `json:"unit"`
	WantedDate      string              `json:"wanted_date"` // "" when not set
	DeliveryAddress string              `json:"delivery_address"`
	DeliveryRegion  string              `json:"delivery_region"`
	BudgetLineID    int64               `json:"budget_line_id"`
	QuoteDeadline   time.Time           `json:"quote_deadline"`
	AcceptedQuoteID int64               `json:"accepted_quote_id"`
	OrderID         int64               `json:"order_id"`
	Version         int                 `json:"version"`
	CreatedAt       time.Time           `json:"created_at"`
	UpdatedAt       time.Time           `json:"updated_at"`
	Invitations     []siteInvitationDTO `json:"invitations"`
	Quotes          []customQuoteDTO    `json:"quotes"`
}

func newCustomRequest(r orders.CustomRequest) customRequestDTO {
	out := customRequestDTO{ID: r.ID, Number: r.Number, BuyerOrgID: r.BuyerOrgID, Status: string(r.Status), CategoryCode: r.CategoryCode,
		Title: r.Title, Description: r.Description, Quantity: r.Quantity, Unit: r.Unit, DeliveryAddress: r.DeliveryAddress,
		DeliveryRegion: r.DeliveryRegion, BudgetLineID: r.BudgetLineID, QuoteDeadline: r.QuoteDeadline.UTC(),
		AcceptedQuoteID: r.AcceptedQuoteID, OrderID: r.OrderID, Version: r.Version, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
		Invitations: []siteInvitationDTO{}, Quotes: []customQuoteDTO{}}
	if !r.WantedDate.IsZero() {
		out.WantedDate = r.WantedDate.String()
	}
	for _, i := range r.Invitations {
		out.Invitations = append(out.Invitations, siteInvitationDTO{SiteID: i.SiteID, EnterpriseID: i.EnterpriseID, InvitedBy: i.InvitedBy,
			InvitedOrg: i.InvitedOrg, InvitedAt: i.InvitedAt.UTC()})
	}
	for _, q := range r.Quotes {
		out.Quotes = append(out.Quotes, newCustomQuote(q))
	}
	return out
}

type rankedSiteDTO struct {
	Rank       int       `json:"rank"`
	Site       siteDTO   `json:"site"`
	Eligible   bool      `json:"eligible"`
	FreeHours  float64   `json:"free_hours"`
	DistanceKm int       `json:"distance_km"` // -1: unknown
	OnTime     int       `json:"on_time"`
	Closed     int       `json:"closed"`
	OnTimeRate float64   `json:"on_time_rate"`
	Reasons    []textDTO `json:"reasons"`
}

type requestEventDTO struct {
	Seq          int             `json:"seq"`
	RequestID    int64           `json:"request_id"`
	QuoteID      int64           `json:"quote_id"`
	At           time.Time       `json:"at"`
	ActorUserID  int64           `json:"actor_user_id"`
	ActorTokenID int64           `json:"actor_token_id"`
	ActorOrgID   int64           `json:"actor_org_id"`
	Action       string          `json:"action"`
	From         string          `json:"from"`
	To           string          `json:"to"`
	Reason       string          `json:"reason"`
	Data         json.RawMessage `json:"data"`
	PrevHash     string          `json:"prev_hash"`
	Hash         string          `json:"hash"`
}

type createRequestRequest struct {
	CategoryCode    string    `json:"category"`
	Title           string    `json:"title"`
	Description     string    `json:"description"`
	Quantity        int       `json:"quantity"`
	Unit            string    `json:"unit"`
	WantedDate      string    `json:"wanted_date"`
	DeliveryAddress string    `json:"delivery_address"`
	DeliveryRegion  string    `json:"delivery_region"`
	BudgetLineID    int64     `json:"budget_line_id"`
	QuoteDeadline   time.Time `json:"quote_deadline"`
}

type inviteSitesRequest struct {
	SiteIDs []int64 `json:"site_ids"`
}

type quoteRequest struct {
	SiteID        int64  `json:"site_id"`
	UnitPriceTiyn int64  `json:"unit_price_tiyn"`
	VATIncluded   bool   `json:"vat_included"`
	PromisedDate  string `json:"promised_date"`
	LabourHours   int    `json:"labour_hours"`
	Note          string `json:"note"`
}

type acceptQuoteRequest struct {
	QuoteID int64 `json:"quote_id"`
}

func (s *Server) createCustomRequest(c *fiber.Ctx) error {
	orgID, err := PathID(c, "id")
	if err != nil {
		return err
	}
	var in createRequestRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	wanted, err := dateField("wanted_date", in.WantedDate)
	if err != nil {
		return err
	}
	ri := orders.RequestInput{CategoryCode: in.CategoryCode, Title: in.Title, Description: in.Description, Quantity: in.Quantity,
		Unit: in.Unit, WantedDate: wanted, DeliveryAddress: in.DeliveryAddress, DeliveryRegion: in.DeliveryRegion,
		BudgetLineID: in.BudgetLineID, QuoteDeadline: in.QuoteDeadline}
	return s.idempotent(c, func(key *orders.IdempotencyKey) (any, *orders.IdempotentResult, error) {
		r, replay, err := s.Orders.CreateRequest(c.UserContext(), ActorOf(c), orgID, ri, key)
		return newCustomRequest(r), replay, err
	})
}

// requestFilter reads ?status=&before=&limit= of a list of requests.
func requestFilter(c *fiber.Ctx) (orders.RequestFilter, error) {
	before, limit, err := pageQuery(c)
	if err != nil {
		return orders.RequestFilter{}, err
	}
	status := orders.RequestStatus(strings.Clone(c.Query("status")))
	switch status {
	case "", orders.RequestOpen, orders.RequestOrdered, orders.RequestCancelled:
	default:
		return orders.RequestFilter{}, &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed",
			Fields: map[string]string{"status": "must be open, ordered or cancelled"}}
	}
	return orders.RequestFilter{Status: status, BeforeID: before, Limit: int(min(limit, orders.MaxListPage))}, nil
}

func customRequestList(rs []orders.CustomRequest) listDTO[customRequestDTO] {
	out := make([]customRequestDTO, len(rs))
	for i, r := range rs {
		out[i] = newCustomRequest(r)
	}
	return listDTO[customRequestDTO]{Items: out}
}

func (s *Server) orgCustomRequests(c *fiber.Ctx) error {
	return s.listCustomRequests(c, s.Orders.Requests)
}

func (s *Server) invitedCustomRequests(c *fiber.Ctx) error {
	return s.listCustomRequests(c, s.Orders.InvitedRequests)
}

// listCustomRequests answers with the requests list gives of the organization in the path.
func (s *Server) listCustomRequests(c *fiber.Ctx, list func(context.Context, accounts.Actor, int64, orders.RequestFilter) ([]orders.CustomRequest, error)) error {
	orgID, err := PathID(c, "id")
	if err != nil {
		return err
	}
	f, err := requestFilter(c)
	if err != nil {
		return err
	}
	rs, err := list(c.UserContext(), ActorOf(c), orgID, f)
	if err != nil {
		return err
	}
	return c.JSON(customRequestList(rs))
}

func (s *Server) customRequest(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	r, err := s.Orders.Request(c.UserContext(), ActorOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(newCustomRequest(r))
}

func (s *Server) customRequestRanking(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	ranked, err := s.Orders.RankSites(c.UserContext(), ActorOf(c), id)
	if err != nil {
		return err
	}
	out := make([]rankedSiteDTO, len(ranked))
	for i, r := range ranked {
		reasons := make([]textDTO, len(r.Reasons))
		for j, t := range r.Reasons {
			reasons[j] = newText(t)
		}
		out[i] = rankedSiteDTO{Rank: r.Rank, Site: newSite(r.Site), Eligible: r.Eligible, FreeHours: hours(r.FreeMinutes),
			DistanceKm: int(r.DistanceKm), OnTime: r.Record.OnTime, Closed: r.Record.Closed, OnTimeRate: r.Record.Rate(), Reasons: reasons}
	}
	return c.JSON(listDTO[rankedSiteDTO]{Items: out})
}

func (s *Server) inviteToCustomRequest(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	var in inviteSitesRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	r, err := s.Orders.Invite(c.UserContext(), ActorOf(c), id, in.SiteIDs)
	if err != nil {
		return err
	}
	return c.JSON(newCustomRequest(r))
}

func (s *Server) createCustomQuote(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	var in quoteRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	promised, err := dateField("promised_date", in.PromisedDate)
	if err != nil {
		return err
	}
	qi := orders.QuoteInput{SiteID: in.SiteID, UnitPriceTiyn: in.UnitPriceTiyn, VATIncluded: in.VATIncluded, PromisedDate: promised,
		LabourHours: in.LabourHours, Note: in.Note}
	return s.idempotent(c, func(key *orders.IdempotencyKey) (any, *orders.IdempotentResult, error) {
		q, replay, err := s.Orders.SubmitQuote(c.UserContext(), ActorOf(c), id, qi, key)
		return newCustomQuote(q), replay, err
	})
}

func (s *Server) acceptCustomQuote(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	var in acceptQuoteRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	return s.idempotent(c, func(key *orders.IdempotencyKey) (any, *orders.IdempotentResult, error) {
		o, replay, err := s.Orders.AcceptQuote(c.UserContext(), ActorOf(c), id, in.QuoteID, key)
		return newOrder(o), replay, err
	})
}

func (s *Server) cancelCustomRequest(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	var in reasonRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	r, err := s.Orders.CancelRequest(c.UserContext(), ActorOf(c), id, in.Reason)
	if err != nil {
		return err
	}
	return c.JSON(newCustomRequest(r))
}

func (s *Server) customRequestEvents(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	es, err := s.Orders.RequestEvents(c.UserContext(), ActorOf(c), id)
	if err != nil {
		return err
	}
	out := make([]requestEventDTO, len(es))
	for i, e := range es {
		data := json.RawMessage(e.Data)
		if !json.Valid(data) {
			data = json.RawMessage("{}")
		}
		out[i] = requestEventDTO{Seq: e.Seq, RequestID: e.RequestID, QuoteID: e.QuoteID, At: e.At.UTC(), ActorUserID: e.ActorUserID,
			ActorTokenID: e.ActorTokenID, ActorOrgID: e.ActorOrgID, Action: string(e.Action), From: e.From, To: e.To, Reason: e.Reason,
			Data: data, PrevHash: hex.EncodeToString(e.PrevHash), Hash: hex.EncodeToString(e.Hash)}
	}
	return c.JSON(listDTO[requestEventDTO]{Items: out})
}
