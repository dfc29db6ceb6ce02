package search_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog"
	"github.com/sheber-kz/sheber/storage/search"
)

// fakeEngine answers the parts of Meilisearch's API the adapter uses, as its reference
// documents them (https://www.meilisearch.com/docs/reference/api/): every write answers
// 202 with a summarized task {"taskUid","indexUid","status":"enqueued","type","enqueuedAt"}
// and GET /tasks/{uid} reports it "succeeded" (or "failed" with an error object). Each
// request's method, path, Authorization header and JSON body shape are checked; the
// indexes and their documents are kept, so what the adapter did can be read back.
type fakeEngine struct {
	t       *testing.T
	key     string
	mu      sync.Mutex
	nextUID int64
	tasks   map[int64]string // task uid -> type
	failing map[int64]string // task uid -> error code, for a failed task
	indexes map[string]map[string]json.RawMessage
	setting map[string]map[string]json.RawMessage
	log     []string
	// failType makes tasks of that type fail with failCode.
	failType, failCode string
}

func newFakeEngine(t *testing.T, key string) (*fakeEngine, *httptest.Server) {
	f := &fakeEngine{t: t, key: key, tasks: map[int64]string{}, failing: map[int64]string{},
		indexes: map[string]map[string]json.RawMessage{}, setting: map[string]map[string]json.RawMessage{}}
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakeEngine) enqueue(w http.ResponseWriter, index, typ string) {
	f.nextUID++
	uid := f.nextUID
	f.tasks[uid] = typ
	if typ == f.failType {
		f.failing[uid] = f.failCode
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusAccepted)
	_ = json.NewEncoder(w).Encode(map[string]any{"taskUid": uid, "indexUid": index, "status": "enqueued", "type": typ,
		"enqueuedAt": time.Now().UTC().Format(time.RFC3339Nano)})
}

func (f *fakeEngine) fail(w http.ResponseWriter, status int, format string, args ...any) {
	f.t.Errorf("fake meilisearch: "+format, args...)
	w.WriteHeader(status)
	_, _ = fmt.Fprintf(w, `{"message":"bad request","code":"bad_request","type":"invalid_request","link":""}`)
}

func (f *fakeEngine) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if got := r.Header.Get("Authorization"); got != "Bearer "+f.key {
		f.fail(w, http.StatusUnauthorized, "Authorization = %q", got)
		return
	}
	body, _ := io.ReadAll(r.Body)
	if r.Method != http.MethodGet && r.Method != http.MethodDelete {
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			f.fail(w, http.StatusUnsupportedMediaType, "%s %s: Content-Type %q", r.Method, r.URL.Path, ct)
			return
		}
		if !json.Valid(body) {
			f.fail(w, http.StatusBadRequest, "%s %s: body is not JSON: %s", r.Method, r.URL.Path, body)
			return
		}
	}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	route := r.Method + " " + r.URL.Path
	f.log = append(f.log, route)
	switch {
	case r.Method == http.MethodGet && len(parts) == 2 && parts[0] == "tasks":
		var uid int64
		_, _ = fmt.Sscan(parts[1], &uid)
		typ, ok := f.tasks[uid]
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"message":"task not found","code":"task_not_found","type":"invalid_request","link":""}`)
			return
		}
		task := map[string]any{"uid": uid, "indexUid": "", "status": "succeeded", "type": typ, "enqueuedAt": time.Now().UTC(),
			"startedAt": time.Now().UTC(), "finishedAt": time.Now().UTC(), "duration": "PT0.001S", "error": nil, "details": map[string]any{}}
		if code, failed := f.failing[uid]; failed {
			task["status"] = "failed"
			task["error"] = map[string]any{"message": "failed: " + code, "code": code, "type": "invalid_request", "link": ""}
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(task)
	case r.Method == http.MethodPost && r.URL.Path == "/indexes":
		var req struct {
			UID        string `json:"uid"`
			PrimaryKey string `json:"primaryKey"`
		}
		if err := json.Unmarshal(body, &req); err != nil || req.UID == "" || req.PrimaryKey != "id" {
			f.fail(w, http.StatusBadRequest, "POST /indexes body %s", body)
			return
		}
		if _, ok := f.indexes[req.UID]; ok {
			f.failing[f.nextUID+1] = "index_already_exists"
		} else {
			f.indexes[req.UID] = map[string]json.RawMessage{}
		}
		f.enqueue(w, req.UID, "indexCreation")
	case r.Method == http.MethodDelete && len(parts) == 2 && parts[0] == "indexes":
		delete(f.indexes, parts[1])
		f.enqueue(w, parts[1], "indexDeletion")
	case r.Method == http.MethodPatch && len(parts) == 3 && parts[0] == "indexes" && parts[2] == "settings":
		var s map[string]json.RawMessage
		if err := json.Unmarshal(body, &s); err != nil {
			f.fail(w, http.StatusBadRequest, "settings body %s", body)
			return
		}
		f.setting[parts[1]] = s
		f.enqueue(w, parts[1], "settingsUpdate")
	case r.Method == http.MethodPost && len(parts) == 3 && parts[0] == "indexes" && parts[2] == "documents":
		if pk := r.URL.Query().Get("primaryKey"); pk != "id" {
			f.fail(w, http.StatusBadRequest, "primaryKey=%q", pk)
			return
		}
		var docs []map[string]json.RawMessage
		if err := json.Unmarshal(body, &docs); err != nil {
			f.fail(w, http.StatusBadRequest, "documents body is not an array of objects: %s", body)
			return
		}
		ix := f.indexes[parts[1]]
		if ix == nil { // Meilisearch creates a missing index on the first documents
			ix = map[string]json.RawMessage{}
			f.indexes[parts[1]] = ix
		}
		for _, d := range docs {
			raw, _ := json.Marshal(d)
			ix[string(d["id"])] = raw
		}
		f.enqueue(w, parts[1], "documentAdditionOrUpdate")
	case r.Method == http.MethodPost && len(parts) == 4 && parts[0] == "indexes" && parts[2] == "documents" && parts[3] == "delete-batch":
		var ids []string
		if err := json.Unmarshal(body, &ids); err != nil {
			f.fail(w, http.StatusBadRequest, "delete-batch body %s", body)
			return
		}
		for _, id := range ids {
			delete(f.indexes[parts[1]], id)
		}
		f.enqueue(w, parts[1], "documentDeletion")
	case r.Method == http.MethodPost && r.URL.Path == "/multi-search":
		f.serveMultiSearch(w, r, body)
	case r.Method == http.MethodPost && len(parts) == 3 && parts[0] == "indexes" && parts[2] == "search":
		f.serveSearch(w, r, parts[1], body)
	case r.Method == http.MethodPost && r.URL.Path == "/swap-indexes":
		var req []struct {
			Indexes []string `json:"indexes"`
			Rename  *bool    `json:"rename"` // since v1.18; true would rename the first index instead
		}
		if err := decodeStrict(body, &req); err != nil || len(req) != 1 || len(req[0].Indexes) != 2 || req[0].Rename == nil || *req[0].Rename {
			f.fail(w, http.StatusBadRequest, "swap-indexes body %s", body)
			return
		}
		a, b := req[0].Indexes[0], req[0].Indexes[1]
		f.indexes[a], f.indexes[b] = f.indexes[b], f.indexes[a]
		f.setting[a], f.setting[b] = f.setting[b], f.setting[a]
		f.enqueue(w, "", "indexSwap")
	default:
		f.fail(w, http.StatusNotFound, "unexpected %s", route)
	}
}

func (f *fakeEngine) docs(index string) map[string]json.RawMessage {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.indexes[index]
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func sampleDoc(id int64) catalog.SearchDocument {
	return catalog.SearchDocument{ID: id, Title: catalog.Fold("Шаңырақ ойын бұрышы"), Body: "дерево",
		Titles: accounts.Text{RU: "Игровой уголок", KK: "Шаңырақ ойын бұрышы"}, CategoryPath: []string{"play-corners", "play"},
		Regions: []string{"karaganda"}, InstitutionIDs: []int64{7}, EnterpriseID: 3, PriceTiyn: 5_000_000, InStock: true,
		LeadTimeDays: 14, Status: catalog.StatusPublished, PublishedAt: time.Unix(1_700_000_000, 0)}
}

func TestIndexUpsertAndDelete(t *testing.T) {
	fake, srv := newFakeEngine(t, "master-key")
	e := search.Open(srv.URL, "master-key")
	defer e.Close()
	ix := e.Index()
	ctx := testCtx(t)
	if err := ix.Upsert(ctx, []catalog.SearchDocument{sampleDoc(1), sampleDoc(2)}); err != nil {
		t.Fatalf("Upsert: %v", err)
	}
	docs := fake.docs(search.IndexUID)
	if len(docs) != 2 {
		t.Fatalf("%d documents in the index; want 2", len(docs))
	}
	var got map[string]any
	_ = json.Unmarshal(docs["1"], &got)
	want := map[string]any{"id": 1.0, "title": "шанырак оиын бурышы", "category": "play-corners", "price_tiyn": 5e6,
		"in_stock": true, "status": "published", "published_at": 1.7e12, "enterprise_id": 3.0, "lead_time_days": 14.0}
	for k, v := range want {
		if fmt.Sprint(got[k]) != fmt.Sprint(v) {
			t.Errorf("document field %s = %v; want %v", k, got[k], v)
		}
	}
	if fmt.Sprint(got["category_path"]) != "[play-corners play]" || fmt.Sprint(got["regions"]) != "[karaganda]" {
		t.Errorf("document %v: category_path or regions wrong", got)
	}
	if err := ix.Delete(ctx, []int64{1}); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if docs := fake.docs(search.IndexUID); len(docs) != 1 || docs["2"] == nil {
		t.Errorf("after Delete(1): %v", docs)
	}
}

// A task that Meilisearch reports failed is an error, so the outbox retries it.
func TestIndexFailedTask(t *testing.T) {
	fake, srv := newFakeEngine(t, "k")
	fake.failType, fake.failCode = "documentAdditionOrUpdate", "invalid_document_id"
	e := search.Open(srv.URL, "k")
	defer e.Close()
	err := e.Index().Upsert(testCtx(t), []catalog.SearchDocument{sampleDoc(1)})
	if err == nil || !strings.Contains(err.Error(), "invalid_document_id") || !errors.Is(err, catalog.ErrIndexRejected) {
		t.Fatalf("Upsert with a failing task = %v; want the task's error code, as catalog.ErrIndexRejected", err)
	}
}

// Meilisearch answers 400 (a malformed payload) and 413 (payload_too_large) before it
// enqueues anything: rejections too. A 5xx or a closed port is the engine being
// unavailable, which the outbox retries as a whole batch.
func TestIndexErrorsThatAreRejections(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		body     string
		rejected bool
	}{
		{"malformed payload", http.StatusBadRequest, `{"message":"The json payload provided is malformed.","code":"malformed_payload","type":"invalid_request","link":"https://docs.meilisearch.com/errors#malformed_payload"}`, true},
		{"payload too large", http.StatusRequestEntityTooLarge, `{"message":"The provided payload reached the size limit.","code":"payload_too_large","type":"invalid_request","link":"https://docs.meilisearch.com/errors#payload_too_large"}`, true},
		{"invalid API key", http.StatusForbidden, `{"message":"The provided API key is invalid.","code":"invalid_api_key","type":"auth","link":"https://docs.meilisearch.com/errors#invalid_api_key"}`, false},
		{"internal error", http.StatusInternalServerError, `{"message":"boom","code":"internal","type":"internal","link":""}`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method != http.MethodPost || r.URL.Path != "/indexes/"+search.IndexUID+"/documents" {
					t.Errorf("request %s %s", r.Method, r.URL.Path)
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, tc.body)
			}))
			defer srv.Close()
			e := search.Open(srv.URL, "k")
			defer e.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			defer cancel()
			err := e.Index().Upsert(ctx, []catalog.SearchDocument{sampleDoc(1)})
			if err == nil || errors.Is(err, catalog.ErrIndexRejected) != tc.rejected {
				t.Errorf("Upsert = %v; want an error, rejected %v", err, tc.rejected)
			}
		})
	}
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	e := search.Open(url, "k")
	defer e.Close()
	if err := e.Index().Upsert(testCtx(t), []catalog.SearchDocument{sampleDoc(1)}); err == nil || errors.Is(err, catalog.ErrIndexRejected) {
		t.Errorf("Upsert to a closed port = %v; want an error that is no rejection", err)
	}
}

func TestSetupAppliesSettings(t *testing.T) {
	fake, srv := newFakeEngine(t, "k")
	e := search.Open(srv.URL, "k")
	defer e.Close()
	for i := 0; i < 2; i++ { // a second setup finds the index there: no error
		if err := e.Setup(testCtx(t)); err != nil {
			t.Fatalf("Setup #%d: %v", i+1, err)
		}
	}
	s := fake.setting[search.IndexUID]
	checks := map[string]string{
		"searchableAttributes": `["title","body"]`,
		"sortableAttributes":   `["price_tiyn","published_at","id"]`,
		"pagination":           `{"maxTotalHits":100000}`,
	}
	for k, want := range checks {
		if string(s[k]) != want {
			t.Errorf("setting %s = %s; want %s", k, s[k], want)
		}
	}
	var filterable []string
	_ = json.Unmarshal(s["filterableAttributes"], &filterable)
	for _, a := range []string{"category_path", "regions", "institution_ids", "enterprise_id", "price_tiyn", "in_stock", "lead_time_days", "status"} {
		if !strings.Contains(strings.Join(filterable, ","), a) {
			t.Errorf("filterableAttributes %v lack %s", filterable, a)
		}
	}
	var syn map[string][]string
	_ = json.Unmarshal(s["synonyms"], &syn)
	if fmt.Sprint(syn[catalog.Fold("скамья")]) != "[скамеика лавка]" || fmt.Sprint(syn[catalog.Fold("парта")]) != "["+catalog.Fold("стол ученический")+"]" {
		t.Errorf("synonyms %v", syn)
	}
	if !strings.Contains(string(s["typoTolerance"]), `"enabled":true`) {
		t.Errorf("typoTolerance %s", s["typoTolerance"])
	}
}

type docSource []catalog.SearchDocument

func (d docSource) PublishedSearchDocuments(_ context.Context, after int64, limit int) ([]catalog.SearchDocument, error) {
	var out []catalog.SearchDocument
	for _, x := range d {
		if x.ID > after && len(out) < limit {
			out = append(out, x)
		}
	}
	return out, nil
}

func (d docSource) RequeueSearchChanges(_ context.Context, ids []int64) error {
	return fmt.Errorf("nothing changed, yet %v were requeued", ids)
}

// Reindex fills a fresh index, swaps it in and deletes the old one: the live index
// name keeps answering throughout and ends with exactly the source's documents.
func TestReindexSwaps(t *testing.T) {
	fake, srv := newFakeEngine(t, "k")
	e := search.Open(srv.URL, "k")
	defer e.Close()
	ctx := testCtx(t)
	if err := e.Index().Upsert(ctx, []catalog.SearchDocument{sampleDoc(5000)}); err != nil { // a stale document
		t.Fatal(err)
	}
	src := make(docSource, 0, 1500)
	for i := int64(1); i <= 1500; i++ {
		src = append(src, sampleDoc(i))
	}
	rep, err := e.Reindex(ctx, src, time.Unix(1_800_000_000, 0))
	if err != nil || rep != (search.ReindexReport{Indexed: 1500}) {
		t.Fatalf("Reindex = %+v, %v; want 1500 indexed, nil", rep, err)
	}
	docs := fake.docs(search.IndexUID)
	if len(docs) != 1500 || docs["5000"] != nil {
		t.Errorf("live index has %d documents (stale one present: %v); want 1500", len(docs), docs["5000"] != nil)
	}
	if len(fake.indexes) != 1 {
		t.Errorf("indexes left: %d; want only %s", len(fake.indexes), search.IndexUID)
	}
	if fake.setting[search.IndexUID]["searchableAttributes"] == nil {
		t.Error("the swapped-in index has no settings")
	}
	var swapped bool
	for _, r := range fake.log {
		swapped = swapped || r == "POST /swap-indexes"
	}
	if !swapped {
		t.Errorf("no swap in %v", fake.log)
	}
}
