// Package orders is the domain of orders and their fulfillment: carts, approvals, budget
// lines, the split of an order into one fulfillment order per producer enterprise, routing
// to production sites with capacity and an available-to-promise date, the producers'
// queues and the state machine of a fulfillment from routing to the buyer's acceptance,
// the invoices and payments the buyer records for each fulfillment (payments.go), and the
// hash-chained record of every transition. It depends on catalog and accounts only;
// its store is an adapter under storage/.
//
// Who may do what is decided by accounts.Authorize: a buyer organization's members see its
// orders (requesters and approvers change them, approvers approve), a producer enterprise's
// members see its fulfillment orders (producer managers and workshop masters run them),
// oversight sees its region read-only, nobody else anything.
//
// Money is int64 tiyn; dates of promise and delivery are calendar days in Asia/Almaty.
package orders
