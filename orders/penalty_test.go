package orders_test

import (
	"math"
	"math/big"
	"testing"
	"time"
	_ "time/tzdata" // Asia/Almaty on machines without a zoneinfo database

	"github.com/sheber-kz/sheber/orders"
)

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestLatePenalty(t *testing.T) {
	rule := orders.DefaultPenaltyRule // 0.1 % a day, at most 10 %
	const million = 1_000_000_00      // 1,000,000 tenge in tiyn
	tests := []struct {
		name                string
		amount              int64
		promised, delivered string
		rule                orders.PenaltyRule
		days                int
		penalty             int64
	}{
		{"on time, late in the promised day", million, "2026-12-10T00:00:00Z", "2026-12-10T18:59:59Z", rule, 0, 0},
		{"early", million, "2026-12-10T00:00:00Z", "2026-12-01T09:00:00Z", rule, 0, 0},
		// 19:30 UTC is still the 10th in UTC, already the 11th in Almaty (UTC+5).
		{"one day late: past midnight in Almaty, not in UTC", million, "2026-12-10T00:00:00Z", "2026-12-10T19:30:00Z", rule, 1, 1_000_00},
		// Promised as midnight in Almaty (19:00 UTC the day before), delivered that day.
		{"on time: the promised day in Almaty is the day before in UTC", million, "2026-12-09T19:00:00Z", "2026-12-10T10:00:00Z", rule, 0, 0},
		{"three days late", million, "2026-12-10T00:00:00Z", "2026-12-13T08:00:00Z", rule, 3, 3_000_00},
		{"a month late, across the year", million, "2026-12-20T05:00:00Z", "2027-01-19T05:00:00Z", rule, 30, 30_000_00},
		{"exactly at the cap", million, "2026-01-01T00:00:00Z", "2026-04-11T00:00:00Z", rule, 100, 100_000_00},
		{"cap reached", million, "2026-01-01T00:00:00Z", "2026-06-01T00:00:00Z", rule, 151, 100_000_00},
		// Almaty moved from UTC+6 to UTC+5 on 1 March 2024: 18:30 UTC is 23:30 there now.
		{"after the 2024 change of offset", million, "2024-02-29T00:00:00Z", "2024-03-01T18:30:00Z", rule, 1, 1_000_00},
		{"rounding: half a tiyn up", 2_500, "2026-12-10T00:00:00Z", "2026-12-11T12:00:00Z", rule, 1, 3},
		{"rounding: under half a tiyn down", 2_499, "2026-12-10T00:00:00Z", "2026-12-11T12:00:00Z", rule, 1, 2},
		{"rounding: a tiny amount", 4, "2026-12-10T00:00:00Z", "2026-12-11T12:00:00Z", rule, 1, 0},
		{"rounding once, at the end", 1_667, "2026-12-10T00:00:00Z", "2026-12-13T12:00:00Z", rule, 3, 5}, // 5.001, not 3 x 1.667 rounded
		{"the whole amount at 100 %", math.MaxInt64, "2026-12-10T00:00:00Z", "2026-12-11T12:00:00Z", orders.PenaltyRule{BasisPointsPerDay: 10_000, CapBasisPoints: 10_000}, 1, math.MaxInt64},
		{"no promised date", million, "0001-01-01T00:00:00Z", "2026-12-11T12:00:00Z", rule, 0, 0},
		{"no delivery yet", million, "2026-12-10T00:00:00Z", "0001-01-01T00:00:00Z", rule, 0, 0},
		{"a zero rate", million, "2026-12-10T00:00:00Z", "2026-12-20T12:00:00Z", orders.PenaltyRule{CapBasisPoints: 1000}, 10, 0},
		{"a zero cap", million, "2026-12-10T00:00:00Z", "2026-12-20T12:00:00Z", orders.PenaltyRule{BasisPointsPerDay: 10}, 10, 0},
		{"a negative amount", -million, "2026-12-10T00:00:00Z", "2026-12-20T12:00:00Z", rule, 10, 0},
		{"an invalid rule", million, "2026-12-10T00:00:00Z", "2026-12-20T12:00:00Z", orders.PenaltyRule{BasisPointsPerDay: 10, CapBasisPoints: 20_000}, 10, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			days, penalty := orders.LatePenalty(tc.amount, utc(tc.promised), utc(tc.delivered), tc.rule)
			if days != tc.days || penalty != tc.penalty {
				t.Errorf("LatePenalty = %d days, %d tiyn; want %d days, %d tiyn", days, penalty, tc.days, tc.penalty)
			}
		})
	}
}

// The same instants in any zone give the same days: only Almaty's calendar counts.
func TestDaysOverdueIgnoresTheCallersZone(t *testing.T) {
	promised, delivered := utc("2026-12-10T00:00:00Z"), utc("2026-12-10T19:30:00Z")
	for _, zone := range []string{"UTC", "America/New_York", "Asia/Tokyo", "Asia/Almaty"} {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Fatal(err)
		}
		if d := orders.DaysOverdue(promised.In(loc), delivered.In(loc)); d != 1 {
			t.Errorf("%s: %d days; want 1", zone, d)
		}
	}
}

func TestPenaltyRuleValidate(t *testing.T) {
	for _, r := range []orders.PenaltyRule{orders.DefaultPenaltyRule, {}, {BasisPointsPerDay: orders.MaxPenaltyBasisPoints, CapBasisPoints: orders.MaxPenaltyBasisPoints}} {
		if err := r.Validate(); err != nil {
			t.Errorf("%+v: %v", r, err)
		}
	}
	for _, r := range []orders.PenaltyRule{{BasisPointsPerDay: -1}, {CapBasisPoints: -1}, {BasisPointsPerDay: orders.MaxPenaltyBasisPoints + 1}, {CapBasisPoints: orders.MaxPenaltyBasisPoints + 1}} {
		if err := r.Validate(); err == nil {
			t.Errorf("%+v: valid; want refused", r)
		}
	}
}

// basisPointsOf is amount*bp/10000 rounded half up, computed exactly with big integers.
func basisPointsOf(amount, bp int64) int64 {
	n := new(big.Int).Mul(big.NewInt(amount), big.NewInt(bp))
	n.Add(n, big.NewInt(5_000))
	return n.Quo(n, big.NewInt(10_000)).Int64()
}

// FuzzLatePenalty checks the invariants for any amount, dates and rule: the penalty is
// between 0 and the cap, equals the exact computation, grows with the delay, and the days
// are never negative and zero for an early delivery.
func FuzzLatePenalty(f *testing.F) {
	f.Add(int64(1_000_000_00), int64(1_796_860_800), int64(86_400*3), 10, 1000)
	f.Add(int64(math.MaxInt64), int64(0), int64(86_400*400), 10_000, 10_000)
	f.Add(int64(2_500), int64(1_709_164_800), int64(66_600), 10, 1000)
	f.Add(int64(-5), int64(1_796_860_800), int64(-86_400), -3, 20_000)
	f.Fuzz(func(t *testing.T, amount, promisedUnix, delaySeconds int64, perDay, capBP int) {
		// Dates between 1900 and 2200; delays of up to about a century either way.
		const span = 300 * 365 * 86_400
		promised := time.Unix(-2_208_988_800+mod(promisedUnix, span), 0)
		delivered := promised.Add(time.Duration(delaySeconds%(100*365*86_400)) * time.Second)
		rule := orders.PenaltyRule{BasisPointsPerDay: perDay, CapBasisPoints: capBP}
		days, penalty := orders.LatePenalty(amount, promised, delivered, rule)
		if days < 0 {
			t.Fatalf("%d days overdue", days)
		}
		if !delivered.After(promised) && days != 0 {
			t.Fatalf("delivered %v, promised %v: %d days overdue; want 0", delivered, promised, days)
		}
		if days != orders.DaysOverdue(promised, delivered) {
			t.Fatalf("LatePenalty's %d days disagree with DaysOverdue", days)
		}
		if penalty < 0 {
			t.Fatalf("negative penalty %d", penalty)
		}
		if amount <= 0 || rule.Validate() != nil {
			if penalty != 0 {
				t.Fatalf("penalty %d for amount %d, rule %+v; want 0", penalty, amount, rule)
			}
			return
		}
		limit := basisPointsOf(amount, int64(capBP))
		if penalty > limit {
			t.Fatalf("penalty %d over the cap %d (amount %d, rule %+v, %d days)", penalty, limit, amount, rule, days)
		}
		rate := min(int64(perDay)*int64(days), int64(capBP))
		if want := basisPointsOf(amount, rate); penalty != want {
			t.Fatalf("penalty %d; the exact computation gives %d (amount %d, rule %+v, %d days)", penalty, want, amount, rule, days)
		}
		if _, later := orders.LatePenalty(amount, promised, delivered.Add(24*time.Hour), rule); later < penalty {
			t.Fatalf("a day later the penalty falls from %d to %d", penalty, later)
		}
	})
}

func mod(a, m int64) int64 {
	r := a % m
	if r < 0 {
		r += m
	}
	return r
}
