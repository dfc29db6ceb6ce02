package orders

import (
	"time"

	"github.com/sheber-kz/sheber/accounts"
)

// FulfillmentStatus is the state of a fulfillment order: the part of an order that one
// producer enterprise makes at one of its production sites.
type FulfillmentStatus string

// Fulfillment states. After the producer confirms, the state follows the counters of its
// lines: in production until every unit is made, ready until every unit is shipped,
// shipped until every unit is delivered, delivered until the buyer accepts them all, and
// rework while units the buyer rejected are to be made again.
const (
	FulfillmentRouted       FulfillmentStatus = "routed"    // offered to a site, waiting for the producer
	FulfillmentConfirmed    FulfillmentStatus = "confirmed" // the producer accepted it and promised a date
	FulfillmentInProduction FulfillmentStatus = "in_production"
	FulfillmentReady        FulfillmentStatus = "ready"
	FulfillmentShipped      FulfillmentStatus = "shipped"
	FulfillmentDelivered    FulfillmentStatus = "delivered"
	FulfillmentRework       FulfillmentStatus = "rework"
	FulfillmentClosed       FulfillmentStatus = "closed"
	FulfillmentReturned     FulfillmentStatus = "returned" // no site could take it: back with the buyer
	FulfillmentCancelled    FulfillmentStatus = "cancelled"
)

// FulfillmentStatuses lists every state, in the order of the producer's board.
var FulfillmentStatuses = []FulfillmentStatus{FulfillmentRouted, FulfillmentConfirmed, FulfillmentInProduction,
	FulfillmentRework, FulfillmentReady, FulfillmentShipped, FulfillmentDelivered, FulfillmentClosed,
	FulfillmentReturned, FulfillmentCancelled}

// Terminal reports whether nothing more happens to a fulfillment in state s.
func (s FulfillmentStatus) Terminal() bool {
	return s == FulfillmentClosed || s == FulfillmentCancelled
}

// Side names a party of a fulfillment.
type Side string

// Sides.
const (
	SideBuyer    Side = "buyer"
	SideProducer Side = "producer"
)

// Fulfillment is a fulfillment order.
type Fulfillment struct {
	ID           int64
	OrderID      int64
	OrderNumber  string
	BuyerOrgID   int64
	BuyerRegion  string
	EnterpriseID int64
	// SiteID is the production site it is routed to; 0 once returned to the buyer.
	SiteID int64
	// Region is the region of the institution hosting the site (oversight sees it).
	Region string
	Status FulfillmentStatus
	// LabourMinutes is the work it needs at the site: the units not taken from ready stock
	// times each line's labour.
	LabourMinutes int64
	AmountTiyn    int64
	// CommittedTiyn is the part of the order's budget commitment this fulfillment holds;
	// acceptance moves accepted units' amount from it to SpentTiyn.
	CommittedTiyn int64
	SpentTiyn     int64
	// QuotedDate is the available-to-promise date computed when it was routed;
	// PromisedDate the date the producer promised on confirming.
	QuotedDate   Date
	PromisedDate Date
	// DeliveredOn is the day its last units were delivered.
	DeliveredOn Date
	// CancelRequestedBy is the side that asked to cancel after production started; the
	// other side's agreement cancels it.
	CancelRequestedBy Side
	CancelReason      string
	DaysOverdue       int
	PenaltyTiyn       int64
	Version           int
	CreatedAt         time.Time
	UpdatedAt         time.Time
	Lines             []FulfillmentLine
	Shipments         []Shipment
	// DeclinedSiteIDs are the sites that declined it, in order.
	DeclinedSiteIDs []int64
}

// Resource is the fulfillment as the policy sees it: its enterprise's queue in its region.
func (f Fulfillment) Resource() accounts.Resource {
	return accounts.Resource{Kind: accounts.ResourceFulfillments, OrgID: f.EnterpriseID, Region: f.Region}
}

// FulfillmentLine counts the units of one order line in a fulfillment. Rejected units were
// made, shipped and delivered, and are to be made and shipped again; so the good units made
// are Made-Rejected, shipped Shipped-Rejected, and awaiting acceptance
// Delivered-Accepted-Rejected.
type FulfillmentLine struct {
	OrderLineID   int64
	Title         accounts.Text
	Unit          string
	UnitPriceTiyn int64
	Quantity      int
	// FromStock units were taken from the listing's ready stock: they count as made.
	FromStock int
	Made      int
	Shipped   int
	Delivered int
	Accepted  int
	Rejected  int
}

// ToMake is how many units are still to be made.
func (l FulfillmentLine) ToMake() int { return l.Quantity - (l.Made - l.Rejected) }

// ToShip is how many units are made and not shipped.
func (l FulfillmentLine) ToShip() int { return l.Made - l.Shipped }

// AwaitingAcceptance is how many delivered units the buyer has not judged.
func (l FulfillmentLine) AwaitingAcceptance() int { return l.Delivered - l.Accepted - l.Rejected }

// valid checks the invariants of the counters.
func (l FulfillmentLine) valid() bool {
	return l.Quantity >= 1 && l.FromStock >= 0 && l.FromStock <= l.Quantity && l.Made >= l.FromStock &&
		l.Rejected >= 0 && l.Accepted >= 0 && l.Accepted+l.Rejected <= l.Delivered && l.Delivered <= l.Shipped &&
		l.Shipped <= l.Made && l.Made-l.Rejected <= l.Quantity && l.Accepted <= l.Quantity
}

// Shipment is a consignment of a fulfillment's units.
type Shipment struct {
	ID            int64
	FulfillmentID int64
	Waybill       string
	ShippedAt     time.Time
	DeliveredAt   time.Time // zero until the buyer records the delivery
	Lines         []ShipmentLine
}

// ShipmentLine is how many units of an order line a shipment carries.
type ShipmentLine struct {
	OrderLineID int64
	Quantity    int
}

// Acceptance is the buyer's judgement of delivered units.
type Acceptance struct {
	ID            int64
	FulfillmentID int64
	AcceptedAt    time.Time
	AcceptedBy    int64
	DefectReason  string
	Lines         []AcceptanceLine
	DaysOverdue   int
	PenaltyTiyn   int64
}

// AcceptanceLine is how many delivered units of an order line were accepted and rejected.
type AcceptanceLine struct {
	OrderLineID int64
	Accepted    int
	Rejected    int
}

// derivedStatus is the state a confirmed fulfillment is in by its counters.
func derivedStatus(lines []FulfillmentLine) FulfillmentStatus {
	allAccepted, allDelivered, allShipped, allMade, rework, started := true, true, true, true, false, false
	for _, l := range lines {
		if l.Accepted < l.Quantity {
			allAccepted = false
		}
		if l.Shipped-l.Rejected < l.Quantity || l.Delivered < l.Shipped {
			allDelivered = false
		}
		if l.Shipped-l.Rejected < l.Quantity {
			allShipped = false
		}
		if l.ToMake() > 0 {
			allMade = false
			if l.Rejected > 0 {
				rework = true
			}
		}
		if l.Made > l.FromStock || l.Shipped > 0 {
			started = true
		}
	}
	switch {
	case allAccepted:
		return FulfillmentClosed
	case allDelivered:
		return FulfillmentDelivered
	case allShipped:
		return FulfillmentShipped
	case allMade:
		return FulfillmentReady
	case rework:
		return FulfillmentRework
	case started:
		return FulfillmentInProduction
	}
	return FulfillmentConfirmed
}

// AnyDelivered reports whether some units reached the buyer (an acceptance act can be
// drawn up).
func (f Fulfillment) AnyDelivered() bool {
	for _, l := range f.Lines {
		if l.Delivered > 0 {
			return true
		}
	}
	return false
}

// productionStarted reports whether work has begun: a unit made beyond stock, or shipped.
func (f Fulfillment) productionStarted() bool {
	for _, l := range f.Lines {
		if l.Made > l.FromStock || l.Shipped > 0 {
			return true
		}
	}
	return false
}
