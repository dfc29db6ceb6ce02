package api

import (
	"sort"

	"github.com/gofiber/fiber/v2"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/orders"
)

// procurementRoutesDTO is the configured procurement route table and the government's
// goods list, which the order form uses to tell the buyer which route applies.
type procurementRoutesDTO struct {
	Items     []procurementRouteDTO `json:"items"`
	GoodsList []string              `json:"goods_list"` // category codes, sorted
}

type procurementRouteDTO struct {
	Code       string             `json:"code"`
	Position   int                `json:"position"`
	Name       textDTO            `json:"name"`
	LegalBasis textDTO            `json:"legal_basis"`
	Conditions routeConditionsDTO `json:"conditions"`
	Documents  []routeDocumentDTO `json:"documents"`
	Penalty    penaltyRuleDTO     `json:"penalty"`
}

type routeConditionsDTO struct {
	GoodsListOnly      bool     `json:"goods_list_only"`
	EnterpriseSubtypes []string `json:"enterprise_subtypes"` // empty: any producer
	MaxAmountTiyn      *int64   `json:"max_amount_tiyn"`     // null: no upper bound
}

type routeDocumentDTO struct {
	Code string  `json:"code"`
	Name textDTO `json:"name"`
}

type penaltyRuleDTO struct {
	BasisPointsPerDay int `json:"basis_points_per_day"`
	CapBasisPoints    int `json:"cap_basis_points"`
}

func newProcurementRoute(r orders.ProcurementRoute) procurementRouteDTO {
	subs := make([]string, len(r.EnterpriseSubtypes))
	for i, s := range r.EnterpriseSubtypes {
		subs[i] = string(s)
	}
	cond := routeConditionsDTO{GoodsListOnly: r.GoodsListOnly, EnterpriseSubtypes: subs}
	if r.MaxAmountTiyn > 0 {
		limit := r.MaxAmountTiyn
		cond.MaxAmountTiyn = &limit
	}
	docs := make([]routeDocumentDTO, len(r.Documents))
	for i, d := range r.Documents {
		docs[i] = routeDocumentDTO{Code: d.Code, Name: newText(d.Name)}
	}
	return procurementRouteDTO{Code: r.Code, Position: r.Position, Name: newText(r.Name), LegalBasis: newText(r.LegalBasis),
		Conditions: cond, Documents: docs,
		Penalty: penaltyRuleDTO{BasisPointsPerDay: r.Penalty.BasisPointsPerDay, CapBasisPoints: r.Penalty.CapBasisPoints}}
}

// procurementRoutes serves the route table to everyone: it is public law and public
// configuration, the same for every buyer.
func (s *Server) procurementRoutes(c *fiber.Ctx) error {
	if s.Procurement == nil {
		return &accounts.Error{Code: accounts.CodeUnavailable, Message: "procurement routes are not configured on this server"}
	}
	ctx := c.UserContext()
	routes, err := s.Procurement.ProcurementRoutes(ctx)
	if err != nil {
		return err
	}
	list, err := s.Procurement.GoodsList(ctx)
	if err != nil {
		return err
	}
	out := procurementRoutesDTO{Items: make([]procurementRouteDTO, len(routes)), GoodsList: make([]string, 0, len(list))}
	for i, r := range routes {
		out.Items[i] = newProcurementRoute(r)
	}
	for code, ok := range list {
		if ok {
			out.GoodsList = append(out.GoodsList, code)
		}
	}
	sort.Strings(out.GoodsList)
	return c.JSON(out)
}
