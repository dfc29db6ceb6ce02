package orders

import (
	"context"
	"time"

	"github.com/sheber-kz/sheber/accounts"
)

// Store persists orders. Methods return an *accounts.Error with CodeNotFound for a
// missing row and CodeConflict when a unique rule is broken.
type Store interface {
	SettlementStore

	CustomRequestStore

	// InTx runs fn with a Store bound to one transaction.
	InTx(ctx context.Context, fn func(Store) error) error

	// Settings returns a buyer organization's settings (the defaults if none are stored).
	Settings(ctx context.Context, orgID int64) (Settings, error)
	SaveSettings(ctx context.Context, s Settings) error

	// BudgetLines returns an organization's lines of year (0: every year), by year and code.
	BudgetLines(ctx context.Context, orgID int64, year int) ([]BudgetLine, error)
	BudgetLine(ctx context.Context, id int64) (BudgetLine, error)
	// CreateBudgetLine inserts b and sets its ID; CodeConflict if the organization has
	// the code in that year already.
	CreateBudgetLine(ctx context.Context, b *BudgetLine) error
	// CommitBudget adds amount to the line's commitment if it stays within the line's
	// amount, atomically, and reports whether it did.
	CommitBudget(ctx context.Context, lineID, amount int64) (bool, error)
	// ReleaseBudget takes amount off the line's commitment; SpendBudget moves amount from
	// its commitment to its spending.
	ReleaseBudget(ctx context.Context, lineID, amount int64) error
	SpendBudget(ctx context.Context, lineID, amount int64) error

	// Cart returns a requester's cart in an organization with each listing's current terms.
	Cart(ctx context.Context, orgID, userID int64) ([]CartItem, error)
	// SetCartItem puts quantity of a listing in the cart (replacing what was there);
	// quantity 0 takes it out.
	SetCartItem(ctx context.Context, orgID, userID, listingID int64, quantity int) error
	ClearCart(ctx context.Context, orgID, userID int64) error
	// Listings returns the terms of the listings with ids (missing ones are left out).
	Listings(ctx context.Context, ids []int64) (map[int64]CartListing, error)

	// CreateOrder inserts o with its lines, and sets its ID, Number, Version (1), the
	// lines' IDs and the timestamps.
	CreateOrder(ctx context.Context, o *Order) error
	// Order returns the order with its lines and fulfillments; lock holds it (FOR UPDATE)
	// until the transaction ends.
	Order(ctx context.Context, id int64, lock bool) (Order, error)
	// UpdateOrder stores o's state, money and dates and bumps its version.
	UpdateOrder(ctx context.Context, o *Order) error
	// Orders lists orders by f, newest first.
	Orders(ctx context.Context, f OrderFilter) ([]Order, error)

	// CreateFulfillments inserts each fs[i] with its lines and its bookings[i] at its site
	// (none when empty), all in one statement, and sets their IDs and timestamps.
	CreateFulfillments(ctx context.Context, fs []*Fulfillment, bookings [][]WeekLoad) error
	// Fulfillment returns a fulfillment with its lines and shipments; lock as for Order.
	Fulfillment(ctx context.Context, id int64, lock bool) (Fulfillment, error)
	// UpdateFulfillment stores f's state, site, counters, dates and money and bumps its
	// version.
	UpdateFulfillment(ctx context.Context, f *Fulfillment) error
	// Queue lists fulfillment orders by q, by promised (else quoted) date.
	Queue(ctx context.Context, q QueueFilter) ([]Fulfillment, error)
	// AddDecline records that a site declined a fulfillment.
	AddDecline(ctx context.Context, fulfillmentID, siteID, userID int64, reason string, at time.Time) error

	// Sites returns an enterprise's production sites with their institutions' regions.
	Sites(ctx context.Context, enterpriseID int64) ([]Site, error)
	// SitesWithRecords returns the sites ids (those that exist), whatever their
	// enterprises, and the on-time record of each (as OnTimeRecords).
	SitesWithRecords(ctx context.Context, ids []int64) ([]Site, map[int64]OnTimeRecord, error)
	// Site returns one site.
	Site(ctx context.Context, id int64) (Site, error)
	// LockSites holds the sites' rows until the transaction ends (in id order), so that
	// two routings do not book the same free week.
	LockSites(ctx context.Context, ids []int64) error
	// SiteLoad returns the minutes booked at each site in the weeks from `from` on.
	SiteLoad(ctx context.Context, siteIDs []int64, from Date) (map[int64]map[Date]int64, error)
	// Book records a fulfillment's bookings at a site; ReleaseBookings removes them all.
	Book(ctx context.Context, fulfillmentID, siteID int64, weeks []WeekLoad) error
	ReleaseBookings(ctx context.Context, fulfillmentID int64) error
	// OnTimeRecords returns the on-time record of each site.
	OnTimeRecords(ctx context.Context, siteIDs []int64) (map[int64]OnTimeRecord, error)

	// ReserveStock takes up to want[id] units of each listing's ready stock and returns
	// how many it took of each (never leaving a stock negative, whatever runs at the same
	// time); ReturnStock puts units back.
	ReserveStock(ctx context.Context, want map[int64]int) (map[int64]int, error)
	ReturnStock(ctx context.Context, listingID int64, n int) error

	// CreateShipment inserts s with its lines and sets its ID; CodeConflict if the
	// fulfillment has a shipment with the waybill already.
	CreateShipment(ctx context.Context, s *Shipment) error
	// MarkShipmentsDelivered sets the delivery time of the fulfillment's undelivered
	// shipments and returns them.
	MarkShipmentsDelivered(ctx context.Context, fulfillmentID int64, at time.Time) ([]Shipment, error)
	// CreateAcceptance inserts a with its lines and sets its ID.
	CreateAcceptance(ctx context.Context, a *Acceptance) error
	// Acceptances returns a fulfillment's acceptances, oldest first.
	Acceptances(ctx context.Context, fulfillmentID int64) ([]Acceptance, error)

	// LastEvent returns an order's newest event (nil if it has none). Call it with the
	// order locked, so that two appends do not race.
	LastEvent(ctx context.Context, orderID int64) (*Event, error)
	// AppendEvent inserts a sealed event.
	AppendEvent(ctx context.Context, e Event) error
	// Events returns an order's events in Seq order.
	Events(ctx context.Context, orderID int64) ([]Event, error)
	// EachChain calls fn with every order's events, order by order, until fn fails.
	EachChain(ctx context.Context, fn func(orderID int64, events []Event) error) error

	// ClaimIdempotency records key for a request about to create something, unless it is
	// recorded already: then it returns what the first request recorded (which may not
	// have a response yet if that request is still running or died after its commit).
	// Call it first in the create's transaction: a concurrent request with the same key
	// waits for the first to commit or roll back.
	ClaimIdempotency(ctx context.Context, k IdempotencyKey) (*IdempotentResult, error)
	// IdempotentResult returns what the committed request with key k recorded, or nil
	// when no committed request has it (it reads without waiting for one in progress).
	IdempotentResult(ctx context.Context, k IdempotencyKey) (*IdempotentResult, error)
	// SetIdempotentResource records, in the create's transaction, what key created.
	SetIdempotentResource(ctx context.Context, k IdempotencyKey, kind string, id int64) error
	// SaveIdempotentResponse stores the response the first request got.
	SaveIdempotentResponse(ctx context.Context, k IdempotencyKey, status int, body []byte) error
	// PurgeIdempotency removes keys recorded before `before` and returns how many.
	PurgeIdempotency(ctx context.Context, before time.Time) (int64, error)

	// Notify queues in-app notifications (and their e-mails) in the transaction.
	Notify(ctx context.Context, ns []Notification) error
	// Notifications returns a user's notifications, newest first, with ids below before
	// (0: from the newest), at most limit.
	Notifications(ctx context.Context, userID int64, before int64, limit int) ([]Notification, error)
	// UnreadCount counts a user's unread notifications.
	UnreadCount(ctx context.Context, userID int64) (int, error)
	// MarkRead marks a user's notifications with ids (nil: all) read at `at` and returns
	// how many were unread.
	MarkRead(ctx context.Context, userID int64, ids []int64, at time.Time) (int64, error)
	// Overdue returns confirmed, unshipped-in-full fulfillment orders whose promised date
	// is before today and whose delay was not notified yet, locked, at most limit.
	Overdue(ctx context.Context, today Date, limit int) ([]Fulfillment, error)
	// SetDelayNotified records that a fulfillment's delay was notified on day.
	SetDelayNotified(ctx context.Context, fulfillmentID int64, day Date) error
	// Members returns the users of an organization holding one of roles.
	Members(ctx context.Context, orgID int64, roles []accounts.Role) ([]Recipient, error)
	// MembersOf is Members of several organizations at once, by organization (those
	// without such members are left out).
	MembersOf(ctx context.Context, orgIDs []int64, roles []accounts.Role) (map[int64][]Recipient, error)
}

// OrderFilter selects orders.
type OrderFilter struct {
	BuyerOrgID int64  // 0: any (with Region set, oversight)
	Region     string // buyers of this region
	Status     Status // "": any
	Limit      int
	BeforeID   int64 // for paging: orders with smaller ids
}

// QueueFilter selects fulfillment orders.
type QueueFilter struct {
	EnterpriseID int64
	SiteID       int64
	Statuses     []FulfillmentStatus
	OrderID      int64
	Limit        int
}

// IdempotencyKey identifies a create request: the client's key, scoped to who sent it,
// and the hash of what was asked.
type IdempotencyKey struct {
	Scope       string // "user:12" or "token:3"
	Key         string
	RequestHash []byte // SHA-256 of the method, path and body
}

// IdempotentResult is what a key recorded.
type IdempotentResult struct {
	RequestHash  []byte
	ResourceKind string // "" while the first request has not created anything
	ResourceID   int64
	Status       int    // 0 until the response is stored
	Body         []byte // the first response's body
	CreatedAt    time.Time
}

// Recipient is a user to notify.
type Recipient struct {
	UserID int64
	Email  string
	Name   string
}
