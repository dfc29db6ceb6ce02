package search

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/meilisearch/meilisearch-go"

	"github.com/sheber-kz/sheber/catalog"
)

// IndexUID is the Meilisearch index of published listings.
const IndexUID = "listings"

// Limits of the Meilisearch adapter.
const (
	TaskPollInterval = 50 * time.Millisecond // how often a task's status is polled
	TaskTimeout      = 30 * time.Second      // longest wait for one indexing task
	ReindexBatch     = 1000                  // documents per request of a full reindex
)

// document is a listing as the index holds it. Field names are the index's attributes:
// changing one needs `sheber search setup` and `sheber search reindex`.
type document struct {
	ID             int64    `json:"id"`
	Title          string   `json:"title"` // folded by catalog.Fold, as PostgreSQL's search_title
	Body           string   `json:"body"`
	TitleRU        string   `json:"title_ru"`
	TitleKK        string   `json:"title_kk"`
	TitleEN        string   `json:"title_en"`
	Category       string   `json:"category"`      // the listing's own category: the category facet
	CategoryPath   []string `json:"category_path"` // with its ancestors: the category filter
	Regions        []string `json:"regions"`
	InstitutionIDs []int64  `json:"institution_ids"`
	EnterpriseID   int64    `json:"enterprise_id"`
	PriceTiyn      int64    `json:"price_tiyn"`
	InStock        bool     `json:"in_stock"`
	LeadTimeDays   int      `json:"lead_time_days"`
	Status         string   `json:"status"`
	PublishedAt    int64    `json:"published_at"` // Unix milliseconds, sortable
}

func toDocument(d catalog.SearchDocument) document {
	doc := document{ID: d.ID, Title: d.Title, Body: d.Body, TitleRU: d.Titles.RU, TitleKK: d.Titles.KK, TitleEN: d.Titles.EN,
		CategoryPath: d.CategoryPath, Regions: d.Regions, InstitutionIDs: d.InstitutionIDs, EnterpriseID: d.EnterpriseID,
		PriceTiyn: d.PriceTiyn, InStock: d.InStock, LeadTimeDays: d.LeadTimeDays, Status: string(d.Status),
		PublishedAt: d.PublishedAt.UnixMilli()}
	if len(d.CategoryPath) > 0 {
		doc.Category = d.CategoryPath[0]
	}
	if doc.CategoryPath == nil {
		doc.CategoryPath = []string{}
	}
	if doc.Regions == nil {
		doc.Regions = []string{}
	}
	if doc.InstitutionIDs == nil {
		doc.InstitutionIDs = []int64{}
	}
	return doc
}

// Settings are the listings index's settings: the folded title before the folded body,
// the filters and sorts the catalog's queries use, one typo from five letters and two
// from nine, synonyms (folded, as the text is), and exact facet totals up to every page
// a query may reach.
func Settings() *meilisearch.Settings {
	return &meilisearch.Settings{
		SearchableAttributes: []string{"title", "body"},
		FilterableAttributes: []string{"category", "category_path", "regions", "institution_ids", "enterprise_id",
			"price_tiyn", "in_stock", "lead_time_days", "status"},
		SortableAttributes: []string{"price_tiyn", "published_at", "id"}, // id breaks ties, newest first
		TypoTolerance: &meilisearch.TypoTolerance{Enabled: true,
			MinWordSizeForTypos: meilisearch.MinWordSizeForTypos{OneTypo: 5, TwoTypos: 9},
			DisableOnWords:      []string{}, DisableOnAttributes: []string{}},
		Synonyms:   foldedSynonyms(),
		Pagination: &meilisearch.Pagination{MaxTotalHits: catalog.MaxPage * catalog.MaxPerPage},
		Faceting:   &meilisearch.Faceting{MaxValuesPerFacet: MaxFacetValues, SortFacetValuesBy: map[string]meilisearch.SortFacetType{"*": meilisearch.SortFacetTypeCount}},
	}
}

// MaxFacetValues bounds the values Meilisearch counts per facet (there are 22 categories
// and 20 regions; enterprises beyond this are not counted).
const MaxFacetValues = 200

// synonymGroups are words buyers use for the same goods; each word of a group finds the
// others.
var synonymGroups = [][]string{
	{"парта", "стол ученический"},
	{"скамья", "скамейка", "лавка"},
	{"шанырак", "shanyraq"},
	{"урна", "мусорный бак"},
	{"беседка", "павильон"},
}

func foldedSynonyms() map[string][]string {
	out := map[string][]string{}
	for _, g := range synonymGroups {
		for _, w := range g {
			fw := catalog.Fold(w)
			for _, o := range g {
				if fo := catalog.Fold(o); fo != fw && !contains(out[fw], fo) {
					out[fw] = append(out[fw], fo)
				}
			}
		}
	}
	return out
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// Index is the listings index; it implements catalog.SearchIndex.
type Index struct {
	engine *Engine
	uid    string
}

var _ catalog.SearchIndex = (*Index)(nil)

// Index returns the listings index (IndexUID).
func (e *Engine) Index() *Index { return &Index{engine: e, uid: IndexUID} }

// wait waits for the enqueued task and turns its failure into an error. A task that
// failed, or a request refused as malformed or too large (400, 413), is
// catalog.ErrIndexRejected: Meilisearch saw what it was sent and said no.
func (e *Engine) wait(ctx context.Context, info *meilisearch.TaskInfo, err error) error {
	if err != nil {
		var me *meilisearch.Error
		if errors.As(err, &me) && (me.StatusCode == http.StatusBadRequest || me.StatusCode == http.StatusRequestEntityTooLarge) {
			return fmt.Errorf("search: %w: %w", catalog.ErrIndexRejected, err)
		}
		return fmt.Errorf("search: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, TaskTimeout)
	defer cancel()
	task, err := e.client.WaitForTaskWithContext(ctx, info.TaskUID, TaskPollInterval)
	if err != nil {
		return fmt.Errorf("search: task %d: %w", info.TaskUID, err)
	}
	if task.Status != meilisearch.TaskStatusSucceeded {
		err := fmt.Errorf("search: task %d %s: %s (%s)", task.UID, task.Status, task.Error.Message, task.Error.Code)
		if task.Status == meilisearch.TaskStatusFailed {
			err = fmt.Errorf("%w: %w", err, catalog.ErrIndexRejected)
		}
		return err
	}
	return nil
}

// Upsert implements catalog.SearchIndex.
func (ix *Index) Upsert(ctx context.Context, docs []catalog.SearchDocument) error {
	out := make([]document, len(docs))
	for i, d := range docs {
		out[i] = toDocument(d)
	}
	pk := "id"
	info, err := ix.engine.client.Index(ix.uid).AddDocumentsWithContext(ctx, out, &meilisearch.DocumentOptions{PrimaryKey: &pk})
	return ix.engine.wait(ctx, info, err)
}

// Delete implements catalog.SearchIndex.
func (ix *Index) Delete(ctx context.Context, ids []int64) error {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatInt(id, 10)
	}
	info, err := ix.engine.client.Index(ix.uid).DeleteDocumentsWithContext(ctx, s, nil)
	return ix.engine.wait(ctx, info, err)
}

// Setup creates the listings index if it is missing and applies Settings.
func (e *Engine) Setup(ctx context.Context) error {
	return e.setup(ctx, IndexUID)
}

func (e *Engine) setup(ctx context.Context, uid string) error {
	if err := e.createIndex(ctx, uid); err != nil {
		return err
	}
	info, err := e.client.Index(uid).UpdateSettingsWithContext(ctx, Settings())
	return e.wait(ctx, info, err)
}

// createIndex creates index uid; one that exists already is no error.
func (e *Engine) createIndex(ctx context.Context, uid string) error {
	info, err := e.client.CreateIndexWithContext(ctx, &meilisearch.IndexConfig{Uid: uid, PrimaryKey: "id"})
	err = e.wait(ctx, info, err)
	if err != nil && !strings.Contains(err.Error(), "index_already_exists") {
		return err
	}
	return nil
}

// DocumentSource is what a reindex reads from the system of record.
type DocumentSource interface {
	// PublishedSearchDocuments returns at most limit documents with IDs above after,
	// ascending.
	PublishedSearchDocuments(ctx context.Context, after int64, limit int) ([]catalog.SearchDocument, error)
	// RequeueSearchChanges queues ids in the search outbox, so that the worker delivers
	// their documents as they are then.
	RequeueSearchChanges(ctx context.Context, ids []int64) error
}

// ReindexReport says what a reindex did.
type ReindexReport struct {
	Indexed  int // documents put into the fresh index
	Requeued int // listings that changed while it ran, queued again for the worker
}

// Reindex rebuilds the listings index from src without downtime: it fills a new index
// with the settings, swaps it with the live one (POST /swap-indexes, atomic for
// searches), then deletes the old one.
//
// Changes committed while it runs are not lost. The worker keeps delivering them to the
// live index, the one about to be swapped out, and the fresh index may hold a listing as
// it was before the change. So once the swap is done, Reindex reads every document again
// and compares it with what it indexed (a SHA-256 of the document): each listing that
// differs, appeared or went is queued in the search outbox again, and the worker brings
// the new live index up to date. Every change that committed before the second read is
// either seen by it or still queued (a delivery to the old index happened before the swap,
// hence before the second read); every later one is queued by its own transaction. The
// second pass only queues: writing to the live index itself could overwrite a newer
// document the worker delivered meanwhile.
func (e *Engine) Reindex(ctx context.Context, src DocumentSource, now time.Time) (ReindexReport, error) {
	var rep ReindexReport
	if err := e.createIndex(ctx, IndexUID); err != nil { // swap needs both to exist
		return rep, err
	}
	fresh := fmt.Sprintf("%s_%d", IndexUID, now.UnixNano())
	if err := e.setup(ctx, fresh); err != nil {
		return rep, err
	}
	ix := &Index{engine: e, uid: fresh}
	indexed := map[int64][sha256.Size]byte{}
	err := eachDocument(ctx, src, func(docs []catalog.SearchDocument) error {
		if err := ix.Upsert(ctx, docs); err != nil {
			return err
		}
		for _, d := range docs {
			indexed[d.ID] = digest(d)
		}
		rep.Indexed += len(docs)
		return nil
	})
	if err != nil {
		return rep, err
	}
	info, err := e.client.SwapIndexesWithContext(ctx, []*meilisearch.SwapIndexesParams{{Indexes: []string{IndexUID, fresh}}})
	if err := e.wait(ctx, info, err); err != nil {
		return rep, err
	}
	var changed []int64
	err = eachDocument(ctx, src, func(docs []catalog.SearchDocument) error {
		for _, d := range docs {
			if h, ok := indexed[d.ID]; !ok || h != digest(d) {
				changed = append(changed, d.ID)
			}
			delete(indexed, d.ID)
		}
		return nil
	})
	if err != nil {
		return rep, fmt.Errorf("search: reindex swapped in, but the check for changes made meanwhile failed (run it again): %w", err)
	}
	for id := range indexed { // indexed, no longer published
		changed = append(changed, id)
	}
	slices.Sort(changed)
	for start := 0; start < len(changed); start += ReindexBatch {
		batch := changed[start:min(start+ReindexBatch, len(changed))]
		if err := src.RequeueSearchChanges(ctx, batch); err != nil {
			return rep, fmt.Errorf("search: reindex swapped in, but queueing %d listings changed meanwhile failed (run it again): %w", len(changed), err)
		}
		rep.Requeued += len(batch)
	}
	info, err = e.client.DeleteIndexWithContext(ctx, fresh) // now the old documents
	return rep, e.wait(ctx, info, err)
}

// eachDocument pages through src's published documents, ReindexBatch at a time.
func eachDocument(ctx context.Context, src DocumentSource, fn func([]catalog.SearchDocument) error) error {
	var after int64
	for {
		docs, err := src.PublishedSearchDocuments(ctx, after, ReindexBatch)
		if err != nil || len(docs) == 0 {
			return err
		}
		if err := fn(docs); err != nil {
			return err
		}
		after = docs[len(docs)-1].ID
	}
}

// digest identifies a document's content as the index holds it.
func digest(d catalog.SearchDocument) [sha256.Size]byte {
	b, _ := json.Marshal(toDocument(d)) // plain fields: it cannot fail
	return sha256.Sum256(b)
}
