package orders_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/orders"
)

func key(scope, k, body string) *orders.IdempotencyKey {
	h := sha256.Sum256([]byte(body))
	return &orders.IdempotencyKey{Scope: scope, Key: k, RequestHash: h[:]}
}

// The same key with the same request creates one order, also when both arrive at once;
// the same key with another request is refused; another key is another order.
func TestCreateOrderIdempotency(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	in := orders.OrderInput{Lines: []orders.LineInput{{ListingID: w.desk.ID, Quantity: 2}}, DeliveryAddress: "Караганда",
		BudgetLineID: w.budget.ID, Submit: true}
	const workers = 8
	var wg sync.WaitGroup
	ids := make([]int64, workers)
	replays := make([]*orders.IdempotentResult, workers)
	errs := make([]error, workers)
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			var o orders.Order
			o, replays[i], errs[i] = w.svc.CreateOrder(ctx, w.requester, w.buyer.ID, in, key("user:1", "k-1", "body-1"))
			ids[i] = o.ID
		}(i)
	}
	wg.Wait()
	created := 0
	var first int64
	for i := 0; i < workers; i++ {
		if errs[i] != nil {
			t.Fatalf("request %d: %v", i, errs[i])
		}
		if replays[i] == nil {
			created++
			first = ids[i]
		}
	}
	if created != 1 {
		t.Fatalf("%d orders created for one key", created)
	}
	for i := 0; i < workers; i++ {
		if replays[i] != nil && (replays[i].ResourceKind != "order" || replays[i].ResourceID != first) {
			t.Fatalf("replay %d points at %+v, want order %d", i, replays[i], first)
		}
	}
	if err := w.svc.SaveResponse(ctx, *key("user:1", "k-1", "body-1"), 201, []byte(`{"id":1}`)); err != nil {
		t.Fatal(err)
	}
	_, r, err := w.svc.CreateOrder(ctx, w.requester, w.buyer.ID, in, key("user:1", "k-1", "body-1"))
	if err != nil || r == nil || r.Status != 201 || string(r.Body) != `{"id":1}` {
		t.Fatalf("replay after the response was saved: %+v %v", r, err)
	}
	if _, _, err := w.svc.CreateOrder(ctx, w.requester, w.buyer.ID, in, key("user:1", "k-1", "body-2")); field(err, "Idempotency-Key") == "" {
		t.Fatalf("the key with another body: %v", err)
	}
	if _, r, err := w.svc.CreateOrder(ctx, w.requester, w.buyer.ID, in, key("user:1", "k-2", "body-1")); err != nil || r != nil {
		t.Fatalf("another key: %+v %v", r, err)
	}
	var n int
	if err := w.db.GetContext(ctx, &n, `SELECT count(*) FROM orders`); err != nil || n != 2 {
		t.Fatalf("%d orders, want 2: %v", n, err)
	}
	// A refused create leaves no key behind: fixing the request with the same key works.
	bad := in
	bad.BudgetLineID = 0
	if _, _, err := w.svc.CreateOrder(ctx, w.requester, w.buyer.ID, bad, key("user:1", "k-3", "body-3")); field(err, "budget_line_id") == "" {
		t.Fatalf("no budget line: %v", err)
	}
	if _, r, err := w.svc.CreateOrder(ctx, w.requester, w.buyer.ID, in, key("user:1", "k-3", "body-3")); err != nil || r != nil {
		t.Fatalf("after a refused create: %+v %v", r, err)
	}
	// Keys are purged after the retention, not before.
	if n, err := w.svc.PurgeIdempotencyKeys(ctx); err != nil || n != 0 {
		t.Fatalf("purged %d fresh keys: %v", n, err)
	}
	if _, err := w.db.ExecContext(ctx, `UPDATE idempotency_keys SET created_at = $1`, w.now.Add(-orders.IdempotencyRetention-time.Second)); err != nil {
		t.Fatal(err)
	}
	if n, err := w.svc.PurgeIdempotencyKeys(ctx); err != nil || n != 3 {
		t.Fatalf("purged %d old keys, want 3: %v", n, err)
	}
}

// In a transaction the store records a key's resource with the transaction's events just
// before the commit: a key that was never claimed still fails the transaction, which
// leaves nothing behind, and a claimed one names what it created once committed.
func TestIdempotentResourceInTransaction(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	o := w.order(orders.LineInput{ListingID: w.desk.ID, Quantity: 1})
	events := func() int {
		t.Helper()
		evs, err := w.store.Events(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		return len(evs)
	}
	before := events()
	note := orders.Event{OrderID: o.ID, Action: orders.ActionCreate, To: "draft", Data: "{}"}
	err := w.store.InTx(ctx, func(tx orders.Store) error {
		last, err := tx.LastEvent(ctx, o.ID)
		if err != nil {
			return err
		}
		// Not a sealed event: the transaction is rolled back.
		rolledBack := sha256.Sum256([]byte("rolled back"))
		note.Seq, note.PrevHash, note.Hash = last.Seq+1, last.Hash, rolledBack[:]
		if err := tx.AppendEvent(ctx, note); err != nil {
			return err
		}
		return tx.SetIdempotentResource(ctx, *key("user:1", "never-claimed", "body"), "order", o.ID)
	})
	if code(err) != accounts.CodeNotFound {
		t.Fatalf("a resource for a key never claimed: %v; want not_found", err)
	}
	if n := events(); n != before {
		t.Fatalf("the failed transaction left %d events; want %d", n, before)
	}
	k := key("user:1", "claimed", "body")
	err = w.store.InTx(ctx, func(tx orders.Store) error {
		if r, err := tx.ClaimIdempotency(ctx, *k); err != nil || r != nil {
			return fmt.Errorf("claim: %+v, %v", r, err)
		}
		return tx.SetIdempotentResource(ctx, *k, "order", o.ID)
	})
	if err != nil {
		t.Fatal(err)
	}
	if r, err := w.store.ClaimIdempotency(ctx, *k); err != nil || r == nil || r.ResourceKind != "order" || r.ResourceID != o.ID {
		t.Fatalf("the committed key: %+v, %v; want order %d", r, err, o.ID)
	}
}

// Parallel submitters never overspend a budget line: exactly as many orders as the line
// can pay for are submitted, the others are refused naming the line, and the committed sum
// is the sum of the submitted orders.
func TestBudgetUnderConcurrentSubmissions(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	var line int64
	if err := w.db.GetContext(ctx, &line, `INSERT INTO budget_lines (org_id, year, code, name, amount_tiyn) VALUES ($1, 2026, '002', 'Малый', $2) RETURNING id`,
		w.buyer.ID, 7*2_500_000); err != nil {
		t.Fatal(err)
	}
	const submitters = 16
	var wg sync.WaitGroup
	errs := make([]error, submitters)
	for i := 0; i < submitters; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, _, errs[i] = w.svc.CreateOrder(ctx, w.requester, w.buyer.ID, orders.OrderInput{Lines: []orders.LineInput{{ListingID: w.desk.ID, Quantity: 1}},
				DeliveryAddress: "Караганда", BudgetLineID: line, Submit: true}, nil)
		}(i)
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case field(err, "budget_line_id") == "":
			t.Fatalf("refused for another reason: %v", err)
		}
	}
	if ok != 7 {
		t.Fatalf("%d orders submitted on a line for 7", ok)
	}
	var committed, sum int64
	if err := w.db.GetContext(ctx, &committed, `SELECT committed_tiyn FROM budget_lines WHERE id = $1`, line); err != nil {
		t.Fatal(err)
	}
	if err := w.db.GetContext(ctx, &sum, `SELECT COALESCE(sum(committed_tiyn), 0) FROM orders WHERE budget_line_id = $1 AND status = 'submitted'`, line); err != nil {
		t.Fatal(err)
	}
	if committed != 7*2_500_000 || sum != committed {
		t.Fatalf("committed %d, open orders %d, want both %d", committed, sum, 7*2_500_000)
	}
	// Cancelling one releases its share.
	var fid int64
	if err := w.db.GetContext(ctx, &fid, `SELECT f.id FROM fulfillments f JOIN orders o ON o.id = f.order_id WHERE o.budget_line_id = $1 LIMIT 1`, line); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Cancel(ctx, w.requester, fid, orders.SideBuyer, "Не нужно"); err != nil {
		t.Fatal(err)
	}
	if err := w.db.GetContext(ctx, &committed, `SELECT committed_tiyn FROM budget_lines WHERE id = $1`, line); err != nil || committed != 6*2_500_000 {
		t.Fatalf("committed after a cancellation %d: %v", committed, err)
	}
}

// Ready stock is reserved under concurrency and never goes negative: 12 orders of 1 bench
// against 5 in stock take 5 from stock and make the other 7; cancelling returns the stock.
func TestStockUnderConcurrentOrders(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	const buyers = 12
	var wg sync.WaitGroup
	errs := make([]error, buyers)
	for i := 0; i < buyers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, _, errs[i] = w.svc.CreateOrder(ctx, w.requester, w.buyer.ID, orders.OrderInput{Lines: []orders.LineInput{{ListingID: w.bench.ID, Quantity: 1}},
				DeliveryAddress: "Караганда", BudgetLineID: w.budget.ID, Submit: true}, nil)
		}(i)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var stock, fromStock int
	if err := w.db.GetContext(ctx, &stock, `SELECT ready_stock FROM listings WHERE id = $1`, w.bench.ID); err != nil {
		t.Fatal(err)
	}
	if err := w.db.GetContext(ctx, &fromStock, `SELECT sum(from_stock) FROM fulfillment_lines`); err != nil {
		t.Fatal(err)
	}
	if stock != 0 || fromStock != 5 {
		t.Fatalf("stock %d, taken %d; want 0 and 5", stock, fromStock)
	}
	var fid int64
	if err := w.db.GetContext(ctx, &fid, `SELECT fulfillment_id FROM fulfillment_lines WHERE from_stock = 1 LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Cancel(ctx, w.requester, fid, orders.SideBuyer, ""); err != nil {
		t.Fatal(err)
	}
	if err := w.db.GetContext(ctx, &stock, `SELECT ready_stock FROM listings WHERE id = $1`, w.bench.ID); err != nil || stock != 1 {
		t.Fatalf("stock after a cancellation %d: %v", stock, err)
	}
}

// A part that only one site can make goes back to the buyer when that site declines;
// the buyer then cancels it, which releases the budget.
func TestDeclineWithoutAnotherSiteReturnsToBuyer(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	o := w.order(orders.LineInput{ListingID: w.chair.ID, Quantity: 4})
	f := o.Fulfillments[0]
	if f.SiteID != w.siteNear.ID {
		t.Fatalf("routed to %d", f.SiteID)
	}
	f, err := w.svc.Decline(ctx, w.manager, f.ID, "Нет материала")
	if err != nil {
		t.Fatal(err)
	}
	if f.Status != orders.FulfillmentReturned || f.SiteID != 0 {
		t.Fatalf("declined at the only site: %+v", f)
	}
	if _, err := w.svc.Confirm(ctx, w.manager, f.ID, orders.Date{}); code(err) != "conflict" || field(err, "state") != "returned" {
		t.Fatalf("confirming a returned order: %v", err)
	}
	if f, err = w.svc.Cancel(ctx, w.requester, f.ID, orders.SideBuyer, ""); err != nil || f.Status != orders.FulfillmentCancelled {
		t.Fatalf("cancel: %v %+v", err, f)
	}
	o, _ = w.svc.Order(ctx, w.requester, o.ID)
	b, _ := w.svc.BudgetLine(ctx, w.requester, w.budget.ID)
	if o.Status != orders.StatusCancelled || b.CommittedTiyn != 0 {
		t.Fatalf("order %s, budget committed %d", o.Status, b.CommittedTiyn)
	}
}

// A full site's queue moves the promise later: the near site has 40 h a week; 100 chairs
// of 30 min (50 h) take two weeks, and the next order waits behind them.
func TestAvailableToPromiseFollowsTheQueue(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	first := w.order(orders.LineInput{ListingID: w.chair.ID, Quantity: 100}).Fulfillments[0]
	// 2026-09-01 is a Tuesday: 40 h this week, 10 h next week, done Friday 11 September.
	if first.QuotedDate != orders.DateOf(2026, 9, 11) {
		t.Fatalf("first quoted %s", first.QuotedDate)
	}
	second := w.order(orders.LineInput{ListingID: w.chair.ID, Quantity: 120}).Fulfillments[0]
	// 30 h left next week, 30 h the week after: done Friday 18 September.
	if second.QuotedDate != orders.DateOf(2026, 9, 18) {
		t.Fatalf("second quoted %s", second.QuotedDate)
	}
	load, err := w.svc.Load(ctx, w.manager, w.ent.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range load {
		if l.Site.ID == w.siteNear.ID && (l.Weeks[0].Minutes != 40*60 || l.Weeks[1].Minutes != 40*60 || l.Weeks[2].Minutes != 30*60) {
			t.Fatalf("load %+v", l.Weeks[:3])
		}
	}
}

// Who sees what: the buyer its orders, the producer its queue, the region's inspector both
// read-only, nobody else anything.
func TestOrderAccess(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	o := w.order(orders.LineInput{ListingID: w.desk.ID, Quantity: 1})
	fid := o.Fulfillments[0].ID
	cases := []struct {
		name      string
		actor     accounts.Actor
		order, ff accounts.Code
	}{
		{"requester", w.requester, "", ""},
		{"producer manager", w.manager, "not_found", ""},
		{"buyer of another school", w.outsider, "not_found", "not_found"},
		{"inspector of the region", w.inspector, "", ""},
		{"inspector of another region", w.otherInspector, "not_found", "not_found"},
		{"the public", accounts.Actor{}, "unauthenticated", "unauthenticated"},
	}
	for _, c := range cases {
		_, err := w.svc.Order(ctx, c.actor, o.ID)
		if code(err) != c.order {
			t.Errorf("%s reads the order: %v, want %q", c.name, err, c.order)
		}
		_, err = w.svc.Fulfillment(ctx, c.actor, fid)
		if code(err) != c.ff {
			t.Errorf("%s reads the fulfillment order: %v, want %q", c.name, err, c.ff)
		}
	}
	if _, err := w.svc.Confirm(ctx, w.inspector, fid, orders.Date{}); code(err) != "forbidden" {
		t.Errorf("the inspector confirmed: %v", err)
	}
	if _, err := w.svc.Queue(ctx, w.outsider, w.ent.ID, orders.QueueFilter{}); code(err) != "not_found" {
		t.Errorf("a buyer read the queue: %v", err)
	}
	if _, err := w.svc.Orders(ctx, w.manager, w.buyer.ID, orders.OrderFilter{}); code(err) != "not_found" {
		t.Errorf("the producer listed the buyer's orders: %v", err)
	}
	if _, err := w.svc.Events(ctx, w.outsider, o.ID); code(err) != "not_found" {
		t.Errorf("another buyer read the record: %v", err)
	}
	if _, err := w.svc.BudgetLines(ctx, w.outsider, w.buyer.ID, 0); code(err) != "not_found" {
		t.Errorf("another buyer read the budget: %v", err)
	}
}

// The record refuses UPDATE and DELETE; a change made behind its back (with the trigger
// disabled, as only the table's owner can) is found by the verification, naming the order
// and the event.
func TestEventChainTamper(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	a := w.order(orders.LineInput{ListingID: w.desk.ID, Quantity: 1})
	b := w.order(orders.LineInput{ListingID: w.desk.ID, Quantity: 2})
	c := w.order(orders.LineInput{ListingID: w.desk.ID, Quantity: 3})
	if _, err := w.db.ExecContext(ctx, `UPDATE order_events SET reason = 'x' WHERE order_id = $1`, a.ID); err == nil {
		t.Fatal("UPDATE of the record was allowed")
	}
	if _, err := w.db.ExecContext(ctx, `DELETE FROM order_events WHERE order_id = $1`, a.ID); err == nil {
		t.Fatal("DELETE of the record was allowed")
	}
	if _, err := w.db.ExecContext(ctx, `TRUNCATE order_events CASCADE`); err == nil {
		t.Fatal("TRUNCATE of the record was allowed")
	}
	if n, _, err := orders.VerifyChains(ctx, w.store); err != nil || n != 3 {
		t.Fatalf("verify before tampering: %d %v", n, err)
	}
	// Each tampering hits an earlier order than the one before, so that the verification's
	// first broken chain is the newest tampering.
	tamper := func(order int64, change string, wantSeq int) {
		t.Helper()
		tx, err := w.db.BeginTxx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{`ALTER TABLE order_events DISABLE TRIGGER order_events_no_update`, change,
			`ALTER TABLE order_events ENABLE TRIGGER order_events_no_update`} {
			if _, err := tx.ExecContext(ctx, strings.ReplaceAll(q, "$1", fmt.Sprint(order))); err != nil {
				tx.Rollback()
				t.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		var ce *orders.ChainError
		if _, _, err := orders.VerifyChains(ctx, w.store); !errors.As(err, &ce) || ce.OrderID != order || ce.Seq != wantSeq {
			t.Fatalf("after %q: %v, want order %d event %d", change, err, order, wantSeq)
		}
	}
	tamper(c.ID, `UPDATE order_events SET reason = 'подделка' WHERE order_id = $1 AND seq = 2`, 2)
	tamper(b.ID, `DELETE FROM order_events WHERE order_id = $1 AND seq = 2`, 3)
	tamper(a.ID, `UPDATE order_events SET at = at + interval '1 second' WHERE order_id = $1 AND seq = 1`, 1)
}

// Notifications: the producer hears of a new order, the buyer of the promise and, once,
// of a delay; unread counts fall as they are read; nobody reads another's.
func TestNotificationsAndDelays(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	o := w.order(orders.LineInput{ListingID: w.desk.ID, Quantity: 2})
	if n, err := w.svc.UnreadCount(ctx, w.manager); err != nil || n != 1 {
		t.Fatalf("producer manager unread %d: %v", n, err)
	}
	if _, err := w.svc.Confirm(ctx, w.manager, o.Fulfillments[0].ID, orders.Date{}); err != nil {
		t.Fatal(err)
	}
	if n, _ := w.svc.NotifyDelays(ctx); n != 0 {
		t.Fatalf("%d delays before the promised date", n)
	}
	w.now = w.now.AddDate(0, 0, 30)
	if n, err := w.svc.NotifyDelays(ctx); err != nil || n != 1 {
		t.Fatalf("delays %d: %v", n, err)
	}
	if n, _ := w.svc.NotifyDelays(ctx); n != 0 {
		t.Fatalf("the delay was notified again (%d)", n)
	}
	ns, err := w.svc.Notifications(ctx, w.requester, 0, 0)
	if err != nil || len(ns) != 2 || ns[0].Kind != orders.NotifyDelayed || ns[1].Kind != orders.NotifyConfirmed || ns[0].OrderNumber != o.Number {
		t.Fatalf("requester's notifications %+v %v", ns, err)
	}
	if ns[0].Text("kk") == "" || ns[0].Text("en") == ns[0].Text("ru") {
		t.Fatalf("texts %q %q", ns[0].Text("kk"), ns[0].Text("en"))
	}
	if n, _ := w.svc.MarkRead(ctx, w.outsider, []int64{ns[0].ID}); n != 0 {
		t.Fatal("another user marked the requester's notification read")
	}
	if n, _ := w.svc.MarkRead(ctx, w.requester, []int64{ns[0].ID}); n != 1 {
		t.Fatalf("marked %d", n)
	}
	if n, _ := w.svc.UnreadCount(ctx, w.requester); n != 1 {
		t.Fatalf("unread %d after reading one", n)
	}
	if n, _ := w.svc.MarkRead(ctx, w.requester, nil); n != 1 {
		t.Fatalf("marked all: %d", n)
	}
	var mails int
	if err := w.db.GetContext(ctx, &mails, `SELECT count(*) FROM email_outbox WHERE recipient = 'requester@school1.test'`); err != nil || mails != 2 {
		t.Fatalf("%d e-mails to the requester: %v", mails, err)
	}
}
