package pdf

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sheber-kz/sheber/accounts"
)

// FuzzDocuments renders both documents from outside strings (titles, names, numbers,
// reasons come from users) and numbers: it never panics, and it either refuses the input
// with an invalid error that names a field, writing nothing, or writes a PDF whose
// structure (header, objects, streams, xref, trailer) and text the test reader accepts,
// with every character drawn by its own glyph.
func FuzzDocuments(f *testing.F) {
	f.Add("kk", "SH-2026-000042", "Ойын бұрышы "+kazakhLetters, "шт.", "КГУ «Шаңырақ»", "скол", int64(3), int64(45_000_00))
	f.Add("ru", "(№ 5) \\ )(", "Парта (двухместная) \\ 50%", "комплект", "ТОО \"Ромашка\"", ")", int64(1), int64(1))
	f.Add("en", "A\r\nB", "Desk\x00\t\u202e\u200b", "pcs", "Ltd \xff", "", int64(MaxQuantity), int64(MaxAmountTiyn))
	f.Add("ru", "1", "стол 🪑 \U0010FFFF", "m²", strings.Repeat("Ш", MaxTextLength), strings.Repeat("ж ", 200), int64(7), int64(0))
	f.Add("de", "", "", "", "", "", int64(-1), int64(-1))
	f.Fuzz(func(t *testing.T, lang, number, title, unit, name, reason string, qty, price int64) {
		o := sampleOrder("ru", 2)
		o.Lang, o.Number, o.Buyer.Name, o.Producer.Address = lang, number, name, reason
		l := &o.Lines[1]
		l.Title, l.Unit, l.Quantity, l.UnitPriceTiyn = title, unit, qty, price
		if qty > 0 && price >= 0 && (price == 0 || qty <= MaxAmountTiyn/price) {
			l.AmountTiyn = qty * price
		}
		o.TotalTiyn = o.Lines[0].AmountTiyn + l.AmountTiyn
		o.VATTiyn = 0
		var b bytes.Buffer
		checkFuzzed(t, "order", WriteOrderConfirmation(&b, o), b.Bytes(), title)

		a := sampleAct("ru", 2)
		a.Lang, a.Number, a.OrderNumber, a.Producer.Name = lang, number, number, name
		al := &a.Lines[1]
		al.Title, al.Unit, al.DefectReason = title, unit, reason
		al.Shipped, al.Accepted, al.Rejected, al.UnitPriceTiyn = qty, qty, 0, price
		if qty > 0 && price >= 0 && (price == 0 || qty <= MaxAmountTiyn/price) {
			al.AcceptedAmountTiyn = qty * price
		}
		a.TotalAcceptedTiyn = a.Lines[0].AcceptedAmountTiyn + al.AcceptedAmountTiyn
		a.Waybills = []string{number}
		b.Reset()
		checkFuzzed(t, "act", WriteAcceptanceAct(&b, a), b.Bytes(), title)
	})
}

func checkFuzzed(t *testing.T, what string, err error, out []byte, title string) {
	t.Helper()
	if err != nil {
		var e *accounts.Error
		if !errors.As(err, &e) || e.Code != accounts.CodeInvalid || len(e.Fields) == 0 {
			t.Fatalf("%s: %v, want an invalid error naming fields", what, err)
		}
		if len(out) != 0 {
			t.Fatalf("%s: refused, but %d bytes written", what, len(out))
		}
		return
	}
	if !utf8.ValidString(title) {
		t.Fatalf("%s: rendered a title that is not UTF-8", what)
	}
	doc, perr := parsePDF(out)
	if perr != nil {
		t.Fatalf("%s: not a valid PDF: %v", what, perr)
	}
	if err := doc.checkGlyphs(); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	// The title's words come out as cleaned, none lost (wrapping may split a long word).
	shown := strings.ReplaceAll(strings.Join(doc.allTexts(), ""), " ", "")
	if want := strings.ReplaceAll(clean(title), " ", ""); !strings.Contains(shown, want) {
		t.Fatalf("%s: the title %q is not shown as %q", what, title, want)
	}
}
