package catalog

import (
	"strings"
	"testing"

	"github.com/sheber-kz/sheber/accounts"
)

func TestSearchQueryValidate(t *testing.T) {
	days := func(n int) *int { return &n }
	tests := []struct {
		name  string
		q     SearchQuery
		field string // "" means valid
	}{
		{"empty is everything", SearchQuery{}, ""},
		{"all filters", SearchQuery{Text: "парта", Category: "furniture", Region: "karaganda", InstitutionID: 3, EnterpriseID: 4,
			PriceMin: 100, PriceMax: 200, InStock: true, LeadTimeMax: days(0), Sort: SortPriceAsc, Page: 2, PerPage: 100}, ""},
		{"text too long", SearchQuery{Text: strings.Repeat("ы", MaxQueryLength+1)}, "q"},
		{"unknown region", SearchQuery{Region: "atlantis"}, "region"},
		{"negative enterprise", SearchQuery{EnterpriseID: -1}, "enterprise"},
		{"negative price", SearchQuery{PriceMin: -1}, "price_min"},
		{"max below min", SearchQuery{PriceMin: 500, PriceMax: 100}, "price_max"},
		{"lead time over a year", SearchQuery{LeadTimeMax: days(MaxLeadTimeDays + 1)}, "lead_time_max"},
		{"unknown sort", SearchQuery{Sort: "cheapest"}, "sort"},
		{"page zero after defaults is one", SearchQuery{Page: 0}, ""},
		{"negative page", SearchQuery{Page: -1}, "page"},
		{"page too far", SearchQuery{Page: MaxPage + 1}, "page"},
		{"too many per page", SearchQuery{PerPage: MaxPerPage + 1}, "per_page"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := tt.q
			err := q.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if q.Page < 1 || q.PerPage < 1 || q.PerPage > MaxPerPage || q.Sort == "" {
					t.Errorf("defaults not applied: %+v", q)
				}
				return
			}
			de, ok := err.(*accounts.Error)
			if !ok || de.Code != accounts.CodeInvalid || de.Fields[tt.field] == "" {
				t.Fatalf("err = %v; want invalid naming %s", err, tt.field)
			}
		})
	}
}
