package orders

import (
	"time"

	"github.com/sheber-kz/sheber/accounts"
)

// Limits of orders. The README lists them too.
const (
	// MaxCartItems is how many listings one cart (and so one order) may hold.
	MaxCartItems = 100
	// MaxQuantity is the most units of one line.
	MaxQuantity = 1_000_000
	// MaxAddressLength, MaxNoteLength and MaxReasonLength bound free text, in characters.
	MaxAddressLength = 500
	MaxNoteLength    = 2000
	MaxReasonLength  = 1000
	// MaxWaybillLength bounds a waybill number.
	MaxWaybillLength = 60
	// MaxRequestedDays is how far ahead a requested delivery date may be.
	MaxRequestedDays = 730
	// MaxListPage is the most orders or fulfillments one page lists.
	MaxListPage = 100
)

// Status is the state of an order as a whole.
type Status string

// Order states. An order is built as a draft; submitting it (after approval, if its
// organization requires one) commits its total against its budget line and splits it into
// fulfillment orders; it closes when they are all closed or cancelled, and is cancelled
// when all of them are.
const (
	StatusDraft           Status = "draft"
	StatusPendingApproval Status = "pending_approval"
	StatusSubmitted       Status = "submitted"
	StatusClosed          Status = "closed"
	StatusCancelled       Status = "cancelled"
)

// Order is a buyer organization's order.
type Order struct {
	ID              int64
	Number          string // "SH-2026-000042"
	BuyerOrgID      int64
	BuyerRegion     string // the buyer organization's region
	CreatedBy       int64  // user; 0 for a machine client
	Status          Status
	DeliveryAddress string
	DeliveryRegion  string
	RequestedDate   Date // zero: as soon as possible
	BudgetLineID    int64
	Note            string
	// ProcurementRoute is the code of the procurement route that applies.
	ProcurementRoute string
	// Penalty is the late-delivery rule of the route, copied when the order was made so
	// that a later change of the routes does not change it.
	Penalty   PenaltyRule
	TotalTiyn int64
	// CommittedTiyn is what the order holds against its budget line now: its total from
	// submission, less what was cancelled and what acceptance turned into spending.
	CommittedTiyn int64
	SpentTiyn     int64
	Version       int
	CreatedAt     time.Time
	UpdatedAt     time.Time
	SubmittedAt   time.Time // zero until submitted
	Lines         []Line
	Fulfillments  []Fulfillment
}

// Line is one line of an order: a listing's title, unit, price and the labour and lead
// time it needs, snapshotted when the order was created, and the quantity.
type Line struct {
	ID                   int64
	Position             int
	ListingID            int64
	EnterpriseID         int64
	CategoryCode         string
	Title                accounts.Text
	Unit                 string
	UnitPriceTiyn        int64
	VATIncluded          bool
	Quantity             int
	LabourMinutesPerUnit int
	LeadTimeDays         int
	AmountTiyn           int64
}

// BudgetLine is a buyer organization's budget for one purpose in one year.
type BudgetLine struct {
	ID            int64
	OrgID         int64
	Year          int
	Code          string
	Name          string
	AmountTiyn    int64
	CommittedTiyn int64
	SpentTiyn     int64
	CreatedAt     time.Time
}

// AvailableTiyn is what the line can still commit.
func (b BudgetLine) AvailableTiyn() int64 { return b.AmountTiyn - b.CommittedTiyn - b.SpentTiyn }

// CartItem is a listing in a requester's cart, with the listing's current terms.
type CartItem struct {
	ListingID int64
	Quantity  int
	AddedAt   time.Time
	Listing   CartListing
}

// CartListing is what a cart shows of a listing, read when the cart is.
type CartListing struct {
	EnterpriseID         int64
	CategoryCode         string
	Title                accounts.Text
	Unit                 string
	UnitPriceTiyn        int64
	VATIncluded          bool
	MinOrderQty          int
	LeadTimeDays         int
	LabourMinutesPerUnit int
	ReadyStock           int
	Published            bool
	SiteIDs              []int64
	// EnterpriseSubtype is the producer enterprise's subtype (it chooses the route).
	EnterpriseSubtype accounts.Subtype
}

// Settings are a buyer organization's order settings.
type Settings struct {
	OrgID            int64
	ApprovalRequired bool
}
