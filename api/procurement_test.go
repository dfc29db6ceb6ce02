package api_test

import (
	"slices"
	"testing"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/api"
	"github.com/sheber-kz/sheber/orders"
)

type procurementRoutesOut struct {
	Items []struct {
		Code       string `json:"code"`
		Position   int    `json:"position"`
		Name       struct{ RU, KK, EN string }
		LegalBasis struct{ RU, KK, EN string } `json:"legal_basis"`
		Conditions struct {
			GoodsListOnly      bool     `json:"goods_list_only"`
			EnterpriseSubtypes []string `json:"enterprise_subtypes"`
			MaxAmountTiyn      *int64   `json:"max_amount_tiyn"`
		} `json:"conditions"`
		Documents []struct {
			Code string `json:"code"`
			Name struct{ RU, KK, EN string }
		} `json:"documents"`
		Penalty struct {
			BasisPointsPerDay int `json:"basis_points_per_day"`
			CapBasisPoints    int `json:"cap_basis_points"`
		} `json:"penalty"`
	} `json:"items"`
	GoodsList []string `json:"goods_list"`
}

// Anyone, signed in or not, reads the route table with its conditions, documents and
// penalty rules, and the goods list.
func TestProcurementRoutesAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	buyer := e.org(accounts.KindBuyer, "School 7")
	e.user("requester@school7.kz", map[int64]accounts.Role{buyer.ID: accounts.RoleRequester})
	signedIn := e.login(t, "requester@school7.kz")
	for name, q := range map[string]req{
		"anonymous": {method: "GET", path: "/api/v1/procurement-routes"},
		"signed in": {method: "GET", path: "/api/v1/procurement-routes", session: signedIn},
	} {
		t.Run(name, func(t *testing.T) {
			r := e.do(t, q)
			if r.status != 200 {
				t.Fatalf("GET /api/v1/procurement-routes: %s", r)
			}
			var out procurementRoutesOut
			r.decode(t, &out)
			if len(out.Items) != 3 {
				t.Fatalf("%d routes; want 3: %s", len(out.Items), r)
			}
			codes := []string{out.Items[0].Code, out.Items[1].Code, out.Items[2].Code}
			if !slices.Equal(codes, []string{orders.RouteDirectPenalEnterprise, orders.RoutePriceOfferRequest, orders.RouteOpenTender}) {
				t.Errorf("routes in order %v", codes)
			}
			direct, offers, tender := out.Items[0], out.Items[1], out.Items[2]
			if !direct.Conditions.GoodsListOnly || !slices.Equal(direct.Conditions.EnterpriseSubtypes, []string{"state_enterprise"}) || direct.Conditions.MaxAmountTiyn != nil {
				t.Errorf("direct contract conditions %+v", direct.Conditions)
			}
			if m := offers.Conditions.MaxAmountTiyn; m == nil || *m != orders.DefaultPriceOfferThresholdTiyn {
				t.Errorf("price-offer threshold %v; want %d", m, orders.DefaultPriceOfferThresholdTiyn)
			}
			if tender.Conditions.GoodsListOnly || tender.Conditions.EnterpriseSubtypes == nil || len(tender.Conditions.EnterpriseSubtypes) != 0 || tender.Conditions.MaxAmountTiyn != nil {
				t.Errorf("open tender conditions %+v; want none (an empty list, not null)", tender.Conditions)
			}
			for _, it := range out.Items {
				if it.Penalty.BasisPointsPerDay != orders.DefaultPenaltyBasisPointsPerDay || it.Penalty.CapBasisPoints != orders.DefaultPenaltyCapBasisPoints {
					t.Errorf("%s: penalty %+v", it.Code, it.Penalty)
				}
				if it.Name.KK == "" || it.LegalBasis.EN == "" || len(it.Documents) == 0 || it.Documents[0].Name.RU == "" {
					t.Errorf("%s: texts or documents missing: %+v", it.Code, it)
				}
			}
			if !slices.Contains(out.GoodsList, "furniture-desks") || slices.Contains(out.GoodsList, "other") || !slices.IsSorted(out.GoodsList) {
				t.Errorf("goods list %v", out.GoodsList)
			}
		})
	}
}

// A server built without the store answers 503 with the envelope, not a panic.
func TestProcurementRoutesAPIUnconfigured(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(s *api.Server) { s.Procurement = nil })
	r := e.do(t, req{method: "GET", path: "/api/v1/procurement-routes"})
	if r.status != 503 {
		t.Fatalf("without a store: %s; want 503", r)
	}
	if code, _, _ := r.errorEnvelope(t); code != string(accounts.CodeUnavailable) {
		t.Errorf("code %s; want unavailable", code)
	}
}
