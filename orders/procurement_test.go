package orders_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/orders"
)

// seededRoutes are the conditions of migration 00010's routes (the store test checks that
// the database holds the same), listed out of order: ChooseRoute sorts by position.
func seededRoutes() []orders.ProcurementRoute {
	name := func(ru, en string) accounts.Text { return accounts.Text{RU: ru, KK: ru, EN: en} }
	return []orders.ProcurementRoute{
		{Code: orders.RouteOpenTender, Position: 30, Name: name("Открытый конкурс (тендер)", "Open tender"), Penalty: orders.DefaultPenaltyRule},
		{Code: orders.RouteDirectPenalEnterprise, Position: 10, Name: name("Прямой договор", "Direct contract"),
			GoodsListOnly: true, EnterpriseSubtypes: []accounts.Subtype{accounts.SubtypeStateEnterprise}, Penalty: orders.DefaultPenaltyRule},
		{Code: orders.RoutePriceOfferRequest, Position: 20, Name: name("Запрос ценовых предложений", "Request for price offers"),
			MaxAmountTiyn: orders.DefaultPriceOfferThresholdTiyn, Penalty: orders.DefaultPenaltyRule},
	}
}

// listed is a goods list of furniture and sewn goods.
func listed(code string) bool {
	return strings.HasPrefix(code, "furniture") || strings.HasPrefix(code, "sewn")
}

func TestChooseRoute(t *testing.T) {
	state := []accounts.Subtype{accounts.SubtypeStateEnterprise}
	social := []accounts.Subtype{accounts.SubtypeSocialEnterprise}
	threshold := orders.DefaultPriceOfferThresholdTiyn
	tests := []struct {
		name  string
		facts orders.RouteFacts
		want  string
		// reasons that must be among the English reasons
		reasons []string
	}{
		{"listed goods from a penal-system enterprise, however large", orders.RouteFacts{
			CategoryCodes: []string{"furniture-desks", "sewn-bedding"}, EnterpriseSubtypes: state, AmountTiyn: 50 * threshold},
			orders.RouteDirectPenalEnterprise, []string{"Every item of the order is on the government's list of goods.", `"Direct contract" applies.`}},
		{"one unlisted line, below the threshold", orders.RouteFacts{
			CategoryCodes: []string{"furniture-desks", "other"}, EnterpriseSubtypes: state, AmountTiyn: threshold - 1},
			orders.RoutePriceOfferRequest, []string{`"Direct contract" does not apply: category other is not on the government's list of goods.`}},
		{"exactly at the threshold", orders.RouteFacts{
			CategoryCodes: []string{"other"}, EnterpriseSubtypes: state, AmountTiyn: threshold},
			orders.RoutePriceOfferRequest, []string{"The order total 10,000,000.00\u00a0₸ does not exceed the threshold of 10,000,000.00\u00a0₸."}},
		{"one tiyn over the threshold", orders.RouteFacts{
			CategoryCodes: []string{"other"}, EnterpriseSubtypes: state, AmountTiyn: threshold + 1},
			orders.RouteOpenTender, []string{`"Request for price offers" does not apply: the order total 10,000,000.01` + "\u00a0₸ is over the threshold of 10,000,000.00\u00a0₸.", `"Open tender" applies.`}},
		{"listed goods from a social enterprise", orders.RouteFacts{
			CategoryCodes: []string{"furniture-chairs"}, EnterpriseSubtypes: social, AmountTiyn: 1_000_00},
			orders.RoutePriceOfferRequest, []string{`"Direct contract" does not apply: the producer is a social enterprise, and the route allows only: state enterprise of the penal system.`}},
		{"two producers, one of another kind, over the threshold", orders.RouteFacts{
			CategoryCodes: []string{"furniture-chairs"}, EnterpriseSubtypes: []accounts.Subtype{accounts.SubtypeStateEnterprise, accounts.SubtypeSocialEnterprise},
			AmountTiyn: threshold * 2},
			orders.RouteOpenTender, nil},
		{"no goods list at all", orders.RouteFacts{
			CategoryCodes: []string{"furniture-chairs"}, EnterpriseSubtypes: state, AmountTiyn: threshold * 2},
			orders.RouteOpenTender, nil},
		{"a zero total", orders.RouteFacts{
			CategoryCodes: []string{"other"}, EnterpriseSubtypes: social},
			orders.RoutePriceOfferRequest, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.facts.Lang = "en"
			if tc.name != "no goods list at all" {
				tc.facts.OnGoodsList = listed
			}
			got, reasons, err := orders.ChooseRoute(seededRoutes(), tc.facts)
			if err != nil {
				t.Fatalf("ChooseRoute: %v", err)
			}
			if got.Code != tc.want {
				t.Errorf("route %s, want %s; reasons %q", got.Code, tc.want, reasons)
			}
			if len(reasons) == 0 {
				t.Errorf("no reasons given")
			}
			for _, r := range tc.reasons {
				if !slices.Contains(reasons, r) {
					t.Errorf("reasons %q lack %q", reasons, r)
				}
			}
			// The last reason names the chosen route.
			if last := reasons[len(reasons)-1]; !strings.Contains(last, got.Name.EN) || !strings.HasSuffix(last, "applies.") {
				t.Errorf("last reason %q does not say that %s applies", last, got.Name.EN)
			}
		})
	}
}

// The reasons come in the facts' language, Russian by default.
func TestChooseRouteLanguages(t *testing.T) {
	facts := orders.RouteFacts{CategoryCodes: []string{"other"}, EnterpriseSubtypes: []accounts.Subtype{accounts.SubtypeStateEnterprise},
		OnGoodsList: listed, AmountTiyn: 1_234_567_89}
	for lang, want := range map[string]string{
		"":   "Сумма заказа 1\u00a0234\u00a0567,89\u00a0₸ не превышает порога 10\u00a0000\u00a0000,00\u00a0₸.",
		"ru": "«Прямой договор» не применяется: категории other нет в государственном перечне товаров.",
		"kk": "Тапсырыс сомасы 1\u00a0234\u00a0567,89\u00a0₸ 10\u00a0000\u00a0000,00\u00a0₸ шегінен аспайды.",
		"en": "The order total 1,234,567.89\u00a0₸ does not exceed the threshold of 10,000,000.00\u00a0₸.",
	} {
		facts.Lang = lang
		_, reasons, err := orders.ChooseRoute(seededRoutes(), facts)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(reasons, want) {
			t.Errorf("lang %q: reasons %q lack %q", lang, reasons, want)
		}
	}
}

// The choice depends on positions, not on the order of the slice; equal positions fall
// back to the code.
func TestChooseRouteDeterministic(t *testing.T) {
	facts := orders.RouteFacts{CategoryCodes: []string{"furniture-desks"}, EnterpriseSubtypes: []accounts.Subtype{accounts.SubtypeStateEnterprise},
		OnGoodsList: listed, AmountTiyn: 100}
	routes := seededRoutes()
	for i := 0; i < len(routes); i++ {
		rotated := append(slices.Clone(routes[i:]), routes[:i]...)
		got, _, err := orders.ChooseRoute(rotated, facts)
		if err != nil || got.Code != orders.RouteDirectPenalEnterprise {
			t.Errorf("rotation %d: %s, %v; want %s", i, got.Code, err, orders.RouteDirectPenalEnterprise)
		}
	}
	// Moving the price-offer request first makes it win for a small order.
	routes[2].Position = 1
	if got, _, _ := orders.ChooseRoute(routes, facts); got.Code != orders.RoutePriceOfferRequest {
		t.Errorf("price-offer request at position 1: chose %s", got.Code)
	}
	// Two fallbacks at one position: the smaller code wins.
	a := orders.ProcurementRoute{Code: "b_route", Position: 5}
	b := orders.ProcurementRoute{Code: "a_route", Position: 5}
	for _, rs := range [][]orders.ProcurementRoute{{a, b}, {b, a}} {
		if got, _, _ := orders.ChooseRoute(rs, facts); got.Code != "a_route" {
			t.Errorf("equal positions: chose %s, want a_route", got.Code)
		}
	}
}

func TestChooseRouteRefuses(t *testing.T) {
	state := []accounts.Subtype{accounts.SubtypeStateEnterprise}
	for _, tc := range []struct {
		name  string
		facts orders.RouteFacts
		field string
	}{
		{"no lines", orders.RouteFacts{EnterpriseSubtypes: state}, "category_codes"},
		{"negative total", orders.RouteFacts{CategoryCodes: []string{"other"}, EnterpriseSubtypes: state, AmountTiyn: -1}, "amount_tiyn"},
		{"no producer", orders.RouteFacts{CategoryCodes: []string{"other"}}, "enterprise_subtypes"},
	} {
		_, _, err := orders.ChooseRoute(seededRoutes(), tc.facts)
		var e *accounts.Error
		if !errors.As(err, &e) || e.Code != accounts.CodeInvalid || e.Fields[tc.field] == "" {
			t.Errorf("%s: %v; want invalid %s", tc.name, err, tc.field)
		}
	}
	// Without the fallback, an order over the threshold of unlisted goods has no route.
	noTender := seededRoutes()[1:]
	_, reasons, err := orders.ChooseRoute(noTender, orders.RouteFacts{CategoryCodes: []string{"other"}, EnterpriseSubtypes: state,
		AmountTiyn: orders.DefaultPriceOfferThresholdTiyn + 1, Lang: "en"})
	if !errors.Is(err, accounts.ErrConflict) {
		t.Errorf("no fallback: %v; want conflict", err)
	}
	if len(reasons) != 2 {
		t.Errorf("no fallback: reasons %q; want why each of the two routes does not apply", reasons)
	}
	if _, _, err := orders.ChooseRoute(nil, orders.RouteFacts{CategoryCodes: []string{"other"}, EnterpriseSubtypes: state}); !errors.Is(err, accounts.ErrConflict) {
		t.Errorf("empty table: %v; want conflict", err)
	}
}

func TestProcurementRouteValidate(t *testing.T) {
	good := orders.ProcurementRoute{Code: "x", Name: accounts.Text{RU: "а", KK: "ә", EN: "a"}, LegalBasis: accounts.Text{RU: "б", KK: "б", EN: "b"},
		EnterpriseSubtypes: []accounts.Subtype{accounts.SubtypeSocialEnterprise}, Penalty: orders.DefaultPenaltyRule}
	if err := good.Validate(); err != nil {
		t.Fatalf("good route: %v", err)
	}
	for _, tc := range []struct {
		field  string
		change func(*orders.ProcurementRoute)
	}{
		{"code", func(r *orders.ProcurementRoute) { r.Code = "" }},
		{"position", func(r *orders.ProcurementRoute) { r.Position = -1 }},
		{"name", func(r *orders.ProcurementRoute) { r.Name.KK = " " }},
		{"legal_basis", func(r *orders.ProcurementRoute) { r.LegalBasis.EN = "" }},
		{"enterprise_subtypes", func(r *orders.ProcurementRoute) { r.EnterpriseSubtypes = []accounts.Subtype{accounts.SubtypeSchool} }},
		{"max_amount_tiyn", func(r *orders.ProcurementRoute) { r.MaxAmountTiyn = -5 }},
		{"documents", func(r *orders.ProcurementRoute) {
			r.Documents = make([]orders.RouteDocument, orders.MaxRouteDocuments+1)
		}},
		{"penalty", func(r *orders.ProcurementRoute) { r.Penalty.CapBasisPoints = orders.MaxPenaltyBasisPoints + 1 }},
		{"penalty", func(r *orders.ProcurementRoute) { r.Penalty.BasisPointsPerDay = -1 }},
	} {
		r := good
		tc.change(&r)
		var e *accounts.Error
		if err := r.Validate(); !errors.As(err, &e) || e.Fields[tc.field] == "" {
			t.Errorf("%s: %v; want a problem with %s", tc.field, err, tc.field)
		}
	}
}
