package main

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog"
	"github.com/sheber-kz/sheber/cmd/sheber/internal/orderload"
	"github.com/sheber-kz/sheber/orders"
	"github.com/sheber-kz/sheber/storage/postgres"
	"github.com/sheber-kz/sheber/storage/postgres/postgrestest"
)

// Bad flags are refused before anything is prepared.
func TestBenchOrdersFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--concurrency", "0"},
		{"--duration", "10ms"},
		{"--buyers", "0"},
		{"--products", "0"},
		{"--retry-share", "1.5"},
		{"--duration", "10s", "--kill-after", "10s"},
		{"extra"},
	} {
		err := benchOrders(context.Background(), args, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "usage: sheber bench orders") {
			t.Errorf("%v: %v, want the usage", args, err)
		}
	}
}

// The checker passes a clean run, and fails, naming the rule, once an order is
// duplicated, a budget line's commitment or a listing's stock is changed behind the
// orders' back, an acknowledged order is missing, a chain is broken or a repeat named
// another order.
func TestBenchOrdersChecker(t *testing.T) {
	ctx := context.Background()
	db := postgrestest.New(t)
	dir := postgres.NewAccountsStore(db)
	cat := postgres.NewCatalogStore(db)
	if _, err := seedSynthetic(ctx, dir, &catalog.Service{Store: cat, Directory: dir, Searcher: cat}, 200, 1); err != nil {
		t.Fatal(err)
	}
	store := postgres.NewOrdersStore(db)
	if made, err := ensureBenchBuyers(ctx, dir, store, 3); err != nil || made != 3 {
		t.Fatalf("ensureBenchBuyers: %d made, %v", made, err)
	}
	if made, err := ensureBenchBuyers(ctx, dir, store, 3); err != nil || made != 0 {
		t.Fatalf("ensureBenchBuyers again: %d made, %v; want nothing made", made, err)
	}
	team, err := benchOrdersBuyersOf(ctx, dir, store, 3)
	if err != nil {
		t.Fatal(err)
	}
	listings, err := store.OrderableListings(ctx)
	if err != nil || len(listings) < 20 {
		t.Fatalf("%d orderable listings, %v", len(listings), err)
	}
	stock := map[int64]int{}
	for _, l := range listings {
		stock[l.ID] = l.ReadyStock
	}
	accts := &accounts.Service{Store: dir}
	svc := &orders.Service{Store: store, Directory: dir}
	next := benchOrderRequests("t", team, listings)
	rng := rand.New(rand.NewPCG(1, 2))
	// place creates the order of req through the service as the API does (the token's
	// actor, its key) and returns the acknowledgement.
	place := func(req orderload.Request, note string) orderload.Ack {
		t.Helper()
		var b benchBuyer
		for _, x := range team {
			if x.Token == req.Token {
				b = x
			}
		}
		actor, err := accts.ActorForToken(ctx, req.Token)
		if err != nil {
			t.Fatal(err)
		}
		body := decodeBenchBody(t, req.Body)
		in := orders.OrderInput{DeliveryAddress: body.DeliveryAddress, BudgetLineID: body.BudgetLineID, Note: note, Submit: body.Submit}
		for _, l := range body.Lines {
			in.Lines = append(in.Lines, orders.LineInput{ListingID: l.ListingID, Quantity: l.Quantity})
		}
		hash := sha256.Sum256([]byte("POST " + req.Path + "\n" + note))
		key := &orders.IdempotencyKey{Scope: "token:" + strconv.FormatInt(actor.TokenID, 10), Key: req.Key, RequestHash: hash[:]}
		o, replay, err := svc.CreateOrder(ctx, actor, b.OrgID, in, key)
		if err != nil || replay != nil || o.Status != orders.StatusSubmitted {
			t.Fatalf("CreateOrder: %v (replay %v, status %s)", err, replay, o.Status)
		}
		return orderload.Ack{Key: strings.TrimPrefix(note, benchOrdersNotePrefix), OrderID: o.ID}
	}
	var acks []orderload.Ack
	var reqs []orderload.Request
	for i := 0; i < 12; i++ {
		req := next(i%2, rng)
		reqs = append(reqs, req)
		acks = append(acks, place(req, benchOrdersNotePrefix+req.Key))
	}
	check := func(acks []orderload.Ack, mismatches []string) []string {
		t.Helper()
		failed, err := checkBenchOrders(ctx, db, acks, mismatches, stock, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		return failed
	}
	expect := func(step string, failed []string, want ...string) {
		t.Helper()
		for _, w := range want {
			if !slices.ContainsFunc(failed, func(f string) bool { return strings.HasPrefix(f, w) }) {
				t.Errorf("%s: the checker did not fail %q; it failed %q", step, w, failed)
			}
		}
		if len(failed) != len(want) {
			t.Errorf("%s: the checker failed %q, want only %q", step, failed, want)
		}
	}
	expect("a clean run", check(acks, nil))

	// A repeat that named another order, told by the clients.
	expect("a mismatched repeat", check(acks, []string{"key x: first answered with order 1, its repeat with order 2"}),
		"every repeat of a request named the same order")
	// An acknowledgement of an order that is not there.
	expect("a lost order", check(append(slices.Clone(acks), orderload.Ack{Key: "lost", OrderID: 1 << 40}), nil),
		"every acknowledged order exists exactly once")

	// The same request made into a second order (another key, the same note).
	again := reqs[0]
	again.Key += "-again"
	place(again, benchOrdersNotePrefix+reqs[0].Key)
	expect("a duplicate", check(acks, nil), "every acknowledged order exists exactly once", "no duplicate order for any idempotency key")

	// A commitment no order accounts for.
	if ok, err := store.CommitBudget(ctx, team[1].BudgetLineID, 100); err != nil || !ok {
		t.Fatalf("CommitBudget: %v, %v", ok, err)
	}
	expect("a broken budget", check(acks, nil), "every acknowledged order exists exactly once", "no duplicate order for any idempotency key",
		"every budget line's commitment")

	// Units put back on a listing that no fulfillment gave back.
	if err := store.ReturnStock(ctx, listings[0].ID, 3); err != nil {
		t.Fatal(err)
	}
	expect("stock changed", check(acks, nil), "every acknowledged order exists exactly once", "no duplicate order for any idempotency key",
		"every budget line's commitment", "stock went down by exactly what fulfillments took")

	// An event appended with a hash that is not its own.
	bad := orders.Event{OrderID: acks[3].OrderID, Seq: 99, Action: orders.ActionCreate, Data: "{}", PrevHash: make([]byte, 32), Hash: make([]byte, 32)}
	bad.Hash[0] = 1
	if err := store.AppendEvent(ctx, bad); err != nil {
		t.Fatal(err)
	}
	expect("a broken chain", check(acks, nil), "every acknowledged order exists exactly once", "no duplicate order for any idempotency key",
		"every budget line's commitment", "stock went down by exactly what fulfillments took", "every event chain verifies")
}

func decodeBenchBody(t *testing.T, raw []byte) benchOrderBody {
	t.Helper()
	var b benchOrderBody
	if err := json.Unmarshal(raw, &b); err != nil {
		t.Fatal(err)
	}
	if len(b.Lines) < 1 || len(b.Lines) > benchOrdersMaxLines || !b.Submit || b.BudgetLineID == 0 {
		t.Fatalf("a request of the load: %s", raw)
	}
	return b
}
