package catalog_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog"
	"github.com/sheber-kz/sheber/storage/objects"
	"github.com/sheber-kz/sheber/storage/objects/objectstest"
	"github.com/sheber-kz/sheber/storage/postgres"
)

// hookedObjects is the real MinIO bucket with hooks around its calls, to fail or pause
// them at chosen moments.
type hookedObjects struct {
	*objects.Store
	beforePut    func(key string) error
	beforeRemove func(key string) error
}

func (h *hookedObjects) Put(ctx context.Context, key string, data []byte, ct string) error {
	if h.beforePut != nil {
		if err := h.beforePut(key); err != nil {
			return err
		}
	}
	return h.Store.Put(ctx, key, data, ct)
}

func (h *hookedObjects) Remove(ctx context.Context, key string) error {
	if h.beforeRemove != nil {
		if err := h.beforeRemove(key); err != nil {
			return err
		}
	}
	return h.Store.Remove(ctx, key)
}

func jpegOf(t *testing.T, w, h int, seed uint8) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{R: uint8(x) ^ seed, G: uint8(y), B: seed, A: 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

type mediaFixture struct {
	svc     *catalog.Service
	manager accounts.Actor
	db      *postgres.DB
	objs    *hookedObjects
	queue   *postgres.DeletionQueue
	site    int64
	ent     int64
}

func newMediaFixture(t *testing.T) *mediaFixture {
	svc, manager, ent, site, db := newServiceDB(t)
	objs := &hookedObjects{Store: objectstest.New(t)}
	svc.Objects = objs
	return &mediaFixture{svc: svc, manager: manager, db: db, objs: objs, queue: postgres.NewDeletionQueue(db), site: site, ent: ent}
}

func (f *mediaFixture) listing(t *testing.T, code string) catalog.Listing {
	l, err := f.svc.CreateListing(context.Background(), f.manager, f.ent, desk(code, f.site))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func (f *mediaFixture) exists(t *testing.T, key string) bool {
	ok, err := f.objs.Exists(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

func (f *mediaFixture) pending(t *testing.T) []string {
	keys, err := f.queue.Pending(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

// A failed upload leaves no row; what it wrote is queued and the deletion job removes it
// once the guard has expired.
func TestFailedUploadLeavesNothing(t *testing.T) {
	f := newMediaFixture(t)
	ctx := context.Background()
	l := f.listing(t, "F-1")
	puts := 0
	var written []string
	f.objs.beforePut = func(key string) error {
		if puts++; puts == 3 {
			return errors.New("disk full")
		}
		written = append(written, key)
		return nil
	}
	_, err := f.svc.AddImages(ctx, f.manager, l.ID, []catalog.Upload{{FileName: "a.jpg", Data: jpegOf(t, 900, 300, 1)}})
	if err == nil {
		t.Fatal("the upload succeeded although the store failed")
	}
	got, err := f.svc.Listing(ctx, f.manager, l.ID)
	if err != nil || len(got.Images) != 0 {
		t.Fatalf("a failed upload left images %+v (%v)", got.Images, err)
	}
	if len(written) != 2 || !f.exists(t, written[0]) {
		t.Fatalf("the test expects two objects written before the failure: %v", written)
	}
	if n, err := catalog.DeleteObjects(ctx, f.queue, f.objs, time.Now(), nil); err != nil || n != 0 {
		t.Fatalf("the job removed %d objects while the upload's guard holds (%v)", n, err)
	}
	if n, err := catalog.DeleteObjects(ctx, f.queue, f.objs, time.Now().Add(catalog.UploadGuard+time.Minute), nil); err != nil || n != 3 {
		// Every guarded key: the two written and the one that failed (removing a missing
		// object is no error).
		t.Fatalf("the job removed %d objects after the guard, want 3 (%v)", n, err)
	}
	for _, k := range written {
		if f.exists(t, k) {
			t.Errorf("%s is left behind", k)
		}
	}
	if p := f.pending(t); len(p) != 0 {
		t.Errorf("still queued: %v", p)
	}
}

// The deletion job retries an object store that refuses, with back-off, and never
// deletes an object another listing still uses.
func TestDeletionJobRetriesAndKeepsShared(t *testing.T) {
	f := newMediaFixture(t)
	ctx := context.Background()
	a, b := f.listing(t, "R-1"), f.listing(t, "R-2")
	pic := jpegOf(t, 200, 100, 5)
	ia, err := f.svc.AddImages(ctx, f.manager, a.ID, []catalog.Upload{{FileName: "a.jpg", Data: pic}, {FileName: "own.jpg", Data: jpegOf(t, 200, 100, 9)}})
	if err != nil {
		t.Fatal(err)
	}
	ib, err := f.svc.AddImages(ctx, f.manager, b.ID, []catalog.Upload{{FileName: "b.jpg", Data: pic}})
	if err != nil {
		t.Fatal(err)
	}
	shared, own := ia[0].Variants[0].Key, ia[1].Variants[0].Key
	if ib[0].Variants[0].Key != shared {
		t.Fatal("the same picture got two keys")
	}
	if err := f.svc.DeleteListing(ctx, f.manager, a.ID, a.Version); err != nil {
		t.Fatal(err)
	}
	now := time.Now().Add(catalog.UploadGuard + time.Minute) // past the uploads' guards
	refusals := 0
	f.objs.beforeRemove = func(string) error { refusals++; return errors.New("minio: service unavailable") }
	if n, err := catalog.DeleteObjects(ctx, f.queue, f.objs, now, nil); err != nil || n != 0 || refusals != 1 {
		t.Fatalf("with a refusing store: removed %d, %d refusals (%v); want 0 and 1 (the shared key is not even tried)", n, refusals, err)
	}
	if !f.exists(t, own) || len(f.pending(t)) != 1 {
		t.Fatalf("after a refusal: exists %v, queued %v", f.exists(t, own), f.pending(t))
	}
	var attempts int
	var lastErr string
	if err := f.db.QueryRowx(`SELECT attempts, last_error FROM object_deletions`).Scan(&attempts, &lastErr); err != nil || attempts != 1 || lastErr == "" {
		t.Fatalf("attempts %d, last_error %q (%v)", attempts, lastErr, err)
	}
	f.objs.beforeRemove = nil
	if n, _ := catalog.DeleteObjects(ctx, f.queue, f.objs, now.Add(time.Second), nil); n != 0 {
		t.Fatal("retried before the back-off")
	}
	if n, err := catalog.DeleteObjects(ctx, f.queue, f.objs, now.Add(catalog.DeletionRetryDelay(1)+time.Second), nil); err != nil || n != 1 {
		t.Fatalf("after the back-off: removed %d (%v), want 1", n, err)
	}
	if f.exists(t, own) || !f.exists(t, shared) {
		t.Errorf("own exists %v (want false), shared exists %v (want true)", f.exists(t, own), f.exists(t, shared))
	}
	if p := f.pending(t); len(p) != 0 {
		t.Errorf("still queued: %v", p)
	}
}

// An upload of a picture whose deletion is in progress (the job has found no reference
// and is removing the object) waits for the job's row lock, then writes the object again.
// Without the lock the upload would write the object before the job removes it, and its
// new image would point at nothing.
func TestUploadDuringDeletionOfTheSameObject(t *testing.T) {
	f := newMediaFixture(t)
	ctx := context.Background()
	a, b := f.listing(t, "C-1"), f.listing(t, "C-2")
	pic := jpegOf(t, 120, 80, 3)
	ia, err := f.svc.AddImages(ctx, f.manager, a.ID, []catalog.Upload{{FileName: "a.jpg", Data: pic}})
	if err != nil {
		t.Fatal(err)
	}
	key := ia[0].Variants[0].Key
	// Past the guard of the first upload; the removal makes the key due.
	later := time.Now().Add(catalog.UploadGuard + time.Minute)
	f.svc.Now = func() time.Time { return later }
	if err := f.svc.RemoveImage(ctx, f.manager, a.ID, ia[0].ID); err != nil {
		t.Fatal(err)
	}

	removing, release := make(chan struct{}), make(chan struct{})
	f.objs.beforeRemove = func(string) error { close(removing); <-release; return nil }
	put := make(chan struct{}, 4)
	var jobErr, uploadErr error
	var ib []catalog.Image
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, jobErr = catalog.DeleteObjects(ctx, f.queue, f.objs, later.Add(time.Second), nil)
	}()
	<-removing // the job holds the entry's lock and found no reference
	f.objs.beforePut = func(string) error { put <- struct{}{}; return nil }
	wg.Add(1)
	go func() {
		defer wg.Done()
		ib, uploadErr = f.svc.AddImages(ctx, f.manager, b.ID, []catalog.Upload{{FileName: "b.jpg", Data: pic}})
	}()
	// Wait until the upload either blocks on a lock (right) or writes its object (wrong).
	deadline := time.After(30 * time.Second)
	for blocked := false; !blocked; {
		select {
		case <-put:
			close(release)
			wg.Wait()
			t.Fatal("the upload wrote the object while its deletion was in progress")
		case <-deadline:
			close(release)
			wg.Wait()
			t.Fatal("the upload neither waited on a lock nor wrote its object")
		case <-time.After(20 * time.Millisecond):
			var n int
			if err := f.db.Get(&n, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`); err != nil {
				t.Fatal(err)
			}
			blocked = n > 0
		}
	}
	close(release)
	wg.Wait()
	if jobErr != nil || uploadErr != nil {
		t.Fatalf("job: %v; upload: %v", jobErr, uploadErr)
	}
	if len(ib) != 1 || ib[0].Variants[0].Key != key {
		t.Fatalf("the second upload's image: %+v", ib)
	}
	if !f.exists(t, key) {
		t.Fatal("the object of a referenced image is gone")
	}
	// And the job, run again later, leaves it: it is referenced.
	if _, err := catalog.DeleteObjects(ctx, f.queue, f.objs, later.Add(2*catalog.UploadGuard), nil); err != nil || !f.exists(t, key) {
		t.Fatalf("a later round removed a referenced object (%v)", err)
	}
}

// waitForLockWait polls until some session of the test's database waits on a lock.
func waitForLockWait(t *testing.T, db *postgres.DB) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		var n int
		if err := db.Get(&n, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("no session waits on a lock")
}

// Deleting a listing while an upload's rows are being inserted into it: the deletion locks
// the listing before it reads the keys to queue, so it waits for the upload's transaction
// and queues its keys too. Without the lock it would read the keys first, then its DELETE
// would wait and cascade over rows whose objects nobody queued.
func TestDeleteListingDuringUploadQueuesItsKeys(t *testing.T) {
	f := newMediaFixture(t)
	ctx := context.Background()
	l := f.listing(t, "D-1")
	store := f.svc.Store
	key := "images/" + string(bytes.Repeat([]byte("ab"), 32)) + ".jpg"
	inserted, release := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	var insertErr, deleteErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		insertErr = store.InTx(ctx, func(tx catalog.Store) error {
			img := catalog.Image{ListingID: l.ID, Width: 10, Height: 10, Variants: []catalog.ImageVariant{{Width: 10, Height: 10, Key: key}}}
			if err := tx.CreateImage(ctx, &img); err != nil {
				return err
			}
			close(inserted)
			<-release
			return nil
		})
	}()
	<-inserted
	wg.Add(1)
	go func() {
		defer wg.Done()
		deleteErr = store.DeleteListing(ctx, l.ID, l.Version, time.Now())
	}()
	waitForLockWait(t, f.db)
	close(release)
	wg.Wait()
	if insertErr != nil || deleteErr != nil {
		t.Fatalf("insert: %v; delete: %v", insertErr, deleteErr)
	}
	if p := f.pending(t); len(p) != 1 || p[0] != key {
		t.Fatalf("queued %v, want the upload's key %s", p, key)
	}
}

// A removal that keeps failing is logged with its key at every attempt, given up after
// DeletionMaxAttempts with an error line, never tried again, and counted by
// StuckDeletions (which /readyz reports); an entry that still retries is not counted.
func TestDeletionJobGivesUpVisibly(t *testing.T) {
	f := newMediaFixture(t)
	ctx := context.Background()
	l := f.listing(t, "G-1")
	imgs, err := f.svc.AddImages(ctx, f.manager, l.ID, []catalog.Upload{{FileName: "a.jpg", Data: jpegOf(t, 200, 100, 7)}})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.RemoveImage(ctx, f.manager, l.ID, imgs[0].ID); err != nil {
		t.Fatal(err)
	}
	keys := f.pending(t)
	if len(keys) == 0 {
		t.Fatal("deleting the image queued nothing")
	}
	poison := keys[0]
	tries := 0
	f.objs.beforeRemove = func(key string) error {
		if key == poison {
			tries++
			return errors.New("minio: access denied")
		}
		return nil
	}
	var logs syncLog
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	now := time.Now().Add(catalog.UploadGuard + time.Minute)
	for attempt := 1; attempt <= catalog.DeletionMaxAttempts; attempt++ {
		if _, err := catalog.DeleteObjects(ctx, f.queue, f.objs, now, logger); err != nil {
			t.Fatalf("attempt %d: %v", attempt, err)
		}
		if tries != attempt {
			t.Fatalf("after round %d the key was tried %d times", attempt, tries)
		}
		stuck, err := f.queue.StuckDeletions(ctx, catalog.DeletionMaxAttempts)
		if want := 0; attempt == catalog.DeletionMaxAttempts {
			want = 1
			if err != nil || stuck != want {
				t.Fatalf("StuckDeletions after giving up = %d, %v; want 1", stuck, err)
			}
		} else if err != nil || stuck != want {
			t.Fatalf("StuckDeletions after attempt %d = %d, %v; want 0", attempt, stuck, err)
		}
		now = now.Add(catalog.DeletionRetryDelay(attempt) + time.Second)
	}
	// Given up: later rounds leave it alone, and it is still queued for an operator.
	if _, err := catalog.DeleteObjects(ctx, f.queue, f.objs, now.Add(24*time.Hour), logger); err != nil || tries != catalog.DeletionMaxAttempts {
		t.Fatalf("a round after giving up tried the key again (%d tries, %v)", tries, err)
	}
	if p := f.pending(t); len(p) != 1 || p[0] != poison {
		t.Errorf("queued after giving up: %v; want only %s", p, poison)
	}
	lines := logs.lines(t)
	warnings, errs := 0, 0
	for _, line := range lines {
		if line["key"] != poison {
			continue
		}
		switch line["level"] {
		case "WARN":
			warnings++
		case "ERROR":
			errs++
			if !strings.Contains(fmt.Sprint(line["msg"]), "gave up") || !strings.Contains(fmt.Sprint(line["error"]), "access denied") {
				t.Errorf("give-up line %v", line)
			}
		}
	}
	if warnings != catalog.DeletionMaxAttempts-1 || errs != 1 {
		t.Errorf("%d warnings and %d errors naming %s; want %d and 1 (log: %v)", warnings, errs, poison, catalog.DeletionMaxAttempts-1, lines)
	}
}

// syncLog collects JSON log lines.
type syncLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncLog) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncLog) lines(t *testing.T) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []map[string]any
	for _, raw := range bytes.Split(bytes.TrimSpace(s.b.Bytes()), []byte("\n")) {
		if len(raw) == 0 {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("log line %s: %v", raw, err)
		}
		out = append(out, m)
	}
	return out
}
