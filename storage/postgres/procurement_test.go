package postgres_test

import (
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/pressly/goose/v3"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/orders"
	"github.com/sheber-kz/sheber/storage/postgres"
	"github.com/sheber-kz/sheber/storage/postgres/postgrestest"
)

// The seeded routes are the three of the contract, in order, with the defaults of package
// orders as their threshold and penalty rule, texts in three languages and documents.
func TestProcurementRoutesSeeded(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	store := postgres.NewProcurementStore(postgrestest.New(t))
	routes, err := store.ProcurementRoutes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, r := range routes {
		codes = append(codes, r.Code)
	}
	want := []string{orders.RouteDirectPenalEnterprise, orders.RoutePriceOfferRequest, orders.RouteOpenTender}
	if !slices.Equal(codes, want) {
		t.Fatalf("routes %v; want %v", codes, want)
	}
	direct, offers, tender := routes[0], routes[1], routes[2]
	if !direct.GoodsListOnly || !slices.Equal(direct.EnterpriseSubtypes, []accounts.Subtype{accounts.SubtypeStateEnterprise}) || direct.MaxAmountTiyn != 0 {
		t.Errorf("direct contract conditions: %+v", direct)
	}
	if offers.GoodsListOnly || len(offers.EnterpriseSubtypes) != 0 || offers.MaxAmountTiyn != orders.DefaultPriceOfferThresholdTiyn {
		t.Errorf("price-offer request conditions: %+v; want only a threshold of %d", offers, orders.DefaultPriceOfferThresholdTiyn)
	}
	if tender.GoodsListOnly || len(tender.EnterpriseSubtypes) != 0 || tender.MaxAmountTiyn != 0 {
		t.Errorf("open tender has conditions: %+v; it is the fallback", tender)
	}
	for _, r := range routes {
		if r.Penalty != orders.DefaultPenaltyRule {
			t.Errorf("%s: penalty %+v; want the default %+v", r.Code, r.Penalty, orders.DefaultPenaltyRule)
		}
		if !strings.Contains(r.LegalBasis.RU, "106-VIII") || !strings.Contains(r.LegalBasis.KK, "106-VIII") || !strings.Contains(r.LegalBasis.EN, "106-VIII") {
			t.Errorf("%s: the legal basis does not name Law No. 106-VIII in every language: %+v", r.Code, r.LegalBasis)
		}
		if len(r.Documents) < 3 {
			t.Errorf("%s: %d documents; want at least 3", r.Code, len(r.Documents))
		}
		if last := r.Documents[len(r.Documents)-1]; last.Code != "contract" {
			t.Errorf("%s: the last document is %q; want the contract", r.Code, last.Code)
		}
		for _, d := range r.Documents {
			if d.Name.RU == "" || d.Name.KK == "" || d.Name.EN == "" {
				t.Errorf("%s: document %s lacks a translation: %+v", r.Code, d.Code, d.Name)
			}
		}
	}
}

// The goods list holds every category of the tree but "other", and a listed order from a
// penal-system enterprise takes the direct contract with what the store returns.
func TestProcurementGoodsList(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	db := postgrestest.New(t)
	store := postgres.NewProcurementStore(db)
	list, err := store.GoodsList(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var cats []string
	if err := db.SelectContext(ctx, &cats, `SELECT code FROM categories WHERE code <> 'other'`); err != nil {
		t.Fatal(err)
	}
	var got []string
	for c, ok := range list {
		if ok {
			got = append(got, c)
		}
	}
	sort.Strings(got)
	sort.Strings(cats)
	if !slices.Equal(got, cats) {
		t.Errorf("goods list %v; want every category but other: %v", got, cats)
	}
	routes, err := store.ProcurementRoutes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	onList := func(c string) bool { return list[c] }
	state := []accounts.Subtype{accounts.SubtypeStateEnterprise}
	for _, tc := range []struct {
		cats   []string
		amount int64
		want   string
	}{
		{[]string{"furniture-desks", "sewn-uniforms"}, 40_000_000_00, orders.RouteDirectPenalEnterprise},
		{[]string{"furniture-desks", "other"}, orders.DefaultPriceOfferThresholdTiyn, orders.RoutePriceOfferRequest},
		{[]string{"other"}, orders.DefaultPriceOfferThresholdTiyn + 1, orders.RouteOpenTender},
	} {
		r, _, err := orders.ChooseRoute(routes, orders.RouteFacts{CategoryCodes: tc.cats, OnGoodsList: onList, EnterpriseSubtypes: state, AmountTiyn: tc.amount})
		if err != nil || r.Code != tc.want {
			t.Errorf("%v, %d tiyn: %s, %v; want %s", tc.cats, tc.amount, r.Code, err, tc.want)
		}
	}
}

// The table is configuration: a changed threshold, rule or new route is read back and
// changes the choice; rows the database or the domain refuses are refused.
func TestProcurementRoutesConfigurable(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	db := postgrestest.New(t)
	store := postgres.NewProcurementStore(db)
	exec := func(q string, args ...any) error {
		_, err := db.ExecContext(ctx, q, args...)
		return err
	}
	if err := exec(`UPDATE procurement_routes SET max_amount_tiyn = 500, penalty_bp_per_day = 5, penalty_cap_bp = 200 WHERE code = 'price_offer_request'`); err != nil {
		t.Fatal(err)
	}
	if err := exec(`INSERT INTO procurement_routes (code, position, name_ru, name_kk, name_en, legal_basis_ru, legal_basis_kk, legal_basis_en,
			goods_list_only, enterprise_subtypes, max_amount_tiyn, penalty_bp_per_day, penalty_cap_bp)
		VALUES ('social_small', 15, 'Малая закупка', 'Шағын сатып алу', 'Small purchase', 'Основание', 'Негіз', 'Basis',
			FALSE, ARRAY['social_enterprise'], 100, 10, 1000)`); err != nil {
		t.Fatal(err)
	}
	routes, err := store.ProcurementRoutes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(routes) != 4 || routes[1].Code != "social_small" || len(routes[1].Documents) != 0 {
		t.Fatalf("routes after the insert: %+v", routes)
	}
	if p := routes[2].Penalty; p != (orders.PenaltyRule{BasisPointsPerDay: 5, CapBasisPoints: 200}) {
		t.Errorf("updated penalty read back as %+v", p)
	}
	social := []accounts.Subtype{accounts.SubtypeSocialEnterprise}
	for amount, want := range map[int64]string{100: "social_small", 101: orders.RoutePriceOfferRequest, 500: orders.RoutePriceOfferRequest, 501: orders.RouteOpenTender} {
		r, _, err := orders.ChooseRoute(routes, orders.RouteFacts{CategoryCodes: []string{"other"}, EnterpriseSubtypes: social, AmountTiyn: amount})
		if err != nil || r.Code != want {
			t.Errorf("%d tiyn: %s, %v; want %s", amount, r.Code, err, want)
		}
	}

	// The database refuses what can never be right.
	for name, q := range map[string]string{
		"a shared position":       `UPDATE procurement_routes SET position = 10 WHERE code = 'open_tender'`,
		"a buyer subtype":         `UPDATE procurement_routes SET enterprise_subtypes = ARRAY['school'] WHERE code = 'open_tender'`,
		"a negative threshold":    `UPDATE procurement_routes SET max_amount_tiyn = -1 WHERE code = 'open_tender'`,
		"a cap over 100 %":        `UPDATE procurement_routes SET penalty_cap_bp = 10001 WHERE code = 'open_tender'`,
		"an empty name":           `UPDATE procurement_routes SET name_kk = '' WHERE code = 'open_tender'`,
		"an unknown category":     `INSERT INTO procurement_goods_list (category_code) VALUES ('no-such-category')`,
		"a document of no route":  `INSERT INTO procurement_route_documents (route_code, code, position, name_ru, name_kk, name_en) VALUES ('nope', 'x', 1, 'а', 'ә', 'a')`,
		"a document listed twice": `INSERT INTO procurement_route_documents (route_code, code, position, name_ru, name_kk, name_en) VALUES ('open_tender', 'contract', 99, 'а', 'ә', 'a')`,
	} {
		if err := exec(q); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// A blank name passes the database's check but not the domain's: the whole read fails
	// rather than choosing from a broken table.
	if err := exec(`UPDATE procurement_routes SET name_kk = '   ' WHERE code = 'open_tender'`); err != nil {
		t.Fatal(err)
	}
	if _, err := store.ProcurementRoutes(ctx); accounts.ErrorCode(err) != accounts.CodeInternal {
		t.Errorf("a blank Kazakh name: %v; want an internal error", err)
	}
}

// Migration 00010 rolls back, removing its tables, and applies again with its seed.
func TestProcurementMigrationDown(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	db := postgrestest.New(t)
	for {
		status, err := db.MigrationStatus(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var latest int64
		for _, s := range status {
			if s.State == goose.StateApplied && s.Source.Version > latest {
				latest = s.Source.Version
			}
		}
		if latest < 10 {
			break
		}
		if _, err := db.MigrateDown(ctx, nil); err != nil {
			t.Fatalf("MigrateDown from %d: %v", latest, err)
		}
	}
	var n int
	if err := db.GetContext(ctx, &n, `SELECT count(*) FROM pg_tables WHERE tablename LIKE 'procurement%'`); err != nil || n != 0 {
		t.Errorf("%d procurement tables after down (%v); want 0", n, err)
	}
	if _, err := db.MigrateUp(ctx, nil); err != nil {
		t.Fatal(err)
	}
	routes, err := postgres.NewProcurementStore(db).ProcurementRoutes(ctx)
	if err != nil || len(routes) != 3 {
		t.Errorf("after up again: %d routes, %v; want 3", len(routes), err)
	}
	if list, err := postgres.NewProcurementStore(db).GoodsList(ctx); err != nil || len(list) != 21 {
		t.Errorf("goods list after up again: %d categories, %v; want 21", len(list), err)
	}
}
