package catalog

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/sheber-kz/sheber/accounts"
)

// Limits of the search outbox, which keeps a search engine's index (Meilisearch) in step
// with the listings.
const (
	SearchOutboxBatch    = 100                    // listings delivered per round trip to the index
	SearchOutboxLease    = 2 * time.Minute        // how long a claimed batch is hidden from other workers
	SearchRetryBaseDelay = 5 * time.Second        // the first retry after a failed delivery
	SearchRetryMaxDelay  = 30 * time.Minute       // back-off doubles up to this
	SearchQueryTimeout   = 300 * time.Millisecond // a query's deadline on the primary engine before the fallback answers
)

// SearchDocument is what a search index holds of one published listing: the text as Fold
// folds it and the fields queries filter, facet and sort on.
type SearchDocument struct {
	ID             int64
	Title          string        // folded titles in every language
	Body           string        // folded descriptions, material, colour and standard
	Titles         accounts.Text // the titles as written, for suggestions
	CategoryPath   []string      // the listing's category and its ancestors
	Regions        []string      // regions of the institutions of the listing's sites
	InstitutionIDs []int64
	EnterpriseID   int64
	PriceTiyn      int64
	InStock        bool
	LeadTimeDays   int
	Status         Status
	PublishedAt    time.Time
}

// SearchIndex is a search engine's index of published listings.
type SearchIndex interface {
	// Upsert adds docs or replaces the documents with their IDs; it returns once the
	// engine has applied them.
	Upsert(ctx context.Context, docs []SearchDocument) error
	// Delete removes the documents of ids (missing ones are no error).
	Delete(ctx context.Context, ids []int64) error
}

// SearchChange is one queued listing claimed from the search outbox.
type SearchChange struct {
	ListingID int64
	Seq       int64 // the change's sequence number when claimed
	Attempts  int   // failed deliveries so far
}

// SearchOutbox is the durable queue of listings whose index documents are out of date.
// Changes are queued by the database itself, in the transaction of the change.
type SearchOutbox interface {
	// ClaimSearchChanges leases at most limit due changes until now+lease: no other
	// claim returns them before then.
	ClaimSearchChanges(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]SearchChange, error)
	// SearchDocuments returns the documents of the published listings among ids; the
	// others (drafts, archived, deleted) are absent.
	SearchDocuments(ctx context.Context, ids []int64) ([]SearchDocument, error)
	// CompleteSearchChanges removes the delivered changes whose listing has not changed
	// again since the claim, and releases the lease of the others for the next round.
	CompleteSearchChanges(ctx context.Context, changes []SearchChange) error
	// FailSearchChanges records a failed delivery: each change counts one more attempt
	// and waits until its next attempt time.
	FailSearchChanges(ctx context.Context, changes []SearchChange, cause string, next []time.Time) error
}

// SearchRetryDelay is the wait after a listing's attempts-th failed delivery: doubling
// from SearchRetryBaseDelay up to SearchRetryMaxDelay. A listing is retried until it is
// delivered: the index must converge.
func SearchRetryDelay(attempts int) time.Duration {
	d := SearchRetryBaseDelay
	for i := 1; i < attempts && d < SearchRetryMaxDelay; i++ {
		d *= 2
	}
	return min(d, SearchRetryMaxDelay)
}

// DeliverSearchChanges runs one delivery round: it claims a batch of due changes, reads
// the listings as they are now, upserts the published ones into index and deletes the
// rest. It returns how many changes it delivered (0: nothing was due). The outcome is
// recorded even when ctx ends, so a lease is never left to expire for nothing.
func DeliverSearchChanges(ctx context.Context, outbox SearchOutbox, index SearchIndex, now time.Time) (int, error) {
	changes, err := outbox.ClaimSearchChanges(ctx, now, SearchOutboxBatch, SearchOutboxLease)
	if err != nil || len(changes) == 0 {
		return 0, err
	}
	record := context.WithoutCancel(ctx)
	if err := deliverSearchBatch(ctx, outbox, index, changes); err != nil {
		next := make([]time.Time, len(changes))
		for i, c := range changes {
			next[i] = now.Add(SearchRetryDelay(c.Attempts + 1))
		}
		if ferr := outbox.FailSearchChanges(record, changes, err.Error(), next); ferr != nil {
			return 0, fmt.Errorf("catalog: record a failed search delivery (%v): %w", err, ferr)
		}
		return 0, err
	}
	if err := outbox.CompleteSearchChanges(record, changes); err != nil {
		return 0, err
	}
	return len(changes), nil
}

func deliverSearchBatch(ctx context.Context, outbox SearchOutbox, index SearchIndex, changes []SearchChange) error {
	ids := make([]int64, len(changes))
	for i, c := range changes {
		ids[i] = c.ListingID
	}
	docs, err := outbox.SearchDocuments(ctx, ids)
	if err != nil {
		return err
	}
	published := make(map[int64]bool, len(docs))
	for _, d := range docs {
		published[d.ID] = true
	}
	var gone []int64
	for _, id := range ids {
		if !published[id] {
			gone = append(gone, id)
		}
	}
	if len(docs) > 0 {
		if err := index.Upsert(ctx, docs); err != nil {
			return fmt.Errorf("catalog: index %d listings: %w", len(docs), err)
		}
	}
	if len(gone) > 0 {
		if err := index.Delete(ctx, gone); err != nil {
			return fmt.Errorf("catalog: remove %d listings from the index: %w", len(gone), err)
		}
	}
	return nil
}

// FallbackSearcher asks Primary (Meilisearch) first, giving each query Timeout (
// SearchQueryTimeout when zero); when it fails or is too slow, Fallback (PostgreSQL)
// answers and the failure is logged. A visitor gets results while the engine is down.
type FallbackSearcher struct {
	Primary, Fallback Searcher
	Timeout           time.Duration
	Logger            *slog.Logger // nil: slog.Default()
}

var _ Searcher = (*FallbackSearcher)(nil)

func (f *FallbackSearcher) timeout() time.Duration {
	if f.Timeout > 0 {
		return f.Timeout
	}
	return SearchQueryTimeout
}

func (f *FallbackSearcher) fellBack(ctx context.Context, op string, err error) {
	l := f.Logger
	if l == nil {
		l = slog.Default()
	}
	l.WarnContext(ctx, "search engine failed; answering from the fallback", slog.String("op", op), slog.Any("error", err))
}

// Search implements Searcher.
func (f *FallbackSearcher) Search(ctx context.Context, q SearchQuery) (SearchResult, error) {
	pctx, cancel := context.WithTimeout(ctx, f.timeout())
	res, err := f.Primary.Search(pctx, q)
	cancel()
	if err == nil {
		return res, nil
	}
	if ctx.Err() != nil { // the caller gave up: no point asking the fallback
		return SearchResult{}, ctx.Err()
	}
	f.fellBack(ctx, "search", err)
	return f.Fallback.Search(ctx, q)
}

// Suggest implements Searcher.
func (f *FallbackSearcher) Suggest(ctx context.Context, prefix string, limit int) ([]Suggestion, error) {
	pctx, cancel := context.WithTimeout(ctx, f.timeout())
	res, err := f.Primary.Suggest(pctx, prefix, limit)
	cancel()
	if err == nil {
		return res, nil
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	f.fellBack(ctx, "suggest", err)
	return f.Fallback.Suggest(ctx, prefix, limit)
}
