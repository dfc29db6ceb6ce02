package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog"
	"github.com/sheber-kz/sheber/orders"
	"github.com/sheber-kz/sheber/storage/postgres"
	"github.com/sheber-kz/sheber/storage/postgres/postgrestest"
)

// orderWorld is a database with a school, an enterprise with a site, a published desk, a
// budget line and the people to order: what the orders commands need.
type orderWorld struct {
	db                 *postgres.DB
	url                string
	svc                *orders.Service
	requester, manager accounts.Actor
	buyer              accounts.Organization
	desk               int64
	budget             int64
}

func newOrderWorld(t *testing.T) *orderWorld {
	t.Helper()
	ctx := context.Background()
	w := &orderWorld{url: postgrestest.NewDatabase(t)}
	db, err := postgres.Open(ctx, w.url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.MigrateUp(ctx, nil); err != nil {
		t.Fatal(err)
	}
	w.db = db
	accts := postgres.NewAccountsStore(db)
	w.svc = &orders.Service{Store: postgres.NewOrdersStore(db), Directory: accts, Procurement: postgres.NewProcurementStore(db)}
	org := func(kind accounts.Kind, serial int, name string) accounts.Organization {
		o := accounts.Organization{BIN: demoBIN("2409", 900000+serial), Kind: kind, Subtype: accounts.Subtypes[kind][0],
			Name: accounts.Text{RU: name, KK: name, EN: name}, Region: "karaganda"}
		if kind == accounts.KindProducerInstitution {
			o.InstitutionNumber = 29
		}
		if err := accts.CreateOrganization(ctx, &o); err != nil {
			t.Fatal(err)
		}
		return o
	}
	w.buyer = org(accounts.KindBuyer, 1, "Школа № 1")
	ent := org(accounts.KindProducerEnterprise, 2, "РГП «Енбек»")
	inst := org(accounts.KindProducerInstitution, 3, "Учреждение № 29")
	site := accounts.ProductionSite{EnterpriseID: ent.ID, InstitutionID: inst.ID, Code: "W1", Name: accounts.Text{RU: "Цех"},
		WorkshopKind: accounts.WorkshopWoodwork, WeeklyCapacityHours: 400}
	if err := accts.CreateProductionSite(ctx, &site); err != nil {
		t.Fatal(err)
	}
	person := func(email string, o accounts.Organization, role accounts.Role) accounts.Actor {
		u := accounts.User{Email: email, Name: email, PasswordHash: "unused"}
		if err := accts.CreateUser(ctx, &u); err != nil {
			t.Fatal(err)
		}
		m := accounts.Membership{UserID: u.ID, OrgID: o.ID, Role: role}
		if err := accts.AddMembership(ctx, m); err != nil {
			t.Fatal(err)
		}
		return accounts.Actor{UserID: u.ID, Memberships: []accounts.Member{{Membership: m, OrgKind: o.Kind, Region: o.Region}}}
	}
	w.requester = person("requester@school.test", w.buyer, accounts.RoleRequester)
	w.manager = person("manager@enbek.test", ent, accounts.RoleProducerManager)
	accountant := person("accountant@school.test", w.buyer, accounts.RoleAccountant)
	cat := &catalog.Service{Store: postgres.NewCatalogStore(db), Directory: accts}
	l, err := cat.CreateListing(ctx, w.manager, ent.ID, catalog.ListingInput{Title: accounts.Text{RU: "Парта"}, CategoryCode: "furniture-desks",
		Unit: catalog.UnitPiece, PriceTiyn: 2_500_000, MinOrderQty: 1, LeadTimeDays: 10, LabourMinutesPerUnit: 60, SiteIDs: []int64{site.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if l, err = cat.SetStatus(ctx, w.manager, l.ID, l.Version, catalog.StatusPublished); err != nil {
		t.Fatal(err)
	}
	w.desk = l.ID
	b, _, err := w.svc.CreateBudgetLine(ctx, accountant, w.buyer.ID, orders.BudgetLineInput{Year: 2026, Code: "001", Name: "Мебель", AmountTiyn: 1_000_000_000}, nil)
	if err != nil {
		t.Fatal(err)
	}
	w.budget = b.ID
	return w
}

// order creates an order of n desks, submitted if submit.
func (w *orderWorld) order(t *testing.T, n int, submit bool, key *orders.IdempotencyKey) orders.Order {
	t.Helper()
	o, _, err := w.svc.CreateOrder(context.Background(), w.requester, w.buyer.ID, orders.OrderInput{Lines: []orders.LineInput{{ListingID: w.desk, Quantity: n}},
		DeliveryAddress: "Караганда, ул. Школьная, 1", BudgetLineID: w.budget, Submit: submit}, key)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// `sheber audit verify` counts what it checked, passes an intact record, and fails naming
// the order and event of a tampered one.
func TestAuditVerify(t *testing.T) {
	ctx := context.Background()
	w := newOrderWorld(t)
	withEnviron(t, func(k string) string {
		if k == "DATABASE_URL" {
			return w.url
		}
		return ""
	})
	var out strings.Builder
	if err := run(ctx, []string{"audit", "verify"}, &out); err != nil || !strings.Contains(out.String(), "0 orders, 0 events checked; 0 custom requests, 0 events checked") {
		t.Fatalf("empty record: %v, %q", err, out.String())
	}
	draft := w.order(t, 1, false, nil)
	submitted := w.order(t, 2, true, nil)
	if _, err := w.svc.Confirm(ctx, w.manager, submitted.Fulfillments[0].ID, orders.Date{}); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	// draft: create; submitted: create, submit, route, confirm.
	if err := run(ctx, []string{"audit", "verify"}, &out); err != nil || !strings.Contains(out.String(), "2 orders, 5 events checked") || !strings.Contains(out.String(), "every chain is intact") {
		t.Fatalf("intact record: %v, %q", err, out.String())
	}

	// The database refuses changes; the table's owner can switch the guard off, and the
	// verification sees what it did.
	if _, err := w.db.ExecContext(ctx, `UPDATE order_events SET reason = 'x' WHERE order_id = $1`, draft.ID); err == nil {
		t.Fatal("the record accepted an UPDATE")
	}
	for _, q := range []string{`ALTER TABLE order_events DISABLE TRIGGER order_events_no_update`,
		fmt.Sprintf(`UPDATE order_events SET reason = 'подделка' WHERE order_id = %d AND seq = 3`, submitted.ID),
		`ALTER TABLE order_events ENABLE TRIGGER order_events_no_update`} {
		if _, err := w.db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	out.Reset()
	err := run(ctx, []string{"audit", "verify"}, &out)
	want := fmt.Sprintf("order %d, event 3", submitted.ID)
	if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "tampered") || !strings.Contains(out.String(), "chain broken") {
		t.Fatalf("tampered record: %v, %q; want an error naming %q", err, out.String(), want)
	}
	if err := run(ctx, []string{"audit", "check"}, io.Discard); err == nil || !strings.Contains(err.Error(), auditUsage) {
		t.Errorf("unknown audit command: %v", err)
	}
}

// The worker's orders jobs run when due: delay notices and the purge of idempotency keys
// older than the retention.
func TestOrderJobs(t *testing.T) {
	ctx := context.Background()
	w := newOrderWorld(t)
	key := &orders.IdempotencyKey{Scope: fmt.Sprintf("user:%d", w.requester.UserID), Key: "k1", RequestHash: []byte("first")}
	first := w.order(t, 1, true, key)
	if _, err := w.svc.Confirm(ctx, w.manager, first.Fulfillments[0].ID, orders.Date{}); err != nil {
		t.Fatal(err)
	}
	other := *key
	other.RequestHash = []byte("second")
	if _, _, err := w.svc.CreateOrder(ctx, w.requester, w.buyer.ID, orders.OrderInput{Lines: []orders.LineInput{{ListingID: w.desk, Quantity: 1}},
		DeliveryAddress: "x", BudgetLineID: w.budget}, &other); accounts.ErrorCode(err) != accounts.CodeInvalid {
		t.Fatalf("the key was not kept: %v", err)
	}

	// A month later: the promise passed without shipment, and the key is past its retention.
	later := time.Now().AddDate(0, 1, 0)
	w.svc.Now = func() time.Time { return later }
	jobs := newOrderJobs(w.svc)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	jobs.run(ctx, logger, later)
	var delayed int
	if err := w.db.GetContext(ctx, &delayed, `SELECT count(*) FROM notifications WHERE kind = 'delayed'`); err != nil || delayed != 1 {
		t.Fatalf("delay notices: %d, %v", delayed, err)
	}
	if _, _, err := w.svc.CreateOrder(ctx, w.requester, w.buyer.ID, orders.OrderInput{Lines: []orders.LineInput{{ListingID: w.desk, Quantity: 1}},
		DeliveryAddress: "x", BudgetLineID: w.budget}, &other); err != nil {
		t.Fatalf("the key was not purged: %v", err)
	}
	// Not due again within the interval; due after it.
	if jobs.delays.due(later.Add(DelayCheckInterval/2)) || jobs.purge.due(later.Add(IdempotencyPurgeInterval/2)) {
		t.Error("a job was due again within its interval")
	}
	if !jobs.delays.due(later.Add(DelayCheckInterval)) || !jobs.purge.due(later.Add(IdempotencyPurgeInterval)) {
		t.Error("a job was not due after its interval")
	}
}
