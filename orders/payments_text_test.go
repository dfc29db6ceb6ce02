package orders

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/sheber-kz/sheber/accounts"
)

// FuzzCheckText: the check of an invoice number or a treasury reference, which come from
// outside, never panics, and passes only non-empty printable one-line texts of at most the
// limit in characters.
func FuzzCheckText(f *testing.F) {
	for _, s := range []string{"", "СФ-2026/15", "ПП-000123", "12\x0034", "a\nb", strings.Repeat("я", MaxTreasuryRefLength+1), "\u00a0", "\xff", "№ 15 от 01.09"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v := accounts.Validation{}
		checkText(v, "treasury_ref", s, MaxTreasuryRefLength)
		ok := v["treasury_ref"] == ""
		valid := s != "" && utf8.ValidString(s) && utf8.RuneCountInString(s) <= MaxTreasuryRefLength &&
			strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) && r != ' ' }) < 0
		if ok != valid {
			t.Fatalf("checkText(%q) accepted %v, want %v (%q)", s, ok, valid, v["treasury_ref"])
		}
	})
}

// Amounts in the record and in notifications read the same in every language.
func TestTengeWords(t *testing.T) {
	for tiyn, want := range map[int64]string{0: "0.00 KZT", 5: "0.05 KZT", 123456: "1234.56 KZT", -150: "-1.50 KZT"} {
		if got := tengeWords(tiyn); got != want {
			t.Errorf("tengeWords(%d) = %q, want %q", tiyn, got, want)
		}
	}
}
