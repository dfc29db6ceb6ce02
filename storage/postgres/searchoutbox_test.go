package postgres_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog"
	"github.com/sheber-kz/sheber/storage/postgres"
)

// memIndex is a search index in memory that records every delivery; fail makes the next
// calls fail, and during runs inside Upsert (a change made while a delivery is under way).
type memIndex struct {
	mu         sync.Mutex
	docs       map[int64]catalog.SearchDocument
	upserts    map[int64]int // deliveries per listing
	deletes    map[int64]int
	fail       error
	during     func()
	concurrent map[int64]bool // listings being delivered right now
	overlap    []int64        // listings delivered twice at once
	reject     map[int64]bool // documents the engine refuses, failing any batch with one
	calls      int            // Upsert calls
}

func newMemIndex() *memIndex {
	return &memIndex{docs: map[int64]catalog.SearchDocument{}, upserts: map[int64]int{}, deletes: map[int64]int{}, concurrent: map[int64]bool{}}
}

func (m *memIndex) Upsert(_ context.Context, docs []catalog.SearchDocument) error {
	m.mu.Lock()
	m.calls++
	if m.fail != nil {
		defer m.mu.Unlock()
		return m.fail
	}
	for _, d := range docs {
		if m.reject[d.ID] {
			defer m.mu.Unlock()
			return fmt.Errorf("task failed: invalid_document_fields for %d: %w", d.ID, catalog.ErrIndexRejected)
		}
	}
	for _, d := range docs {
		if m.concurrent[d.ID] {
			m.overlap = append(m.overlap, d.ID)
		}
		m.concurrent[d.ID] = true
	}
	during := m.during
	m.during = nil
	m.mu.Unlock()
	if during != nil {
		during()
	}
	time.Sleep(time.Millisecond) // widen the window in which an overlap would show
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, d := range docs {
		m.docs[d.ID] = d
		m.upserts[d.ID]++
		delete(m.concurrent, d.ID)
	}
	return nil
}

func (m *memIndex) Delete(_ context.Context, ids []int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return m.fail
	}
	for _, id := range ids {
		delete(m.docs, id)
		m.deletes[id]++
	}
	return nil
}

type outboxRowState struct {
	Seq      int64  `db:"seq"`
	Attempts int    `db:"attempts"`
	Leased   bool   `db:"leased"`
	Error    string `db:"last_error"`
}

func (f catalogFixture) outboxRow(t *testing.T, id int64) (outboxRowState, bool) {
	t.Helper()
	var r []outboxRowState
	const q = `SELECT seq, attempts, lease_until IS NOT NULL AS leased, coalesce(last_error, '') AS last_error FROM search_outbox WHERE listing_id = $1`
	if err := f.db.SelectContext(testCtx(t), &r, q, id); err != nil {
		t.Fatal(err)
	}
	if len(r) == 0 {
		return outboxRowState{}, false
	}
	return r[0], true
}

func (f catalogFixture) publish(t *testing.T, code string) catalog.Listing {
	t.Helper()
	l := f.listing(f.entA, code, f.sitesA...)
	l.Status = catalog.StatusPublished
	return f.create(t, l)
}

// The triggers queue a listing for any change: through the store (as the API and imports
// do) and through hand-written SQL, including deletes and changes of its sites.
func TestSearchOutboxTriggers(t *testing.T) {
	t.Parallel()
	f := newCatalogFixture(t)
	ctx := testCtx(t)
	l := f.create(t, f.listing(f.entA, "T-1", f.sitesA...))
	first, ok := f.outboxRow(t, l.ID)
	if !ok {
		t.Fatal("CreateListing queued nothing")
	}
	seq := first.Seq
	step := func(what string, fn func() error) {
		t.Helper()
		if err := fn(); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		r, ok := f.outboxRow(t, l.ID)
		if !ok || r.Seq <= seq {
			t.Fatalf("%s: outbox row %+v (present %v); want a seq above %d", what, r, ok, seq)
		}
		seq = r.Seq
	}
	step("UpdateListing", func() error {
		l.Status = catalog.StatusPublished
		return f.catalog.UpdateListing(ctx, &l, l.Version)
	})
	step("raw UPDATE listings", func() error {
		_, err := f.db.ExecContext(ctx, `UPDATE listings SET price_tiyn = price_tiyn + 1 WHERE id = $1`, l.ID)
		return err
	})
	step("raw DELETE FROM listing_sites", func() error {
		_, err := f.db.ExecContext(ctx, `DELETE FROM listing_sites WHERE listing_id = $1 AND site_id = $2`, l.ID, f.sitesA[1])
		return err
	})
	step("raw INSERT INTO listing_images", func() error {
		_, err := f.db.ExecContext(ctx, `INSERT INTO listing_images (listing_id, position, width, height)
			VALUES ($1, 0, 320, 240)`, l.ID)
		return err
	})
	step("raw DELETE FROM listings", func() error {
		_, err := f.db.ExecContext(ctx, `DELETE FROM listings WHERE id = $1`, l.ID)
		return err
	})
	// A rolled-back change queues nothing.
	other := f.create(t, f.listing(f.entA, "T-2", f.sitesA...))
	before, _ := f.outboxRow(t, other.ID)
	tx, err := f.db.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE listings SET ready_stock = 0 WHERE id = $1`, other.ID); err != nil {
		t.Fatal(err)
	}
	_ = tx.Rollback()
	if after, _ := f.outboxRow(t, other.ID); after.Seq != before.Seq {
		t.Errorf("a rolled-back update moved seq from %d to %d", before.Seq, after.Seq)
	}
}

// A delivery upserts published listings and deletes the others; the outbox empties.
func TestDeliverSearchChanges(t *testing.T) {
	t.Parallel()
	f := newCatalogFixture(t)
	ctx := testCtx(t)
	out := postgres.NewSearchOutbox(f.db)
	pub := f.publish(t, "D-1")
	draft := f.create(t, f.listing(f.entA, "D-2", f.sitesA...))
	idx := newMemIndex()
	now := time.Now().UTC()
	n, err := catalog.DeliverSearchChanges(ctx, out, idx, now, nil)
	if err != nil || n != 2 {
		t.Fatalf("DeliverSearchChanges = %d, %v; want 2, nil", n, err)
	}
	d, ok := idx.docs[pub.ID]
	if !ok {
		t.Fatalf("published listing %d not indexed", pub.ID)
	}
	want := catalog.SearchDocument{ID: pub.ID, Title: catalog.Fold("Парта ученическая двухместная Екі орындық оқушы партасы Two-seat school desk"),
		CategoryPath: []string{"furniture-desks", "furniture"}, Regions: []string{"karaganda"}, EnterpriseID: f.entA.ID,
		PriceTiyn: 3_450_000, InStock: true, LeadTimeDays: 21, Status: catalog.StatusPublished}
	if d.Title != want.Title || fmt.Sprint(d.CategoryPath) != fmt.Sprint(want.CategoryPath) || fmt.Sprint(d.Regions) != fmt.Sprint(want.Regions) ||
		d.EnterpriseID != want.EnterpriseID || d.PriceTiyn != want.PriceTiyn || !d.InStock || d.LeadTimeDays != 21 ||
		d.Status != want.Status || len(d.InstitutionIDs) != 1 || d.Titles.RU != "Парта ученическая двухместная" || d.PublishedAt.IsZero() {
		t.Errorf("document %+v; want like %+v", d, want)
	}
	if idx.deletes[draft.ID] != 1 || idx.upserts[draft.ID] != 0 {
		t.Errorf("draft: %d deletes, %d upserts; want 1 delete", idx.deletes[draft.ID], idx.upserts[draft.ID])
	}
	if c := f.count(t, `SELECT count(*) FROM search_outbox`); c != 0 {
		t.Errorf("%d rows left in the outbox", c)
	}
	if n, err := catalog.DeliverSearchChanges(ctx, out, idx, now, nil); n != 0 || err != nil {
		t.Errorf("second round = %d, %v; want 0, nil", n, err)
	}
}

// A failed delivery counts an attempt and backs off exponentially; once due again, the
// listing is delivered and removed.
func TestDeliverSearchChangesRetries(t *testing.T) {
	t.Parallel()
	f := newCatalogFixture(t)
	ctx := testCtx(t)
	out := postgres.NewSearchOutbox(f.db)
	l := f.publish(t, "R-1")
	idx := newMemIndex()
	idx.fail = errors.New("meilisearch: 503")
	now := time.Now().UTC()
	for attempt := 1; attempt <= 3; attempt++ {
		if _, err := catalog.DeliverSearchChanges(ctx, out, idx, now, nil); err == nil {
			t.Fatalf("attempt %d: no error from a failing index", attempt)
		}
		r, ok := f.outboxRow(t, l.ID)
		if !ok || r.Attempts != attempt || r.Leased || r.Error != "catalog: index 1 listings: meilisearch: 503" {
			t.Fatalf("after attempt %d: %+v (present %v)", attempt, r, ok)
		}
		delay := catalog.SearchRetryDelay(attempt)
		if want := catalog.SearchRetryBaseDelay << (attempt - 1); delay != want {
			t.Errorf("SearchRetryDelay(%d) = %v; want %v", attempt, delay, want)
		}
		// Not due before the back-off ends.
		if n, err := catalog.DeliverSearchChanges(ctx, out, idx, now.Add(delay-time.Second), nil); n != 0 || err != nil {
			t.Fatalf("before the back-off: %d, %v; want 0, nil", n, err)
		}
		now = now.Add(delay)
	}
	idx.fail = nil
	if n, err := catalog.DeliverSearchChanges(ctx, out, idx, now, nil); n != 1 || err != nil {
		t.Fatalf("after recovery: %d, %v; want 1, nil", n, err)
	}
	if _, ok := f.outboxRow(t, l.ID); ok {
		t.Error("the delivered listing is still queued")
	}
	if catalog.SearchRetryDelay(100) != catalog.SearchRetryMaxDelay {
		t.Errorf("SearchRetryDelay(100) = %v; want the cap", catalog.SearchRetryDelay(100))
	}
}

// A listing changed while its delivery is under way stays queued and goes out again.
func TestDeliverSearchChangesKeepsChangeDuringDelivery(t *testing.T) {
	t.Parallel()
	f := newCatalogFixture(t)
	ctx := testCtx(t)
	out := postgres.NewSearchOutbox(f.db)
	l := f.publish(t, "C-1")
	idx := newMemIndex()
	idx.during = func() {
		if _, err := f.db.ExecContext(ctx, `UPDATE listings SET price_tiyn = 999 WHERE id = $1`, l.ID); err != nil {
			t.Error(err)
		}
	}
	now := time.Now().UTC()
	if n, err := catalog.DeliverSearchChanges(ctx, out, idx, now, nil); n != 1 || err != nil {
		t.Fatalf("first round: %d, %v", n, err)
	}
	r, ok := f.outboxRow(t, l.ID)
	if !ok || r.Leased {
		t.Fatalf("after a change during delivery: %+v (present %v); want queued, not leased", r, ok)
	}
	// The change re-queued the row as due at its own time, after now.
	if n, err := catalog.DeliverSearchChanges(ctx, out, idx, time.Now().UTC().Add(time.Second), nil); n != 1 || err != nil {
		t.Fatalf("second round: %d, %v", n, err)
	}
	if idx.docs[l.ID].PriceTiyn != 999 {
		t.Errorf("indexed price %d; want the changed 999", idx.docs[l.ID].PriceTiyn)
	}
	if _, ok := f.outboxRow(t, l.ID); ok {
		t.Error("still queued after the second round")
	}
}

// Workers delivering at once never deliver one listing twice at the same time, and
// together deliver each exactly once.
func TestDeliverSearchChangesConcurrentWorkers(t *testing.T) {
	t.Parallel()
	f := newCatalogFixture(t)
	ctx := testCtx(t)
	out := postgres.NewSearchOutbox(f.db)
	const listings = 250
	if _, err := f.db.ExecContext(ctx, `INSERT INTO listings (enterprise_id, title_ru, category_code, unit, price_tiyn,
		vat_included, min_order_qty, lead_time_days, labour_minutes_per_unit, ready_stock, status, published_at)
		SELECT $1, 'Скамья ' || g, 'small-forms-benches', 'piece', 100000 + g, true, 1, 5, 10, g % 3, 'published', now()
		FROM generate_series(1, $2) g`, f.entA.ID, listings); err != nil {
		t.Fatal(err)
	}
	idx := newMemIndex()
	now := time.Now().UTC()
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				n, err := catalog.DeliverSearchChanges(ctx, out, idx, now, nil)
				if err != nil {
					t.Error(err)
					return
				}
				if n == 0 {
					return
				}
			}
		}()
	}
	wg.Wait()
	if len(idx.overlap) > 0 {
		t.Errorf("listings delivered by two workers at once: %v", idx.overlap)
	}
	if len(idx.upserts) != listings {
		t.Errorf("%d listings delivered; want %d", len(idx.upserts), listings)
	}
	for id, n := range idx.upserts {
		if n != 1 {
			t.Errorf("listing %d delivered %d times", id, n)
		}
	}
	if c := f.count(t, `SELECT count(*) FROM search_outbox`); c != 0 {
		t.Errorf("%d rows left in the outbox", c)
	}
}

// A document the engine rejects for good (a poison entry) does not hold back the listings
// claimed with it: they are delivered, it alone backs off, each failure is logged with its
// listing ID, and from SearchStuckAttempts on it counts as stuck. An engine that cannot be
// asked fails the batch as a whole, without trying each listing.
func TestDeliverSearchChangesSetsPoisonAside(t *testing.T) {
	t.Parallel()
	f := newCatalogFixture(t)
	ctx := testCtx(t)
	out := postgres.NewSearchOutbox(f.db)
	var ls []catalog.Listing
	for i := 0; i < 5; i++ {
		ls = append(ls, f.publish(t, fmt.Sprintf("P-%d", i)))
	}
	poison := ls[2].ID
	idx := newMemIndex()
	idx.reject = map[int64]bool{poison: true}
	var logs bytes.Buffer
	var logMu sync.Mutex
	logger := slog.New(slog.NewJSONHandler(writerFunc(func(p []byte) (int, error) {
		logMu.Lock()
		defer logMu.Unlock()
		return logs.Write(p)
	}), nil))
	now := time.Now().UTC().Add(time.Second)
	n, err := catalog.DeliverSearchChanges(ctx, out, idx, now, logger)
	if err != nil || n != 4 {
		t.Fatalf("round with a poison entry = %d, %v; want the 4 others delivered, nil", n, err)
	}
	for _, l := range ls {
		if _, indexed := idx.docs[l.ID]; indexed == (l.ID == poison) {
			t.Errorf("listing %d indexed %v", l.ID, indexed)
		}
	}
	r, ok := f.outboxRow(t, poison)
	if !ok || r.Attempts != 1 || r.Leased || !strings.Contains(r.Error, "invalid_document_fields") {
		t.Fatalf("poison row %+v (present %v); want 1 attempt with the engine's error", r, ok)
	}
	if c := f.count(t, `SELECT count(*) FROM search_outbox`); c != 1 {
		t.Errorf("%d rows queued; want only the poison", c)
	}
	// Later changes are delivered while it waits, and with it once it is due again.
	for attempt := 2; attempt <= catalog.SearchStuckAttempts; attempt++ {
		fresh := f.publish(t, fmt.Sprintf("Q-%d", attempt))
		if n, err := catalog.DeliverSearchChanges(ctx, out, idx, now, logger); err != nil || n != 1 {
			t.Fatalf("attempt %d, before the back-off: %d, %v; want the fresh listing alone", attempt, n, err)
		}
		now = now.Add(catalog.SearchRetryDelay(attempt - 1))
		fresh2 := f.publish(t, fmt.Sprintf("S-%d", attempt))
		if n, err := catalog.DeliverSearchChanges(ctx, out, idx, now, logger); err != nil || n != 1 {
			t.Fatalf("attempt %d, with the poison due: %d, %v; want 1 delivered", attempt, n, err)
		}
		for _, id := range []int64{fresh.ID, fresh2.ID} {
			if _, ok := idx.docs[id]; !ok {
				t.Fatalf("attempt %d: listing %d waits behind the poison", attempt, id)
			}
		}
		r, _ := f.outboxRow(t, poison)
		stuck, err := out.StuckSearchChanges(ctx, catalog.SearchStuckAttempts)
		if err != nil || r.Attempts != attempt || (stuck == 1) != (attempt >= catalog.SearchStuckAttempts) || stuck > 1 {
			t.Fatalf("after attempt %d: row %+v, stuck %d (%v)", attempt, r, stuck, err)
		}
	}
	logMu.Lock()
	text := logs.String()
	logMu.Unlock()
	var named, errorLines int
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if m["listing_id"] == float64(poison) {
			named++
			if m["level"] == "ERROR" {
				errorLines++
			}
		} else {
			t.Errorf("a log line about another listing: %v", m)
		}
	}
	if named != catalog.SearchStuckAttempts || errorLines != 1 {
		t.Errorf("%d lines name the poison (%d errors); want %d, the last an error:\n%s", named, errorLines, catalog.SearchStuckAttempts, text)
	}
	// An engine that is down: one call for the whole batch, every listing waits.
	down := newMemIndex()
	down.fail = errors.New("dial tcp: connection refused")
	for i := 0; i < 3; i++ {
		f.publish(t, fmt.Sprintf("D-%d", i))
	}
	if n, err := catalog.DeliverSearchChanges(ctx, out, down, now, logger); err == nil || n != 0 || down.calls != 1 {
		t.Errorf("with the engine down: %d delivered, %d calls, %v; want 0, 1 call, an error", n, down.calls, err)
	}
}

type writerFunc func([]byte) (int, error)

func (w writerFunc) Write(p []byte) (int, error) { return w(p) }

// Changes outside the listings' rows that alter their search documents (migration 00008)
// queue exactly the listings concerned, in their own transaction, and the delivered
// documents then show the change: a production site moved to another institution, an
// institution moved to another region, a category moved in the tree (with everything
// under it). Renames and no-op updates queue nothing: names are not in the documents.
func TestSearchOutboxRelatedChanges(t *testing.T) {
	t.Parallel()
	f := newCatalogFixture(t)
	ctx := testCtx(t)
	out := postgres.NewSearchOutbox(f.db)
	var inst int64
	if err := f.db.GetContext(ctx, &inst, `SELECT institution_id FROM production_sites WHERE id = $1`, f.sitesA[0]); err != nil {
		t.Fatal(err)
	}
	other := accounts.Organization{BIN: newBIN(t), Kind: accounts.KindProducerInstitution, Subtype: accounts.SubtypePenalInstitution,
		Name: accounts.Text{RU: "Учреждение № 22"}, Region: "astana", InstitutionNumber: 22}
	if err := f.store.CreateOrganization(ctx, &other); err != nil {
		t.Fatal(err)
	}
	mk := func(ent accounts.Organization, code, category string, sites ...int64) int64 {
		l := f.listing(ent, code, sites...)
		l.CategoryCode, l.Status = category, catalog.StatusPublished
		return f.create(t, l).ID
	}
	wood := mk(f.entA, "W-1", "furniture-desks", f.sitesA[0])
	metal := mk(f.entA, "M-1", "furniture-chairs", f.sitesA[1])
	sewing := mk(f.entB, "S-1", "sewn-workwear", f.sitesB[0])
	bench := mk(f.entB, "B-1", "small-forms-benches", f.sitesB[1])
	idx := newMemIndex()
	deliverAll := func() {
		t.Helper()
		for {
			n, err := catalog.DeliverSearchChanges(ctx, out, idx, time.Now().UTC().Add(time.Second), nil)
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				return
			}
		}
	}
	deliverAll()
	queued := func() []int64 {
		t.Helper()
		var ids []int64
		if err := f.db.SelectContext(ctx, &ids, `SELECT listing_id FROM search_outbox ORDER BY listing_id`); err != nil {
			t.Fatal(err)
		}
		return ids
	}
	steps := []struct {
		name  string
		sql   string
		args  []any
		want  []int64
		check func() string // "" when the delivered documents show the change
	}{
		{"site renamed", `UPDATE production_sites SET name_ru = 'Цех № 2', institution_id = institution_id WHERE id = $1`,
			[]any{f.sitesA[0]}, nil, nil},
		{"site moved to another institution", `UPDATE production_sites SET institution_id = $2 WHERE id = $1`,
			[]any{f.sitesA[0], other.ID}, []int64{wood}, func() string {
				if d := idx.docs[wood]; fmt.Sprint(d.Regions, d.InstitutionIDs) != fmt.Sprintf("[astana] [%d]", other.ID) {
					return fmt.Sprintf("moved site's listing: regions %v, institutions %v", d.Regions, d.InstitutionIDs)
				}
				return ""
			}},
		{"institution renamed", `UPDATE organizations SET name_ru = 'Учреждение № 16 (новое)', region = region WHERE id = $1`,
			[]any{inst}, nil, nil},
		{"institution moved to another region", `UPDATE organizations SET region = 'pavlodar' WHERE id = $1`,
			[]any{inst}, []int64{metal, sewing, bench}, func() string {
				for _, id := range []int64{metal, sewing, bench} {
					if r := idx.docs[id].Regions; fmt.Sprint(r) != "[pavlodar]" {
						return fmt.Sprintf("listing %d: regions %v", id, r)
					}
				}
				if r := idx.docs[wood].Regions; fmt.Sprint(r) != "[astana]" {
					return fmt.Sprintf("the listing of the site moved away: regions %v", r)
				}
				return ""
			}},
		{"enterprise renamed", `UPDATE organizations SET name_ru = 'ТОО «Новое»' WHERE id = $1`, []any{f.entA.ID}, nil, nil},
		{"category renamed", `UPDATE categories SET name_ru = 'Парты', parent_code = parent_code WHERE code = 'furniture-desks'`, nil, nil, nil},
		{"category moved", `UPDATE categories SET parent_code = 'play' WHERE code = 'furniture-desks'`, nil, []int64{wood}, func() string {
			if p := idx.docs[wood].CategoryPath; fmt.Sprint(p) != "[furniture-desks play]" {
				return fmt.Sprintf("category path %v", p)
			}
			return ""
		}},
		{"category with subcategories moved", `UPDATE categories SET parent_code = 'other' WHERE code = 'small-forms'`, nil, []int64{bench}, func() string {
			if p := idx.docs[bench].CategoryPath; fmt.Sprint(p) != "[small-forms-benches small-forms other]" {
				return fmt.Sprintf("category path %v", p)
			}
			return ""
		}},
	}
	for _, s := range steps {
		if _, err := f.db.ExecContext(ctx, s.sql, s.args...); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		want := s.want
		slices.Sort(want)
		if got := queued(); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: queued %v; want %v", s.name, got, want)
		}
		deliverAll()
		if s.check != nil {
			if msg := s.check(); msg != "" {
				t.Errorf("%s: %s", s.name, msg)
			}
		}
	}
	// A move rolled back queues nothing.
	tx, err := f.db.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE organizations SET region = 'almaty' WHERE id = $1`, other.ID); err != nil {
		t.Fatal(err)
	}
	_ = tx.Rollback()
	if got := queued(); len(got) != 0 {
		t.Errorf("a rolled-back move queued %v", got)
	}
}
