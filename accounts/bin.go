package accounts

import "fmt"

// BINLength is the number of digits in a Business Identification Number.
const BINLength = 12

// ValidateBIN checks a Kazakh Business Identification Number: twelve digits, a plausible
// registration month in digits 3-4, a legal-entity type digit (4 resident, 5 non-resident,
// 6 joint venture or branch) in position 5, and the check digit in position 12, computed as
// for IIN: digits 1-11 weighted 1..11 modulo 11; if that gives 10, weighted 3..11,1,2 modulo
// 11; if that gives 10 too, the number is never issued.
func ValidateBIN(bin string) error {
	if len(bin) != BINLength {
		return fmt.Errorf("must be %d digits", BINLength)
	}
	var d [BINLength]int
	for i := 0; i < BINLength; i++ {
		c := bin[i]
		if c < '0' || c > '9' {
			return fmt.Errorf("must be %d digits", BINLength)
		}
		d[i] = int(c - '0')
	}
	if month := d[2]*10 + d[3]; month < 1 || month > 12 {
		return fmt.Errorf("digits 3-4 must be a registration month 01-12")
	}
	if d[4] < 4 || d[4] > 6 {
		return fmt.Errorf("digit 5 must be a legal-entity type 4, 5 or 6")
	}
	check, ok := BINCheckDigit(bin[:11])
	if !ok || check != d[11] {
		return fmt.Errorf("check digit does not match")
	}
	return nil
}

// BINCheckDigit computes the check digit for the first eleven digits of a BIN or IIN; ok is
// false when no check digit exists (such numbers are never issued). It panics on input that
// is not eleven ASCII digits, which is a programming error.
func BINCheckDigit(first11 string) (digit int, ok bool) {
	if len(first11) != 11 {
		panic("accounts: BINCheckDigit needs 11 digits")
	}
	sum := func(offset int) int {
		s := 0
		for i := 0; i < 11; i++ {
			weight := (i+offset)%11 + 1
			s += int(first11[i]-'0') * weight
		}
		return s % 11
	}
	if c := sum(0); c != 10 {
		return c, true
	}
	if c := sum(2); c != 10 {
		return c, true
	}
	return 0, false
}
