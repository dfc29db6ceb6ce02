package orders

import (
	"fmt"
	"slices"

	"github.com/sheber-kz/sheber/accounts"
)

// Action is a transition of an order or a fulfillment, as the record names it.
type Action string

// Actions on orders.
const (
	ActionCreate          Action = "create"
	ActionRequestApproval Action = "request_approval"
	ActionApprove         Action = "approve"
	ActionReturn          Action = "return" // the approver returns the order to its requester
	ActionSubmit          Action = "submit"
	ActionCancelOrder     Action = "cancel_order"
	ActionCloseOrder      Action = "close_order"
)

// Actions on fulfillments.
const (
	ActionRoute         Action = "route"   // the router offers it to a site
	ActionConfirm       Action = "confirm" // the producer accepts it with a promised date
	ActionDecline       Action = "decline"
	ActionReturnToBuyer Action = "return_to_buyer" // no eligible site is left
	ActionProgress      Action = "progress"
	ActionMarkReady     Action = "mark_ready"
	ActionShip          Action = "ship"
	ActionDeliver       Action = "deliver"
	ActionAccept        Action = "accept" // the buyer accepts (and may reject) delivered units
	ActionRequestCancel Action = "request_cancel"
	ActionCancel        Action = "cancel"
)

// orderMachine says from which order states each action may start.
var orderMachine = map[Action][]Status{
	ActionRequestApproval: {StatusDraft},
	ActionApprove:         {StatusPendingApproval},
	ActionReturn:          {StatusPendingApproval},
	ActionSubmit:          {StatusDraft},
	ActionCancelOrder:     {StatusDraft, StatusPendingApproval},
}

// working are the states of a fulfillment that its producer has confirmed and not closed.
var working = []FulfillmentStatus{FulfillmentConfirmed, FulfillmentInProduction, FulfillmentRework,
	FulfillmentReady, FulfillmentShipped, FulfillmentDelivered}

// fulfillmentMachine says from which fulfillment states each action may start. Some also
// need units to act on (a shipment needs made units): the service checks those after
// the state.
var fulfillmentMachine = map[Action][]FulfillmentStatus{
	ActionConfirm:   {FulfillmentRouted},
	ActionDecline:   {FulfillmentRouted},
	ActionProgress:  {FulfillmentConfirmed, FulfillmentInProduction, FulfillmentRework},
	ActionMarkReady: {FulfillmentConfirmed, FulfillmentInProduction, FulfillmentRework},
	ActionShip:      {FulfillmentConfirmed, FulfillmentInProduction, FulfillmentRework, FulfillmentReady},
	ActionDeliver:   {FulfillmentConfirmed, FulfillmentInProduction, FulfillmentRework, FulfillmentReady, FulfillmentShipped},
	ActionAccept:    {FulfillmentInProduction, FulfillmentRework, FulfillmentReady, FulfillmentShipped, FulfillmentDelivered},
	// Before production the buyer cancels at once; after, either side asks and the other
	// agrees (ActionCancel again, by the other side).
	ActionRequestCancel: working,
	ActionCancel:        append([]FulfillmentStatus{FulfillmentRouted, FulfillmentReturned}, working...),
}

// illegalOrder is the refusal of an action the order's state does not allow: 409 naming
// the current state.
func illegalOrder(a Action, current Status) error {
	return &accounts.Error{Code: accounts.CodeConflict,
		Message: fmt.Sprintf("an order in state %q cannot %s", current, actionWords[a]),
		Fields:  map[string]string{"state": string(current)}}
}

// illegalFulfillment is the refusal of an action the fulfillment's state does not allow.
func illegalFulfillment(a Action, current FulfillmentStatus) error {
	return &accounts.Error{Code: accounts.CodeConflict,
		Message: fmt.Sprintf("a fulfillment order in state %q cannot %s", current, actionWords[a]),
		Fields:  map[string]string{"state": string(current)}}
}

// checkOrder refuses a that the order's state does not allow.
func checkOrder(a Action, o Order) error {
	if !slices.Contains(orderMachine[a], o.Status) {
		return illegalOrder(a, o.Status)
	}
	return nil
}

// checkFulfillment refuses a that the fulfillment's state does not allow.
func checkFulfillment(a Action, f Fulfillment) error {
	if !slices.Contains(fulfillmentMachine[a], f.Status) {
		return illegalFulfillment(a, f.Status)
	}
	return nil
}

// actionWords says what an action does, for refusals.
var actionWords = map[Action]string{
	ActionRequestApproval: "be sent for approval",
	ActionApprove:         "be approved",
	ActionReturn:          "be returned to its requester",
	ActionSubmit:          "be submitted",
	ActionCancelOrder:     "be cancelled as a whole (cancel its fulfillment orders)",
	ActionConfirm:         "be confirmed",
	ActionDecline:         "be declined",
	ActionProgress:        "record progress",
	ActionMarkReady:       "be marked ready",
	ActionShip:            "be shipped",
	ActionDeliver:         "be marked delivered",
	ActionAccept:          "be accepted",
	ActionRequestCancel:   "have its cancellation requested",
	ActionCancel:          "be cancelled",
}
