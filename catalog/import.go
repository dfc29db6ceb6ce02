package catalog

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"time"

	"github.com/sheber-kz/sheber/accounts"
)

// ImportReport is what an import did, or, in a dry run, would do. When a row is bad
// nothing is done: the counts are zero and Errors lists every problem found (at most
// MaxImportErrors of them; TotalErrors counts them all).
type ImportReport struct {
	Created, Updated, Unchanged int
	DryRun                      bool
	Errors                      []ImportError
	TotalErrors                 int
}

// ListingPrice is a price point of one listing, for writing many at once.
type ListingPrice struct {
	ListingID int64
	PricePoint
}

// errDryRun rolls back the transaction of a dry run, which ran every step but the commit.
var errDryRun = errors.New("catalog: dry run")

// ImportListings creates and updates enterprise enterpriseID's listings from an import
// file (MaxImportBytes at most, MaxImportRows rows), matching rows to listings by external
// code. Every row is judged by the same rules as CreateListing's; if any row is bad,
// nothing changes and the report lists the problems by row and column, with an error of
// CodeInvalid. A row whose listing already holds the same content is left alone (its
// version stays); a changed one is updated, and its price history grows only when the
// price or the VAT flag changed. Imports of one enterprise run one at a time, so that two
// imports of overlapping files never create a listing twice. A dry run judges and counts
// but changes nothing.
func (s *Service) ImportListings(ctx context.Context, a accounts.Actor, enterpriseID int64, format ImportFormat, data []byte, dryRun bool) (ImportReport, error) {
	rep := ImportReport{DryRun: dryRun}
	if _, err := s.enterprise(ctx, a, accounts.ActionManage, enterpriseID); err != nil {
		return rep, err
	}
	if len(data) > MaxImportBytes {
		return rep, &accounts.Error{Code: accounts.CodeTooLarge, Message: fmt.Sprintf("the file is over %d MB: split it", MaxImportBytes>>20)}
	}
	var (
		recs []ImportRecord
		errs []ImportError
	)
	switch format {
	case ImportCSV:
		recs, errs = ParseCSV(data)
	case ImportJSONLines:
		recs, errs = ParseJSONLines(data)
	default:
		return rep, &accounts.Error{Code: accounts.CodeUnsupportedType, Message: "send CSV (text/csv) or JSON Lines (application/x-ndjson)"}
	}
	if errs != nil {
		return refuse(rep, errs)
	}
	rows, errs, err := s.importRows(ctx, enterpriseID, recs)
	if err != nil {
		return rep, err
	}
	if errs != nil {
		return refuse(rep, errs)
	}

	err = s.Store.InTx(ctx, func(tx Store) error {
		if err := tx.LockImports(ctx, enterpriseID); err != nil {
			return err
		}
		codes := make([]string, len(rows))
		for i, r := range rows {
			codes[i] = r.Input.ExternalCode
		}
		existing, err := tx.ListingsByExternalCode(ctx, enterpriseID, codes)
		if err != nil {
			return err
		}
		byCode := make(map[string]Listing, len(existing))
		for _, l := range existing {
			byCode[l.ExternalCode] = l
		}
		var (
			creates, updates []*Listing
			changedPrice     []*Listing // updated listings whose price or VAT changed
		)
		now := s.now()
		for _, r := range rows {
			old, found := byCode[r.Input.ExternalCode]
			if !found {
				l := &Listing{EnterpriseID: enterpriseID, Status: StatusDraft}
				l.apply(r.Input)
				l.SiteIDs = sortedIDs(l.SiteIDs)
				if r.Status == StatusPublished {
					l.Status, l.PublishedAt = StatusPublished, &now
				}
				creates = append(creates, l)
				continue
			}
			l, problem := importedListing(old, r, now)
			if problem != nil {
				errs = append(errs, *problem)
				continue
			}
			if reflect.DeepEqual(l, old) {
				rep.Unchanged++
				continue
			}
			updates = append(updates, &l)
			if l.PriceTiyn != old.PriceTiyn || l.VATIncluded != old.VATIncluded {
				changedPrice = append(changedPrice, &l)
			}
		}
		if errs != nil {
			return errRowsRefused
		}
		if err := tx.CreateListings(ctx, creates); err != nil {
			return err
		}
		if err := tx.UpdateListings(ctx, updates); err != nil {
			return err
		}
		prices := make([]ListingPrice, 0, len(creates)+len(changedPrice))
		for _, l := range append(creates, changedPrice...) {
			prices = append(prices, ListingPrice{ListingID: l.ID, PricePoint: PricePoint{PriceTiyn: l.PriceTiyn, VATIncluded: l.VATIncluded, From: l.UpdatedAt, ChangedBy: a.UserID}})
		}
		if err := tx.AddPricePoints(ctx, prices); err != nil {
			return err
		}
		rep.Created, rep.Updated = len(creates), len(updates)
		if dryRun {
			return errDryRun
		}
		return nil
	})
	switch {
	case errors.Is(err, errRowsRefused):
		return refuse(ImportReport{DryRun: dryRun}, errs)
	case errors.Is(err, errDryRun):
		return rep, nil
	case err != nil:
		return ImportReport{DryRun: dryRun}, err
	}
	return rep, nil
}

// errRowsRefused rolls back an import whose rows turned out bad against the stored listings.
var errRowsRefused = errors.New("catalog: rows refused")

// refuse is the answer to a file with bad rows: no counts, the problems, CodeInvalid.
func refuse(rep ImportReport, errs []ImportError) (ImportReport, error) {
	sortErrors(errs)
	rep.Created, rep.Updated, rep.Unchanged = 0, 0, 0
	rep.TotalErrors = len(errs)
	if len(errs) > MaxImportErrors {
		errs = errs[:MaxImportErrors]
	}
	rep.Errors = errs
	rows := map[int]bool{}
	for _, e := range errs {
		rows[e.Row] = true
	}
	return rep, &accounts.Error{Code: accounts.CodeInvalid, Message: "the file has problems; nothing was imported",
		Fields: map[string]string{"file": fmt.Sprintf("%d problem(s) in %d row(s)", rep.TotalErrors, len(rows))}}
}

// importRows converts and validates every record with the API's rules (ListingInput's
// validation), resolving site codes to the enterprise's sites.
func (s *Service) importRows(ctx context.Context, enterpriseID int64, recs []ImportRecord) ([]ImportRow, []ImportError, error) {
	cats, err := s.Store.Categories(ctx)
	if err != nil {
		return nil, nil, err
	}
	byCode := make(map[string]Category, len(cats))
	for _, c := range cats {
		byCode[c.Code] = c
	}
	sites, err := s.Directory.ProductionSites(ctx, enterpriseID)
	if err != nil {
		return nil, nil, err
	}
	own := make(map[int64]bool, len(sites))
	siteByCode := make(map[string]int64, len(sites))
	for _, site := range sites {
		own[site.ID] = true
		siteByCode[site.Code] = site.ID
	}
	var errs []ImportError
	rows := make([]ImportRow, 0, len(recs))
	firstRow := map[string]int{} // external code -> the row that has it
	for _, rec := range recs {
		row, rowErrs := ConvertRecord(rec)
		errs = append(errs, rowErrs...)
		if code := row.Input.ExternalCode; code != "" {
			if first, dup := firstRow[code]; dup {
				errs = append(errs, ImportError{Row: rec.Row, Column: "external_code", Message: fmt.Sprintf("row %d has the same code", first)})
			} else {
				firstRow[code] = rec.Row
			}
		}
		errs = append(errs, row.resolveSites(siteByCode, own)...)
		// A value that could not be read is reported once, not again by the validation
		// that sees its zero.
		unread := map[string]bool{}
		for _, e := range rowErrs {
			unread[e.Column] = true
		}
		for _, e := range row.validate(byCode, own) {
			if !unread[e.Column] {
				errs = append(errs, e)
			}
		}
		if len(errs) >= MaxImportErrors {
			break
		}
		rows = append(rows, row)
	}
	return rows, errs, nil
}

// resolveSites finds the sites a row names, by code first and then by ID.
func (r *ImportRow) resolveSites(byCode map[string]int64, own map[int64]bool) []ImportError {
	var errs []ImportError
	seen := map[int64]bool{}
	for _, ref := range r.SiteRefs {
		id, ok := byCode[ref]
		if !ok {
			if n, err := strconv.ParseInt(ref, 10, 64); err == nil && own[n] {
				id, ok = n, true
			}
		}
		switch {
		case !ok:
			errs = append(errs, ImportError{Row: r.Row, Column: "site_codes", Message: fmt.Sprintf("%q is not one of this enterprise's production sites", ref)})
		case seen[id]:
			errs = append(errs, ImportError{Row: r.Row, Column: "site_codes", Message: fmt.Sprintf("%q is listed twice", ref)})
		default:
			seen[id] = true
			r.Input.SiteIDs = append(r.Input.SiteIDs, id)
		}
	}
	return errs
}

// validate judges a row with the API's rules, naming the import's columns.
func (r *ImportRow) validate(cats map[string]Category, own map[int64]bool) []ImportError {
	var errs []ImportError
	add := func(err error) {
		var de *accounts.Error
		if !errors.As(err, &de) {
			return
		}
		for field, msg := range de.Fields {
			errs = append(errs, ImportError{Row: r.Row, Column: r.column(field), Message: msg})
		}
	}
	add(r.Input.check(cats, own))
	if r.Status == StatusPublished {
		l := Listing{SiteIDs: r.Input.SiteIDs}
		add(l.publishable())
	}
	sortErrors(errs)
	return errs
}

// check normalizes and validates the input, as CreateListing and UpdateListing do.
func (in *ListingInput) check(cats map[string]Category, own map[int64]bool) error {
	in.normalize()
	return in.validate(cats, own)
}

// importedListing is old with a row's content and status applied, or the problem that
// keeps the row from applying to it.
func importedListing(old Listing, r ImportRow, now time.Time) (Listing, *ImportError) {
	l := old
	l.apply(r.Input)
	l.SiteIDs = sortedIDs(l.SiteIDs)
	if r.Status != "" && r.Status != old.Status {
		if !CanMove(old.Status, r.Status) {
			return Listing{}, &ImportError{Row: r.Row, Column: "status", Message: fmt.Sprintf("the listing is %s and cannot become %s", old.Status, r.Status)}
		}
		l.Status = r.Status
		if r.Status == StatusPublished {
			l.PublishedAt = &now
		}
	}
	if l.Status == StatusPublished && len(l.SiteIDs) == 0 {
		return Listing{}, &ImportError{Row: r.Row, Column: "site_codes", Message: "a published listing needs at least one production site"}
	}
	return l, nil
}

// sortedIDs returns ids sorted (nil for none), as the store reads a listing's sites back.
func sortedIDs(ids []int64) []int64 {
	if len(ids) == 0 {
		return nil
	}
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}
