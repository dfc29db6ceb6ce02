package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/sfnt"

	"github.com/sheber-kz/sheber/accounts"
)

// russianAlphabet is every letter of the Russian alphabet, capital and small, in words
// short enough to wrap only between them.
const russianAlphabet = "Аа Бб Вв Гг Дд Ее Ёё Жж Зз Ии Йй Кк Лл Мм Нн Оо Пп Рр Сс Тт Уу Фф Хх Цц Чч Шш Щщ Ъъ Ыы Ьь Ээ Юю Яя"

func renderOrder(t testing.TB, o OrderConfirmation) (*pdfDoc, []byte) {
	t.Helper()
	var b bytes.Buffer
	if err := WriteOrderConfirmation(&b, o); err != nil {
		t.Fatalf("WriteOrderConfirmation: %v", err)
	}
	doc, err := parsePDF(b.Bytes())
	if err != nil {
		t.Fatalf("the order confirmation does not parse: %v", err)
	}
	return doc, b.Bytes()
}

func renderAct(t testing.TB, a AcceptanceAct) (*pdfDoc, []byte) {
	t.Helper()
	var b bytes.Buffer
	if err := WriteAcceptanceAct(&b, a); err != nil {
		t.Fatalf("WriteAcceptanceAct: %v", err)
	}
	doc, err := parsePDF(b.Bytes())
	if err != nil {
		t.Fatalf("the acceptance act does not parse: %v", err)
	}
	return doc, b.Bytes()
}

// checkShows fails unless the document shows every one of want, as one string or as the
// lines it was wrapped into (consecutive strings, joined by the space the wrap replaced).
func checkShows(t *testing.T, doc *pdfDoc, want ...string) {
	t.Helper()
	all := doc.allTexts()
	joined := "\x00" + strings.Join(all, "\x00") + "\x00"
	for _, w := range want {
		if strings.Contains(joined, "\x00"+w+"\x00") {
			continue
		}
		found := false
		for i := range all {
			acc := all[i]
			for j := i + 1; j <= len(all) && len(acc) <= len(w); j++ {
				if acc == w {
					found = true
					break
				}
				if j < len(all) {
					acc += " " + all[j]
				}
			}
			if found {
				break
			}
		}
		if !found {
			t.Errorf("the document does not show %q; it shows %q", w, all)
		}
	}
}

// checkNoReplacement fails if a letter was replaced by '?' or U+FFFD on its way into the
// document.
func checkNoReplacement(t *testing.T, doc *pdfDoc) {
	t.Helper()
	for _, s := range doc.allTexts() {
		if strings.ContainsAny(s, "?\uFFFD") {
			t.Errorf("the document shows %q: a letter was replaced", s)
		}
	}
}

func TestLettersComeOutRight(t *testing.T) {
	money := map[string]string{"ru": "1\u00a0234\u00a0567,89\u00a0₸", "kk": "1\u00a0234\u00a0567,89\u00a0₸", "en": "1,234,567.89\u00a0₸"}
	for _, lang := range []string{"ru", "kk", "en"} {
		l := labelsByLang[lang]
		t.Run("order/"+lang, func(t *testing.T) {
			o := sampleOrder(lang, 3)
			o.Lines[1].Title = russianAlphabet
			o.Lines = o.Lines[:2]
			o.Lines[0].Quantity, o.Lines[0].UnitPriceTiyn, o.Lines[0].AmountTiyn = 1, 1_234_567_89, 1_234_567_89
			o.TotalTiyn = o.Lines[0].AmountTiyn + o.Lines[1].AmountTiyn
			o.VATTiyn = 1_234_567_89
			doc, _ := renderOrder(t, o)
			if err := doc.checkGlyphs(); err != nil {
				t.Fatal(err)
			}
			checkNoReplacement(t, doc)
			checkShows(t, doc, fmt.Sprintf(l.OrderTitle, "SH-2026-000042"), kazakhLetters, "Ойын бұрышы «Шаңырақ» "+kazakhLetters,
				russianAlphabet, o.Buyer.Name, o.Producer.Name, o.DeliveryAddress, o.LegalBasis, o.BudgetLine,
				l.BIN+" "+buyerBIN, l.Date+": 04.12.2026", "15.01.2027", "20.01.2027",
				l.VATTotal, money[lang], formatMoney(lang, o.TotalTiyn), fmt.Sprintf(l.Page, 1, "1"),
				l.ColTitle, l.Signatures, l.Signature+" / "+l.FullName+"        "+l.Seal)
		})
		t.Run("act/"+lang, func(t *testing.T) {
			a := sampleAct(lang, 2)
			a.Lines[1].Title = russianAlphabet
			doc, _ := renderAct(t, a)
			if err := doc.checkGlyphs(); err != nil {
				t.Fatal(err)
			}
			checkNoReplacement(t, doc)
			checkShows(t, doc, fmt.Sprintf(l.ActTitle, "SH-2026-000042-A1"), fmt.Sprintf(l.ActForOrder, "SH-2026-000042"),
				"Ойын бұрышы "+kazakhLetters, russianAlphabet,
				l.DefectReason+": Царапина на крышке, скол кромки; үстелдің жиегі сынған",
				"ТТН-000117, ТТН-000118", "23.01.2027", l.DeliveredBy, l.AcceptedBy,
				formatMoney(lang, a.TotalAcceptedTiyn), formatMoney(lang, 37_037_37), l.ActStatement)
		})
	}
}

// TestCheckerCatchesLostLetters proves that the checks above can fail: on a document set
// in a core font (the letters go to '?' or are lost) and on our own document with one
// letter's glyph dropped or swapped.
func TestCheckerCatchesLostLetters(t *testing.T) {
	t.Run("core font", func(t *testing.T) {
		f := fpdf.New("P", "mm", "A4", "")
		f.AddPage()
		f.SetFont("Helvetica", "", 10)
		f.CellFormat(100, 5, "Ойын бұрышы "+kazakhLetters, "", 1, "L", false, 0, "")
		var b bytes.Buffer
		if err := f.Output(&b); err != nil {
			t.Fatal(err)
		}
		doc, err := parsePDF(b.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		if err := doc.checkGlyphs(); err == nil {
			t.Error("checkGlyphs passed a document set in Helvetica")
		}
		if got := strings.Join(doc.allTexts(), ""); strings.Contains(got, kazakhLetters) {
			t.Errorf("the core-font document shows the Kazakh letters: %q", got)
		}
	})
	for _, tc := range []struct {
		name   string
		mutate func(f *pdfFont, cid uint16)
	}{
		{"glyph dropped", func(f *pdfFont, cid uint16) { f.cidToGID[cid] = 0 }},
		{"glyph swapped", func(f *pdfFont, cid uint16) { f.cidToGID[cid] = f.cidToGID['к'] }},
		{"unicode swapped", func(f *pdfFont, cid uint16) { f.toUnicode[cid] = '?' }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, _ := renderOrder(t, sampleOrder("kk", 1))
			if err := doc.checkGlyphs(); err != nil {
				t.Fatal(err)
			}
			for _, f := range doc.fonts {
				if f.baseFont == "utf8dejavu" {
					tc.mutate(f, 'қ')
				}
			}
			if err := doc.checkGlyphs(); err == nil {
				t.Error("checkGlyphs passed a document whose 'қ' is broken")
			}
		})
	}
}

func TestLongOrderBreaksAcrossPages(t *testing.T) {
	const n = 300
	o := sampleOrder("ru", n)
	for i := range o.Lines {
		o.Lines[i].Title = fmt.Sprintf("Изделие %03d: парта ученическая двухместная регулируемая, ростовая группа %d", i+1, i%6+1)
	}
	doc, _ := renderOrder(t, o)
	l := labelsByLang["ru"]
	pages := len(doc.pages)
	if pages < 5 {
		t.Fatalf("a %d-line order takes %d pages", n, pages)
	}
	next := 1 // the next line expected, in order
	for p := range doc.pages {
		texts := doc.texts(p)
		footer := fmt.Sprintf(l.Page, p+1, fmt.Sprint(pages))
		if !contains(texts, footer) {
			t.Errorf("page %d has no %q", p+1, footer)
		}
		header, firstRow := -1, -1
		for i, s := range texts {
			if s == l.ColTitle && header < 0 {
				header = i
			}
			prefix := fmt.Sprintf("Изделие %03d:", next)
			if strings.HasPrefix(s, prefix) {
				if firstRow < 0 {
					firstRow = i
				}
				// The amount of the line is on the same page: rows are never split.
				amount := formatAmount("ru", o.Lines[next-1].AmountTiyn)
				if !contains(texts[i:], amount) {
					t.Errorf("line %d is on page %d, its amount %s is not", next, p+1, amount)
				}
				next++
			} else if strings.HasPrefix(s, "Изделие ") {
				t.Errorf("page %d shows %q where line %d was expected", p+1, s, next)
			}
		}
		if firstRow >= 0 && (header < 0 || header > firstRow) {
			t.Errorf("page %d has rows but no table header before them", p+1)
		}
		if count(texts, l.ColTitle) > 1 {
			t.Errorf("page %d repeats the table header %d times", p+1, count(texts, l.ColTitle))
		}
		if p > 0 && p < pages-1 && firstRow < 0 {
			t.Errorf("page %d of %d has no rows", p+1, pages)
		}
	}
	if next != n+1 {
		t.Errorf("the document shows lines 1 to %d of %d", next-1, n)
	}
	checkShows(t, doc, formatMoney("ru", o.TotalTiyn), l.Signatures)
	// The signatures come last.
	last := doc.texts(pages - 1)
	if !contains(last, l.Signatures) {
		t.Errorf("the signatures are not on the last page: %q", last)
	}
}

func contains(ss []string, s string) bool { return count(ss, s) > 0 }

func count(ss []string, s string) int {
	n := 0
	for _, x := range ss {
		if x == s {
			n++
		}
	}
	return n
}

func TestDeterministic(t *testing.T) {
	o := sampleOrder("kk", 40)
	_, first := renderOrder(t, o)
	var wg sync.WaitGroup
	results := make([][]byte, 4)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var b bytes.Buffer
			if err := WriteOrderConfirmation(&b, o); err != nil {
				t.Error(err)
			}
			results[i] = b.Bytes()
		}()
	}
	wg.Wait()
	for i, r := range results {
		if !bytes.Equal(r, first) {
			t.Fatalf("render %d differs from the first (%d and %d bytes)", i+1, len(r), len(first))
		}
	}
	if !bytes.Contains(first, []byte("/CreationDate (D:20261203203000")) || !bytes.Contains(first, []byte("/ModDate (D:20261203203000")) {
		t.Error("the creation and modification dates are not IssuedAt")
	}
	o.IssuedAt = o.IssuedAt.Add(time.Hour)
	if _, later := renderOrder(t, o); bytes.Equal(later, first) {
		t.Error("a different IssuedAt gives the same bytes")
	}
	a := sampleAct("ru", 30)
	_, act1 := renderAct(t, a)
	if _, act2 := renderAct(t, a); !bytes.Equal(act1, act2) {
		t.Error("two renders of the same act differ")
	}
}

func TestBadInput(t *testing.T) {
	orderCases := []struct {
		field  string
		mutate func(o *OrderConfirmation)
	}{
		{"number", func(o *OrderConfirmation) { o.Number = "" }},
		{"number", func(o *OrderConfirmation) { o.Number = " \t\n" }},
		{"number", func(o *OrderConfirmation) { o.Number = strings.Repeat("9", MaxNumberLength+1) }},
		{"lang", func(o *OrderConfirmation) { o.Lang = "de" }},
		{"lang", func(o *OrderConfirmation) { o.Lang = "" }},
		{"issued_at", func(o *OrderConfirmation) { o.IssuedAt = time.Time{} }},
		{"buyer.name", func(o *OrderConfirmation) { o.Buyer.Name = "" }},
		{"buyer.bin", func(o *OrderConfirmation) { o.Buyer.BIN = "123456789012" }},
		{"producer.bin", func(o *OrderConfirmation) { o.Producer.BIN = "" }},
		{"delivery_address", func(o *OrderConfirmation) { o.DeliveryAddress = "" }},
		{"legal_basis", func(o *OrderConfirmation) { o.LegalBasis = strings.Repeat("ж", MaxLegalBasisLength+1) }},
		{"lines", func(o *OrderConfirmation) { o.Lines, o.TotalTiyn, o.VATTiyn = nil, 0, 0 }},
		{"lines", func(o *OrderConfirmation) {
			for len(o.Lines) <= MaxLines {
				o.Lines = append(o.Lines, o.Lines[0])
			}
		}},
		{"lines[1].title", func(o *OrderConfirmation) { o.Lines[1].Title = "" }},
		{"lines[1].title", func(o *OrderConfirmation) { o.Lines[1].Title = "Парта \xff\xfe" }},
		{"lines[1].title", func(o *OrderConfirmation) { o.Lines[1].Title = strings.Repeat("ә", MaxTextLength+1) }},
		{"lines[1].unit", func(o *OrderConfirmation) { o.Lines[1].Unit = "\u200b" }},
		{"lines[1].quantity", func(o *OrderConfirmation) { o.Lines[1].Quantity = 0 }},
		{"lines[1].quantity", func(o *OrderConfirmation) { o.Lines[1].Quantity = -2 }},
		{"lines[1].unit_price_tiyn", func(o *OrderConfirmation) { o.Lines[1].UnitPriceTiyn = -100 }},
		{"lines[1].amount_tiyn", func(o *OrderConfirmation) { o.Lines[1].AmountTiyn = -o.Lines[1].AmountTiyn }},
		{"lines[1].amount_tiyn", func(o *OrderConfirmation) { o.Lines[1].AmountTiyn++; o.TotalTiyn++ }},
		{"lines[1].unit_price_tiyn", func(o *OrderConfirmation) { o.Lines[1].UnitPriceTiyn = MaxAmountTiyn + 1 }},
		{"lines[1].amount_tiyn", func(o *OrderConfirmation) { // the product overflows int64
			l := &o.Lines[1]
			o.TotalTiyn += MaxAmountTiyn - l.AmountTiyn
			l.Quantity, l.UnitPriceTiyn, l.AmountTiyn = MaxQuantity, MaxAmountTiyn, MaxAmountTiyn
		}},
		{"total_tiyn", func(o *OrderConfirmation) { o.TotalTiyn++ }},
		{"total_tiyn", func(o *OrderConfirmation) { o.TotalTiyn = -1 }},
		{"vat_tiyn", func(o *OrderConfirmation) { o.VATTiyn = -1 }},
		{"vat_tiyn", func(o *OrderConfirmation) { o.VATTiyn = o.TotalTiyn + 1 }},
	}
	for _, tc := range orderCases {
		o := sampleOrder("ru", 3)
		tc.mutate(&o)
		var b bytes.Buffer
		checkInvalid(t, "order", tc.field, WriteOrderConfirmation(&b, o), b.Len())
	}
	actCases := []struct {
		field  string
		mutate func(a *AcceptanceAct)
	}{
		{"number", func(a *AcceptanceAct) { a.Number = "" }},
		{"order_number", func(a *AcceptanceAct) { a.OrderNumber = "" }},
		{"lang", func(a *AcceptanceAct) { a.Lang = "RU" }},
		{"buyer.bin", func(a *AcceptanceAct) { a.Buyer.BIN = "05014000123" }},
		{"lines", func(a *AcceptanceAct) { a.Lines, a.TotalAcceptedTiyn = nil, 0 }},
		{"lines[0].rejected", func(a *AcceptanceAct) { a.Lines[0].Rejected = a.Lines[0].Shipped }},
		{"lines[0].rejected", func(a *AcceptanceAct) { a.Lines[0].Rejected = -1 }},
		{"lines[0].defect_reason", func(a *AcceptanceAct) { a.Lines[0].DefectReason = "  " }},
		{"lines[1].shipped", func(a *AcceptanceAct) { a.Lines[1].Shipped = -5 }},
		{"lines[1].accepted_amount_tiyn", func(a *AcceptanceAct) { a.Lines[1].AcceptedAmountTiyn -= 100; a.TotalAcceptedTiyn -= 100 }},
		{"lines[1].unit_price_tiyn", func(a *AcceptanceAct) { a.Lines[1].UnitPriceTiyn = -1 }},
		{"total_accepted_tiyn", func(a *AcceptanceAct) { a.TotalAcceptedTiyn-- }},
		{"penalty_tiyn", func(a *AcceptanceAct) { a.PenaltyTiyn = -1 }},
		{"days_overdue", func(a *AcceptanceAct) { a.DaysOverdue = -1 }},
		{"waybills", func(a *AcceptanceAct) { a.Waybills = make([]string, MaxWaybills+1) }},
		{"waybills[1]", func(a *AcceptanceAct) { a.Waybills[1] = "" }},
	}
	for _, tc := range actCases {
		a := sampleAct("kk", 3)
		tc.mutate(&a)
		var b bytes.Buffer
		checkInvalid(t, "act", tc.field, WriteAcceptanceAct(&b, a), b.Len())
	}
	// The samples themselves are valid, so each case above failed for its own field.
	var b bytes.Buffer
	if err := WriteOrderConfirmation(&b, sampleOrder("ru", 3)); err != nil {
		t.Fatal(err)
	}
	if err := WriteAcceptanceAct(&b, sampleAct("kk", 3)); err != nil {
		t.Fatal(err)
	}
}

func checkInvalid(t *testing.T, doc, field string, err error, written int) {
	t.Helper()
	var e *accounts.Error
	switch {
	case err == nil:
		t.Errorf("%s with a bad %s: no error", doc, field)
	case !errors.As(err, &e) || e.Code != accounts.CodeInvalid:
		t.Errorf("%s with a bad %s: %v, want an invalid error", doc, field, err)
	case e.Fields[field] == "":
		t.Errorf("%s with a bad %s: the error names %v", doc, field, e.Fields)
	case written != 0:
		t.Errorf("%s with a bad %s: %d bytes written", doc, field, written)
	}
}

func TestFormat(t *testing.T) {
	for _, tc := range []struct {
		lang string
		tiyn int64
		want string
	}{
		{"ru", 1_234_567_89, "1 234 567,89 ₸"},
		{"kk", 1_234_567_89, "1 234 567,89 ₸"},
		{"en", 1_234_567_89, "1,234,567.89 ₸"},
		{"ru", 0, "0,00 ₸"},
		{"ru", 5, "0,05 ₸"},
		{"en", 100_000_00, "100,000.00 ₸"},
		{"ru", 999_99, "999,99 ₸"},
		{"ru", MaxAmountTiyn, "10 000 000 000 000,00 ₸"},
		{"ru", -1_000_00, "-1 000,00 ₸"},
	} {
		got := strings.ReplaceAll(formatMoney(tc.lang, tc.tiyn), nbsp, " ")
		if got != tc.want {
			t.Errorf("formatMoney(%s, %d) = %q, want %q", tc.lang, tc.tiyn, got, tc.want)
		}
	}
	if got := formatMoney("ru", 1_000_00); got != "1\u00a0000,00\u00a0₸" {
		t.Errorf("formatMoney groups with %q, want no-break spaces", got)
	}
	for _, tc := range []struct {
		at   time.Time
		want string
	}{
		{time.Date(2026, 12, 3, 18, 59, 0, 0, time.UTC), "03.12.2026"},
		{time.Date(2026, 12, 3, 19, 0, 0, 0, time.UTC), "04.12.2026"}, // UTC+5
		// Almaty kept UTC+6 until 1 March 2024: 18:30 UTC was already the next day.
		{time.Date(2023, 6, 1, 18, 30, 0, 0, time.UTC), "02.06.2023"},
		{time.Time{}, ""},
	} {
		if got := formatDate(tc.at); got != tc.want {
			t.Errorf("formatDate(%v) = %q, want %q", tc.at, got, tc.want)
		}
	}
}

func TestClean(t *testing.T) {
	for in, want := range map[string]string{
		"  Парта\tученическая\r\n": "Парта ученическая",
		"a\u00a0b":                          "a b",
		"\u202eпарта\u200b":                 "парта",
		"стол 🪑":                            "стол \uFFFD",
		"" + kazakhLetters + " (№ 5) \\ 7%": kazakhLetters + " (№ 5) \\ 7%",
		"\x00\x01":                          "",
	} {
		if got := clean(in); got != want {
			t.Errorf("clean(%q) = %q, want %q", in, got, want)
		}
	}
	for _, r := range kazakhLetters + russianAlphabet + "₸№«»—" {
		if !hasGlyph(r) {
			t.Errorf("the embedded font has no %q", r)
		}
	}
}

func TestLabelsComplete(t *testing.T) {
	for _, lang := range []string{"ru", "kk", "en"} {
		l, ok := labelsByLang[lang]
		if !ok {
			t.Fatalf("no labels in %s", lang)
		}
		v := reflect.ValueOf(*l)
		for i := range v.NumField() {
			s := v.Field(i).String()
			name := v.Type().Field(i).Name
			if s == "" {
				t.Errorf("%s: %s is empty", lang, name)
			}
			for _, r := range s {
				if !hasGlyph(r) {
					t.Errorf("%s: %s has %q, which the font cannot draw", lang, name, r)
				}
			}
		}
	}
	if len(labelsByLang) != 3 {
		t.Errorf("labels in %d languages", len(labelsByLang))
	}
}

// TestEmbeddedFontIsDejaVu checks that the faces are DejaVu Sans, whose licence the
// README names.
func TestEmbeddedFontIsDejaVu(t *testing.T) {
	for _, ttf := range [][]byte{originals["utf8dejavu"], originals["utf8dejavuB"]} {
		f, err := sfnt.Parse(ttf)
		if err != nil {
			t.Fatal(err)
		}
		name, err := f.Name(nil, sfnt.NameIDFamily)
		if err != nil || name != "DejaVu Sans" {
			t.Errorf("the embedded family is %q (%v)", name, err)
		}
	}
}

func BenchmarkOrderConfirmation(b *testing.B) {
	for _, n := range []int{10, 300} {
		o := sampleOrder("kk", n)
		b.Run(fmt.Sprintf("lines=%d", n), func(b *testing.B) {
			var buf bytes.Buffer
			b.ReportAllocs()
			for b.Loop() {
				buf.Reset()
				if err := WriteOrderConfirmation(&buf, o); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(buf.Len()), "bytes/doc")
		})
	}
}

func BenchmarkAcceptanceAct(b *testing.B) {
	a := sampleAct("ru", 10)
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := WriteAcceptanceAct(&buf, a); err != nil {
			b.Fatal(err)
		}
	}
}

// TestRenderSlots checks that no more than MaxConcurrentRenders documents are laid out at
// once: with every slot taken, a render waits, and goes on once one is given back.
func TestRenderSlots(t *testing.T) {
	for range MaxConcurrentRenders {
		renderSlots <- struct{}{}
	}
	done := make(chan error, 1)
	go func() {
		var b bytes.Buffer
		done <- WriteAcceptanceAct(&b, sampleAct("ru", 1))
	}()
	select {
	case err := <-done:
		t.Fatalf("a render ran with every slot taken (err %v)", err)
	case <-time.After(200 * time.Millisecond):
	}
	<-renderSlots
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for range MaxConcurrentRenders - 1 {
		<-renderSlots
	}
	if len(renderSlots) != 0 {
		t.Errorf("%d slots still taken after every render returned", len(renderSlots))
	}
}
