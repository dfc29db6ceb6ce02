package api

import (
	"encoding/hex"
	"encoding/json"
	"math"
	"strconv"
	"time"

	"github.com/sheber-kz/sheber/orders"
)

// DTOs of orders: carts, orders, fulfillment orders, budgets, the record and notifications.
// Money ends in _tiyn; dates are "YYYY-MM-DD" ("" when not set); times RFC 3339 UTC.

type cartItemDTO struct {
	ListingID     int64     `json:"listing_id"`
	Quantity      int       `json:"quantity"`
	AddedAt       time.Time `json:"added_at"`
	EnterpriseID  int64     `json:"enterprise_id"`
	Category      string    `json:"category"`
	Title         textDTO   `json:"title"`
	Unit          string    `json:"unit"`
	UnitPriceTiyn int64     `json:"unit_price_tiyn"`
	AmountTiyn    int64     `json:"amount_tiyn"`
	VATIncluded   bool      `json:"vat_included"`
	MinOrderQty   int       `json:"min_order_qty"`
	LeadTimeDays  int       `json:"lead_time_days"`
	ReadyStock    int       `json:"ready_stock"`
	Published     bool      `json:"published"`
}

func newCart(items []orders.CartItem) listDTO[cartItemDTO] {
	out := make([]cartItemDTO, len(items))
	for i, it := range items {
		l := it.Listing
		out[i] = cartItemDTO{ListingID: it.ListingID, Quantity: it.Quantity, AddedAt: it.AddedAt.UTC(), EnterpriseID: l.EnterpriseID,
			Category: l.CategoryCode, Title: newText(l.Title), Unit: l.Unit, UnitPriceTiyn: l.UnitPriceTiyn,
			AmountTiyn: l.UnitPriceTiyn * int64(it.Quantity), VATIncluded: l.VATIncluded, MinOrderQty: l.MinOrderQty,
			LeadTimeDays: l.LeadTimeDays, ReadyStock: l.ReadyStock, Published: l.Published}
	}
	return listDTO[cartItemDTO]{Items: out}
}

type orderLineDTO struct {
	ID                   int64   `json:"id"`
	Position             int     `json:"position"`
	ListingID            int64   `json:"listing_id"`
	EnterpriseID         int64   `json:"enterprise_id"`
	Category             string  `json:"category"`
	Title                textDTO `json:"title"`
	Unit                 string  `json:"unit"`
	UnitPriceTiyn        int64   `json:"unit_price_tiyn"`
	VATIncluded          bool    `json:"vat_included"`
	Quantity             int     `json:"quantity"`
	LabourMinutesPerUnit int     `json:"labour_minutes_per_unit"`
	LeadTimeDays         int     `json:"lead_time_days"`
	AmountTiyn           int64   `json:"amount_tiyn"`
}

func newOrderLines(ls []orders.Line) []orderLineDTO {
	out := make([]orderLineDTO, len(ls))
	for i, l := range ls {
		out[i] = orderLineDTO{ID: l.ID, Position: l.Position, ListingID: l.ListingID, EnterpriseID: l.EnterpriseID,
			Category: l.CategoryCode, Title: newText(l.Title), Unit: l.Unit, UnitPriceTiyn: l.UnitPriceTiyn,
			VATIncluded: l.VATIncluded, Quantity: l.Quantity, LabourMinutesPerUnit: l.LabourMinutesPerUnit,
			LeadTimeDays: l.LeadTimeDays, AmountTiyn: l.AmountTiyn}
	}
	return out
}

type orderDTO struct {
	ID               int64            `json:"id"`
	Number           string           `json:"number"`
	BuyerOrgID       int64            `json:"buyer_org_id"`
	BuyerRegion      string           `json:"buyer_region"`
	CreatedBy        int64            `json:"created_by"`
	Status           string           `json:"status"`
	DeliveryAddress  string           `json:"delivery_address"`
	DeliveryRegion   string           `json:"delivery_region"`
	RequestedDate    string           `json:"requested_date"`
	BudgetLineID     int64            `json:"budget_line_id"`
	Note             string           `json:"note"`
	ProcurementRoute string           `json:"procurement_route"`
	Penalty          penaltyRuleDTO   `json:"penalty"`
	TotalTiyn        int64            `json:"total_tiyn"`
	CommittedTiyn    int64            `json:"committed_tiyn"`
	SpentTiyn        int64            `json:"spent_tiyn"`
	Version          int              `json:"version"`
	CreatedAt        time.Time        `json:"created_at"`
	UpdatedAt        time.Time        `json:"updated_at"`
	SubmittedAt      *time.Time       `json:"submitted_at"`
	Lines            []orderLineDTO   `json:"lines"`
	Fulfillments     []fulfillmentDTO `json:"fulfillments"`
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func newOrder(o orders.Order) orderDTO {
	fs := make([]fulfillmentDTO, len(o.Fulfillments))
	for i, f := range o.Fulfillments {
		fs[i] = newFulfillment(f)
	}
	return orderDTO{ID: o.ID, Number: o.Number, BuyerOrgID: o.BuyerOrgID, BuyerRegion: o.BuyerRegion, CreatedBy: o.CreatedBy,
		Status: string(o.Status), DeliveryAddress: o.DeliveryAddress, DeliveryRegion: o.DeliveryRegion,
		RequestedDate: o.RequestedDate.String(), BudgetLineID: o.BudgetLineID, Note: o.Note, ProcurementRoute: o.ProcurementRoute,
		Penalty:   penaltyRuleDTO{BasisPointsPerDay: o.Penalty.BasisPointsPerDay, CapBasisPoints: o.Penalty.CapBasisPoints},
		TotalTiyn: o.TotalTiyn, CommittedTiyn: o.CommittedTiyn, SpentTiyn: o.SpentTiyn, Version: o.Version,
		CreatedAt: o.CreatedAt.UTC(), UpdatedAt: o.UpdatedAt.UTC(), SubmittedAt: optTime(o.SubmittedAt),
		Lines: newOrderLines(o.Lines), Fulfillments: fs}
}

type fulfillmentLineDTO struct {
	OrderLineID   int64   `json:"order_line_id"`
	Title         textDTO `json:"title"`
	Unit          string  `json:"unit"`
	UnitPriceTiyn int64   `json:"unit_price_tiyn"`
	Quantity      int     `json:"quantity"`
	FromStock     int     `json:"from_stock"`
	Made          int     `json:"made"`
	Shipped       int     `json:"shipped"`
	Delivered     int     `json:"delivered"`
	Accepted      int     `json:"accepted"`
	Rejected      int     `json:"rejected"`
}

type lineUnitsDTO struct {
	OrderLineID int64 `json:"order_line_id"`
	Units       int   `json:"units"`
}

type shipmentDTO struct {
	ID          int64          `json:"id"`
	Waybill     string         `json:"waybill"`
	ShippedAt   time.Time      `json:"shipped_at"`
	DeliveredAt *time.Time     `json:"delivered_at"`
	Lines       []lineUnitsDTO `json:"lines"`
}

type fulfillmentDTO struct {
	ID                int64                `json:"id"`
	OrderID           int64                `json:"order_id"`
	OrderNumber       string               `json:"order_number"`
	BuyerOrgID        int64                `json:"buyer_org_id"`
	EnterpriseID      int64                `json:"enterprise_id"`
	SiteID            int64                `json:"site_id"`
	Region            string               `json:"region"`
	Status            string               `json:"status"`
	LabourMinutes     int64                `json:"labour_minutes"`
	AmountTiyn        int64                `json:"amount_tiyn"`
	CommittedTiyn     int64                `json:"committed_tiyn"`
	SpentTiyn         int64                `json:"spent_tiyn"`
	QuotedDate        string               `json:"quoted_date"`
	PromisedDate      string               `json:"promised_date"`
	DeliveredOn       string               `json:"delivered_on"`
	CancelRequestedBy string               `json:"cancel_requested_by"`
	CancelReason      string               `json:"cancel_reason"`
	DaysOverdue       int                  `json:"days_overdue"`
	PenaltyTiyn       int64                `json:"penalty_tiyn"`
	Version           int                  `json:"version"`
	CreatedAt         time.Time            `json:"created_at"`
	UpdatedAt         time.Time            `json:"updated_at"`
	Lines             []fulfillmentLineDTO `json:"lines"`
	Shipments         []shipmentDTO        `json:"shipments"`
	DeclinedSiteIDs   []int64              `json:"declined_site_ids"`
}

func newFulfillment(f orders.Fulfillment) fulfillmentDTO {
	ls := make([]fulfillmentLineDTO, len(f.Lines))
	for i, l := range f.Lines {
		ls[i] = fulfillmentLineDTO{OrderLineID: l.OrderLineID, Title: newText(l.Title), Unit: l.Unit, UnitPriceTiyn: l.UnitPriceTiyn,
			Quantity: l.Quantity, FromStock: l.FromStock, Made: l.Made, Shipped: l.Shipped, Delivered: l.Delivered,
			Accepted: l.Accepted, Rejected: l.Rejected}
	}
	shs := make([]shipmentDTO, len(f.Shipments))
	for i, sh := range f.Shipments {
		sls := make([]lineUnitsDTO, len(sh.Lines))
		for j, sl := range sh.Lines {
			sls[j] = lineUnitsDTO{OrderLineID: sl.OrderLineID, Units: sl.Quantity}
		}
		shs[i] = shipmentDTO{ID: sh.ID, Waybill: sh.Waybill, ShippedAt: sh.ShippedAt.UTC(), DeliveredAt: optTime(sh.DeliveredAt), Lines: sls}
	}
	declined := f.DeclinedSiteIDs
	if declined == nil {
		declined = []int64{}
	}
	return fulfillmentDTO{ID: f.ID, OrderID: f.OrderID, OrderNumber: f.OrderNumber, BuyerOrgID: f.BuyerOrgID, EnterpriseID: f.EnterpriseID,
		SiteID: f.SiteID, Region: f.Region, Status: string(f.Status), LabourMinutes: f.LabourMinutes, AmountTiyn: f.AmountTiyn,
		CommittedTiyn: f.CommittedTiyn, SpentTiyn: f.SpentTiyn, QuotedDate: f.QuotedDate.String(), PromisedDate: f.PromisedDate.String(),
		DeliveredOn: f.DeliveredOn.String(), CancelRequestedBy: string(f.CancelRequestedBy), CancelReason: f.CancelReason,
		DaysOverdue: f.DaysOverdue, PenaltyTiyn: f.PenaltyTiyn, Version: f.Version, CreatedAt: f.CreatedAt.UTC(),
		UpdatedAt: f.UpdatedAt.UTC(), Lines: ls, Shipments: shs, DeclinedSiteIDs: declined}
}

type siteDTO struct {
	ID                  int64   `json:"id"`
	EnterpriseID        int64   `json:"enterprise_id"`
	InstitutionID       int64   `json:"institution_id"`
	Region              string  `json:"region"`
	Code                string  `json:"code"`
	Name                textDTO `json:"name"`
	InstitutionName     textDTO `json:"institution_name"`
	WorkshopKind        string  `json:"workshop_kind"`
	WeeklyCapacityHours int     `json:"weekly_capacity_hours"`
}

func newSite(s orders.Site) siteDTO {
	return siteDTO{ID: s.ID, EnterpriseID: s.EnterpriseID, InstitutionID: s.InstitutionID, Region: s.Region, Code: s.Code,
		Name: newText(s.Name), InstitutionName: newText(s.InstitutionName), WorkshopKind: string(s.WorkshopKind),
		WeeklyCapacityHours: s.WeeklyCapacityHours}
}

// hours turns minutes into hours with one decimal.
func hours(minutes int64) float64 { return math.Round(float64(minutes)/6) / 10 }

type candidateDTO struct {
	Rank       int     `json:"rank"`
	Site       siteDTO `json:"site"`
	FreeHours  float64 `json:"free_hours"`
	DistanceKm int     `json:"distance_km"` // -1: unknown
	OnTimeRate float64 `json:"on_time_rate"`
	Promise    string  `json:"promise"`
	Feasible   bool    `json:"feasible"`
}

type quotePartDTO struct {
	EnterpriseID int64          `json:"enterprise_id"`
	PromisedDate string         `json:"promised_date"`
	Lines        []orderLineDTO `json:"lines"`
	// FromStock is how many units of each line (by order line id) ready stock covers now.
	FromStock  map[string]int `json:"from_stock"`
	Candidates []candidateDTO `json:"candidates"`
}

type quoteDTO struct {
	Parts []quotePartDTO `json:"parts"`
}

func newQuote(qs []orders.PartQuote) quoteDTO {
	out := quoteDTO{Parts: make([]quotePartDTO, len(qs))}
	for i, q := range qs {
		p := quotePartDTO{EnterpriseID: q.EnterpriseID, PromisedDate: q.Promise().String(), Lines: newOrderLines(q.Lines),
			FromStock: map[string]int{}, Candidates: make([]candidateDTO, len(q.Candidates))}
		for id, n := range q.FromStock {
			p.FromStock[strconv.FormatInt(id, 10)] = n
		}
		for j, c := range q.Candidates {
			p.Candidates[j] = candidateDTO{Rank: c.Rank, Site: newSite(c.Site), FreeHours: hours(c.FreeMinutes),
				DistanceKm: int(math.Round(c.DistanceKm)), OnTimeRate: math.Round(c.Record.Rate()*1000) / 1000,
				Promise: c.Plan.Promise.String(), Feasible: c.Plan.Feasible}
		}
		out.Parts[i] = p
	}
	return out
}

type routeChoiceDTO struct {
	Route   procurementRouteDTO `json:"route"`
	Reasons []string            `json:"reasons"`
}

type eventDTO struct {
	Seq           int             `json:"seq"`
	OrderID       int64           `json:"order_id"`
	FulfillmentID int64           `json:"fulfillment_id"`
	At            time.Time       `json:"at"`
	ActorUserID   int64           `json:"actor_user_id"`
	ActorTokenID  int64           `json:"actor_token_id"`
	ActorOrgID    int64           `json:"actor_org_id"`
	Action        string          `json:"action"`
	From          string          `json:"from"`
	To            string          `json:"to"`
	Reason        string          `json:"reason"`
	Data          json.RawMessage `json:"data"`
	PrevHash      string          `json:"prev_hash"`
	Hash          string          `json:"hash"`
}

func newEvents(es []orders.Event) listDTO[eventDTO] {
	out := make([]eventDTO, len(es))
	for i, e := range es {
		data := json.RawMessage(e.Data)
		if !json.Valid(data) {
			data = json.RawMessage("{}")
		}
		out[i] = eventDTO{Seq: e.Seq, OrderID: e.OrderID, FulfillmentID: e.FulfillmentID, At: e.At.UTC(), ActorUserID: e.ActorUserID,
			ActorTokenID: e.ActorTokenID, ActorOrgID: e.ActorOrgID, Action: string(e.Action), From: e.From, To: e.To,
			Reason: e.Reason, Data: data, PrevHash: hex.EncodeToString(e.PrevHash), Hash: hex.EncodeToString(e.Hash)}
	}
	return listDTO[eventDTO]{Items: out}
}

type budgetLineDTO struct {
	ID            int64     `json:"id"`
	OrgID         int64     `json:"org_id"`
	Year          int       `json:"year"`
	Code          string    `json:"code"`
	Name          string    `json:"name"`
	AmountTiyn    int64     `json:"amount_tiyn"`
	CommittedTiyn int64     `json:"committed_tiyn"`
	SpentTiyn     int64     `json:"spent_tiyn"`
	AvailableTiyn int64     `json:"available_tiyn"`
	CreatedAt     time.Time `json:"created_at"`
}

func newBudgetLine(b orders.BudgetLine) budgetLineDTO {
	return budgetLineDTO{ID: b.ID, OrgID: b.OrgID, Year: b.Year, Code: b.Code, Name: b.Name, AmountTiyn: b.AmountTiyn,
		CommittedTiyn: b.CommittedTiyn, SpentTiyn: b.SpentTiyn, AvailableTiyn: b.AvailableTiyn(), CreatedAt: b.CreatedAt.UTC()}
}

type orderSettingsDTO struct {
	ApprovalRequired bool `json:"approval_required"`
}

type weekLoadDTO struct {
	Week  string  `json:"week"` // the Monday
	Hours float64 `json:"hours"`
}

type siteLoadDTO struct {
	Site          siteDTO       `json:"site"`
	CapacityHours int           `json:"capacity_hours"`
	Weeks         []weekLoadDTO `json:"weeks"`
}

type loadDTO struct {
	Sites []siteLoadDTO `json:"sites"`
}

func newLoad(ls []orders.SiteLoad) loadDTO {
	out := loadDTO{Sites: make([]siteLoadDTO, len(ls))}
	for i, l := range ls {
		ws := make([]weekLoadDTO, len(l.Weeks))
		for j, w := range l.Weeks {
			ws[j] = weekLoadDTO{Week: w.Week.String(), Hours: hours(w.Minutes)}
		}
		out.Sites[i] = siteLoadDTO{Site: newSite(l.Site), CapacityHours: l.Site.WeeklyCapacityHours, Weeks: ws}
	}
	return out
}

type notificationDTO struct {
	ID            int64     `json:"id"`
	Kind          string    `json:"kind"`
	Text          string    `json:"text"`
	OrderID       int64     `json:"order_id"`
	OrderNumber   string    `json:"order_number"`
	FulfillmentID int64     `json:"fulfillment_id"`
	Note          string    `json:"note"`
	CreatedAt     time.Time `json:"created_at"`
	Read          bool      `json:"read"`
}

type notificationsDTO struct {
	Items  []notificationDTO `json:"items"`
	Unread int               `json:"unread"`
}

// Requests.

type orderLineRequest struct {
	ListingID int64 `json:"listing_id"`
	Quantity  int   `json:"quantity"`
}

type createOrderRequest struct {
	FromCart        bool               `json:"from_cart"`
	Lines           []orderLineRequest `json:"lines"`
	DeliveryAddress string             `json:"delivery_address"`
	DeliveryRegion  string             `json:"delivery_region"`
	RequestedDate   string             `json:"requested_date"`
	BudgetLineID    int64              `json:"budget_line_id"`
	Note            string             `json:"note"`
	Submit          bool               `json:"submit"`
}

type cartItemRequest struct {
	Quantity int `json:"quantity"`
}

type orderVersionRequest struct {
	Version int `json:"version"`
}

type orderReasonRequest struct {
	Version int    `json:"version"`
	Reason  string `json:"reason"`
}

type budgetLineRequest struct {
	Year       int    `json:"year"`
	Code       string `json:"code"`
	Name       string `json:"name"`
	AmountTiyn int64  `json:"amount_tiyn"`
}

type confirmRequest struct {
	PromisedDate string `json:"promised_date"`
}

type reasonRequest struct {
	Reason string `json:"reason"`
}

type unitsRequest struct {
	Lines []lineUnitsDTO `json:"lines"`
}

type shipmentRequest struct {
	Waybill string         `json:"waybill"`
	Lines   []lineUnitsDTO `json:"lines"`
}

type acceptanceLineRequest struct {
	OrderLineID int64 `json:"order_line_id"`
	Accepted    int   `json:"accepted"`
	Rejected    int   `json:"rejected"`
}

type acceptanceRequest struct {
	Lines        []acceptanceLineRequest `json:"lines"`
	DefectReason string                  `json:"defect_reason"`
}

type cancelFulfillmentRequest struct {
	Side   string `json:"side"`
	Reason string `json:"reason"`
}

type markReadRequest struct {
	IDs []int64 `json:"ids"`
	All bool    `json:"all"`
}

type markedDTO struct {
	Marked int64 `json:"marked"`
}
