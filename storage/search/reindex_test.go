package search_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sheber-kz/sheber/catalog"
	"github.com/sheber-kz/sheber/storage/search"
)

// hookedSource is the real outbox as a reindex's source, running afterFirstPage once,
// right after the reindex has read its first page of documents.
type hookedSource struct {
	search.DocumentSource
	once           sync.Once
	afterFirstPage func()
}

func (h *hookedSource) PublishedSearchDocuments(ctx context.Context, after int64, limit int) ([]catalog.SearchDocument, error) {
	docs, err := h.DocumentSource.PublishedSearchDocuments(ctx, after, limit)
	h.once.Do(h.afterFirstPage)
	return docs, err
}

// drain delivers the search outbox to index until nothing is due, as `sheber worker` does.
func drain(t *testing.T, w searchWorld, index catalog.SearchIndex) {
	t.Helper()
	for {
		// A day ahead: entries backed off after a failed delivery (one that met a swap, say)
		// are due too, as they will be once their back-off ends.
		n, err := catalog.DeliverSearchChanges(testCtx(t), w.outbox, index, time.Now().UTC().Add(24*time.Hour), nil)
		if err != nil {
			t.Fatalf("DeliverSearchChanges: %v", err)
		}
		if n == 0 {
			return
		}
	}
}

func liveDoc(t *testing.T, fake *fakeEngine, id int64) (map[string]any, bool) {
	t.Helper()
	raw, ok := fake.docs(search.IndexUID)[fmt.Sprint(id)]
	if !ok {
		return nil, false
	}
	var d map[string]any
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	return d, true
}

// Changes committed while a reindex runs, after it has read the listings they touch,
// reach the index that ends up live: the worker delivers them to the old index (which
// the swap then throws away), so the reindex finds them by reading the documents again
// after the swap and queues them for the worker once more.
func TestReindexKeepsChangesMadeMeanwhile(t *testing.T) {
	fake, srv := newFakeEngine(t, "k")
	e := search.Open(srv.URL, "k")
	defer e.Close()
	ctx := testCtx(t)
	if err := e.Setup(ctx); err != nil {
		t.Fatal(err)
	}
	w := newSearchWorld(t, e.Index())
	const newTitle = "Парта регулируемая"
	src := &hookedSource{DocumentSource: w.outbox, afterFirstPage: func() {
		desk, err := w.store.Listing(ctx, w.ids["desk"])
		if err != nil {
			t.Fatal(err)
		}
		desk.Title.RU = newTitle
		if err := w.store.UpdateListing(ctx, &desk, desk.Version); err != nil {
			t.Fatal(err)
		}
		bench, err := w.store.Listing(ctx, w.ids["bench"])
		if err != nil {
			t.Fatal(err)
		}
		bench.Status = catalog.StatusArchived
		if err := w.store.UpdateListing(ctx, &bench, bench.Version); err != nil {
			t.Fatal(err)
		}
		drain(t, w, e.Index()) // the worker keeps going: into the live index of now
	}}
	rep, err := e.Reindex(ctx, src, time.Now())
	if err != nil {
		t.Fatalf("Reindex: %v", err)
	}
	if rep.Indexed != 4 || rep.Requeued != 2 {
		t.Errorf("Reindex = %+v; want 4 indexed (as read before the changes), 2 requeued", rep)
	}
	// Swapped in: the fresh index holds what the reindex read, from before the changes.
	if d, _ := liveDoc(t, fake, w.ids["desk"]); d["title_ru"] == newTitle {
		t.Fatal("the test's change came too early: the reindex read it already")
	}
	drain(t, w, e.Index())
	d, ok := liveDoc(t, fake, w.ids["desk"])
	if !ok || d["title_ru"] != newTitle || d["title"] != catalog.Fold(newTitle+" Оқушы партасы") {
		t.Errorf("live desk document %v; want the title changed during the reindex", d)
	}
	if _, ok := liveDoc(t, fake, w.ids["bench"]); ok {
		t.Error("the bench archived during the reindex is still in the live index")
	}
	if n := len(fake.docs(search.IndexUID)); n != 3 {
		t.Errorf("%d documents live; want 3", n)
	}
	if len(fake.indexes) != 1 {
		t.Errorf("%d indexes left; want only %s", len(fake.indexes), search.IndexUID)
	}
}

// A worker and an editor busy while reindexes run: when everything has settled, the
// live index holds exactly the published listings as PostgreSQL has them.
func TestReindexConvergesUnderConcurrentChanges(t *testing.T) {
	fake, srv := newFakeEngine(t, "k")
	e := search.Open(srv.URL, "k")
	defer e.Close()
	ctx := testCtx(t)
	if err := e.Setup(ctx); err != nil {
		t.Fatal(err)
	}
	w := newSearchWorld(t, e.Index())
	codes := []string{"desk", "chair", "shanyrak", "bench", "draft"}
	var stop atomic.Bool
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { // the editor: prices, publishing and archiving
		defer wg.Done()
		for i := 0; !stop.Load(); i++ {
			l, err := w.store.Listing(ctx, w.ids[codes[i%len(codes)]])
			if err != nil {
				t.Error(err)
				return
			}
			l.PriceTiyn = int64(100_000 + i)
			if i%7 == 3 {
				l.Status = map[catalog.Status]catalog.Status{catalog.StatusPublished: catalog.StatusArchived,
					catalog.StatusArchived: catalog.StatusPublished, catalog.StatusDraft: catalog.StatusPublished}[l.Status]
			}
			if err := w.store.UpdateListing(ctx, &l, l.Version); err != nil {
				t.Error(err)
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	go func() { // the worker
		defer wg.Done()
		for !stop.Load() {
			if _, err := catalog.DeliverSearchChanges(ctx, w.outbox, e.Index(), time.Now().UTC().Add(time.Second), nil); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for i := 0; i < 5; i++ {
		if _, err := e.Reindex(ctx, w.outbox, time.Now()); err != nil {
			t.Errorf("Reindex #%d: %v", i+1, err)
		}
	}
	stop.Store(true)
	wg.Wait()
	drain(t, w, e.Index())
	want, err := w.outbox.PublishedSearchDocuments(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	live := fake.docs(search.IndexUID)
	if len(live) != len(want) {
		t.Errorf("%d documents live; want the %d published listings", len(live), len(want))
	}
	for _, d := range want {
		got, ok := liveDoc(t, fake, d.ID)
		if !ok || got["price_tiyn"] != float64(d.PriceTiyn) || got["status"] != "published" {
			t.Errorf("listing %d: live %v; want price %d", d.ID, got, d.PriceTiyn)
		}
	}
}
