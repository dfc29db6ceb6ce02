// Package pdf renders the documents of an order as PDF: the order confirmation and the
// delivery acceptance act (akt priema-peredachi), in Russian, Kazakh or English.
//
// It is a rendering package beside its domain, like catalog/imaging: its input is plain
// structs that the caller fills from the order, so that orders, api and frontend can all call
// it; it imports no project package but accounts (for the error type). Text is set in DejaVu
// Sans, embedded in the binary (github.com/go-fonts/dejavu, Bitstream Vera/DejaVu licence),
// which has every Cyrillic letter of Russian and Kazakh (ӘәҒғҚқҢңӨөҰұҮүҺһІі); the PDF carries a
// subset of the font and a ToUnicode map, so the letters print, copy and search correctly.
// Layout is done by codeberg.org/go-pdf/fpdf.
//
// The same input always gives the same bytes: the document's creation date is its IssuedAt
// and nothing else of the moment of rendering goes in.
package pdf

import (
	"io"
	"time"
)

// Limits of a document. The README lists them too.
const (
	// MaxLines bounds the table of a document: an order of 1,000 lines is about 40 pages.
	MaxLines = 1000
	// MaxTextLength bounds every free text (titles, names, addresses, reasons), in characters.
	MaxTextLength = 500
	// MaxLegalBasisLength bounds the legal basis of the procurement route, in characters.
	MaxLegalBasisLength = 2000
	// MaxNumberLength bounds a document's or an order's number, in characters.
	MaxNumberLength = 64
	// MaxWaybills bounds the waybill numbers named in an acceptance act.
	MaxWaybills = 100
	// MaxQuantity bounds a line's quantity (shipped, accepted, rejected).
	MaxQuantity = 1_000_000_000
	// MaxAmountTiyn bounds every amount, a line's and the total: 10 trillion tenge.
	MaxAmountTiyn = 1_000_000_000_000_000
	// MaxDaysOverdue bounds the days an act says the delivery was late.
	MaxDaysOverdue = 36_500
	// MaxConcurrentRenders bounds the documents rendered at once in a process: each parses
	// both font faces and allocates about 20 MB (40 MB for 300 lines).
	MaxConcurrentRenders = 4
)

// renderSlots holds a slot for each document being rendered.
var renderSlots = make(chan struct{}, MaxConcurrentRenders)

// Party is a side of a document: the buyer organization or the producer enterprise.
type Party struct {
	Name    string // required
	BIN     string // required: twelve digits with a valid check digit
	Address string
	Region  string // the region's name in the document's language
}

// Line is one line of an order confirmation. AmountTiyn must be Quantity × UnitPriceTiyn.
type Line struct {
	Title, Unit   string // already in the document's language; both required
	Quantity      int64  // at least 1
	UnitPriceTiyn int64
	AmountTiyn    int64
	VATIncluded   bool // the price includes VAT
}

// OrderConfirmation is the order as the producer confirms it. TotalTiyn must be the sum of
// the lines' amounts, and VATTiyn (the VAT the total includes) at most the total: a
// document whose figures do not add up is refused, not printed.
type OrderConfirmation struct {
	Lang                        string // "ru", "kk" or "en": labels and formatting
	Number                      string // e.g. "SH-2026-000042"; required
	IssuedAt                    time.Time
	Buyer, Producer             Party
	Site                        string // production site and institution, one line
	Lines                       []Line
	TotalTiyn, VATTiyn          int64
	DeliveryAddress             string    // required
	RequestedDate, PromisedDate time.Time // dates (zero: not set)
	BudgetLine                  string    // "code — name"
	ProcurementRoute            string
	LegalBasis                  string
}

// ActLine is one line of an acceptance act. Accepted + Rejected may not exceed Shipped; a
// rejected quantity needs a DefectReason; AcceptedAmountTiyn must be Accepted ×
// UnitPriceTiyn.
type ActLine struct {
	Title, Unit                 string
	Shipped, Accepted, Rejected int64
	DefectReason                string
	UnitPriceTiyn               int64
	AcceptedAmountTiyn          int64
}

// AcceptanceAct is the delivery acceptance act (akt priema-peredachi): what the producer
// delivered and the buyer accepted or rejected. TotalAcceptedTiyn must be the sum of the
// lines' accepted amounts.
type AcceptanceAct struct {
	Lang, Number, OrderNumber   string // Number and OrderNumber required
	IssuedAt                    time.Time
	Buyer, Producer             Party
	Site                        string
	Lines                       []ActLine
	Waybills                    []string
	PromisedDate, DeliveredDate time.Time // zero: not set
	DaysOverdue                 int
	PenaltyTiyn                 int64 // the late-delivery penalty, computed by the caller
	TotalAcceptedTiyn           int64
}

// WriteOrderConfirmation writes the order confirmation d as a PDF to w. Bad input is an
// *accounts.Error of CodeInvalid whose Fields name the offending fields ("number",
// "lines[3].quantity", ...); then nothing is written. A failure of w is returned as is.
// At most MaxConcurrentRenders documents are laid out at once; a call waits for a slot
// (the slot is given back before the document is written to w, so a slow reader holds
// none).
func WriteOrderConfirmation(w io.Writer, d OrderConfirmation) error {
	if err := d.validate(); err != nil {
		return err
	}
	doc, err := rendered(func() *document { return renderOrderConfirmation(d.cleaned()) })
	if err != nil {
		return err
	}
	return doc.f.Output(w)
}

// WriteAcceptanceAct writes the acceptance act d as a PDF to w, with the same contract as
// WriteOrderConfirmation.
func WriteAcceptanceAct(w io.Writer, d AcceptanceAct) error {
	if err := d.validate(); err != nil {
		return err
	}
	doc, err := rendered(func() *document { return renderAcceptanceAct(d.cleaned()) })
	if err != nil {
		return err
	}
	return doc.f.Output(w)
}
