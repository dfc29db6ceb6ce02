// Package orders is the domain of orders and their fulfillment: carts, approvals, routing
// to production sites with capacity, the producers' queues, tenders, bids and awards.
// It depends on catalog and accounts only.
//
// The order flows arrive with the orders issue; this package exists now so that the import
// rules of DESIGN.md are checked from the first commit.
package orders
