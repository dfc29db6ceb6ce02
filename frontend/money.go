package frontend

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Prices are kept in tiyn (1 tenge = 100 tiyn) and never pass through a float: the
// editor's tenge field is parsed digit by digit, and shown by integer division.

// maxTengeInput bounds the text of a price field, far above the longest valid price.
const maxTengeInput = 40

// tengeSign is the currency sign the portal writes after an amount.
const tengeSign = "₸"

// formatTenge writes tiyn as tenge in lang's convention: "12 345,67 ₸" in Russian and
// Kazakh (a no-break space groups thousands), "12,345.67 ₸" in English. Whole amounts
// have no decimals.
func formatTenge(lang string, tiyn int64) string {
	return formatTengeAmount(lang, tiyn, true) + "\u00a0" + tengeSign
}

// formatTengeAmount writes tiyn as a tenge amount without the sign; with compact, whole
// amounts drop the ",00".
func formatTengeAmount(lang string, tiyn int64, compact bool) string {
	group, decimal := "\u00a0", ","
	if lang == langEN {
		group, decimal = ",", "."
	}
	neg := tiyn < 0
	u := uint64(tiyn)
	if neg {
		u = -u
	}
	whole, frac := u/100, u%100
	digits := strconv.FormatUint(whole, 10)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(d)
	}
	if frac != 0 || !compact {
		b.WriteString(decimal)
		if frac < 10 {
			b.WriteByte('0')
		}
		b.WriteString(strconv.FormatUint(frac, 10))
	}
	return b.String()
}

// parseTenge reads a price in tenge as a person types it ("12 345,67", "12345.5",
// "12 345", "1,234,567.89" or "12 345,67 ₸") and returns it in tiyn. Spaces (also
// no-break and thin ones) and apostrophes group thousands; the decimal separator is a
// comma or a point followed by one or two digits. A comma or point followed by exactly
// three digits is taken as grouping when it repeats ("1,234,567"); "1,234" alone is
// refused as ambiguous. ok is false for
// anything else, negative amounts and amounts beyond int64 tiyn.
func parseTenge(s string) (tiyn int64, ok bool) {
	if len(s) > maxTengeInput*4 || utf8.RuneCountInString(s) > maxTengeInput {
		return 0, false
	}
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), tengeSign))
	// Drop grouping spaces and apostrophes.
	var compact strings.Builder
	for _, r := range s {
		switch r {
		case ' ', '\u00a0', '\u202f', '\u2009', '\'', '’':
			continue
		}
		if (r < '0' || r > '9') && r != ',' && r != '.' {
			return 0, false
		}
		compact.WriteRune(r)
	}
	t := compact.String()
	if t == "" {
		return 0, false
	}
	// The decimal separator is the last comma or point if one or two digits follow it
	// and it is not the only kind of separator used repeatedly for grouping.
	intPart, fracPart := t, ""
	if i := strings.LastIndexAny(t, ",."); i >= 0 {
		sep, after := t[i], t[i+1:]
		others := strings.Count(t[:i], string(sep))
		switch {
		case len(after) == 1 || len(after) == 2:
			if others > 0 {
				return 0, false // "1.234.56": grouping with the decimal separator
			}
			intPart, fracPart = t[:i], after
		case len(after) == 3 && others > 0:
			// "1,234,567": the separator groups thousands; a lone "1,234" is ambiguous.
		default:
			return 0, false
		}
	}
	// What is left of the integer part may use commas or points for grouping, every
	// group after the first of three digits, and only one kind of them.
	if strings.Contains(intPart, ",") && strings.Contains(intPart, ".") {
		return 0, false
	}
	groups := strings.FieldsFunc(intPart, func(r rune) bool { return r == ',' || r == '.' })
	if len(groups) == 0 || strings.Join(groups, "") == "" {
		return 0, false
	}
	if len(groups) > 1 || len(groups[0]) != len(intPart) {
		if strings.HasPrefix(intPart, ",") || strings.HasPrefix(intPart, ".") || strings.HasSuffix(intPart, ",") ||
			strings.HasSuffix(intPart, ".") || strings.Contains(intPart, ",,") || strings.Contains(intPart, "..") {
			return 0, false
		}
		for i, g := range groups {
			if (i == 0 && len(g) > 3) || (i > 0 && len(g) != 3) {
				return 0, false
			}
		}
	}
	digits := strings.Join(groups, "")
	const maxInt64 = 1<<63 - 1
	var whole int64
	for _, d := range digits {
		n := int64(d - '0')
		if whole > (maxInt64-n)/10 {
			return 0, false
		}
		whole = whole*10 + n
	}
	var frac int64
	if fracPart != "" {
		frac = int64(fracPart[0] - '0')
		if len(fracPart) == 2 {
			frac = frac*10 + int64(fracPart[1]-'0')
		} else {
			frac *= 10
		}
	}
	if whole > (maxInt64-frac)/100 {
		return 0, false
	}
	return whole*100 + frac, true
}
