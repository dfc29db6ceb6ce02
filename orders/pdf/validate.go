package pdf

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sheber-kz/sheber/accounts"
)

// Field names in errors are the snake_case of the input's fields, with indexes for lines:
// "buyer.bin", "lines[3].amount_tiyn".

func (d *OrderConfirmation) validate() error {
	v := accounts.Validation{}
	checkLang(v, d.Lang)
	checkNumber(v, "number", d.Number)
	if d.IssuedAt.IsZero() {
		v.Add("issued_at", "is required")
	}
	checkParty(v, "buyer", d.Buyer)
	checkParty(v, "producer", d.Producer)
	checkText(v, "site", d.Site, MaxTextLength, false)
	checkText(v, "delivery_address", d.DeliveryAddress, MaxTextLength, true)
	checkText(v, "budget_line", d.BudgetLine, MaxTextLength, false)
	checkText(v, "procurement_route", d.ProcurementRoute, MaxTextLength, false)
	checkText(v, "legal_basis", d.LegalBasis, MaxLegalBasisLength, false)
	checkLineCount(v, len(d.Lines))
	var sum int64
	sumOK := true
	for i, l := range d.Lines {
		p := fmt.Sprintf("lines[%d].", i)
		checkText(v, p+"title", l.Title, MaxTextLength, true)
		checkText(v, p+"unit", l.Unit, MaxTextLength, true)
		qtyOK := checkRange(v, p+"quantity", l.Quantity, 1, MaxQuantity)
		priceOK := checkAmount(v, p+"unit_price_tiyn", l.UnitPriceTiyn)
		amountOK := checkAmount(v, p+"amount_tiyn", l.AmountTiyn)
		if qtyOK && priceOK && amountOK && !productIs(l.Quantity, l.UnitPriceTiyn, l.AmountTiyn) {
			v.Add(p+"amount_tiyn", "must be quantity × unit_price_tiyn")
		}
		sumOK = sumOK && amountOK
		sum += l.AmountTiyn // no overflow: at most MaxLines × MaxAmountTiyn
	}
	if checkAmount(v, "total_tiyn", d.TotalTiyn) && sumOK && d.TotalTiyn != sum {
		v.Add("total_tiyn", fmt.Sprintf("must be the sum of the lines' amounts, %d", sum))
	}
	if checkAmount(v, "vat_tiyn", d.VATTiyn) && d.VATTiyn > d.TotalTiyn {
		v.Add("vat_tiyn", "must not exceed total_tiyn")
	}
	return v.Err()
}

func (d *AcceptanceAct) validate() error {
	v := accounts.Validation{}
	checkLang(v, d.Lang)
	checkNumber(v, "number", d.Number)
	checkNumber(v, "order_number", d.OrderNumber)
	if d.IssuedAt.IsZero() {
		v.Add("issued_at", "is required")
	}
	checkParty(v, "buyer", d.Buyer)
	checkParty(v, "producer", d.Producer)
	checkText(v, "site", d.Site, MaxTextLength, false)
	checkLineCount(v, len(d.Lines))
	var sum int64
	sumOK := true
	for i, l := range d.Lines {
		p := fmt.Sprintf("lines[%d].", i)
		checkText(v, p+"title", l.Title, MaxTextLength, true)
		checkText(v, p+"unit", l.Unit, MaxTextLength, true)
		checkText(v, p+"defect_reason", l.DefectReason, MaxTextLength, false)
		shippedOK := checkRange(v, p+"shipped", l.Shipped, 0, MaxQuantity)
		acceptedOK := checkRange(v, p+"accepted", l.Accepted, 0, MaxQuantity)
		rejectedOK := checkRange(v, p+"rejected", l.Rejected, 0, MaxQuantity)
		if shippedOK && acceptedOK && rejectedOK && l.Accepted+l.Rejected > l.Shipped {
			v.Add(p+"rejected", "accepted + rejected must not exceed shipped")
		}
		if rejectedOK && l.Rejected > 0 && strings.TrimSpace(l.DefectReason) == "" {
			v.Add(p+"defect_reason", "is required when units are rejected")
		}
		priceOK := checkAmount(v, p+"unit_price_tiyn", l.UnitPriceTiyn)
		amountOK := checkAmount(v, p+"accepted_amount_tiyn", l.AcceptedAmountTiyn)
		if acceptedOK && priceOK && amountOK && !productIs(l.Accepted, l.UnitPriceTiyn, l.AcceptedAmountTiyn) {
			v.Add(p+"accepted_amount_tiyn", "must be accepted × unit_price_tiyn")
		}
		sumOK = sumOK && amountOK
		sum += l.AcceptedAmountTiyn
	}
	if checkAmount(v, "total_accepted_tiyn", d.TotalAcceptedTiyn) && sumOK && d.TotalAcceptedTiyn != sum {
		v.Add("total_accepted_tiyn", fmt.Sprintf("must be the sum of the lines' accepted amounts, %d", sum))
	}
	if len(d.Waybills) > MaxWaybills {
		v.Add("waybills", fmt.Sprintf("at most %d", MaxWaybills))
	}
	for i, w := range d.Waybills {
		checkNumber(v, fmt.Sprintf("waybills[%d]", i), w)
	}
	checkRange(v, "days_overdue", int64(d.DaysOverdue), 0, MaxDaysOverdue)
	checkAmount(v, "penalty_tiyn", d.PenaltyTiyn)
	return v.Err()
}

func checkLang(v accounts.Validation, lang string) {
	if _, ok := labelsByLang[lang]; !ok {
		v.Add("lang", "must be ru, kk or en")
	}
}

func checkNumber(v accounts.Validation, field, s string) {
	checkText(v, field, s, MaxNumberLength, true)
}

func checkParty(v accounts.Validation, field string, p Party) {
	checkText(v, field+".name", p.Name, MaxTextLength, true)
	checkText(v, field+".address", p.Address, MaxTextLength, false)
	checkText(v, field+".region", p.Region, MaxTextLength, false)
	if err := accounts.ValidateBIN(p.BIN); err != nil {
		v.Add(field+".bin", err.Error())
	}
}

func checkLineCount(v accounts.Validation, n int) {
	switch {
	case n == 0:
		v.Add("lines", "at least one line is required")
	case n > MaxLines:
		v.Add("lines", fmt.Sprintf("at most %d lines", MaxLines))
	}
}

// checkText checks that s is UTF-8, not longer than max characters and, if required, not
// blank once cleaned.
func checkText(v accounts.Validation, field, s string, max int, required bool) {
	switch {
	case !utf8.ValidString(s):
		v.Add(field, "is not valid UTF-8")
	case utf8.RuneCountInString(s) > max:
		v.Add(field, fmt.Sprintf("at most %d characters", max))
	case required && clean(s) == "":
		v.Add(field, "is required")
	}
}

func checkRange(v accounts.Validation, field string, n, lo, hi int64) bool {
	if n < lo || n > hi {
		v.Add(field, fmt.Sprintf("between %d and %d", lo, hi))
		return false
	}
	return true
}

func checkAmount(v accounts.Validation, field string, tiyn int64) bool {
	return checkRange(v, field, tiyn, 0, MaxAmountTiyn)
}

// productIs reports whether a × b == c without overflowing; a, b and c are not negative.
func productIs(a, b, c int64) bool {
	if a == 0 || b == 0 {
		return c == 0
	}
	return c%a == 0 && c/a == b
}

// clean makes outside text safe to set: control characters become spaces, invisible
// format characters (bidirectional overrides, zero-width spaces) are dropped, characters
// the font has no glyph for become U+FFFD, and runs of spaces collapse to one. The input is
// valid UTF-8 (checked before).
func clean(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsControl(r) || unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case unicode.Is(unicode.Cf, r):
			continue
		case !hasGlyph(r):
			r = utf8.RuneError
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (p Party) cleaned() Party {
	return Party{Name: clean(p.Name), BIN: clean(p.BIN), Address: clean(p.Address), Region: clean(p.Region)}
}

// cleaned returns a copy of d with every text cleaned for setting.
func (d OrderConfirmation) cleaned() OrderConfirmation {
	c := d
	c.Number, c.Site, c.DeliveryAddress = clean(d.Number), clean(d.Site), clean(d.DeliveryAddress)
	c.BudgetLine, c.ProcurementRoute, c.LegalBasis = clean(d.BudgetLine), clean(d.ProcurementRoute), clean(d.LegalBasis)
	c.Buyer, c.Producer = d.Buyer.cleaned(), d.Producer.cleaned()
	c.Lines = make([]Line, len(d.Lines))
	for i, l := range d.Lines {
		l.Title, l.Unit = clean(l.Title), clean(l.Unit)
		c.Lines[i] = l
	}
	return c
}

// cleaned returns a copy of d with every text cleaned for setting.
func (d AcceptanceAct) cleaned() AcceptanceAct {
	c := d
	c.Number, c.OrderNumber, c.Site = clean(d.Number), clean(d.OrderNumber), clean(d.Site)
	c.Buyer, c.Producer = d.Buyer.cleaned(), d.Producer.cleaned()
	c.Lines = make([]ActLine, len(d.Lines))
	for i, l := range d.Lines {
		l.Title, l.Unit, l.DefectReason = clean(l.Title), clean(l.Unit), clean(l.DefectReason)
		c.Lines[i] = l
	}
	c.Waybills = make([]string, len(d.Waybills))
	for i, w := range d.Waybills {
		c.Waybills[i] = clean(w)
	}
	return c
}
