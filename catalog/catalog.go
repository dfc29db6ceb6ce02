// Package catalog is the domain of what producers list: the category tree and the
// listings of producer enterprises (titles in three languages, attributes, price in tiyn
// with its history, lead time, labour hours, stock, the production sites that make the
// goods, status). It depends on accounts only; its store is an adapter under storage/.
//
// Who may do what is decided by accounts.Authorize: published listings are public; drafts
// and archived listings are seen only by the owning enterprise (and oversight), and only its
// producer managers and admins edit. Edits are optimistic: each carries the version it was
// based on, and a stale one is refused with the current version.
package catalog

import (
	"context"

	"github.com/sheber-kz/sheber/accounts"
)

// Category is one node of the category tree. Codes are stable identifiers used in URLs,
// imports and the database.
type Category struct {
	Code       string
	ParentCode string // "" for a top-level category
	Name       accounts.Text
	Position   int // order among its siblings
	// WorkshopKind is the workshop that usually makes the category's goods.
	WorkshopKind accounts.WorkshopKind
}

// Store persists the catalog. Methods return an *accounts.Error with CodeNotFound for a
// missing row and CodeConflict when a unique rule or an expected version is broken.
type Store interface {
	// InTx runs fn with a Store bound to one transaction.
	InTx(ctx context.Context, fn func(Store) error) error
	// Categories returns the whole tree, parents before children, siblings by position.
	Categories(ctx context.Context) ([]Category, error)
	// CreateListing inserts l with its sites and sets its ID, Version (1) and timestamps.
	// Returns CodeInvalid if a site is not the enterprise's, CodeConflict if the
	// enterprise already has a listing with l's external code.
	CreateListing(ctx context.Context, l *Listing) error
	// Listing returns the listing with id.
	Listing(ctx context.Context, id int64) (Listing, error)
	// UpdateListing stores l (all fields and sites) if the stored version is still
	// expectedVersion, then sets l.Version to the next version and l.UpdatedAt. Returns
	// CodeConflict if the stored version differs, CodeNotFound if there is no such listing.
	UpdateListing(ctx context.Context, l *Listing, expectedVersion int) error
	// EnterpriseListings returns an enterprise's newest listings, at most limit of them;
	// status "" means every status.
	EnterpriseListings(ctx context.Context, enterpriseID int64, status Status, limit int) ([]Listing, error)
	// AddPricePoint appends to a listing's price history.
	AddPricePoint(ctx context.Context, listingID int64, p PricePoint) error
	// PriceHistory returns a listing's prices, oldest first.
	PriceHistory(ctx context.Context, listingID int64) ([]PricePoint, error)

	// LockImports holds enterprise enterpriseID's import lock until the transaction ends,
	// waiting for an import that holds it: imports of one enterprise run one at a time.
	// It must be called inside InTx.
	LockImports(ctx context.Context, enterpriseID int64) error
	// ListingsByExternalCode returns the enterprise's listings that have one of codes,
	// locked against other changes until the transaction ends.
	ListingsByExternalCode(ctx context.Context, enterpriseID int64, codes []string) ([]Listing, error)
	// CreateListings inserts many listings, as CreateListing does each, in batches
	// rather than a round trip per listing.
	CreateListings(ctx context.Context, ls []*Listing) error
	// UpdateListings stores many listings, as UpdateListing does each, expecting each
	// stored version to be still l.Version. Returns CodeConflict if one moved.
	UpdateListings(ctx context.Context, ls []*Listing) error
	// AddPricePoints appends to many listings' price histories at once.
	AddPricePoints(ctx context.Context, points []ListingPrice) error
	// Listing, EnterpriseListings and the search fill each listing's Images and Documents.
	MediaStore
}

// Directory is what the catalog needs to know of organizations; accounts.Store has it.
type Directory interface {
	// Organization returns the organization with id (CodeNotFound if none).
	Organization(ctx context.Context, id int64) (accounts.Organization, error)
	// ProductionSites returns the sites an enterprise operates.
	ProductionSites(ctx context.Context, enterpriseID int64) ([]accounts.ProductionSite, error)
}
