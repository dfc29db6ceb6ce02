package main

import (
	"context"
	"fmt"
	"time"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/orders"
)

// The demo budget: every demo buyer organization gets a budget line for this year and the
// next, so that its people can order at once. Lines are matched by year and code, and a
// line seeded before is left as it is (its commitments are real demo orders).

// demoBudgetCode and demoBudgetName name the demo budget line; demoBudgetTiyn is its amount,
// 50 000 000 ₸.
const (
	demoBudgetCode = "DEMO-001"
	demoBudgetName = "Оснащение и ремонт (демо) / Жабдықтау және жөндеу (демо)"
	demoBudgetTiyn = 50_000_000_00
)

// budgetSummary counts the demo budget lines created and found.
type budgetSummary struct{ Created, Existing int }

func (s budgetSummary) String() string {
	return fmt.Sprintf("budget lines: %d created, %d already there", s.Created, s.Existing)
}

// seedDemoBudget gives each demo buyer organization its budget lines for the year of now
// (in Asia/Almaty) and the next.
func seedDemoBudget(ctx context.Context, accts accounts.Store, store orders.Store, now time.Time) (budgetSummary, error) {
	var sum budgetSummary
	year := orders.Today(now).Time().Year()
	for _, o := range demoOrgs {
		if o.Kind != accounts.KindBuyer {
			continue
		}
		org, err := accts.OrganizationByBIN(ctx, o.BIN)
		if err != nil {
			return sum, fmt.Errorf("seed demo: budget of %s: %w", o.Key, err)
		}
		for _, y := range []int{year, year + 1} {
			lines, err := store.BudgetLines(ctx, org.ID, y)
			if err != nil {
				return sum, fmt.Errorf("seed demo: budget of %s: %w", o.Key, err)
			}
			found := false
			for _, l := range lines {
				found = found || l.Code == demoBudgetCode
			}
			if found {
				sum.Existing++
				continue
			}
			b := orders.BudgetLine{OrgID: org.ID, Year: y, Code: demoBudgetCode, Name: demoBudgetName, AmountTiyn: demoBudgetTiyn}
			if err := store.CreateBudgetLine(ctx, &b); err != nil {
				return sum, fmt.Errorf("seed demo: budget line %d of %s: %w", y, o.Key, err)
			}
			sum.Created++
		}
	}
	return sum, nil
}
