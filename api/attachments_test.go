package api_test

import (
	"bytes"
	"context"
	"fmt"
	"image/jpeg"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/api"
	"github.com/sheber-kz/sheber/catalog"
	"github.com/sheber-kz/sheber/orders"
	"github.com/sheber-kz/sheber/storage/postgres"
)

type attachmentOut struct {
	ID           int64  `json:"id"`
	AcceptanceID int64  `json:"acceptance_id"`
	RequestID    int64  `json:"custom_request_id"`
	FileName     string `json:"file_name"`
	ContentType  string `json:"content_type"`
	SizeBytes    int64  `json:"size_bytes"`
	Width        int    `json:"width"`
	URL          string `json:"url"`
	ThumbnailURL string `json:"thumbnail_url"`
}

// postFiles posts files in the field "files" as multipart/form-data as s (nil: nobody).
func postFiles(t *testing.T, e *env, s *session, path string, files []part) resp {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for _, f := range files {
		fw, err := w.CreateFormFile("files", f.name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write(f.data)
	}
	_ = w.Close()
	hr := httptest.NewRequest("POST", path, &body)
	hr.Header.Set("Content-Type", w.FormDataContentType())
	if s != nil {
		hr.Header.Set(api.CSRFHeader, s.csrf)
		hr.AddCookie(&http.Cookie{Name: api.SessionCookie, Value: s.cookie})
	}
	res, err := e.app.Test(hr, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{status: res.StatusCode, header: res.Header, body: string(b)}
}

// delivered places an order of two desks for the market's buyer and runs it to delivery
// and an acceptance of one desk with the other rejected; it returns the fulfillment and
// the acceptance.
func (m *market) delivered(t *testing.T) (fulfillmentID, acceptanceID int64) {
	t.Helper()
	r := m.must(t, 201, m.requester, "POST", m.orgPath(m.buyer.ID, "orders"),
		fmt.Sprintf(`{"lines":[{"listing_id":%d,"quantity":2}],"delivery_address":"Өскемен, ул. Школьная, 1","budget_line_id":%d,"submit":true}`, m.desk, m.budget), nil)
	var o orderOut
	r.decode(t, &o)
	if len(o.Fulfillments) != 1 {
		t.Fatalf("order: %s", r)
	}
	f := o.Fulfillments[0].ID
	path := fmt.Sprintf("/api/v1/fulfillments/%d", f)
	m.must(t, 200, m.manager, "POST", path+"/confirm", `{"promised_date":""}`, nil)
	m.must(t, 200, m.master, "POST", path+"/ready", `{}`, nil)
	m.must(t, 201, m.manager, "POST", path+"/shipments", `{"waybill":"ТТН-1"}`, nil)
	m.must(t, 200, m.requester, "POST", path+"/deliver", `{}`, nil)
	m.must(t, 201, m.requester, "POST", path+"/acceptances",
		fmt.Sprintf(`{"lines":[{"order_line_id":%d,"accepted":1,"rejected":1}],"defect_reason":"трещина столешницы"}`, o.Lines[0].ID), nil)
	r = m.must(t, 200, m.requester, "GET", path+"/acceptances", "", nil)
	var accs struct {
		Items []struct {
			ID     int64           `json:"id"`
			Photos []attachmentOut `json:"photos"`
		} `json:"items"`
	}
	r.decode(t, &accs)
	if len(accs.Items) != 1 || len(accs.Items[0].Photos) != 0 {
		t.Fatalf("acceptances: %s", r)
	}
	return f, accs.Items[0].ID
}

func (m *market) objectExists(t *testing.T, key string) bool {
	t.Helper()
	ok, err := m.objects.Exists(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

// attachmentKeys returns the object keys of an attachment's row ("" if there is none).
func (m *market) attachmentKeys(t *testing.T, id int64) (key, thumb string) {
	t.Helper()
	var row struct {
		Key   string  `db:"object_key"`
		Thumb *string `db:"thumb_key"`
	}
	err := m.db.Get(&row, `SELECT object_key, thumb_key FROM order_attachments WHERE id = $1`, id)
	if err != nil {
		return "", ""
	}
	if row.Thumb != nil {
		thumb = *row.Thumb
	}
	return row.Key, thumb
}

// deleteDue runs the object deletion job as of an hour and a half from now, past every
// upload's guard.
func (m *market) deleteDue(t *testing.T) int {
	t.Helper()
	n, err := catalog.DeleteObjects(context.Background(), postgres.NewDeletionQueue(m.db), m.objects, time.Now().Add(90*time.Minute), nil)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// The buyer documents an acceptance with photos: they are re-encoded (the GPS position is
// gone), get a thumbnail, and are downloaded only by the two sides and the region's
// inspector, privately; the producer and the inspector cannot change them; refused files
// store nothing; a removed photo's objects go with the deletion job; after the window the
// photos are part of the record.
func TestAcceptancePhotos(t *testing.T) {
	m := newMarket(t)
	fID, accID := m.delivered(t)
	photos := fmt.Sprintf("/api/v1/fulfillments/%d/acceptances/%d/photos", fID, accID)

	// Refusals first: nothing is stored for any of them.
	jpg := testJPEG(t, 64, 48, 3)
	pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
	eleven := make([]part, orders.MaxPhotosPerAcceptance+1)
	for i := range eleven {
		eleven[i] = part{fmt.Sprintf("p%d.jpg", i), testJPEG(t, 16, 16, uint8(i))}
	}
	for _, tc := range []struct {
		name   string
		s      *session
		files  []part
		status int
		code   string
	}{
		{"svg", m.requester, []part{{"defect.jpg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)}}, 415, "unsupported_type"},
		{"gif", m.requester, []part{{"defect.png", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;")}}, 415, "unsupported_type"},
		{"a pdf is no photo", m.requester, []part{{"defect.pdf", pdf}}, 415, "unsupported_type"},
		{"polyglot", m.requester, []part{{"a.jpg", append(append([]byte{}, jpg...), "<script>alert(1)</script>"...)}}, 415, "unsupported_type"},
		{"png bomb", m.requester, []part{{"bomb.png", pngBomb()}}, 422, "invalid"},
		{"too large", m.requester, []part{{"big.jpg", append(append([]byte{}, jpg...), make([]byte, orders.MaxPhotoBytes)...)}}, 413, "too_large"},
		{"more than the acceptance may have", m.requester, eleven[:orders.MaxPhotosPerAcceptance], 201, ""}, // fills it...
		{"one more", m.requester, eleven[orders.MaxPhotosPerAcceptance:], 422, "invalid"},                   // ...and one more is refused
		{"no files", m.requester, nil, 422, "invalid"},
		{"the producer", m.manager, []part{{"a.jpg", jpg}}, 403, "forbidden"},
		{"the inspector", m.inspector, []part{{"a.jpg", jpg}}, 403, "forbidden"},
		{"another school", m.outsider, []part{{"a.jpg", jpg}}, 404, "not_found"},
		{"the inspector of another region", m.farInspector, []part{{"a.jpg", jpg}}, 404, "not_found"},
		// A form from nowhere is refused before anything else.
		{"nobody", nil, []part{{"a.jpg", jpg}}, 403, "csrf_failed"},
	} {
		r := postFiles(t, m.env, tc.s, photos, tc.files)
		if r.status != tc.status {
			t.Fatalf("%s: status %d, want %d: %s", tc.name, r.status, tc.status, r.body)
		}
		if tc.code == "" {
			continue
		}
		if code, _, _ := r.errorEnvelope(t); code != tc.code {
			t.Errorf("%s: code %q, want %q", tc.name, code, tc.code)
		}
		if tc.name == "too large" {
			var queued int
			if err := m.db.Get(&queued, `SELECT count(*) FROM object_deletions`); err != nil || queued != 0 {
				t.Fatalf("refused uploads queued %d objects (%v)", queued, err)
			}
		}
	}
	// Make room again: remove the ten small photos.
	var ten []int64
	if err := m.db.Select(&ten, `SELECT id FROM order_attachments ORDER BY id`); err != nil || len(ten) != orders.MaxPhotosPerAcceptance {
		t.Fatalf("photos stored: %v (%v)", ten, err)
	}
	for _, id := range ten {
		m.must(t, 204, m.requester, "DELETE", fmt.Sprintf("%s/%d", photos, id), "", nil)
	}

	// A photo with a GPS position and a PNG.
	gps := withGPS(testJPEG(t, 3000, 1500, 1))
	if !bytes.Contains(gps, []byte("Exif")) {
		t.Fatal("the test photo has no Exif")
	}
	r := postFiles(t, m.env, m.requester, photos, []part{{"трещина.jpg", gps}, {"scratch.png", testPNG(t, 200, 100)}})
	if r.status != http.StatusCreated {
		t.Fatalf("upload: %s", r)
	}
	var up struct {
		Photos []attachmentOut `json:"photos"`
	}
	r.decode(t, &up)
	if len(up.Photos) != 2 || up.Photos[0].ContentType != "image/jpeg" || up.Photos[0].Width != orders.AttachmentMaxWidth ||
		up.Photos[0].ThumbnailURL == "" || up.Photos[0].FileName != "трещина.jpg" || up.Photos[1].ContentType != "image/png" {
		t.Fatalf("uploaded: %s", r)
	}
	crack := up.Photos[0]
	key, thumb := m.attachmentKeys(t, crack.ID)
	if !strings.HasPrefix(key, orders.AttachmentPrefix) || thumb == key || !m.objectExists(t, key) || !m.objectExists(t, thumb) {
		t.Fatalf("objects %q %q", key, thumb)
	}
	// Private: the public media route does not serve it.
	if r := m.do(t, req{method: "GET", path: "/media/" + key}); r.status != http.StatusNotFound {
		t.Fatalf("public media served a private attachment: %d", r.status)
	}

	// Who downloads it.
	for _, tc := range []struct {
		name   string
		s      *session
		status int
	}{
		{"the requester", m.requester, 200}, {"the accountant", m.accountant, 200},
		{"the producer manager", m.manager, 200}, {"the workshop master", m.master, 200},
		{"the inspector of the region", m.inspector, 200},
		{"another school", m.outsider, 404}, {"the inspector of another region", m.farInspector, 404},
		{"nobody", nil, 401},
	} {
		for _, u := range []string{crack.URL, crack.ThumbnailURL} {
			r := m.do(t, req{method: "GET", path: u, session: tc.s})
			if r.status != tc.status {
				t.Errorf("%s GET %s: %d, want %d", tc.name, u, r.status, tc.status)
			}
			if tc.status != 200 {
				if strings.Contains(r.body, "JFIF") || r.header.Get("ETag") != "" {
					t.Errorf("%s GET %s: a refusal that shows the file", tc.name, u)
				}
				continue
			}
			if cc := r.header.Get("Cache-Control"); cc != "private, no-cache" || r.header.Get("ETag") == "" ||
				r.header.Get("Content-Type") != "image/jpeg" || r.header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("%s GET %s: headers %v", tc.name, u, r.header)
			}
		}
	}
	r = m.do(t, req{method: "GET", path: crack.URL, session: m.manager})
	if bytes.Contains([]byte(r.body), []byte("Exif")) || bytes.Contains([]byte(r.body), []byte{'N', 0, 0, 0}) && bytes.Contains([]byte(r.body), []byte("MM\x00*")) {
		t.Error("the stored photo still carries Exif")
	}
	cfg, err := jpeg.DecodeConfig(strings.NewReader(r.body))
	if err != nil || cfg.Width != orders.AttachmentMaxWidth {
		t.Errorf("stored photo: %+v %v", cfg, err)
	}
	if !strings.HasPrefix(r.header.Get("Content-Disposition"), "inline;") {
		t.Errorf("Content-Disposition %q", r.header.Get("Content-Disposition"))
	}
	tr := m.do(t, req{method: "GET", path: crack.ThumbnailURL, session: m.requester})
	if cfg, err := jpeg.DecodeConfig(strings.NewReader(tr.body)); err != nil || cfg.Width != orders.AttachmentThumbnailWidth {
		t.Errorf("thumbnail: %+v %v", cfg, err)
	}
	// A conditional request is answered after the access check, never before.
	etag := r.header.Get("ETag")
	if r := m.do(t, req{method: "GET", path: crack.URL, session: m.inspector, headers: map[string]string{"If-None-Match": etag}}); r.status != http.StatusNotModified {
		t.Errorf("revalidation: %d", r.status)
	}
	if r := m.do(t, req{method: "GET", path: crack.URL, session: m.outsider, headers: map[string]string{"If-None-Match": etag}}); r.status != http.StatusNotFound {
		t.Errorf("revalidation by another school: %d", r.status)
	}
	// Everyone who sees the fulfillment sees its acceptances' photos.
	r = m.must(t, 200, m.master, "GET", fmt.Sprintf("/api/v1/fulfillments/%d/acceptances", fID), "", nil)
	if !strings.Contains(r.body, crack.ThumbnailURL) || !strings.Contains(r.body, `"photos_editable_until"`) {
		t.Errorf("acceptances: %s", r)
	}
	m.must(t, 404, m.outsider, "GET", fmt.Sprintf("/api/v1/fulfillments/%d/acceptances", fID), "", nil)

	// Removing: not by the producer; by the buyer; its objects go with the job, not the
	// other photo's.
	del := fmt.Sprintf("%s/%d", photos, crack.ID)
	m.must(t, 403, m.manager, "DELETE", del, "", nil)
	m.must(t, 404, m.outsider, "DELETE", del, "", nil)
	m.must(t, 404, m.requester, "DELETE", fmt.Sprintf("%s/%d", photos, crack.ID+1000), "", nil)
	m.must(t, 204, m.requester, "DELETE", del, "", nil)
	m.must(t, 404, m.requester, "GET", crack.URL, "", nil)
	if m.deleteDue(t) < 2 {
		t.Error("the deletion job removed fewer objects than the photo had")
	}
	if m.objectExists(t, key) || m.objectExists(t, thumb) {
		t.Error("a removed photo's objects are still stored")
	}
	otherKey, _ := m.attachmentKeys(t, up.Photos[1].ID)
	if !m.objectExists(t, otherKey) {
		t.Error("the deletion job removed the other photo")
	}
	m.must(t, 200, m.inspector, "GET", up.Photos[1].URL, "", nil)

	// After the window the photos are part of the record.
	m.orders.Now = func() time.Time { return time.Now().Add(orders.AcceptancePhotoWindow + time.Minute) }
	if r := postFiles(t, m.env, m.requester, photos, []part{{"late.jpg", jpg}}); r.status != http.StatusConflict {
		t.Errorf("a photo after the window: %s", r)
	}
	m.must(t, 409, m.requester, "DELETE", fmt.Sprintf("%s/%d", photos, up.Photos[1].ID), "", nil)
}

// The buyer attaches drawings to its custom request while it is open; the invited
// producer reads and downloads them, a producer not invited and another school see
// nothing; once the request is cancelled they stay as they are.
func TestCustomRequestDrawings(t *testing.T) {
	m := newMarket(t)
	rival := m.org(accounts.KindProducerEnterprise, "Sheber")
	m.user("manager@sheber.kz", map[int64]accounts.Role{rival.ID: accounts.RoleProducerManager})
	rivalManager := m.login(t, "manager@sheber.kz")
	deadline := time.Now().UTC().Add(48 * time.Hour).Format(time.RFC3339)
	r := m.must(t, 201, m.requester, "POST", m.orgPath(m.buyer.ID, "custom-requests"),
		fmt.Sprintf(`{"category":"furniture-desks","title":"Шкаф по чертежу","description":"Сосна","quantity":10,"unit":"piece",
		"delivery_address":"Усть-Каменогорск, ул. Школьная, 1","budget_line_id":%d,"quote_deadline":%q}`, m.budget, deadline), nil)
	var cr struct {
		ID int64 `json:"id"`
	}
	r.decode(t, &cr)
	path := fmt.Sprintf("/api/v1/custom-requests/%d", cr.ID)
	m.must(t, 200, m.requester, "POST", path+"/invitations", fmt.Sprintf(`{"site_ids":[%d]}`, m.site), nil)

	pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
	for _, tc := range []struct {
		name   string
		s      *session
		files  []part
		status int
	}{
		{"svg", m.requester, []part{{"drawing.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`)}}, 415},
		{"a broken pdf", m.requester, []part{{"drawing.pdf", []byte("%PDF-1.4\nno end")}}, 415},
		{"html", m.requester, []part{{"drawing.pdf", []byte("<html></html>")}}, 415},
		{"too large a pdf", m.requester, []part{{"big.pdf", append(append([]byte{}, pdf[:9]...), make([]byte, orders.MaxDrawingPDFBytes)...)}}, 413},
		{"too large an image", m.requester, []part{{"big.jpg", append(testJPEG(t, 16, 16, 1), make([]byte, orders.MaxDrawingImageBytes)...)}}, 413},
		{"the invited producer", m.manager, []part{{"d.pdf", pdf}}, 403},
		{"the inspector", m.inspector, []part{{"d.pdf", pdf}}, 403},
		{"a producer not invited", rivalManager, []part{{"d.pdf", pdf}}, 404},
		{"another school", m.outsider, []part{{"d.pdf", pdf}}, 404},
	} {
		if r := postFiles(t, m.env, tc.s, path+"/drawings", tc.files); r.status != tc.status {
			t.Errorf("%s: %s, want %d", tc.name, r, tc.status)
		}
	}
	r = postFiles(t, m.env, m.requester, path+"/drawings", []part{{"шкаф.pdf", pdf}, {"вид сбоку.jpg", withGPS(testJPEG(t, 400, 300, 2))}})
	if r.status != http.StatusCreated {
		t.Fatalf("drawings: %s", r)
	}
	var up struct {
		Drawings []attachmentOut `json:"drawings"`
	}
	r.decode(t, &up)
	if len(up.Drawings) != 2 || up.Drawings[0].ContentType != "application/pdf" || up.Drawings[0].ThumbnailURL != "" ||
		up.Drawings[1].ContentType != "image/jpeg" || up.Drawings[1].ThumbnailURL == "" || up.Drawings[1].RequestID != cr.ID {
		t.Fatalf("drawings: %s", r)
	}
	doc := up.Drawings[0]
	for _, tc := range []struct {
		name   string
		s      *session
		status int
	}{
		{"the requester", m.requester, 200}, {"the invited producer", m.manager, 200}, {"the inspector of the region", m.inspector, 200},
		{"a producer not invited", rivalManager, 404}, {"another school", m.outsider, 404}, {"the inspector of another region", m.farInspector, 404},
	} {
		if r := m.do(t, req{method: "GET", path: doc.URL, session: tc.s}); r.status != tc.status {
			t.Errorf("%s downloads: %d, want %d", tc.name, r.status, tc.status)
		} else if tc.status == 200 && (r.body != string(pdf) || r.header.Get("Content-Type") != "application/pdf" ||
			!strings.HasPrefix(r.header.Get("Content-Disposition"), "attachment;") || r.header.Get("Cache-Control") != "private, no-cache") {
			t.Errorf("%s downloads: %v %q", tc.name, r.header, r.body)
		}
		want := tc.status
		if r := m.do(t, req{method: "GET", path: path + "/drawings", session: tc.s}); r.status != want {
			t.Errorf("%s lists: %d, want %d", tc.name, r.status, want)
		}
	}
	m.must(t, 404, m.manager, "GET", doc.URL+"/thumbnail", "", nil)
	img := m.do(t, req{method: "GET", path: up.Drawings[1].URL, session: m.manager})
	if img.status != 200 || strings.Contains(img.body, "Exif") {
		t.Errorf("the image drawing: %d, Exif kept: %v", img.status, strings.Contains(img.body, "Exif"))
	}

	m.must(t, 403, m.manager, "DELETE", fmt.Sprintf("%s/drawings/%d", path, doc.ID), "", nil)
	m.must(t, 204, m.requester, "DELETE", fmt.Sprintf("%s/drawings/%d", path, doc.ID), "", nil)
	m.must(t, 404, m.manager, "GET", doc.URL, "", nil)
	m.deleteDue(t)
	var left int
	if err := m.db.Get(&left, `SELECT count(*) FROM order_attachments WHERE custom_request_id = $1`, cr.ID); err != nil || left != 1 {
		t.Fatalf("drawings left: %d (%v)", left, err)
	}

	// Cancelled: no more changes.
	m.must(t, 200, m.requester, "POST", path+"/cancel", `{"reason":"не нужно"}`, nil)
	if r := postFiles(t, m.env, m.requester, path+"/drawings", []part{{"d.pdf", pdf}}); r.status != http.StatusConflict {
		t.Errorf("a drawing of a cancelled request: %s", r)
	}
	m.must(t, 409, m.requester, "DELETE", fmt.Sprintf("%s/drawings/%d", path, up.Drawings[1].ID), "", nil)
	m.must(t, 200, m.manager, "GET", up.Drawings[1].URL, "", nil)
}

// Uploads and removals of photos of one acceptance at the same time, the same picture
// among them (objects are shared by content hash), with the deletion job running in
// between: the acceptance never exceeds its limit, every row's objects exist, and the
// objects of removed photos go unless a remaining row still uses them.
func TestPhotosUploadAndRemoveConcurrently(t *testing.T) {
	m := newMarket(t)
	fID, accID := m.delivered(t)
	photos := fmt.Sprintf("/api/v1/fulfillments/%d/acceptances/%d/photos", fID, accID)
	same := testJPEG(t, 400, 300, 7)
	r := postFiles(t, m.env, m.requester, photos, []part{{"a.jpg", same}, {"b.jpg", testJPEG(t, 400, 300, 8)}})
	if r.status != http.StatusCreated {
		t.Fatalf("first upload: %s", r)
	}
	var first struct {
		Photos []attachmentOut `json:"photos"`
	}
	r.decode(t, &first)
	onlyB, _ := m.attachmentKeys(t, first.Photos[1].ID) // no other photo has this picture

	var wg sync.WaitGroup
	statuses := make(chan int, 32)
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			files := []part{{"same.jpg", same}, {fmt.Sprintf("p%d.jpg", i), testJPEG(t, 300, 200, uint8(20+i))}}
			statuses <- postFiles(t, m.env, m.requester, photos, files).status
		}(i)
	}
	for _, p := range first.Photos {
		wg.Add(1)
		go func(id int64) {
			defer wg.Done()
			statuses <- m.call(t, m.requester, "DELETE", fmt.Sprintf("%s/%d", photos, id), "", nil).status
		}(p.ID)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 3; i++ {
			if _, err := catalog.DeleteObjects(context.Background(), postgres.NewDeletionQueue(m.db), m.objects, time.Now(), nil); err != nil {
				t.Error(err)
			}
		}
	}()
	wg.Wait()
	close(statuses)
	created := 0
	for s := range statuses {
		switch s {
		case http.StatusCreated:
			created++
		case http.StatusNoContent, http.StatusUnprocessableEntity: // removed; or the acceptance was full
		default:
			t.Errorf("status %d", s)
		}
	}
	var rows []struct {
		ID    int64  `db:"id"`
		Key   string `db:"object_key"`
		Thumb string `db:"thumb_key"`
	}
	if err := m.db.Select(&rows, `SELECT id, object_key, thumb_key FROM order_attachments WHERE acceptance_id = $1`, accID); err != nil {
		t.Fatal(err)
	}
	if len(rows) > orders.MaxPhotosPerAcceptance || len(rows) != 2*created {
		t.Fatalf("%d photos after %d uploads of two (limit %d)", len(rows), created, orders.MaxPhotosPerAcceptance)
	}
	check := func() {
		t.Helper()
		for _, row := range rows {
			if !m.objectExists(t, row.Key) || !m.objectExists(t, row.Thumb) {
				t.Errorf("photo %d lost its objects", row.ID)
			}
		}
	}
	check()
	m.deleteDue(t)
	check()
	// The second photo of the first upload had no other user: its objects are gone.
	if key, _ := m.attachmentKeys(t, first.Photos[1].ID); key != "" {
		t.Fatal("a removed photo's row is still there")
	}
	if m.objectExists(t, onlyB) {
		t.Error("the objects of a removed photo that nothing else uses are still stored")
	}
	var queued int
	if err := m.db.Get(&queued, `SELECT count(*) FROM object_deletions`); err != nil || queued != 0 {
		t.Errorf("the deletion queue holds %d entries after the job (%v)", queued, err)
	}
}
