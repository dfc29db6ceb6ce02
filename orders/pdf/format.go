package pdf

import (
	"strconv"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // Asia/Almaty must resolve wherever the documents are rendered

	"github.com/go-fonts/dejavu/dejavusans"
	"github.com/go-fonts/dejavu/dejavusansbold"
	"golang.org/x/image/font/sfnt"
)

// displayZone is where the documents' dates are: all of Kazakhstan keeps UTC+5.
const displayZone = "Asia/Almaty"

// tengeSign is written after every amount.
const tengeSign = "₸"

// nbsp groups digits and ties an amount to its sign, so neither is broken across lines.
const nbsp = "\u00a0"

var almaty = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation(displayZone)
	if err != nil {
		panic("orders/pdf: " + err.Error()) // cannot happen: tzdata is embedded above
	}
	return loc
})

// formatDate writes t as dd.mm.yyyy in Asia/Almaty, or "" for the zero time.
func formatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(almaty()).Format("02.01.2006")
}

// formatMoney writes tiyn as tenge with its sign in lang's convention: "1 234 567,89 ₸" in
// Russian and Kazakh (no-break spaces), "1,234,567.89 ₸" in English. A document always
// shows the tiyn.
func formatMoney(lang string, tiyn int64) string {
	return formatAmount(lang, tiyn) + nbsp + tengeSign
}

// formatAmount is formatMoney without the sign, for table columns that name it.
func formatAmount(lang string, tiyn int64) string {
	_, decimal := separators(lang)
	u := uint64(tiyn)
	sign := ""
	if tiyn < 0 {
		sign, u = "-", -u
	}
	frac := strconv.FormatUint(u%100, 10)
	if len(frac) < 2 {
		frac = "0" + frac
	}
	return sign + groupDigits(lang, u/100) + decimal + frac
}

// formatCount writes a quantity with its digits grouped: "12 500", "12,500".
func formatCount(lang string, n int64) string {
	if n < 0 {
		return "-" + groupDigits(lang, uint64(-n))
	}
	return groupDigits(lang, uint64(n))
}

func separators(lang string) (group, decimal string) {
	if lang == "en" {
		return ",", "."
	}
	return nbsp, ","
}

func groupDigits(lang string, u uint64) string {
	group, _ := separators(lang)
	digits := strconv.FormatUint(u, 10)
	var b strings.Builder
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(d)
	}
	return b.String()
}

// glyphs is the set of the characters of the Basic Multilingual Plane that both faces of
// the embedded font can draw, one bit each. fpdf writes text as UTF-16 code units, one per
// character, so characters beyond the plane cannot be set at all.
var glyphs = sync.OnceValue(func() *[1 << 16 / 64]uint64 {
	var set [1 << 16 / 64]uint64
	for i := range set {
		set[i] = ^uint64(0)
	}
	for _, ttf := range [][]byte{dejavusans.TTF, dejavusansbold.TTF} {
		f, err := sfnt.Parse(ttf)
		if err != nil {
			panic("orders/pdf: the embedded font: " + err.Error())
		}
		var buf sfnt.Buffer
		for r := rune(0); r < 1<<16; r++ {
			if g, err := f.GlyphIndex(&buf, r); err != nil || g == 0 {
				set[r/64] &^= 1 << (r % 64)
			}
		}
	}
	return &set
})

// hasGlyph reports whether the embedded font can draw r in both faces.
func hasGlyph(r rune) bool {
	return r >= 0 && r < 1<<16 && glyphs()[r/64]&(1<<(r%64)) != 0
}
