package catalog

import (
	"strings"
	"testing"

	"github.com/sheber-kz/sheber/accounts"
)

func validInput() ListingInput {
	return ListingInput{
		Title:        accounts.Text{RU: "Парта школьная двухместная", KK: "Екі орындық мектеп партасы"},
		CategoryCode: "furniture-desks",
		Unit:         UnitPiece, PriceTiyn: 2_500_000, MinOrderQty: 1, LeadTimeDays: 14, LabourMinutesPerUnit: 180,
		SiteIDs: []int64{7},
	}
}

func TestListingInputValidate(t *testing.T) {
	cats := map[string]Category{"furniture-desks": {Code: "furniture-desks"}}
	sites := map[int64]bool{7: true, 8: true}
	long := strings.Repeat("я", MaxTitleLength+1)
	tests := []struct {
		name   string
		change func(*ListingInput)
		field  string // "" means valid
	}{
		{"valid", func(*ListingInput) {}, ""},
		{"kazakh title only", func(in *ListingInput) { in.Title = accounts.Text{KK: "Парта"} }, ""},
		{"english title only", func(in *ListingInput) { in.Title = accounts.Text{EN: "Desk"} }, "title"},
		{"blank titles", func(in *ListingInput) { in.Title = accounts.Text{RU: "  ", KK: "\t"} }, "title"},
		{"title too long", func(in *ListingInput) { in.Title.RU = long }, "title.ru"},
		{"unknown category", func(in *ListingInput) { in.CategoryCode = "spaceships" }, "category"},
		{"unknown unit", func(in *ListingInput) { in.Unit = "barrel" }, "unit"},
		{"zero price", func(in *ListingInput) { in.PriceTiyn = 0 }, "price_tiyn"},
		{"price too high", func(in *ListingInput) { in.PriceTiyn = MaxPriceTiyn + 1 }, "price_tiyn"},
		{"zero minimum order", func(in *ListingInput) { in.MinOrderQty = 0 }, "min_order_qty"},
		{"negative lead time", func(in *ListingInput) { in.LeadTimeDays = -1 }, "lead_time_days"},
		{"lead time over a year", func(in *ListingInput) { in.LeadTimeDays = MaxLeadTimeDays + 1 }, "lead_time_days"},
		{"negative stock", func(in *ListingInput) { in.ReadyStock = -1 }, "ready_stock"},
		{"negative labour", func(in *ListingInput) { in.LabourMinutesPerUnit = -5 }, "labour_minutes_per_unit"},
		{"negative height", func(in *ListingInput) { in.Attributes.HeightMM = -1 }, "attributes.height_mm"},
		{"standard too long", func(in *ListingInput) { in.Attributes.Standard = long }, "attributes.standard"},
		{"another enterprise's site", func(in *ListingInput) { in.SiteIDs = []int64{9} }, "site_ids"},
		{"a site twice", func(in *ListingInput) { in.SiteIDs = []int64{7, 7} }, "site_ids"},
		{"no site is fine for a draft", func(in *ListingInput) { in.SiteIDs = nil }, ""},
		{"external code too long", func(in *ListingInput) { in.ExternalCode = strings.Repeat("x", MaxExternalCodeLen+1) }, "external_code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := validInput()
			tt.change(&in)
			in.normalize()
			err := in.validate(cats, sites)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			var de *accounts.Error
			if err == nil || accounts.ErrorCode(err) != accounts.CodeInvalid {
				t.Fatalf("err = %v; want invalid", err)
			}
			de = err.(*accounts.Error)
			if de.Fields[tt.field] == "" {
				t.Errorf("fields %v do not name %s", de.Fields, tt.field)
			}
		})
	}
}

func TestStatusTransitions(t *testing.T) {
	allowed := map[[2]Status]bool{
		{StatusDraft, StatusPublished}: true, {StatusDraft, StatusArchived}: true,
		{StatusPublished, StatusArchived}: true, {StatusPublished, StatusDraft}: true,
		{StatusArchived, StatusDraft}: true, {StatusArchived, StatusPublished}: true,
	}
	all := []Status{StatusDraft, StatusPublished, StatusArchived}
	for _, from := range all {
		for _, to := range all {
			if got := CanMove(from, to); got != allowed[[2]Status{from, to}] {
				t.Errorf("CanMove(%s, %s) = %v", from, to, got)
			}
		}
	}
}

func TestPublishableNeedsASite(t *testing.T) {
	l := Listing{}
	l.apply(validInput())
	if err := l.publishable(); err != nil {
		t.Errorf("complete listing: %v", err)
	}
	l.SiteIDs = nil
	if err := l.publishable(); accounts.ErrorCode(err) != accounts.CodeInvalid {
		t.Errorf("listing without sites: %v; want invalid", err)
	}
}
