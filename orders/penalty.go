package orders

import (
	"fmt"
	"time"
)

// Late-delivery penalty settings: the defaults that migration 00010 seeds into every
// procurement route. They are not taken from a verified legal text: the operator's lawyer
// confirms them against the contracts in use (README, "Procurement routes and penalties").
const (
	// DefaultPenaltyBasisPointsPerDay is 0.1 % of the order total for each day overdue.
	DefaultPenaltyBasisPointsPerDay = 10
	// DefaultPenaltyCapBasisPoints caps the penalty at 10 % of the order total.
	DefaultPenaltyCapBasisPoints = 1000
	// MaxPenaltyBasisPoints is the most a rule may name, per day or as a cap: the whole total.
	MaxPenaltyBasisPoints = 10_000
)

// basisPointsWhole is 100 %.
const basisPointsWhole = 10_000

// PenaltyRule is a late-delivery penalty: basis points of the order total per day overdue
// (10 = 0.1 % a day), never more than CapBasisPoints of the total in all.
type PenaltyRule struct {
	BasisPointsPerDay, CapBasisPoints int
}

// DefaultPenaltyRule is the rule of the seeded routes.
var DefaultPenaltyRule = PenaltyRule{BasisPointsPerDay: DefaultPenaltyBasisPointsPerDay, CapBasisPoints: DefaultPenaltyCapBasisPoints}

// Validate checks that both numbers are between 0 and MaxPenaltyBasisPoints.
func (r PenaltyRule) Validate() error {
	if r.BasisPointsPerDay < 0 || r.BasisPointsPerDay > MaxPenaltyBasisPoints {
		return fmt.Errorf("basis points per day must be 0-%d", MaxPenaltyBasisPoints)
	}
	if r.CapBasisPoints < 0 || r.CapBasisPoints > MaxPenaltyBasisPoints {
		return fmt.Errorf("cap must be 0-%d basis points", MaxPenaltyBasisPoints)
	}
	return nil
}

// almaty is the zone whose calendar days count: Asia/Almaty from the zoneinfo database
// (cmd/sheber embeds it), or UTC+5, its offset since 1 March 2024, if none is available.
var almaty = func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Almaty"); err == nil {
		return loc
	}
	return time.FixedZone("Asia/Almaty", 5*60*60)
}()

// DaysOverdue is the number of Asia/Almaty calendar days from the promised date to the
// delivery: 0 when delivered on or before the promised day, or when either is unset.
// Times of day do not matter: delivering at 23:59 on the promised day is on time, at 00:01
// the next day one day late.
func DaysOverdue(promised, delivered time.Time) int {
	if promised.IsZero() || delivered.IsZero() {
		return 0
	}
	p, d := calendarDay(promised), calendarDay(delivered)
	if !d.After(p) {
		return 0
	}
	// Unix seconds rather than Sub: a Duration overflows beyond 292 years.
	return int((d.Unix() - p.Unix()) / (24 * 60 * 60))
}

// calendarDay is t's date in Asia/Almaty, as midnight UTC of that date, so that days
// subtract to whole multiples of 24 h.
func calendarDay(t time.Time) time.Time {
	y, m, d := t.In(almaty).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// LatePenalty returns the days overdue (DaysOverdue) and the penalty in tiyn: amountTiyn
// times the rule's basis points per day times the days, capped at the rule's cap, rounded
// half up to a whole tiyn once, at the end. A negative amount or an invalid rule gives no
// penalty (the days are still counted); the result is always between 0 and the cap.
func LatePenalty(amountTiyn int64, promised, delivered time.Time, r PenaltyRule) (daysOverdue int, penaltyTiyn int64) {
	days := DaysOverdue(promised, delivered)
	if days == 0 || amountTiyn <= 0 || r.Validate() != nil {
		return days, 0
	}
	// The rate in basis points of the total, capped before it is applied: both are at most
	// MaxPenaltyBasisPoints, and days*perDay cannot overflow an int64 for any real date.
	rate := int64(r.BasisPointsPerDay) * int64(days)
	if rate > int64(r.CapBasisPoints) {
		rate = int64(r.CapBasisPoints)
	}
	return days, applyBasisPoints(amountTiyn, rate)
}

// applyBasisPoints returns amount*bp/10000 rounded half up, for 0 <= bp <= 10000, without
// overflow: the amount is split into whole 10000s, which multiply exactly, and a remainder
// below 10000, whose product stays small.
func applyBasisPoints(amount, bp int64) int64 {
	q, rem := amount/basisPointsWhole, amount%basisPointsWhole
	return q*bp + (rem*bp+basisPointsWhole/2)/basisPointsWhole
}
