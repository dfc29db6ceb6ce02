package orders

import (
	"fmt"
	"time"
)

// Date is a calendar day in Asia/Almaty, held as midnight UTC of that day so that it
// compares and stores without a zone. The zero Date means "not set".
type Date struct{ t time.Time }

// DateOf returns the date y-m-d.
func DateOf(y int, m time.Month, d int) Date { return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)} }

// DateFromTime returns the date that t's year, month and day name (its location ignored):
// how the store reads a DATE column.
func DateFromTime(t time.Time) Date {
	if t.IsZero() {
		return Date{}
	}
	return DateOf(t.Year(), t.Month(), t.Day())
}

// Today returns the day it is in Asia/Almaty at now.
func Today(now time.Time) Date { return DateFromTime(now.In(almaty)) }

// ParseDate reads "2006-01-02".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("not a date of the form 2026-09-01")
	}
	return DateFromTime(t), nil
}

// IsZero reports whether the date is not set.
func (d Date) IsZero() bool { return d.t.IsZero() }

// String is "2006-01-02", "" for the zero date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format(time.DateOnly)
}

// Time is midnight UTC of the date (the zero time for the zero date).
func (d Date) Time() time.Time { return d.t }

// AddDays returns the date n days later.
func (d Date) AddDays(n int) Date { return Date{d.t.AddDate(0, 0, n)} }

// Before reports whether d is earlier than o.
func (d Date) Before(o Date) bool { return d.t.Before(o.t) }

// After reports whether d is later than o.
func (d Date) After(o Date) bool { return d.t.After(o.t) }

// DaysUntil is the number of days from d to o (negative when o is earlier).
func (d Date) DaysUntil(o Date) int { return int(o.t.Sub(d.t).Hours() / 24) }

// Monday returns the Monday of d's week (ISO weeks start on Monday).
func (d Date) Monday() Date {
	wd := int(d.t.Weekday()+6) % 7 // Monday 0 ... Sunday 6
	return d.AddDays(-wd)
}

// MaxDate returns the later of a and b.
func MaxDate(a, b Date) Date {
	if a.Before(b) {
		return b
	}
	return a
}
