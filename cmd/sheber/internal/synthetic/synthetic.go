// Package synthetic generates a large, deterministic, realistic catalog for load tests and
// benchmarks: invented producer enterprises with production sites in penal institutions in
// every region, and listings whose Russian, Kazakh and English titles are built from the
// vocabulary of their category, with prices, lead times and labour that fit the goods.
//
// Everything is a pure function of a seed: listing n of seed s is the same whatever the
// total asked for, so a larger catalog extends a smaller one, and generating twice gives the
// same rows (the seed command then matches them by external code and changes nothing).
// Nothing here is real: the organizations say they are synthetic in their names and their
// BINs are made up (valid in form only).
package synthetic

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog"
)

// Sizes of the generated organization set; they do not depend on the number of listings.
const (
	Enterprises         = 40
	InstitutionsPerArea = 2 // penal institutions in each region
	SitesPerEnterprise  = 3
	// MaxProducts bounds one generation: ten times the catalog DESIGN.md plans for.
	MaxProducts = 500_000
	// firstInstitutionNumber keeps synthetic institution numbers clear of the public
	// numbers the demo data uses.
	firstInstitutionNumber = 500
)

// Institution is a synthetic penal institution.
type Institution struct {
	Key          string // "syn-inst-007"
	Organization accounts.Organization
}

// Site is a production site of an enterprise at an institution.
type Site struct {
	InstitutionKey string
	Code           string
	Name           accounts.Text
	WorkshopKind   accounts.WorkshopKind
	WeeklyHours    int
}

// Enterprise is a synthetic producer enterprise with its sites.
type Enterprise struct {
	Key          string // "syn-ent-07"
	Organization accounts.Organization
	Sites        []Site
}

// Organizations returns the institutions and the enterprises, the same for every seed:
// InstitutionsPerArea institutions in each region and Enterprises enterprises, each with
// SitesPerEnterprise sites of different workshop kinds at institutions of different regions.
func Organizations() ([]Institution, []Enterprise) {
	var insts []Institution
	for _, r := range accounts.Regions {
		for j := 0; j < InstitutionsPerArea; j++ {
			n := len(insts)
			num := firstInstitutionNumber + n
			insts = append(insts, Institution{
				Key: fmt.Sprintf("syn-inst-%03d", n),
				Organization: accounts.Organization{
					BIN: bin("0511", 820000+10*n), Kind: accounts.KindProducerInstitution, Subtype: accounts.SubtypePenalInstitution,
					Name: accounts.Text{
						RU: fmt.Sprintf("Учреждение № %d (синтетическое)", num),
						KK: fmt.Sprintf("№ %d мекеме (синтетикалық)", num),
						EN: fmt.Sprintf("Institution No. %d (synthetic)", num),
					},
					Region: r.Code, InstitutionNumber: num,
				},
			})
		}
	}
	kinds := []accounts.WorkshopKind{accounts.WorkshopWoodwork, accounts.WorkshopMetalwork, accounts.WorkshopSewing,
		accounts.WorkshopConstruction, accounts.WorkshopOther}
	ents := make([]Enterprise, Enterprises)
	for e := range ents {
		inst := insts[e%len(insts)]
		subtype := accounts.SubtypeStateEnterprise
		if e%4 == 3 {
			subtype = accounts.SubtypeSocialEnterprise
		}
		ent := Enterprise{
			Key: fmt.Sprintf("syn-ent-%02d", e),
			Organization: accounts.Organization{
				BIN: bin("1203", 830000+10*e), Kind: accounts.KindProducerEnterprise, Subtype: subtype,
				Name: accounts.Text{
					RU: fmt.Sprintf("Предприятие «Синтез-%02d»", e+1),
					KK: fmt.Sprintf("«Синтез-%02d» кәсіпорны", e+1),
					EN: fmt.Sprintf("Sintez-%02d enterprise", e+1),
				},
				Region: inst.Organization.Region,
			},
		}
		for s := 0; s < SitesPerEnterprise; s++ {
			at := insts[(e+s*(len(insts)/SitesPerEnterprise+1))%len(insts)]
			kind := kinds[(e+s)%len(kinds)]
			ent.Sites = append(ent.Sites, Site{
				InstitutionKey: at.Key, Code: fmt.Sprintf("S%d", s+1), WorkshopKind: kind,
				WeeklyHours: 400 + 200*((e*7+s*3)%10),
				Name: accounts.Text{
					RU: fmt.Sprintf("Цех %d, %s", s+1, at.Organization.Name.RU),
					KK: fmt.Sprintf("%d-цех, %s", s+1, at.Organization.Name.KK),
					EN: fmt.Sprintf("Workshop %d, %s", s+1, at.Organization.Name.EN),
				},
			})
		}
		ents[e] = ent
	}
	return insts, ents
}

// bin builds a made-up BIN that is valid in form: registration year and month, the type
// digit 4, a six-digit serial and the check digit (the next serial when one has none).
func bin(yymm string, serial int) string {
	for s := serial; s < serial+10; s++ {
		prefix := fmt.Sprintf("%s4%06d", yymm, s)
		if d, ok := accounts.BINCheckDigit(prefix); ok {
			return fmt.Sprintf("%s%d", prefix, d)
		}
	}
	panic(fmt.Sprintf("synthetic: no valid BIN near serial %d", serial))
}

// Listing is one generated listing: its enterprise (an index into Organizations'
// enterprises), the codes of the sites that make it, and its content (SiteIDs empty: the
// seed command resolves the codes).
type Listing struct {
	Enterprise int
	SiteCodes  []string
	Input      catalog.ListingInput
	Published  bool
}

// ExternalCode is the external code of listing n.
func ExternalCode(n int) string { return fmt.Sprintf("SYN-%06d", n) }

// Generate returns listing n (0-based) of the catalog of seed.
func Generate(seed uint64, n int) Listing {
	rng := rand.New(rand.NewPCG(seed, uint64(n)))
	_, ents := organizationsOnce()
	e := n % len(ents)
	ent := ents[e]
	// The goods a listing may be: those of the categories the enterprise's workshops make.
	var fitting []goods
	for _, g := range vocabulary {
		for _, s := range ent.Sites {
			if s.WorkshopKind == g.kind {
				fitting = append(fitting, g)
				break
			}
		}
	}
	g := fitting[rng.IntN(len(fitting))]
	var sites []string
	for _, s := range ent.Sites {
		if s.WorkshopKind == g.kind {
			sites = append(sites, s.Code)
		}
	}
	noun := g.nouns[rng.IntN(len(g.nouns))]
	qual := g.qualifiers[rng.IntN(len(g.qualifiers))]
	mat := g.materials[rng.IntN(len(g.materials))]
	model := 100 + rng.IntN(900)
	title := accounts.Text{
		RU: fmt.Sprintf("%s %s, модель %d", capitalize(noun.RU), qual.RU, model),
		KK: fmt.Sprintf("%s %s, %d үлгі", capitalize(qual.KK), noun.KK, model),
		EN: fmt.Sprintf("%s %s, model %d", capitalize(qual.EN), noun.EN, model),
	}
	desc := accounts.Text{
		RU: fmt.Sprintf("%s %s. Материал: %s. Изготавливается в мастерских учреждений уголовно-исполнительной системы по заказу.", capitalize(noun.RU), qual.RU, mat.RU),
		KK: fmt.Sprintf("%s %s. Материалы: %s. Қылмыстық-атқару жүйесі мекемелерінің шеберханаларында тапсырыс бойынша жасалады.", capitalize(qual.KK), noun.KK, mat.KK),
		EN: fmt.Sprintf("%s %s. Material: %s. Made to order in the workshops of penal institutions.", capitalize(qual.EN), noun.EN, mat.EN),
	}
	// Prices are log-uniform over the goods' range, rounded to whole tenge.
	lo, hi := math.Log(float64(g.minTenge)), math.Log(float64(g.maxTenge))
	tenge := int64(math.Exp(lo + rng.Float64()*(hi-lo)))
	in := catalog.ListingInput{
		ExternalCode: ExternalCode(n), Title: title, Description: desc, CategoryCode: g.category,
		Attributes: catalog.Attributes{
			LengthMM: g.sizeMM[0] + rng.IntN(g.sizeMM[0]/2+1), WidthMM: g.sizeMM[1] + rng.IntN(g.sizeMM[1]/2+1), HeightMM: g.sizeMM[2] + rng.IntN(g.sizeMM[2]/2+1),
			Material: mat, Standard: g.standard,
		},
		Unit: g.unit, PriceTiyn: tenge * 100, VATIncluded: rng.IntN(3) != 0,
		MinOrderQty: g.minOrder[rng.IntN(len(g.minOrder))], LeadTimeDays: 5 + rng.IntN(56),
		LabourMinutesPerUnit: g.labourMin + rng.IntN(g.labourMin+1),
	}
	if g.category == "play-corners" || g.category == "play-construction" || g.category == "furniture-desks" || g.category == "furniture-chairs" {
		in.Attributes.AgeGroup = []string{"3-7", "7-11", "11-18"}[rng.IntN(3)]
	}
	if rng.IntN(4) == 0 {
		in.ReadyStock = 1 + rng.IntN(200)
	}
	return Listing{Enterprise: e, SiteCodes: sites, Input: in, Published: rng.IntN(20) != 0}
}

var orgsCache struct {
	insts []Institution
	ents  []Enterprise
}

func init() { orgsCache.insts, orgsCache.ents = Organizations() }

func organizationsOnce() ([]Institution, []Enterprise) { return orgsCache.insts, orgsCache.ents }

func capitalize(s string) string {
	for i, r := range s {
		return strings.ToUpper(string(r)) + s[i+len(string(r)):]
	}
	return s
}

// Record is listing l as a record of the bulk import's documented columns (see the README),
// so that the synthetic catalog goes through the same validation and writes as a
// producer's file.
func Record(l Listing) map[string]string {
	in := l.Input
	a := in.Attributes
	status := "draft"
	if l.Published {
		status = "published"
	}
	return map[string]string{
		"external_code": in.ExternalCode,
		"title_ru":      in.Title.RU, "title_kk": in.Title.KK, "title_en": in.Title.EN,
		"description_ru": in.Description.RU, "description_kk": in.Description.KK, "description_en": in.Description.EN,
		"category": in.CategoryCode, "unit": string(in.Unit),
		"price":        fmt.Sprintf("%d.%02d", in.PriceTiyn/100, in.PriceTiyn%100),
		"vat_included": fmt.Sprint(in.VATIncluded),
		"min_order":    fmt.Sprint(in.MinOrderQty), "lead_time_days": fmt.Sprint(in.LeadTimeDays),
		"labour_minutes": fmt.Sprint(in.LabourMinutesPerUnit), "stock": fmt.Sprint(in.ReadyStock),
		"material_ru": a.Material.RU, "material_kk": a.Material.KK, "material_en": a.Material.EN,
		"standard": a.Standard, "age_group": a.AgeGroup,
		"length_mm": fmt.Sprint(a.LengthMM), "width_mm": fmt.Sprint(a.WidthMM), "height_mm": fmt.Sprint(a.HeightMM),
		"site_codes": strings.Join(l.SiteCodes, "|"),
		"status":     status,
	}
}
