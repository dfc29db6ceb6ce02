package frontend

import (
	"github.com/sheber-kz/sheber/orders"
)

// The weekly load chart of a production site: a bar per week of the booked labour hours
// against a dashed line at the site's weekly capacity, drawn as SVG on the server so that
// it needs no script. An overloaded week is told three ways, so that no one depends on
// colour: its bar is red and hatched, it carries a text label with the hours over
// capacity, and the table beside the chart (its text alternative) says "overloaded".

// Geometry of the chart, in SVG user units (the SVG scales to its container).
const (
	chartWidth     = 640
	chartHeight    = 240
	chartLeft      = 44 // room for the hour labels
	chartTop       = 24 // room for the labels of overloaded bars
	chartBottom    = 28 // room for the week labels
	chartBarGap    = 6
	chartHeadroomP = 120 // the scale reaches 120 % of the larger of capacity and load
)

// loadChart is one site's chart, laid out.
type loadChart struct {
	Site          orders.Site
	Width, Height int
	PlotBottom    int // y of the zero line
	PlotLeft      int
	PlotRight     int
	CapacityHours int
	CapacityY     int
	ScaleHours    int
	Bars          []loadBar
	Overloaded    int // weeks over capacity
}

// loadBar is one week's bar.
type loadBar struct {
	Week          orders.Date
	Hours         int
	OverHours     int // hours over capacity, 0 when not overloaded
	X, Y, W, H    int
	LabelX, TextY int
}

// Over reports whether the week is overloaded.
func (b loadBar) Over() bool { return b.OverHours > 0 }

// hoursOf rounds minutes up to whole hours: a booked part of an hour is booked.
func hoursOf(minutes int64) int { return int((minutes + 59) / 60) }

// newLoadChart lays out the chart of l.
func newLoadChart(l orders.SiteLoad) loadChart {
	ch := loadChart{Site: l.Site, Width: chartWidth, Height: chartHeight, PlotBottom: chartHeight - chartBottom,
		PlotLeft: chartLeft, PlotRight: chartWidth - 8, CapacityHours: l.Site.WeeklyCapacityHours}
	top := ch.CapacityHours
	for _, w := range l.Weeks {
		top = max(top, hoursOf(w.Minutes))
	}
	ch.ScaleHours = max(1, top*chartHeadroomP/100)
	plotH := ch.PlotBottom - chartTop
	y := func(hours int) int { return ch.PlotBottom - hours*plotH/ch.ScaleHours }
	ch.CapacityY = y(ch.CapacityHours)
	n := max(1, len(l.Weeks))
	slot := (ch.PlotRight - ch.PlotLeft) / n
	for i, w := range l.Weeks {
		h := hoursOf(w.Minutes)
		b := loadBar{Week: w.Week, Hours: h, X: ch.PlotLeft + i*slot + chartBarGap/2, W: slot - chartBarGap}
		b.Y = y(h)
		b.H = ch.PlotBottom - b.Y
		b.LabelX = b.X + b.W/2
		b.TextY = b.Y - 4
		if h > ch.CapacityHours {
			b.OverHours = h - ch.CapacityHours
			ch.Overloaded++
		}
		ch.Bars = append(ch.Bars, b)
	}
	return ch
}
