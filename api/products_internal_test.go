package api

import (
	"errors"
	"net/url"
	"testing"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog"
)

func TestParseSearchQuery(t *testing.T) {
	tests := []struct {
		query     string
		wantField string // "" = no error
	}{
		{"", ""},
		{"q=%D0%A8%D0%B0%D2%A3%D1%8B%D1%80%D0%B0%D2%9B&in_stock=1&sort=price_asc&page=2&per_page=100", ""},
		{"in_stock=false&lead_time_max=0&price_min=0&price_max=0", ""},
		{"page=", ""}, // empty is absent
		{"colour=red", "colour"},
		{"q=a&q=b", "q"},
		{"page=two", "page"},
		{"page=1.5", "page"},
		{"per_page=101", "per_page"},
		{"per_page=0x10", "per_page"},
		{"price_min=500&price_max=100", "price_max"},
		{"price_min=99999999999999999999", "price_min"},
		{"page=9999999999", "page"},
		{"sort=cheapest", "sort"},
		{"region=atlantis", "region"},
		{"in_stock=yes", "in_stock"},
		{"lead_time_max=366", "lead_time_max"},
		{"enterprise=-1", "enterprise"},
	}
	for _, tt := range tests {
		args, err := url.ParseQuery(tt.query)
		if err != nil {
			t.Fatal(err)
		}
		q, err := parseSearchQuery(args)
		if tt.wantField == "" {
			if err != nil {
				t.Errorf("%q: %v", tt.query, err)
			} else if q.Page < 1 || q.PerPage < 1 || q.Sort == "" {
				t.Errorf("%q: defaults not filled in: %+v", tt.query, q)
			}
			continue
		}
		var de *accounts.Error
		if !errors.As(err, &de) || de.Code != accounts.CodeInvalid {
			t.Errorf("%q: error %v, want CodeInvalid", tt.query, err)
			continue
		}
		if _, ok := de.Fields[tt.wantField]; !ok {
			t.Errorf("%q: fields %v do not name %q", tt.query, de.Fields, tt.wantField)
		}
	}
}

func FuzzParseSearchQuery(f *testing.F) {
	for _, s := range []string{"", "q=desk&page=2", "per_page=101", "price_min=5&price_max=1", "in_stock=1&lead_time_max=30",
		"sort=newest&region=almaty", "page=-1", "q=a&q=b", "x=1", "lead_time_max=99999999999999999999", "price_max=1000000000000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		args, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		q, err := parseSearchQuery(args)
		if err != nil {
			var de *accounts.Error
			if !errors.As(err, &de) || de.Code != accounts.CodeInvalid || len(de.Fields) == 0 {
				t.Fatalf("%q: error %v is not a validation error naming a parameter", raw, err)
			}
			return
		}
		switch {
		case q.Page < 1 || q.Page > catalog.MaxPage:
			t.Fatalf("%q: page %d", raw, q.Page)
		case q.PerPage < 1 || q.PerPage > catalog.MaxPerPage:
			t.Fatalf("%q: per_page %d", raw, q.PerPage)
		case q.PriceMin < 0 || q.PriceMin > catalog.MaxPriceTiyn || q.PriceMax < 0 || q.PriceMax > catalog.MaxPriceTiyn:
			t.Fatalf("%q: prices %d..%d", raw, q.PriceMin, q.PriceMax)
		case q.PriceMax > 0 && q.PriceMin > q.PriceMax:
			t.Fatalf("%q: price_min %d above price_max %d", raw, q.PriceMin, q.PriceMax)
		case q.LeadTimeMax != nil && (*q.LeadTimeMax < 0 || *q.LeadTimeMax > catalog.MaxLeadTimeDays):
			t.Fatalf("%q: lead_time_max %d", raw, *q.LeadTimeMax)
		case q.InstitutionID < 0 || q.EnterpriseID < 0:
			t.Fatalf("%q: IDs %d, %d", raw, q.InstitutionID, q.EnterpriseID)
		case q.Sort != catalog.SortRelevance && q.Sort != catalog.SortPriceAsc && q.Sort != catalog.SortPriceDesc && q.Sort != catalog.SortNewest:
			t.Fatalf("%q: sort %q", raw, q.Sort)
		}
		if q.Region != "" {
			if _, ok := accounts.RegionByCode(q.Region); !ok {
				t.Fatalf("%q: region %q", raw, q.Region)
			}
		}
	})
}
