package catalog

import (
	"context"
	"errors"
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
	// SearchStuckAttempts is the number of failed deliveries from which a listing counts
	// as stuck (about 40 min of retries): /readyz reports the portal degraded while any is.
	SearchStuckAttempts = 10
)

// ErrIndexRejected marks a SearchIndex error for documents the engine received and
// refused (a failed task, a refused payload), as opposed to an engine that could not be
// asked. Retrying the same batch gets the same answer, so the delivery splits it.
var ErrIndexRejected = errors.New("catalog: the search engine rejected the documents")

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
// Its errors wrap ErrIndexRejected when the engine refused what it was sent.
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
	// StuckSearchChanges counts the queued listings that failed at least minAttempts
	// deliveries in a row.
	StuckSearchChanges(ctx context.Context, minAttempts int) (int, error)
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
// rest. It returns how many changes it delivered (0: nothing was due, or the batch
// failed). The outcome is recorded even when ctx ends, so a lease is never left to
// expire for nothing.
//
// A failed batch waits with exponential back-off. But when the engine rejected it (a
// document it refuses: ErrIndexRejected), retrying the batch would keep every other
// listing in it waiting behind that one for good; so each listing is then delivered on
// its own, the others complete, and only the rejected ones back off, each logged with
// its listing ID (a warning, an error from SearchStuckAttempts on).
func DeliverSearchChanges(ctx context.Context, outbox SearchOutbox, index SearchIndex, now time.Time, logger *slog.Logger) (int, error) {
	if logger == nil {
		logger = slog.Default()
	}
	changes, err := outbox.ClaimSearchChanges(ctx, now, SearchOutboxBatch, SearchOutboxLease)
	if err != nil || len(changes) == 0 {
		return 0, err
	}
	record := context.WithoutCancel(ctx)
	err = deliverSearchBatch(ctx, outbox, index, changes)
	if err == nil {
		return len(changes), outbox.CompleteSearchChanges(record, changes)
	}
	if !errors.Is(err, ErrIndexRejected) || len(changes) == 1 {
		return 0, failSearchChanges(record, outbox, changes, err, now, logger)
	}
	// One by one: the rejected listings are set aside, the rest delivered.
	var delivered []SearchChange
	for i, c := range changes {
		derr := deliverSearchBatch(ctx, outbox, index, []SearchChange{c})
		switch {
		case derr == nil:
			delivered = append(delivered, c)
			continue
		case errors.Is(derr, ErrIndexRejected):
			if ferr := failSearchChanges(record, outbox, []SearchChange{c}, derr, now, logger); !errors.Is(ferr, derr) {
				return 0, ferr
			}
			continue
		}
		// The engine cannot be asked any more (or ctx ended): the rest wait together.
		err = failSearchChanges(record, outbox, changes[i:], derr, now, logger)
		break
	}
	if len(delivered) > 0 {
		if cerr := outbox.CompleteSearchChanges(record, delivered); cerr != nil {
			return 0, cerr
		}
	}
	if !errors.Is(err, ErrIndexRejected) {
		return len(delivered), err
	}
	return len(delivered), nil
}

// failSearchChanges records a failed delivery of changes, to be retried after the
// back-off, and returns cause (or the error of recording it). A rejection is logged per
// listing, so that the one the engine refuses is named; an engine that cannot be asked
// is the caller's to log, once.
func failSearchChanges(ctx context.Context, outbox SearchOutbox, changes []SearchChange, cause error, now time.Time, logger *slog.Logger) error {
	rejected := errors.Is(cause, ErrIndexRejected)
	next := make([]time.Time, len(changes))
	for i, c := range changes {
		d := SearchRetryDelay(c.Attempts + 1)
		next[i] = now.Add(d)
		if !rejected {
			continue
		}
		level := slog.LevelWarn
		if c.Attempts+1 >= SearchStuckAttempts {
			level = slog.LevelError
		}
		logger.Log(ctx, level, "search engine rejected a listing's document; retrying later", slog.Int64("listing_id", c.ListingID),
			slog.Int("attempts", c.Attempts+1), slog.Duration("retry_in", d), slog.Any("error", cause))
	}
	if err := outbox.FailSearchChanges(ctx, changes, cause.Error(), next); err != nil {
		return fmt.Errorf("catalog: record a failed search delivery (%v): %w", cause, err)
	}
	return cause
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
