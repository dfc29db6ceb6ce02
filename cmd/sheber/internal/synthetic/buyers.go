package synthetic

import (
	"fmt"

	"github.com/sheber-kz/sheber/accounts"
)

// MaxBuyers bounds Buyers: the BIN serials of buyers stay clear of the other organizations'.
const MaxBuyers = 10_000

// buyerSubtypes are the kinds of budget organization the synthetic buyers are, in turn.
var buyerSubtypes = []accounts.Subtype{accounts.SubtypeSchool, accounts.SubtypeKindergarten, accounts.SubtypeCollege,
	accounts.SubtypeHospital, accounts.SubtypeBoardingSchool, accounts.SubtypeOtherBudget}

// Buyer is a synthetic buyer organization (a budget organization that orders goods).
type Buyer struct {
	Key          string // "syn-buyer-0007"
	Organization accounts.Organization
}

// Buyers returns buyer organizations 0..n-1 (n at most MaxBuyers), the same for every seed
// and every n: buyer i of a longer list is buyer i of a shorter one. They are spread over
// every region and every buyer subtype, and say they are synthetic in their names.
func Buyers(n int) []Buyer {
	if n < 0 || n > MaxBuyers {
		panic(fmt.Sprintf("synthetic: %d buyers, at most %d", n, MaxBuyers))
	}
	out := make([]Buyer, n)
	for i := range out {
		r := accounts.Regions[i%len(accounts.Regions)]
		out[i] = Buyer{
			Key: fmt.Sprintf("syn-buyer-%04d", i),
			Organization: accounts.Organization{
				BIN: bin("0901", 840000+10*i), Kind: accounts.KindBuyer, Subtype: buyerSubtypes[i%len(buyerSubtypes)],
				Name: accounts.Text{
					RU: fmt.Sprintf("Бюджетная организация № %d (синтетическая)", i+1),
					KK: fmt.Sprintf("№ %d бюджеттік ұйым (синтетикалық)", i+1),
					EN: fmt.Sprintf("Budget organization No. %d (synthetic)", i+1),
				},
				Region: r.Code,
			},
		}
	}
	return out
}
