package postgres

import (
	"context"
	"fmt"

	"github.com/lib/pq"
)

// This file holds the questions the orders benchmark's checker (`sheber bench orders`)
// asks of the database after its load: each one is a rule of the orders store that a
// crash, a lost response or a race must not break, answered by counting the rows that
// break it. They read every order and listing, so they are for a benchmark's database,
// not for a portal's request path.

// AcknowledgedOrder is a create a client was told succeeded (a 2xx answer): the order's
// note, which the benchmark sets to carry the request's idempotency key, and the order's id.
type AcknowledgedOrder struct {
	Note    string
	OrderID int64
}

// OrdersFinding is what one rule found: how many rows break it and a few of them.
type OrdersFinding struct {
	Rule     string
	Broken   int
	Examples []string
}

// checkExamples is how many offending rows a finding quotes.
const checkExamples = 5

// CheckOrders answers the benchmark checker's rules and returns one finding per rule, in
// a fixed order (Broken 0: the rule holds):
//
//   - every acknowledged order exists, carries its request's note, and is the only order
//     with that note;
//   - no two orders carry the same note of notePrefix (one request, one order), and every
//     such order is the one its idempotency key recorded;
//   - no listing has negative stock;
//   - with initialStock (listing id -> ready stock before the load; nil skips the rule),
//     each listing's stock went down by exactly what fulfillments hold of it;
//   - every budget line's commitment is the sum of its submitted orders' commitments,
//     its spending the sum of their spending; an order that is not submitted holds
//     nothing; a submitted order's commitment is the sum of its fulfillments';
//   - every order has at least its first event.
//
// The hash chains themselves are orders.VerifyChains' to check.
func (s *OrdersStore) CheckOrders(ctx context.Context, notePrefix string, acked []AcknowledgedOrder, initialStock map[int64]int) ([]OrdersFinding, error) {
	notes := make([]string, len(acked))
	ids := make([]int64, len(acked))
	for i, a := range acked {
		notes[i], ids[i] = a.Note, a.OrderID
	}
	var stockIDs []int64
	var stockWas []int64
	for id, n := range initialStock {
		stockIDs = append(stockIDs, id)
		stockWas = append(stockWas, int64(n))
	}
	like := likePrefix(notePrefix)
	rules := []struct {
		rule string
		skip bool
		q    string
		args []any
	}{
		{rule: "every acknowledged order exists exactly once", q: `
			WITH per_note AS (SELECT note, count(*) AS n FROM orders GROUP BY note)
			SELECT format('order %s (note %s): %s', a.id, a.note,
				CASE WHEN o.id IS NULL THEN 'missing'
				     WHEN o.note <> a.note THEN 'carries the note ' || o.note
				     ELSE p.n || ' orders carry its note' END)
			FROM unnest($1::text[], $2::bigint[]) AS a (note, id)
			LEFT JOIN orders o ON o.id = a.id
			LEFT JOIN per_note p ON p.note = a.note
			WHERE o.id IS NULL OR o.note <> a.note OR p.n <> 1
			ORDER BY a.id`, args: []any{pq.Array(notes), pq.Array(ids)}},
		{rule: "no duplicate order for any idempotency key", q: `
			SELECT format('%s orders carry the note %s', count(*), note) FROM orders
			WHERE note LIKE $1 GROUP BY note HAVING count(*) > 1
			UNION ALL
			SELECT format('order %s (note %s) is not the order an idempotency key recorded', o.id, o.note) FROM orders o
			WHERE o.note LIKE $1 AND NOT EXISTS (
				SELECT 1 FROM idempotency_keys k WHERE k.resource_kind = 'order' AND k.resource_id = o.id)`, args: []any{like}},
		{rule: "no listing has negative stock", q: `
			SELECT format('listing %s has %s units', id, ready_stock) FROM listings WHERE ready_stock < 0 ORDER BY id`},
		{rule: "stock went down by exactly what fulfillments took", skip: initialStock == nil, q: `
			WITH taken AS (
				SELECT ol.listing_id,
					sum(CASE WHEN f.status = 'cancelled' THEN fl.from_stock - greatest(0, least(fl.from_stock, fl.made - fl.shipped))
					         ELSE fl.from_stock END) AS units
				FROM fulfillment_lines fl
				JOIN fulfillments f ON f.id = fl.fulfillment_id
				JOIN order_lines ol ON ol.id = fl.order_line_id
				WHERE ol.listing_id IS NOT NULL
				GROUP BY ol.listing_id)
			SELECT format('listing %s: %s units before, %s now, %s taken by fulfillments', w.id, w.was, l.ready_stock, COALESCE(t.units, 0))
			FROM unnest($1::bigint[], $2::bigint[]) AS w (id, was)
			JOIN listings l ON l.id = w.id
			LEFT JOIN taken t ON t.listing_id = w.id
			WHERE w.was - l.ready_stock <> COALESCE(t.units, 0)
			ORDER BY w.id`, args: []any{pq.Array(stockIDs), pq.Array(stockWas)}},
		{rule: "every budget line's commitment is the sum of its open orders' and theirs of their fulfillments", q: `
			SELECT format('budget line %s: committed %s, its submitted orders %s; spent %s, its orders %s',
				b.id, b.committed_tiyn, COALESCE(o.committed, 0), b.spent_tiyn, COALESCE(o.spent, 0))
			FROM budget_lines b
			LEFT JOIN (SELECT budget_line_id, sum(committed_tiyn) FILTER (WHERE status = 'submitted') AS committed,
					sum(spent_tiyn) AS spent
				FROM orders GROUP BY budget_line_id) o ON o.budget_line_id = b.id
			WHERE b.committed_tiyn <> COALESCE(o.committed, 0) OR b.spent_tiyn <> COALESCE(o.spent, 0)
			UNION ALL
			SELECT format('order %s is %s and still commits %s', id, status, committed_tiyn) FROM orders
			WHERE status <> 'submitted' AND committed_tiyn <> 0
			UNION ALL
			SELECT format('order %s commits %s, its fulfillments %s', o.id, o.committed_tiyn, COALESCE(f.committed, 0))
			FROM orders o
			LEFT JOIN (SELECT order_id, sum(committed_tiyn) AS committed FROM fulfillments GROUP BY order_id) f ON f.order_id = o.id
			WHERE o.status = 'submitted' AND o.committed_tiyn <> COALESCE(f.committed, 0)`},
		{rule: "every order has its record", q: `
			SELECT format('order %s has no events', o.id) FROM orders o
			WHERE NOT EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = o.id) ORDER BY o.id`},
	}
	out := make([]OrdersFinding, 0, len(rules))
	for _, r := range rules {
		f := OrdersFinding{Rule: r.rule}
		if r.skip {
			continue
		}
		var rows []string
		if err := s.q.SelectContext(ctx, &rows, r.q, r.args...); err != nil {
			return nil, fmt.Errorf("postgres: check %q: %w", r.rule, translate(err))
		}
		f.Broken = len(rows)
		f.Examples = rows[:min(len(rows), checkExamples)]
		out = append(out, f)
	}
	return out, nil
}

// likePrefix is a LIKE pattern matching strings that start with p.
func likePrefix(p string) string {
	esc := make([]rune, 0, len(p)+1)
	for _, r := range p {
		if r == '%' || r == '_' || r == '\\' {
			esc = append(esc, '\\')
		}
		esc = append(esc, r)
	}
	return string(esc) + "%"
}

// OrderableListing is a published listing that names a production site: one a buyer can
// order, with the least quantity an order of it must have and its ready stock.
type OrderableListing struct {
	ID          int64 `db:"id"`
	MinOrderQty int   `db:"min_order_qty"`
	ReadyStock  int   `db:"ready_stock"`
}

// OrderableListings returns every listing a buyer can order, by id: for the orders
// benchmark's load, which picks among them.
func (s *OrdersStore) OrderableListings(ctx context.Context) ([]OrderableListing, error) {
	var out []OrderableListing
	err := s.q.SelectContext(ctx, &out, `SELECT l.id, l.min_order_qty, l.ready_stock FROM listings l
		WHERE l.status = 'published' AND EXISTS (SELECT 1 FROM listing_sites ls WHERE ls.listing_id = l.id) ORDER BY l.id`)
	return out, translate(err)
}
