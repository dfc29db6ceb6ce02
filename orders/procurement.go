package orders

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/sheber-kz/sheber/accounts"
)

// Procurement settings: the defaults that migration 00010 seeds into procurement_routes.
// They are configurable data, not law: the operator's lawyer confirms them (README,
// "Procurement routes and penalties"), and a test keeps the seed equal to these constants.
const (
	// DefaultPriceOfferThresholdTiyn is the largest order total (inclusive) bought by a
	// request for price offers: 10,000,000 tenge. A placeholder default; the legal threshold
	// is set by the public procurement legislation and changes with the monthly calculation
	// index (MRP), so the operator sets the route's max_amount_tiyn.
	DefaultPriceOfferThresholdTiyn int64 = 10_000_000_00

	// MaxRoutes bounds the procurement route table a store returns.
	MaxRoutes = 50
	// MaxRouteDocuments bounds the documents of one route.
	MaxRouteDocuments = 30
)

// Route codes of the seeded routes. Other codes may be configured.
const (
	RouteDirectPenalEnterprise = "direct_penal_enterprise"
	RoutePriceOfferRequest     = "price_offer_request"
	RouteOpenTender            = "open_tender"
)

// ProcurementRoute is one procurement method a buyer's order can follow, with the
// conditions under which it applies. ChooseRoute takes the first route, by Position, whose
// conditions all hold, so a route without conditions placed last is the fallback.
type ProcurementRoute struct {
	Code       string
	Position   int
	Name       accounts.Text
	LegalBasis accounts.Text
	// GoodsListOnly: every category of the order is on the government's list of goods.
	GoodsListOnly bool
	// EnterpriseSubtypes are the producer subtypes allowed (every producer of the order must
	// be one); empty: any producer.
	EnterpriseSubtypes []accounts.Subtype
	// MaxAmountTiyn is the largest order total (inclusive) allowed; 0: no upper bound.
	MaxAmountTiyn int64
	// Documents are what the buyer prepares for the route, in order.
	Documents []RouteDocument
	// Penalty is the late-delivery rule of orders on this route.
	Penalty PenaltyRule
}

// RouteDocument is one document a procurement route needs.
type RouteDocument struct {
	Code string
	Name accounts.Text
}

// RouteFacts are what ChooseRoute judges an order by.
type RouteFacts struct {
	// CategoryCodes are the categories of the order's lines (repeats allowed).
	CategoryCodes []string
	// OnGoodsList reports whether a category is on the government's list; nil: none is.
	OnGoodsList func(code string) bool
	// EnterpriseSubtypes are the subtypes of the order's producer enterprises.
	EnterpriseSubtypes []accounts.Subtype
	// AmountTiyn is the order total.
	AmountTiyn int64
	// Lang is the language of the reasons ("ru", "kk", "en"); empty: Russian.
	Lang string
}

// ProcurementStore reads the configured procurement routes and the goods list.
type ProcurementStore interface {
	// ProcurementRoutes returns every route, by position, with its documents in order.
	ProcurementRoutes(ctx context.Context) ([]ProcurementRoute, error)
	// GoodsList returns the category codes on the government's list (each maps to true).
	GoodsList(ctx context.Context) (map[string]bool, error)
}

// producerSubtypes are the subtypes a route may name: the producers' own.
var producerSubtypes = []accounts.Subtype{accounts.SubtypePenalInstitution, accounts.SubtypeStateEnterprise, accounts.SubtypeSocialEnterprise}

// Validate checks a route as configured; the store calls it on what it reads, so a bad
// row is reported instead of silently changing the choice.
func (r ProcurementRoute) Validate() error {
	v := accounts.Validation{}
	if r.Code == "" {
		v.Add("code", "required")
	}
	if r.Position < 0 {
		v.Add("position", "must not be negative")
	}
	if strings.TrimSpace(r.Name.RU) == "" || strings.TrimSpace(r.Name.KK) == "" || strings.TrimSpace(r.Name.EN) == "" {
		v.Add("name", "required in ru, kk and en")
	}
	if strings.TrimSpace(r.LegalBasis.RU) == "" || strings.TrimSpace(r.LegalBasis.KK) == "" || strings.TrimSpace(r.LegalBasis.EN) == "" {
		v.Add("legal_basis", "required in ru, kk and en")
	}
	for _, s := range r.EnterpriseSubtypes {
		if !slices.Contains(producerSubtypes, s) {
			v.Add("enterprise_subtypes", fmt.Sprintf("%q is not a producer subtype", s))
		}
	}
	if r.MaxAmountTiyn < 0 {
		v.Add("max_amount_tiyn", "must not be negative")
	}
	if len(r.Documents) > MaxRouteDocuments {
		v.Add("documents", fmt.Sprintf("at most %d", MaxRouteDocuments))
	}
	if err := r.Penalty.Validate(); err != nil {
		v.Add("penalty", err.Error())
	}
	return v.Err()
}

// ChooseRoute returns the first route, by position (then code), whose conditions all hold
// for the order, with the reasons in plain words for the order form: why each earlier route
// does not apply, then why the chosen one does. Bad facts are CodeInvalid; a table where no
// route applies (no fallback configured) is CodeConflict.
func ChooseRoute(routes []ProcurementRoute, f RouteFacts) (ProcurementRoute, []string, error) {
	v := accounts.Validation{}
	if len(f.CategoryCodes) == 0 {
		v.Add("category_codes", "the order has no lines")
	}
	if f.AmountTiyn < 0 {
		v.Add("amount_tiyn", "must not be negative")
	}
	if len(f.EnterpriseSubtypes) == 0 {
		v.Add("enterprise_subtypes", "the order has no producer")
	}
	if err := v.Err(); err != nil {
		return ProcurementRoute{}, nil, err
	}
	ordered := slices.Clone(routes)
	slices.SortStableFunc(ordered, func(a, b ProcurementRoute) int {
		if a.Position != b.Position {
			return a.Position - b.Position
		}
		return strings.Compare(a.Code, b.Code)
	})
	var reasons []string
	for _, r := range ordered {
		fails, holds := judge(r, f)
		if len(fails) == 0 {
			for _, h := range holds {
				reasons = append(reasons, h.In(f.Lang))
			}
			return r, reasons, nil
		}
		for _, x := range fails {
			reasons = append(reasons, x.In(f.Lang))
		}
	}
	return ProcurementRoute{}, reasons, &accounts.Error{Code: accounts.CodeConflict,
		Message: "no procurement route applies to this order: the route table has no fallback route"}
}

// judge returns the conditions of r that f fails and, when none fails, the ones that hold,
// as sentences naming the route.
func judge(r ProcurementRoute, f RouteFacts) (fails, holds []accounts.Text) {
	name := r.Name
	if r.GoodsListOnly {
		var off []string
		for _, c := range uniq(f.CategoryCodes) {
			if f.OnGoodsList == nil || !f.OnGoodsList(c) {
				off = append(off, c)
			}
		}
		if len(off) > 0 {
			list := strings.Join(off, ", ")
			fails = append(fails, accounts.Text{
				RU: fmt.Sprintf("«%s» не применяется: категории %s нет в государственном перечне товаров.", name.In("ru"), list),
				KK: fmt.Sprintf("«%s» қолданылмайды: %s санаты мемлекеттік тауарлар тізбесінде жоқ.", name.In("kk"), list),
				EN: fmt.Sprintf("%q does not apply: category %s is not on the government's list of goods.", name.In("en"), list),
			})
		} else {
			holds = append(holds, accounts.Text{
				RU: "Все товары заказа входят в государственный перечень.",
				KK: "Тапсырыстың барлық тауарлары мемлекеттік тізбеге кіреді.",
				EN: "Every item of the order is on the government's list of goods.",
			})
		}
	}
	if len(r.EnterpriseSubtypes) > 0 {
		var other []accounts.Subtype
		for _, s := range uniq(f.EnterpriseSubtypes) {
			if !slices.Contains(r.EnterpriseSubtypes, s) {
				other = append(other, s)
			}
		}
		allowed := subtypeNames(r.EnterpriseSubtypes)
		if len(other) > 0 {
			got := subtypeNames(other)
			fails = append(fails, accounts.Text{
				RU: fmt.Sprintf("«%s» не применяется: производитель — %s, а маршрут допускает только: %s.", name.In("ru"), got.RU, allowed.RU),
				KK: fmt.Sprintf("«%s» қолданылмайды: өндіруші — %s, ал бағыт тек мыналарға рұқсат етеді: %s.", name.In("kk"), got.KK, allowed.KK),
				EN: fmt.Sprintf("%q does not apply: the producer is a %s, and the route allows only: %s.", name.In("en"), got.EN, allowed.EN),
			})
		} else {
			holds = append(holds, accounts.Text{
				RU: fmt.Sprintf("Производитель подходит маршруту: %s.", allowed.RU),
				KK: fmt.Sprintf("Өндіруші бағытқа сәйкес келеді: %s.", allowed.KK),
				EN: fmt.Sprintf("The producer fits the route: %s.", allowed.EN),
			})
		}
	}
	if r.MaxAmountTiyn > 0 {
		if f.AmountTiyn > r.MaxAmountTiyn {
			fails = append(fails, accounts.Text{
				RU: fmt.Sprintf("«%s» не применяется: сумма заказа %s больше порога %s.", name.In("ru"), tenge("ru", f.AmountTiyn), tenge("ru", r.MaxAmountTiyn)),
				KK: fmt.Sprintf("«%s» қолданылмайды: тапсырыс сомасы %s %s шегінен асады.", name.In("kk"), tenge("kk", f.AmountTiyn), tenge("kk", r.MaxAmountTiyn)),
				EN: fmt.Sprintf("%q does not apply: the order total %s is over the threshold of %s.", name.In("en"), tenge("en", f.AmountTiyn), tenge("en", r.MaxAmountTiyn)),
			})
		} else {
			holds = append(holds, accounts.Text{
				RU: fmt.Sprintf("Сумма заказа %s не превышает порога %s.", tenge("ru", f.AmountTiyn), tenge("ru", r.MaxAmountTiyn)),
				KK: fmt.Sprintf("Тапсырыс сомасы %s %s шегінен аспайды.", tenge("kk", f.AmountTiyn), tenge("kk", r.MaxAmountTiyn)),
				EN: fmt.Sprintf("The order total %s does not exceed the threshold of %s.", tenge("en", f.AmountTiyn), tenge("en", r.MaxAmountTiyn)),
			})
		}
	}
	if len(fails) == 0 {
		holds = append(holds, accounts.Text{
			RU: fmt.Sprintf("Применяется «%s».", name.In("ru")),
			KK: fmt.Sprintf("«%s» қолданылады.", name.In("kk")),
			EN: fmt.Sprintf("%q applies.", name.In("en")),
		})
	}
	return fails, holds
}

// subtypeNames are the producer subtypes in words, joined per language.
func subtypeNames(subs []accounts.Subtype) accounts.Text {
	var ru, kk, en []string
	for _, s := range subs {
		n, ok := producerSubtypeNames[s]
		if !ok {
			n = accounts.Text{RU: string(s), KK: string(s), EN: string(s)}
		}
		ru, kk, en = append(ru, n.RU), append(kk, n.KK), append(en, n.EN)
	}
	return accounts.Text{RU: strings.Join(ru, ", "), KK: strings.Join(kk, ", "), EN: strings.Join(en, ", ")}
}

var producerSubtypeNames = map[accounts.Subtype]accounts.Text{
	accounts.SubtypeStateEnterprise:  {RU: "государственное предприятие уголовно-исполнительной системы", KK: "қылмыстық-атқару жүйесінің мемлекеттік кәсіпорны", EN: "state enterprise of the penal system"},
	accounts.SubtypeSocialEnterprise: {RU: "социальное предприятие", KK: "әлеуметтік кәсіпорын", EN: "social enterprise"},
	accounts.SubtypePenalInstitution: {RU: "учреждение уголовно-исполнительной системы", KK: "қылмыстық-атқару жүйесінің мекемесі", EN: "penal institution"},
}

// uniq returns the distinct values of s in their first order.
func uniq[T comparable](s []T) []T {
	var out []T
	for _, x := range s {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// tenge writes tiyn as tenge the way the order form does: "1 234 567,89 ₸" in Russian and
// Kazakh (no-break spaces between thousands), "1,234,567.89 ₸" in English.
func tenge(lang string, tiyn int64) string {
	sign := ""
	if tiyn < 0 {
		sign, tiyn = "-", -tiyn
	}
	group, decimal := "\u00a0", ","
	if lang == "en" {
		group, decimal = ",", "."
	}
	whole := fmt.Sprint(tiyn / 100)
	var b strings.Builder
	for i, d := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(d)
	}
	return fmt.Sprintf("%s%s%s%02d\u00a0₸", sign, b.String(), decimal, tiyn%100)
}
