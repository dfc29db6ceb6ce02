package synthetic

import (
	"reflect"
	"testing"

	"github.com/sheber-kz/sheber/accounts"
)

func TestGenerateIsDeterministicAndIndependentOfTheTotal(t *testing.T) {
	for _, n := range []int{0, 1, 39, 40, 12345} {
		a, b := Generate(7, n), Generate(7, n)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("listing %d differs between two generations", n)
		}
		if c := Generate(8, n); reflect.DeepEqual(a.Input, c.Input) {
			t.Errorf("listing %d is the same under seeds 7 and 8", n)
		}
	}
}

func TestOrganizationsCoverEveryRegionAndAreValid(t *testing.T) {
	insts, ents := Organizations()
	regions := map[string]bool{}
	bins := map[string]bool{}
	for _, in := range insts {
		o := in.Organization
		if err := o.Validate(); err != nil {
			t.Errorf("%s: %v", in.Key, err)
		}
		regions[o.Region] = true
		bins[o.BIN] = true
	}
	if len(regions) != len(accounts.Regions) {
		t.Errorf("institutions in %d regions, want all %d", len(regions), len(accounts.Regions))
	}
	if len(ents) != Enterprises {
		t.Fatalf("%d enterprises, want %d", len(ents), Enterprises)
	}
	for _, e := range ents {
		o := e.Organization
		if err := o.Validate(); err != nil {
			t.Errorf("%s: %v", e.Key, err)
		}
		bins[o.BIN] = true
		kinds := map[accounts.WorkshopKind]bool{}
		for _, s := range e.Sites {
			kinds[s.WorkshopKind] = true
		}
		if len(kinds) != SitesPerEnterprise {
			t.Errorf("%s has %d workshop kinds over %d sites", e.Key, len(kinds), len(e.Sites))
		}
	}
	if len(bins) != len(insts)+len(ents) {
		t.Errorf("%d distinct BINs for %d organizations", len(bins), len(insts)+len(ents))
	}
}

func TestGeneratedListingsFitTheirEnterprise(t *testing.T) {
	_, ents := Organizations()
	categories := map[string]int{}
	for n := 0; n < 4000; n++ {
		l := Generate(1, n)
		in := l.Input
		categories[in.CategoryCode]++
		if in.Title.RU == "" || in.Title.KK == "" || in.Title.EN == "" {
			t.Fatalf("listing %d lacks a title: %+v", n, in.Title)
		}
		if len(l.SiteCodes) == 0 {
			t.Fatalf("listing %d has no site", n)
		}
		var g goods
		for _, v := range vocabulary {
			if v.category == in.CategoryCode {
				g = v
			}
		}
		for _, code := range l.SiteCodes {
			for _, s := range ents[l.Enterprise].Sites {
				if s.Code == code && s.WorkshopKind != g.kind {
					t.Fatalf("listing %d (%s) is made at a %s site", n, in.CategoryCode, s.WorkshopKind)
				}
			}
		}
		if in.PriceTiyn < g.minTenge*100 || in.PriceTiyn > g.maxTenge*100 {
			t.Fatalf("listing %d costs %d tiyn, outside %d-%d tenge", n, in.PriceTiyn, g.minTenge, g.maxTenge)
		}
	}
	if len(categories) != len(vocabulary) {
		t.Errorf("4000 listings cover %d categories, want %d", len(categories), len(vocabulary))
	}
}

// Buyers are valid, spread over every region, with BINs of their own, and buyer i does
// not depend on how many are asked for.
func TestBuyersAreValidDistinctAndStable(t *testing.T) {
	insts, ents := Organizations()
	bins := map[string]bool{}
	for _, in := range insts {
		bins[in.Organization.BIN] = true
	}
	for _, e := range ents {
		bins[e.Organization.BIN] = true
	}
	buyers := Buyers(MaxBuyers)
	regions := map[string]bool{}
	for _, b := range buyers {
		o := b.Organization
		if err := o.Validate(); err != nil {
			t.Fatalf("%s: %v", b.Key, err)
		}
		if o.Kind != accounts.KindBuyer {
			t.Fatalf("%s is a %s", b.Key, o.Kind)
		}
		if bins[o.BIN] {
			t.Fatalf("%s: BIN %s is used twice", b.Key, o.BIN)
		}
		bins[o.BIN] = true
		regions[o.Region] = true
	}
	if len(regions) != len(accounts.Regions) {
		t.Errorf("buyers in %d regions, want all %d", len(regions), len(accounts.Regions))
	}
	if few := Buyers(3); !reflect.DeepEqual(few, buyers[:3]) {
		t.Errorf("Buyers(3) = %v, not the first three of Buyers(%d)", few, MaxBuyers)
	}
	for _, n := range []int{-1, MaxBuyers + 1} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Buyers(%d) did not panic", n)
				}
			}()
			Buyers(n)
		}()
	}
}
