package catalog

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sheber-kz/sheber/accounts"
)

// Limits on listings. The README lists them too.
const (
	MaxTitleLength       = 200
	MaxDescriptionLength = 5000
	MaxAttributeLength   = 200
	MaxExternalCodeLen   = 64
	// MaxPriceTiyn is 10 billion tenge: above any single item a workshop makes.
	MaxPriceTiyn          = 1_000_000_000_000
	MaxMinOrderQuantity   = 1_000_000
	MaxLeadTimeDays       = 365
	MaxLabourMinutes      = 100_000 // per unit
	MaxReadyStock         = 10_000_000
	MaxSitesPerListing    = 50
	MaxDimensionMM        = 100_000 // 100 m
	MaxListingsPerRequest = 500     // in the enterprise's list
)

// Status is where a listing stands.
type Status string

// Statuses.
const (
	StatusDraft     Status = "draft"     // seen by its enterprise only
	StatusPublished Status = "published" // in the public catalog
	StatusArchived  Status = "archived"  // withdrawn; kept for orders that refer to it
)

// transitions are the status changes allowed; publishing also requires a complete listing.
var transitions = map[Status][]Status{
	StatusDraft:     {StatusPublished, StatusArchived},
	StatusPublished: {StatusArchived, StatusDraft},
	StatusArchived:  {StatusDraft, StatusPublished},
}

// CanMove reports whether a listing may go from one status to another.
func CanMove(from, to Status) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Unit is the unit of measure a listing is sold in.
type Unit string

// Units.
const (
	UnitPiece       Unit = "piece"
	UnitSet         Unit = "set"
	UnitPair        Unit = "pair"
	UnitMetre       Unit = "m"
	UnitSquareMetre Unit = "m2"
	UnitCubicMetre  Unit = "m3"
	UnitKilogram    Unit = "kg"
	UnitTonne       Unit = "t"
)

// Units lists every unit.
var Units = []Unit{UnitPiece, UnitSet, UnitPair, UnitMetre, UnitSquareMetre, UnitCubicMetre, UnitKilogram, UnitTonne}

// Attributes describe the goods; every field is optional.
type Attributes struct {
	LengthMM, WidthMM, HeightMM int // outer dimensions; 0 when not given
	Material                    accounts.Text
	Colour                      accounts.Text
	Standard                    string // e.g. "ГОСТ 11015-93" or "СТ РК 1.5-2019"
	AgeGroup                    string // for children's goods, e.g. "3-7"
	Certification               string // certificate or declaration of conformity
}

// Listing is a product an enterprise offers.
type Listing struct {
	ID           int64
	EnterpriseID int64
	// ExternalCode is the enterprise's own article code (bulk imports match on it); may
	// be empty.
	ExternalCode string
	Title        accounts.Text
	Description  accounts.Text
	CategoryCode string
	Attributes   Attributes
	Unit         Unit
	PriceTiyn    int64 // 1 tenge = 100 tiyn
	VATIncluded  bool
	MinOrderQty  int
	LeadTimeDays int
	// LabourMinutesPerUnit is the work one unit takes, for capacity and wages; minutes
	// keep it an integer.
	LabourMinutesPerUnit int
	ReadyStock           int // 0: made to order
	SiteIDs              []int64
	Status               Status
	Version              int
	CreatedAt            time.Time
	UpdatedAt            time.Time
	// PublishedAt is when the listing was last published; nil if it never was. It stays
	// when the listing is withdrawn, as a record of when it was last offered.
	PublishedAt *time.Time
	// Images (by position) and Documents (oldest first), filled by the store's reads.
	Images    []Image
	Documents []Document
}

// PricePoint is one entry of a listing's price history.
type PricePoint struct {
	PriceTiyn   int64
	VATIncluded bool
	From        time.Time
	ChangedBy   int64 // user; 0 for a machine client
}

// ListingInput is what a producer writes: everything but identity, status and version.
type ListingInput struct {
	ExternalCode         string
	Title                accounts.Text
	Description          accounts.Text
	CategoryCode         string
	Attributes           Attributes
	Unit                 Unit
	PriceTiyn            int64
	VATIncluded          bool
	MinOrderQty          int
	LeadTimeDays         int
	LabourMinutesPerUnit int
	ReadyStock           int
	SiteIDs              []int64
}

func trimText(t accounts.Text) accounts.Text {
	return accounts.Text{RU: strings.TrimSpace(t.RU), KK: strings.TrimSpace(t.KK), EN: strings.TrimSpace(t.EN)}
}

// normalize trims the input's text.
func (in *ListingInput) normalize() {
	in.ExternalCode = strings.TrimSpace(in.ExternalCode)
	in.Title, in.Description = trimText(in.Title), trimText(in.Description)
	in.CategoryCode = strings.TrimSpace(in.CategoryCode)
	a := &in.Attributes
	a.Material, a.Colour = trimText(a.Material), trimText(a.Colour)
	a.Standard, a.AgeGroup, a.Certification = strings.TrimSpace(a.Standard), strings.TrimSpace(a.AgeGroup), strings.TrimSpace(a.Certification)
}

// validate checks the input against the limits and the known categories and sites; the
// field names are the API's.
func (in *ListingInput) validate(categories map[string]Category, sites map[int64]bool) error {
	v := accounts.Validation{}
	if in.Title.RU == "" && in.Title.KK == "" {
		v.Add("title", "a Russian or Kazakh title is required")
	}
	checkText(v, "title", in.Title, MaxTitleLength)
	checkText(v, "description", in.Description, MaxDescriptionLength)
	if utf8.RuneCountInString(in.ExternalCode) > MaxExternalCodeLen {
		v.Add("external_code", fmt.Sprintf("at most %d characters", MaxExternalCodeLen))
	}
	if _, ok := categories[in.CategoryCode]; !ok {
		v.Add("category", "unknown category")
	}
	a := in.Attributes
	for name, mm := range map[string]int{"attributes.length_mm": a.LengthMM, "attributes.width_mm": a.WidthMM, "attributes.height_mm": a.HeightMM} {
		if mm < 0 || mm > MaxDimensionMM {
			v.Add(name, fmt.Sprintf("between 0 and %d millimetres", MaxDimensionMM))
		}
	}
	checkText(v, "attributes.material", a.Material, MaxAttributeLength)
	checkText(v, "attributes.colour", a.Colour, MaxAttributeLength)
	for name, s := range map[string]string{"attributes.standard": a.Standard, "attributes.age_group": a.AgeGroup, "attributes.certification": a.Certification} {
		if utf8.RuneCountInString(s) > MaxAttributeLength {
			v.Add(name, fmt.Sprintf("at most %d characters", MaxAttributeLength))
		}
	}
	knownUnit := false
	for _, u := range Units {
		knownUnit = knownUnit || u == in.Unit
	}
	if !knownUnit {
		v.Add("unit", "unknown unit of measure")
	}
	if in.PriceTiyn <= 0 || in.PriceTiyn > MaxPriceTiyn {
		v.Add("price_tiyn", fmt.Sprintf("between 1 and %d tiyn", int64(MaxPriceTiyn)))
	}
	if in.MinOrderQty < 1 || in.MinOrderQty > MaxMinOrderQuantity {
		v.Add("min_order_qty", fmt.Sprintf("between 1 and %d", MaxMinOrderQuantity))
	}
	if in.LeadTimeDays < 0 || in.LeadTimeDays > MaxLeadTimeDays {
		v.Add("lead_time_days", fmt.Sprintf("between 0 and %d days", MaxLeadTimeDays))
	}
	if in.LabourMinutesPerUnit < 0 || in.LabourMinutesPerUnit > MaxLabourMinutes {
		v.Add("labour_minutes_per_unit", fmt.Sprintf("between 0 and %d minutes", MaxLabourMinutes))
	}
	if in.ReadyStock < 0 || in.ReadyStock > MaxReadyStock {
		v.Add("ready_stock", fmt.Sprintf("between 0 and %d", MaxReadyStock))
	}
	if len(in.SiteIDs) > MaxSitesPerListing {
		v.Add("site_ids", fmt.Sprintf("at most %d sites", MaxSitesPerListing))
	}
	seen := map[int64]bool{}
	for _, id := range in.SiteIDs {
		switch {
		case seen[id]:
			v.Add("site_ids", fmt.Sprintf("site %d is listed twice", id))
		case !sites[id]:
			v.Add("site_ids", fmt.Sprintf("site %d is not one of this enterprise's production sites", id))
		}
		seen[id] = true
	}
	return v.Err()
}

func checkText(v accounts.Validation, field string, t accounts.Text, max int) {
	for lang, s := range map[string]string{"ru": t.RU, "kk": t.KK, "en": t.EN} {
		if utf8.RuneCountInString(s) > max {
			v.Add(field+"."+lang, fmt.Sprintf("at most %d characters", max))
		}
	}
}

// publishable lists what a listing lacks before it can be published.
func (l Listing) publishable() error {
	v := accounts.Validation{}
	if len(l.SiteIDs) == 0 {
		v.Add("site_ids", "name at least one production site that makes it before publishing")
	}
	return v.Err()
}

func (l *Listing) apply(in ListingInput) {
	l.ExternalCode, l.Title, l.Description, l.CategoryCode = in.ExternalCode, in.Title, in.Description, in.CategoryCode
	l.Attributes, l.Unit, l.PriceTiyn, l.VATIncluded = in.Attributes, in.Unit, in.PriceTiyn, in.VATIncluded
	l.MinOrderQty, l.LeadTimeDays, l.LabourMinutesPerUnit, l.ReadyStock = in.MinOrderQty, in.LeadTimeDays, in.LabourMinutesPerUnit, in.ReadyStock
	l.SiteIDs = append([]int64(nil), in.SiteIDs...)
}
