package accounts_test

import (
	"fmt"
	"testing"

	"github.com/sheber-kz/sheber/accounts"
)

// referenceCheckDigit computes a BIN's check digit independently of the package, with the
// two weight sequences written out, so that the tests do not trust the code they test.
func referenceCheckDigit(first11 string) (int, bool) {
	weights := [2][11]int{
		{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11},
		{3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2},
	}
	for _, w := range weights {
		sum := 0
		for i := 0; i < 11; i++ {
			sum += int(first11[i]-'0') * w[i]
		}
		if c := sum % 11; c != 10 {
			return c, true
		}
	}
	return 0, false
}

// findPrefix returns the first 11-digit prefix "YYMMT" + six digits (a plausible month and
// type) for which match holds, scanning serial numbers upwards.
func findPrefix(t *testing.T, match func(prefix string) bool) string {
	t.Helper()
	for n := 0; n < 1_000_000; n++ {
		p := fmt.Sprintf("24054%06d", n)
		if match(p) {
			return p
		}
	}
	t.Fatal("no prefix found")
	return ""
}

// firstSum is the check digit's first weighting alone (weights 1..11).
func firstSum(p string) int {
	s := 0
	for i := 0; i < 11; i++ {
		s += int(p[i]-'0') * (i + 1)
	}
	return s % 11
}

func TestValidateBIN(t *testing.T) {
	// A prefix whose first weighting gives 10, so that the check digit comes from the
	// second weighting: exercises the fallback.
	second := findPrefix(t, func(p string) bool {
		_, ok := referenceCheckDigit(p)
		return firstSum(p) == 10 && ok
	})
	secondDigit, _ := referenceCheckDigit(second)
	wrongDigit := func(bin string) string {
		last := bin[11] - '0'
		return bin[:11] + string(rune('0'+(last+1)%10))
	}

	tests := []struct {
		name  string
		bin   string
		valid bool
	}{
		// Published BINs of two large banks (Kaspi Bank, Halyk Bank).
		{"real BIN 1", "971240001315", true},
		{"real BIN 2", "940140000385", true},
		{"built with BINCheckDigit", testBIN(t, 1), true},
		{"type 5 non-resident", withCheck(t, "18125000123"), true},
		{"type 6 branch", withCheck(t, "09016000777"), true},
		{"check digit from second weighting", fmt.Sprintf("%s%d", second, secondDigit), true},

		{"empty", "", false},
		{"11 digits", "97124000131", false},
		{"13 digits", "9712400013150", false},
		{"letter inside", "9712400O1315", false},
		{"leading space", " 97124000131", false},
		{"non-ASCII digits", "٩٧١٢٤٠٠٠١٣١٥", false},
		{"minus sign", "-97124000131", false},
		{"month 00", withCheck(t, "24004000123"), false},
		{"month 13", withCheck(t, "24134000123"), false},
		{"month 99", withCheck(t, "24994000123"), false},
		{"type digit 3", withCheck(t, "24013000123"), false},
		{"type digit 7", withCheck(t, "24017000123"), false},
		{"type digit 0", withCheck(t, "24010000123"), false},
		{"wrong check digit", wrongDigit("971240001315"), false},
		{"wrong check digit (second weighting)", wrongDigit(fmt.Sprintf("%s%d", second, secondDigit)), false},
		{"transposed digits", "917240001315", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := accounts.ValidateBIN(tt.bin)
			if tt.valid && err != nil {
				t.Errorf("ValidateBIN(%q) = %v; want nil", tt.bin, err)
			}
			if !tt.valid && err == nil {
				t.Errorf("ValidateBIN(%q) = nil; want an error", tt.bin)
			}
		})
	}
}

// withCheck appends the correct check digit to an 11-digit prefix, failing if there is
// none.
func withCheck(t testing.TB, prefix string) string {
	t.Helper()
	d, ok := referenceCheckDigit(prefix)
	if !ok {
		t.Fatalf("prefix %s has no check digit; choose another", prefix)
	}
	return fmt.Sprintf("%s%d", prefix, d)
}

// A prefix for which both weightings give 10 has no check digit: such a number is never
// issued, and no twelfth digit makes it valid.
func TestValidateBINNoCheckDigit(t *testing.T) {
	prefix := findPrefix(t, func(p string) bool {
		_, ok := accounts.BINCheckDigit(p)
		return !ok
	})
	if _, ok := referenceCheckDigit(prefix); ok {
		t.Fatalf("BINCheckDigit(%s) says there is no check digit; the reference disagrees", prefix)
	}
	for d := 0; d <= 9; d++ {
		bin := fmt.Sprintf("%s%d", prefix, d)
		if err := accounts.ValidateBIN(bin); err == nil {
			t.Errorf("ValidateBIN(%q) = nil; a prefix without a check digit must never validate", bin)
		}
	}
}

func TestBINCheckDigitMatchesReference(t *testing.T) {
	// Every prefix of one month and type with serials 0..99,999: the package and the
	// reference agree, including on which prefixes have no check digit.
	noDigit := 0
	for n := 0; n < 100_000; n++ {
		p := fmt.Sprintf("240140%05d", n)
		got, gotOK := accounts.BINCheckDigit(p)
		want, wantOK := referenceCheckDigit(p)
		if got != want || gotOK != wantOK {
			t.Fatalf("BINCheckDigit(%s) = %d, %v; want %d, %v", p, got, gotOK, want, wantOK)
		}
		if !gotOK {
			noDigit++
		}
	}
	if noDigit == 0 {
		t.Error("no prefix without a check digit among 100,000: the second weighting is never exhausted?")
	}
}

func TestBINCheckDigitPanicsOnWrongLength(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("BINCheckDigit on 10 digits did not panic")
		}
	}()
	accounts.BINCheckDigit("1234567890")
}

func FuzzValidateBIN(f *testing.F) {
	for _, s := range []string{"971240001315", "940140000385", "", "97124000131", "9712400013150",
		"240140000000", "241340001234", "240130001234", "abcdefghijkl", "٩٧١٢٤٠٠٠١٣١٥", "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := accounts.ValidateBIN(s) // must not panic, whatever s is

		// An oracle written from the rules: twelve ASCII digits, month 01-12, type 4-6,
		// the check digit recomputes.
		want := len(s) == 12
		for i := 0; want && i < len(s); i++ {
			want = s[i] >= '0' && s[i] <= '9'
		}
		if want {
			month := int(s[2]-'0')*10 + int(s[3]-'0')
			typ := s[4] - '0'
			d, ok := referenceCheckDigit(s[:11])
			want = month >= 1 && month <= 12 && typ >= 4 && typ <= 6 && ok && d == int(s[11]-'0')
		}
		if err == nil && !want {
			t.Fatalf("ValidateBIN(%q) accepted an invalid BIN", s)
		}
		if err != nil && want {
			t.Fatalf("ValidateBIN(%q) = %v; want nil", s, err)
		}
	})
}
