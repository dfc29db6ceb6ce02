package pdf

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"github.com/go-fonts/dejavu/dejavusans"
	"github.com/go-fonts/dejavu/dejavusansbold"

	"github.com/sheber-kz/sheber/accounts"
)

// Page geometry in millimetres (A4 portrait) and type sizes in points.
const (
	pageHeight   = 297.0
	sideMargin   = 15.0
	topMargin    = 18.0
	bottomMargin = 16.0
	contentWidth = 210.0 - 2*sideMargin
	pageBottom   = pageHeight - bottomMargin // where the content of a page must end
	cellPadding  = 1.0                       // above and below the text of a table cell

	titleSize   = 14.0
	sectionSize = 10.0
	bodySize    = 9.0
	tableSize   = 8.0
	smallSize   = 7.0
	minFitSize  = 5.0 // a number is shrunk down to this to fit its column

	fontFamily = "dejavu"
	pageAlias  = "{nb}" // replaced by the page count when the document closes
	mmPerPoint = 25.4 / 72
)

// lineHeight is the distance between lines of size points, in millimetres.
func lineHeight(size float64) float64 { return size * mmPerPoint * 1.3 }

// document wraps an fpdf document with the layout of Sheber's documents.
type document struct {
	f    *fpdf.Fpdf
	l    *labels
	lang string
}

// newDocument starts a document: fonts, metadata fixed by issued (so the same input gives
// the same bytes), the running header and the page numbers in the footer.
func newDocument(lang, title string, issued time.Time) *document {
	l := labelsByLang[lang]
	f := fpdf.New("P", "mm", "A4", "")
	d := &document{f: f, l: l, lang: lang}
	f.SetCatalogSort(true)
	f.SetCreationDate(issued.UTC())
	f.SetModificationDate(issued.UTC())
	f.SetCreator("Sheber", false)
	f.SetProducer("Sheber", false)
	f.SetTitle(title, true)
	f.SetLang(lang)
	f.AliasNbPages(pageAlias) // before the fonts: fpdf sizes their subsets by it
	f.AddUTF8FontFromBytes(fontFamily, "", dejavusans.TTF)
	f.AddUTF8FontFromBytes(fontFamily, "B", dejavusansbold.TTF)
	f.SetMargins(sideMargin, topMargin, sideMargin)
	f.SetAutoPageBreak(true, bottomMargin)
	date := formatDate(issued)
	f.SetHeaderFunc(func() {
		d.font("", smallSize)
		f.SetTextColor(110, 110, 110)
		f.SetXY(sideMargin, 8)
		f.CellFormat(contentWidth*3/4, lineHeight(smallSize), "Sheber · "+title, "", 0, "L", false, 0, "")
		f.CellFormat(contentWidth/4, lineHeight(smallSize), date, "", 0, "R", false, 0, "")
		f.SetDrawColor(180, 180, 180)
		f.Line(sideMargin, 12, sideMargin+contentWidth, 12)
		f.SetDrawColor(0, 0, 0)
		f.SetTextColor(0, 0, 0)
		f.SetXY(sideMargin, topMargin)
	})
	f.SetFooterFunc(func() {
		d.font("", smallSize)
		f.SetTextColor(110, 110, 110)
		f.SetXY(sideMargin, pageHeight-11)
		f.CellFormat(contentWidth/2, lineHeight(smallSize), l.Generated, "", 0, "L", false, 0, "")
		f.CellFormat(contentWidth/2, lineHeight(smallSize), fmt.Sprintf(l.Page, f.PageNo(), pageAlias), "", 0, "R", false, 0, "")
		f.SetTextColor(0, 0, 0)
	})
	f.AddPage()
	return d
}

// rendered lays a document out and closes it, holding a render slot meanwhile. An error
// inside fpdf is internal (the input was validated).
func rendered(render func() *document) (*document, error) {
	renderSlots <- struct{}{}
	defer func() { <-renderSlots }()
	d := render()
	d.f.Close()
	if err := d.f.Error(); err != nil {
		return nil, accounts.Internal(fmt.Errorf("orders/pdf: %w", err))
	}
	return d, nil
}

func (d *document) font(style string, size float64) { d.f.SetFont(fontFamily, style, size) }

// column is a column of a table or of a block of labelled values.
type column struct {
	width float64
	align string // "L", "C" or "R"
}

// cell is what a column shows in one row: text (wrapped to the column, "\n" breaks it),
// then an optional note in small grey type (a defect reason). A fit cell is one line,
// shrunk to fit the column: numbers are never wrapped.
type cell struct {
	text, note string
	fit        bool
}

// rowStyle is how a row is drawn.
type rowStyle struct {
	style  string // "" or "B"
	size   float64
	border bool
	fill   bool
	grey   []bool // per column: the text is grey (labels)
	// wholeWords shrinks a cell's type until its longest word fits the column, so that
	// table headings are not broken inside a word.
	wholeWords bool
}

// laidOut is a cell broken into lines.
type laidOut struct {
	lines, notes []string
	size         float64
}

func (d *document) layout(c cell, w float64, st rowStyle) laidOut {
	d.font(st.style, st.size)
	if c.fit {
		size := st.size
		for size > minFitSize && d.f.GetStringWidth(c.text) > w-2*d.f.GetCellMargin() {
			size -= 0.5
			d.font(st.style, size)
		}
		return laidOut{lines: []string{c.text}, size: size}
	}
	size := st.size
	if st.wholeWords {
		for _, word := range strings.Fields(c.text) {
			for size > minFitSize && d.f.GetStringWidth(word) > w-2*d.f.GetCellMargin() {
				size -= 0.5
				d.font(st.style, size)
			}
		}
	}
	lo := laidOut{lines: d.f.SplitText(c.text, w), size: size}
	if c.note != "" {
		d.font("", smallSize)
		lo.notes = d.f.SplitText(c.note, w)
	}
	return lo
}

func (lo laidOut) height() float64 {
	return float64(max(len(lo.lines), 1))*lineHeight(lo.size) + float64(len(lo.notes))*lineHeight(smallSize)
}

// rowHeight lays the row out and returns its height.
func (d *document) rowHeight(cols []column, cells []cell, st rowStyle) ([]laidOut, float64) {
	los := make([]laidOut, len(cols))
	h := 0.0
	for i, col := range cols {
		los[i] = d.layout(cells[i], col.width, st)
		h = max(h, los[i].height())
	}
	return los, h + 2*cellPadding
}

// row draws one row at the current position and moves below it. The caller has made sure
// it fits on the page, so fpdf's automatic page break never splits it.
func (d *document) row(cols []column, cells []cell, st rowStyle) {
	los, h := d.rowHeight(cols, cells, st)
	f := d.f
	x, y0 := sideMargin, f.GetY()
	if st.fill {
		f.SetFillColor(235, 235, 235)
	}
	for i, col := range cols {
		switch {
		case st.border && st.fill:
			f.Rect(x, y0, col.width, h, "FD")
		case st.border:
			f.Rect(x, y0, col.width, h, "D")
		}
		y := y0 + cellPadding
		if i < len(st.grey) && st.grey[i] {
			f.SetTextColor(90, 90, 90)
		}
		d.font(st.style, los[i].size)
		for _, line := range los[i].lines {
			f.SetXY(x, y)
			f.CellFormat(col.width, lineHeight(los[i].size), line, "", 0, col.align, false, 0, "")
			y += lineHeight(los[i].size)
		}
		if len(los[i].lines) == 0 {
			y += lineHeight(los[i].size)
		}
		if len(los[i].notes) > 0 {
			f.SetTextColor(90, 90, 90)
			d.font("", smallSize)
			for _, line := range los[i].notes {
				f.SetXY(x, y)
				f.CellFormat(col.width, lineHeight(smallSize), line, "", 0, col.align, false, 0, "")
				y += lineHeight(smallSize)
			}
		}
		f.SetTextColor(0, 0, 0)
		x += col.width
	}
	f.SetXY(sideMargin, y0+h)
}

// ensure starts a new page unless h millimetres fit on this one.
func (d *document) ensure(h float64) {
	if d.f.GetY()+h > pageBottom && d.f.GetY() > topMargin {
		d.f.AddPage()
	}
}

// table draws a header and rows, breaking across pages between rows and repeating the
// header at the top of every page it continues on.
func (d *document) table(cols []column, header []cell, rows [][]cell) {
	headStyle := rowStyle{style: "B", size: smallSize, border: true, fill: true, wholeWords: true}
	bodyStyle := rowStyle{size: tableSize, border: true}
	_, hh := d.rowHeight(cols, header, headStyle)
	for i, r := range rows {
		_, h := d.rowHeight(cols, r, bodyStyle)
		if i == 0 {
			d.ensure(hh + h)
			d.row(cols, header, headStyle)
		} else if d.f.GetY()+h > pageBottom {
			d.f.AddPage()
			d.row(cols, header, headStyle)
		}
		d.row(cols, r, bodyStyle)
	}
}

// title writes the document's title and the lines under it.
func (d *document) title(title string, sub ...string) {
	d.font("B", titleSize)
	d.f.SetX(sideMargin)
	d.f.MultiCell(contentWidth, lineHeight(titleSize), title, "", "L", false)
	d.font("", bodySize)
	for _, s := range sub {
		d.f.MultiCell(contentWidth, lineHeight(bodySize), s, "", "L", false)
	}
	d.f.Ln(2)
}

// section writes a section heading, kept with at least keep millimetres of what follows.
func (d *document) section(name string, keep float64) {
	d.f.Ln(2)
	d.ensure(lineHeight(sectionSize) + 2 + keep)
	d.font("B", sectionSize)
	d.f.CellFormat(contentWidth, lineHeight(sectionSize), name, "", 1, "L", false, 0, "")
	d.f.Ln(1)
}

var fieldCols = []column{{52, "L"}, {contentWidth - 52, "L"}}

// field writes a label and its value; an empty value is skipped unless it has a
// placeholder.
func (d *document) field(label, value string) {
	if value == "" {
		return
	}
	st := rowStyle{size: bodySize, grey: []bool{true, false}}
	cells := []cell{{text: label}, {text: value}}
	_, h := d.rowHeight(fieldCols, cells, st)
	d.ensure(h)
	d.row(fieldCols, cells, st)
}

// date is a formatted date or the "not set" placeholder.
func (d *document) date(t time.Time) string {
	if t.IsZero() {
		return d.l.NotSet
	}
	return formatDate(t)
}

// party is a party's name, BIN, address and region, a line each.
func (d *document) party(p Party) string {
	parts := []string{p.Name, d.l.BIN + " " + p.BIN}
	place := strings.Join(nonEmpty(p.Address, p.Region), ", ")
	if place != "" {
		parts = append(parts, place)
	}
	return strings.Join(parts, "\n")
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

var totalCols = []column{{contentWidth - 55, "R"}, {55, "R"}}

// totals writes labelled amounts, right-aligned under the table.
func (d *document) totals(pairs ...[2]string) {
	st := rowStyle{style: "B", size: bodySize}
	h := 0.0
	for range pairs {
		h += lineHeight(bodySize) + 2*cellPadding
	}
	d.f.Ln(1)
	d.ensure(h)
	for _, p := range pairs {
		d.row(totalCols, []cell{{text: p[0]}, {text: p[1], fit: true}}, st)
	}
}

// paragraph writes running text across the page.
func (d *document) paragraph(s string) {
	d.f.Ln(3)
	st := rowStyle{size: bodySize}
	cols := []column{{contentWidth, "L"}}
	cells := []cell{{text: s}}
	_, h := d.rowHeight(cols, cells, st)
	d.ensure(h)
	d.row(cols, cells, st)
}

// signatures writes the signature blocks of the two parties side by side, kept together.
func (d *document) signatures(leftRole string, left Party, rightRole string, right Party) {
	l := d.l
	cols := []column{{(contentWidth - 10) / 2, "L"}, {10, "L"}, {(contentWidth - 10) / 2, "L"}}
	roles := []cell{{text: leftRole}, {}, {text: rightRole}}
	block := func(p Party) cell {
		return cell{text: p.Name + "\n\n\n" + "____________________ / ____________________", note: l.Signature + " / " + l.FullName + "        " + l.Seal}
	}
	bodies := []cell{block(left), {}, block(right)}
	roleStyle := rowStyle{style: "B", size: bodySize}
	bodyStyle := rowStyle{size: bodySize}
	_, h1 := d.rowHeight(cols, roles, roleStyle)
	_, h2 := d.rowHeight(cols, bodies, bodyStyle)
	d.f.Ln(4)
	d.ensure(lineHeight(sectionSize) + 3 + h1 + h2)
	d.font("B", sectionSize)
	d.f.CellFormat(contentWidth, lineHeight(sectionSize), l.Signatures, "", 1, "L", false, 0, "")
	d.f.Ln(1)
	d.row(cols, roles, roleStyle)
	d.row(cols, bodies, bodyStyle)
}

func renderOrderConfirmation(o OrderConfirmation) *document {
	l := labelsByLang[o.Lang]
	title := fmt.Sprintf(l.OrderTitle, o.Number)
	d := newDocument(o.Lang, title, o.IssuedAt)
	d.title(title, l.Date+": "+formatDate(o.IssuedAt))

	d.section(l.Parties, 10)
	d.field(l.Buyer, d.party(o.Buyer))
	d.field(l.Producer, d.party(o.Producer))
	d.field(l.Site, o.Site)

	d.section(l.Terms, 10)
	d.field(l.DeliveryAddress, o.DeliveryAddress)
	d.field(l.RequestedDate, d.date(o.RequestedDate))
	d.field(l.PromisedDate, d.date(o.PromisedDate))
	d.field(l.BudgetLine, o.BudgetLine)
	d.field(l.Route, o.ProcurementRoute)
	d.field(l.LegalBasis, o.LegalBasis)

	d.section(l.Goods, 15)
	cols := []column{{9, "R"}, {71, "L"}, {15, "L"}, {18, "R"}, {26, "R"}, {13, "C"}, {28, "R"}}
	header := []cell{{text: l.ColNo}, {text: l.ColTitle}, {text: l.ColUnit}, {text: l.ColQty}, {text: l.ColPrice}, {text: l.ColVAT}, {text: l.ColAmount}}
	rows := make([][]cell, len(o.Lines))
	for i, ln := range o.Lines {
		vat := l.VATNo
		if ln.VATIncluded {
			vat = l.VATYes
		}
		rows[i] = []cell{
			{text: strconv.Itoa(i + 1), fit: true}, {text: ln.Title}, {text: ln.Unit},
			{text: formatCount(o.Lang, ln.Quantity), fit: true},
			{text: formatAmount(o.Lang, ln.UnitPriceTiyn), fit: true},
			{text: vat, fit: true},
			{text: formatAmount(o.Lang, ln.AmountTiyn), fit: true},
		}
	}
	d.table(cols, header, rows)

	vat := [2]string{l.NoVAT, ""}
	if o.VATTiyn > 0 {
		vat = [2]string{l.VATTotal, formatMoney(o.Lang, o.VATTiyn)}
	}
	d.totals(
		[2]string{l.Items, formatCount(o.Lang, int64(len(o.Lines)))},
		[2]string{l.Total, formatMoney(o.Lang, o.TotalTiyn)},
		vat,
	)
	d.paragraph(l.OrderStatement)
	d.signatures(l.Producer, o.Producer, l.Buyer, o.Buyer)
	return d
}

func renderAcceptanceAct(a AcceptanceAct) *document {
	l := labelsByLang[a.Lang]
	title := fmt.Sprintf(l.ActTitle, a.Number)
	d := newDocument(a.Lang, title, a.IssuedAt)
	d.title(title, fmt.Sprintf(l.ActForOrder, a.OrderNumber), l.Date+": "+formatDate(a.IssuedAt))

	d.section(l.Parties, 10)
	d.field(l.Producer, d.party(a.Producer))
	d.field(l.Buyer, d.party(a.Buyer))
	d.field(l.Site, a.Site)

	d.section(l.Terms, 10)
	d.field(l.Waybills, strings.Join(a.Waybills, ", "))
	d.field(l.PromisedDate, d.date(a.PromisedDate))
	d.field(l.DeliveredDate, d.date(a.DeliveredDate))
	d.field(l.DaysOverdue, strconv.Itoa(a.DaysOverdue))

	d.section(l.Goods, 15)
	cols := []column{{8, "R"}, {42, "L"}, {12, "L"}, {19, "R"}, {21, "R"}, {24, "R"}, {24, "R"}, {30, "R"}}
	header := []cell{{text: l.ColNo}, {text: l.ColTitle}, {text: l.ColUnit}, {text: l.ColShipped}, {text: l.ColAccepted},
		{text: l.ColRejected}, {text: l.ColPrice}, {text: l.ColAcceptedAmount}}
	rows := make([][]cell, len(a.Lines))
	for i, ln := range a.Lines {
		var note string
		if ln.DefectReason != "" {
			note = l.DefectReason + ": " + ln.DefectReason
		}
		rows[i] = []cell{
			{text: strconv.Itoa(i + 1), fit: true}, {text: ln.Title, note: note}, {text: ln.Unit},
			{text: formatCount(a.Lang, ln.Shipped), fit: true},
			{text: formatCount(a.Lang, ln.Accepted), fit: true},
			{text: formatCount(a.Lang, ln.Rejected), fit: true},
			{text: formatAmount(a.Lang, ln.UnitPriceTiyn), fit: true},
			{text: formatAmount(a.Lang, ln.AcceptedAmountTiyn), fit: true},
		}
	}
	d.table(cols, header, rows)

	d.totals(
		[2]string{l.TotalAccepted, formatMoney(a.Lang, a.TotalAcceptedTiyn)},
		[2]string{l.DaysOverdue, strconv.Itoa(a.DaysOverdue)},
		[2]string{l.Penalty, formatMoney(a.Lang, a.PenaltyTiyn)},
	)
	d.paragraph(l.ActStatement)
	d.signatures(l.DeliveredBy, a.Producer, l.AcceptedBy, a.Buyer)
	return d
}
