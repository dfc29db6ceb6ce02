package orders_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog"
	"github.com/sheber-kz/sheber/orders"
	"github.com/sheber-kz/sheber/storage/postgres"
	"github.com/sheber-kz/sheber/storage/postgres/postgrestest"
)

// bin returns a valid BIN with serial n.
func bin(t testing.TB, n int) string {
	t.Helper()
	for serial := n * 10; ; serial++ {
		first := fmt.Sprintf("24064%06d", serial%1_000_000)[:11]
		if d, ok := accounts.BINCheckDigit(first); ok {
			return first + string(rune('0'+d))
		}
	}
}

// world is a fresh database with a buyer (a school in Karaganda) and a producer enterprise
// with two woodwork sites, one in Karaganda (small) and one in Pavlodar (large), plus the
// people who act for them, published listings and a budget line.
type world struct {
	t        testing.TB
	db       *postgres.DB
	accts    *postgres.AccountsStore
	store    *postgres.OrdersStore
	svc      *orders.Service
	cat      *catalog.Service
	now      time.Time
	buyer    accounts.Organization
	other    accounts.Organization // another school, in Shymkent
	ent      accounts.Organization
	siteNear accounts.ProductionSite // Karaganda, 40 h a week
	siteFar  accounts.ProductionSite // Pavlodar, 400 h a week
	// People.
	requester, approver, manager, master, outsider, inspector, otherInspector accounts.Actor
	budget                                                                    orders.BudgetLine
	desk, chair, bench                                                        catalog.Listing
}

func newWorld(t testing.TB) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{t: t, db: postgrestest.New(t), now: time.Date(2026, 9, 1, 6, 0, 0, 0, time.UTC)}
	w.accts = postgres.NewAccountsStore(w.db)
	w.store = postgres.NewOrdersStore(w.db)
	w.svc = &orders.Service{Store: w.store, Directory: w.accts, Procurement: postgres.NewProcurementStore(w.db), PublicURL: "http://portal.test", Now: func() time.Time { return w.now }}
	w.cat = &catalog.Service{Store: postgres.NewCatalogStore(w.db), Directory: w.accts, Now: func() time.Time { return w.now }}
	n := 0
	org := func(kind accounts.Kind, sub accounts.Subtype, name, region string, inst int) accounts.Organization {
		n++
		o := accounts.Organization{BIN: bin(t, n), Kind: kind, Subtype: sub, Name: accounts.Text{RU: name}, Region: region, InstitutionNumber: inst}
		if err := w.accts.CreateOrganization(ctx, &o); err != nil {
			t.Fatal(err)
		}
		return o
	}
	w.buyer = org(accounts.KindBuyer, accounts.SubtypeSchool, "Школа № 1", "karaganda", 0)
	w.other = org(accounts.KindBuyer, accounts.SubtypeSchool, "Школа № 2", "shymkent", 0)
	instNear := org(accounts.KindProducerInstitution, accounts.SubtypePenalInstitution, "Учреждение № 29", "karaganda", 29)
	instFar := org(accounts.KindProducerInstitution, accounts.SubtypePenalInstitution, "Учреждение № 53", "pavlodar", 53)
	w.ent = org(accounts.KindProducerEnterprise, accounts.SubtypeStateEnterprise, "РГП «Енбек»", "karaganda", 0)
	duisKaraganda := org(accounts.KindOversight, accounts.SubtypePenalDepartment, "ДУИС Карагандинской области", "karaganda", 0)
	duisShymkent := org(accounts.KindOversight, accounts.SubtypePenalDepartment, "ДУИС г. Шымкент", "shymkent", 0)
	w.siteNear = accounts.ProductionSite{EnterpriseID: w.ent.ID, InstitutionID: instNear.ID, Code: "K-WOOD", Name: accounts.Text{RU: "Столярный цех"},
		WorkshopKind: accounts.WorkshopWoodwork, WeeklyCapacityHours: 40}
	w.siteFar = accounts.ProductionSite{EnterpriseID: w.ent.ID, InstitutionID: instFar.ID, Code: "P-WOOD", Name: accounts.Text{RU: "Деревообработка"},
		WorkshopKind: accounts.WorkshopWoodwork, WeeklyCapacityHours: 400}
	for _, s := range []*accounts.ProductionSite{&w.siteNear, &w.siteFar} {
		if err := w.accts.CreateProductionSite(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	person := func(email string, o accounts.Organization, role accounts.Role) accounts.Actor {
		u := accounts.User{Email: email, Name: email, PasswordHash: "unused"}
		if err := w.accts.CreateUser(ctx, &u); err != nil {
			t.Fatal(err)
		}
		m := accounts.Membership{UserID: u.ID, OrgID: o.ID, Role: role}
		if err := w.accts.AddMembership(ctx, m); err != nil {
			t.Fatal(err)
		}
		return accounts.Actor{UserID: u.ID, Memberships: []accounts.Member{{Membership: m, OrgKind: o.Kind, Region: o.Region}}}
	}
	w.requester = person("requester@school1.test", w.buyer, accounts.RoleRequester)
	w.approver = person("approver@school1.test", w.buyer, accounts.RoleApprover)
	w.manager = person("manager@enbek.test", w.ent, accounts.RoleProducerManager)
	w.master = person("master@enbek.test", w.ent, accounts.RoleWorkshopMaster)
	w.outsider = person("requester@school2.test", w.other, accounts.RoleRequester)
	w.inspector = person("inspector@duis-karaganda.test", duisKaraganda, accounts.RoleInspector)
	w.otherInspector = person("inspector@duis-shymkent.test", duisShymkent, accounts.RoleInspector)
	accountant := person("accountant@school1.test", w.buyer, accounts.RoleAccountant)

	// Listings: a desk made at both sites (1 h each, 10 days), a chair only at the near
	// site, a bench in stock (5 ready), both sites.
	w.desk = w.listing(catalog.ListingInput{Title: accounts.Text{RU: "Парта ученическая", KK: "Оқушы партасы"}, CategoryCode: "furniture-desks",
		Unit: catalog.UnitPiece, PriceTiyn: 2_500_000, MinOrderQty: 1, LeadTimeDays: 10, LabourMinutesPerUnit: 60,
		SiteIDs: []int64{w.siteNear.ID, w.siteFar.ID}})
	w.chair = w.listing(catalog.ListingInput{Title: accounts.Text{RU: "Стул ученический", KK: "Оқушы орындығы"}, CategoryCode: "furniture-chairs",
		Unit: catalog.UnitPiece, PriceTiyn: 1_200_000, MinOrderQty: 1, LeadTimeDays: 7, LabourMinutesPerUnit: 30,
		SiteIDs: []int64{w.siteNear.ID}})
	w.bench = w.listing(catalog.ListingInput{Title: accounts.Text{RU: "Скамья парковая", KK: "Саябақ орындығы"}, CategoryCode: "small-forms-benches",
		Unit: catalog.UnitPiece, PriceTiyn: 9_000_000, MinOrderQty: 1, LeadTimeDays: 14, LabourMinutesPerUnit: 240, ReadyStock: 5,
		SiteIDs: []int64{w.siteNear.ID, w.siteFar.ID}})

	var err error
	w.budget, _, err = w.svc.CreateBudgetLine(ctx, accountant, w.buyer.ID, orders.BudgetLineInput{Year: 2026, Code: "001.015",
		Name: "Оснащение кабинетов", AmountTiyn: 1_000_000_000}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// listing creates and publishes a listing of the enterprise.
func (w *world) listing(in catalog.ListingInput) catalog.Listing {
	w.t.Helper()
	ctx := context.Background()
	l, err := w.cat.CreateListing(ctx, w.manager, w.ent.ID, in)
	if err != nil {
		w.t.Fatalf("create listing: %v", err)
	}
	l, err = w.cat.SetStatus(ctx, w.manager, l.ID, l.Version, catalog.StatusPublished)
	if err != nil {
		w.t.Fatalf("publish listing: %v", err)
	}
	return l
}

// order creates and submits an order of lines for the buyer.
func (w *world) order(lines ...orders.LineInput) orders.Order {
	w.t.Helper()
	o, _, err := w.svc.CreateOrder(context.Background(), w.requester, w.buyer.ID, orders.OrderInput{Lines: lines,
		DeliveryAddress: "Караганда, ул. Школьная, 1", BudgetLineID: w.budget.ID, Submit: true}, nil)
	if err != nil {
		w.t.Fatalf("create order: %v", err)
	}
	return o
}

func code(err error) accounts.Code { return accounts.ErrorCode(err) }

func field(err error, name string) string {
	if e, ok := err.(*accounts.Error); ok {
		return e.Fields[name]
	}
	return ""
}
