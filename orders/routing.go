package orders

import (
	"math"
	"sort"

	"github.com/sheber-kz/sheber/accounts"
)

// Limits and weights of routing. The README lists them too.
const (
	// ScheduleHorizonWeeks is how far ahead a site's queue is planned: work that does not
	// fit in it is not promised, and the site is not eligible.
	ScheduleHorizonWeeks = 104
	// FreeCapacityWeeks is the window over which routing compares sites' free capacity.
	FreeCapacityWeeks = 8
	// CapacityBandMinutes groups free capacity into bands of 40 hours (a working week of
	// one person): sites whose free capacity is in the same band are compared by distance,
	// then by on-time record.
	CapacityBandMinutes = 40 * 60
	// FinishWeekday is the day of its last week on which work is counted done (Friday,
	// 4 days after Monday).
	FinishWeekday = 4
)

// Site is a production site as routing sees it.
type Site struct {
	ID                  int64
	EnterpriseID        int64
	InstitutionID       int64
	Region              string // of the hosting institution
	Code                string
	Name                accounts.Text
	InstitutionName     accounts.Text
	WorkshopKind        accounts.WorkshopKind
	WeeklyCapacityHours int
}

// WeekLoad is the labour booked at a site in the week that starts on Week (a Monday).
type WeekLoad struct {
	Week    Date
	Minutes int64
}

// OnTimeRecord counts a site's closed fulfillment orders and those delivered by the
// promised date.
type OnTimeRecord struct {
	Closed, OnTime int
}

// Rate is the share delivered on time, smoothed so that a site without history counts as
// neither good nor bad: (on time + 1) / (closed + 2).
func (r OnTimeRecord) Rate() float64 { return float64(r.OnTime+1) / float64(r.Closed+2) }

// Plan is when work needing minutes of labour can be done at a site.
type Plan struct {
	Bookings []WeekLoad // the minutes booked in each week
	// Finish is the day the work is done (the FinishWeekday of its last week; today when
	// it needs no labour).
	Finish Date
	// Promise is the available-to-promise date: Finish, but not before the lead time.
	Promise Date
	// Feasible is false when the work does not fit within ScheduleHorizonWeeks.
	Feasible bool
}

// Schedule plans minutes of labour at a site with weeklyMinutes of capacity whose weeks
// already hold load, from today's week on: each week takes what it has free, earliest
// first. The promise is not before today plus leadTimeDays.
func Schedule(weeklyMinutes int64, load map[Date]int64, today Date, minutes int64, leadTimeDays int) Plan {
	earliest := today.AddDays(leadTimeDays)
	if minutes <= 0 {
		return Plan{Finish: today, Promise: earliest, Feasible: true}
	}
	if weeklyMinutes <= 0 {
		return Plan{}
	}
	var p Plan
	week := today.Monday()
	left := minutes
	for i := 0; i < ScheduleHorizonWeeks && left > 0; i++ {
		free := weeklyMinutes - load[week]
		if free > 0 {
			take := min(free, left)
			p.Bookings = append(p.Bookings, WeekLoad{Week: week, Minutes: take})
			left -= take
			p.Finish = week.AddDays(FinishWeekday)
		}
		week = week.AddDays(7)
	}
	if left > 0 {
		return Plan{}
	}
	p.Finish = MaxDate(p.Finish, today)
	p.Promise = MaxDate(p.Finish, earliest)
	p.Feasible = true
	return p
}

// FreeMinutes is a site's free capacity over the FreeCapacityWeeks from today's week.
func FreeMinutes(weeklyMinutes int64, load map[Date]int64, today Date) int64 {
	var free int64
	week := today.Monday()
	for i := 0; i < FreeCapacityWeeks; i++ {
		free += max(0, weeklyMinutes-load[week])
		week = week.AddDays(7)
	}
	return free
}

// Candidate is a site that could make a fulfillment order, with what routing weighs.
type Candidate struct {
	Site Site
	// FreeMinutes is the site's free capacity (see FreeMinutes).
	FreeMinutes int64
	// DistanceKm is from the site's region to the delivery region; -1 if unknown.
	DistanceKm float64
	Record     OnTimeRecord
	Plan       Plan
	// Rank is 1 for the site routing chooses.
	Rank int
}

// Rank orders candidates for routing: feasible ones first; then by free capacity in bands
// of CapacityBandMinutes, most first; then by distance, nearest first; then by on-time
// record, best first; then by site id, so that the order is always the same. It sets
// each candidate's Rank.
func Rank(cands []Candidate) []Candidate {
	out := append([]Candidate(nil), cands...)
	band := func(c Candidate) int64 { return c.FreeMinutes / CapacityBandMinutes }
	dist := func(c Candidate) float64 {
		if c.DistanceKm < 0 {
			return math.Inf(1)
		}
		return c.DistanceKm
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Plan.Feasible != b.Plan.Feasible {
			return a.Plan.Feasible
		}
		if band(a) != band(b) {
			return band(a) > band(b)
		}
		if dist(a) != dist(b) {
			return dist(a) < dist(b)
		}
		if ra, rb := a.Record.Rate(), b.Record.Rate(); ra != rb {
			return ra > rb
		}
		return a.Site.ID < b.Site.ID
	})
	for i := range out {
		out[i].Rank = i + 1
	}
	return out
}

// distanceKm is the distance between two regions, -1 when one is unknown.
func distanceKm(a, b string) float64 {
	if d, ok := accounts.DistanceKm(a, b); ok {
		return d
	}
	return -1
}
