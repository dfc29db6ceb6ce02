package api_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sheber-kz/sheber/api"
	"github.com/sheber-kz/sheber/catalog"
	"github.com/sheber-kz/sheber/storage/postgres"
)

type imageOut struct {
	ID       int64   `json:"id"`
	Position int     `json:"position"`
	Alt      textOut `json:"alt"`
	Width    int     `json:"width"`
	Height   int     `json:"height"`
	Variants []struct {
		Width  int    `json:"width"`
		Height int    `json:"height"`
		URL    string `json:"url"`
	} `json:"variants"`
}

type docOut struct {
	ID        int64   `json:"id"`
	Title     textOut `json:"title"`
	FileName  string  `json:"file_name"`
	SizeBytes int64   `json:"size_bytes"`
	URL       string  `json:"url"`
}

func testJPEG(t testing.TB, w, h int, seed uint8) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{R: uint8(x) + seed, G: uint8(y), B: seed, A: 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func testPNG(t testing.TB, w, h int) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = uint8(i)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// withGPS inserts an APP1 Exif segment whose IFD0 points to a GPS IFD with a latitude
// reference after a JPEG's SOI.
func withGPS(jpg []byte) []byte {
	var t bytes.Buffer
	be := binary.BigEndian
	t.WriteString("MM")
	_ = binary.Write(&t, be, uint16(42))
	_ = binary.Write(&t, be, uint32(8))
	_ = binary.Write(&t, be, uint16(1))
	_ = binary.Write(&t, be, []uint16{0x8825, 4})
	_ = binary.Write(&t, be, uint32(1))
	_ = binary.Write(&t, be, uint32(8+2+12+4))
	_ = binary.Write(&t, be, uint32(0))
	_ = binary.Write(&t, be, uint16(1))
	_ = binary.Write(&t, be, []uint16{0x0001, 2})
	_ = binary.Write(&t, be, uint32(2))
	t.Write([]byte{'N', 0, 0, 0})
	_ = binary.Write(&t, be, uint32(0))
	payload := append([]byte("Exif\x00\x00"), t.Bytes()...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	be.PutUint16(seg[2:], uint16(len(payload)+2))
	seg = append(seg, payload...)
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

// pngBomb declares 100,000 x 100,000 pixels in a few dozen bytes.
func pngBomb() []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		_ = binary.Write(&b, binary.BigEndian, uint32(len(data)))
		b.WriteString(typ)
		b.Write(data)
		_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], 100_000)
	binary.BigEndian.PutUint32(ihdr[4:], 100_000)
	ihdr[8], ihdr[9] = 8, 6
	chunk("IHDR", ihdr)
	chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})
	chunk("IEND", nil)
	return b.Bytes()
}

type part struct {
	name string
	data []byte
}

// upload posts files (and text fields) as multipart/form-data with the manager's session.
func (p *producers) upload(t *testing.T, path string, files []part, values map[string][]string) resp {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, vs := range values {
		for _, v := range vs {
			_ = w.WriteField(k, v)
		}
	}
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
	hr.Header.Set(api.CSRFHeader, p.manager.csrf)
	hr.AddCookie(&http.Cookie{Name: api.SessionCookie, Value: p.manager.cookie})
	res, err := p.app.Test(hr, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{status: res.StatusCode, header: res.Header, body: string(b)}
}

func (p *producers) newListing(t *testing.T) listingOut {
	t.Helper()
	r := p.do(t, req{method: "POST", path: fmt.Sprintf("/api/v1/organizations/%d/listings", p.enterprise.ID), session: p.manager,
		headers: p.manager.csrfHeader(), body: p.body()})
	if r.status != http.StatusCreated {
		t.Fatalf("create listing: %s", r)
	}
	return decodeListing(t, r)
}

func (p *producers) getListing(t *testing.T, id int64, s *session) listingOut {
	t.Helper()
	r := p.do(t, req{method: "GET", path: fmt.Sprintf("/api/v1/listings/%d", id), session: s})
	if r.status != http.StatusOK {
		t.Fatalf("get listing: %s", r)
	}
	return decodeListing(t, r)
}

// worker runs the deletion job as of an hour and a half from now, past every guard.
func (p *producers) worker(t *testing.T) int {
	t.Helper()
	n, err := catalog.DeleteObjects(context.Background(), postgres.NewDeletionQueue(p.db), p.objects, time.Now().Add(90*time.Minute), nil)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func (p *producers) exists(t *testing.T, url string) bool {
	t.Helper()
	ok, err := p.objects.Exists(context.Background(), strings.TrimPrefix(url, "/media/"))
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

func TestImagesUploadServeReorderRemove(t *testing.T) {
	p := newProducers(t)
	l := p.newListing(t)
	path := fmt.Sprintf("/api/v1/listings/%d/images", l.ID)

	r := p.upload(t, path, []part{{"wide.jpg", withGPS(testJPEG(t, 2000, 1000, 1))}, {"small.png", testPNG(t, 200, 100)}},
		map[string][]string{"alt_ru": {"Парта", "Стул"}, "alt_kk": {"Парта"}})
	if r.status != http.StatusCreated {
		t.Fatalf("upload: %s", r)
	}
	var up struct {
		Images []imageOut `json:"images"`
	}
	r.decode(t, &up)
	if len(up.Images) != 2 || up.Images[0].Position != 0 || up.Images[1].Position != 1 || up.Images[0].Alt.RU != "Парта" ||
		up.Images[1].Alt.RU != "Стул" || up.Images[0].Alt.KK != "Парта" {
		t.Fatalf("uploaded images: %+v", up.Images)
	}
	if vs := up.Images[0].Variants; len(vs) != 3 || vs[0].Width != 320 || vs[2].Width != 1600 || vs[2].Height != 800 {
		t.Fatalf("variants of a 2000x1000 image: %+v", vs)
	}
	if vs := up.Images[1].Variants; len(vs) != 1 || vs[0].Width != 200 || !strings.HasSuffix(vs[0].URL, ".png") {
		t.Fatalf("a 200 px PNG with alpha must stay one 200 px PNG: %+v", vs) // its pixels are not opaque
	}

	// Served with immutable caching, a strong ETag and 304; no EXIF left.
	url := up.Images[0].Variants[2].URL
	got := p.do(t, req{method: "GET", path: url})
	if got.status != http.StatusOK || got.header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("GET %s: %d %s", url, got.status, got.header.Get("Content-Type"))
	}
	if cc := got.header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
		t.Errorf("Cache-Control %q", cc)
	}
	etag := got.header.Get("ETag")
	if !strings.HasPrefix(etag, `"`) || !strings.Contains(url, strings.Trim(etag, `"`)) {
		t.Errorf("ETag %q is not the strong hash of %s", etag, url)
	}
	if got.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Error("no nosniff")
	}
	if strings.Contains(got.body, "Exif") || !strings.HasPrefix(got.body, "\xFF\xD8") {
		t.Error("the served image is not a JPEG without EXIF")
	}
	if nm := p.do(t, req{method: "GET", path: url, headers: map[string]string{"If-None-Match": etag}}); nm.status != http.StatusNotModified || nm.body != "" {
		t.Errorf("If-None-Match: %s", nm)
	}
	for _, bad := range []string{"/media/images/../secret", "/media/other/" + strings.Repeat("a", 64) + ".jpg", "/media/images/" + strings.Repeat("a", 64) + ".jpg"} {
		if r := p.do(t, req{method: "GET", path: bad}); r.status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", bad, r.status)
		}
	}

	// The listing carries its gallery; the public does not see a draft's.
	if l2 := p.getListing(t, l.ID, p.manager); len(l2.Images) != 2 || l2.Images[0].ID != up.Images[0].ID {
		t.Fatalf("listing images: %+v", l2.Images)
	}
	if r := p.do(t, req{method: "GET", path: fmt.Sprintf("/api/v1/listings/%d", l.ID)}); r.status != http.StatusNotFound {
		t.Fatalf("the public sees a draft: %s", r)
	}

	first, second := up.Images[0].ID, up.Images[1].ID
	p.run(t, []scenario{
		{name: "reorder", method: "PUT", path: path + "/order", session: p.manager, headers: p.manager.csrfHeader(),
			body: fmt.Sprintf(`{"image_ids":[%d,%d]}`, second, first), wantStatus: 200,
			after: func(t *testing.T, r resp) {
				var out struct {
					Images []imageOut `json:"images"`
				}
				r.decode(t, &out)
				if len(out.Images) != 2 || out.Images[0].ID != second || out.Images[0].Position != 0 {
					t.Errorf("order: %+v", out.Images)
				}
			}},
		{name: "reorder naming an image twice", method: "PUT", path: path + "/order", session: p.manager, headers: p.manager.csrfHeader(),
			body: fmt.Sprintf(`{"image_ids":[%d,%d]}`, second, second), wantStatus: 422, wantFields: []string{"image_ids"}},
		{name: "alt text", method: "PATCH", path: fmt.Sprintf("%s/%d", path, first), session: p.manager, headers: p.manager.csrfHeader(),
			body: `{"alt":{"ru":"Парта двухместная","kk":"Екі орындық парта","en":"Double desk"}}`, wantStatus: 200,
			wantContains: []string{`"en":"Double desk"`}},
		{name: "alt text too long", method: "PATCH", path: fmt.Sprintf("%s/%d", path, first), session: p.manager, headers: p.manager.csrfHeader(),
			body: fmt.Sprintf(`{"alt":{"ru":%q}}`, strings.Repeat("я", catalog.MaxAltLength+1)), wantStatus: 422, wantFields: []string{"alt.ru"}},
		{name: "another enterprise may not", method: "DELETE", path: fmt.Sprintf("%s/%d", path, first), session: p.otherAdmin,
			headers: p.otherAdmin.csrfHeader(), wantStatus: 404},
		{name: "a workshop master may not", method: "DELETE", path: fmt.Sprintf("%s/%d", path, first), session: p.master,
			headers: p.master.csrfHeader(), wantStatus: 403},
		{name: "remove", method: "DELETE", path: fmt.Sprintf("%s/%d", path, second), session: p.manager, headers: p.manager.csrfHeader(), wantStatus: 204},
	})
	l2 := p.getListing(t, l.ID, p.manager)
	if len(l2.Images) != 1 || l2.Images[0].ID != first || l2.Images[0].Position != 0 || l2.Images[0].Alt.EN != "Double desk" {
		t.Fatalf("after removal: %+v", l2.Images)
	}
	removed := up.Images[1].Variants[0].URL
	if !p.exists(t, removed) {
		t.Fatal("the removed image's object is gone before the worker ran")
	}
	if r := p.do(t, req{method: "GET", path: removed}); r.status != http.StatusNotFound {
		t.Errorf("a removed image is still served: %d", r.status)
	}
	p.worker(t)
	if p.exists(t, removed) {
		t.Error("the worker left the removed image's object")
	}
	if !p.exists(t, url) {
		t.Error("the worker removed an object still referenced")
	}
}

func TestImageUploadRefusals(t *testing.T) {
	p := newProducers(t)
	l := p.newListing(t)
	path := fmt.Sprintf("/api/v1/listings/%d/images", l.ID)
	jpg := testJPEG(t, 64, 48, 3)
	for _, tc := range []struct {
		name   string
		files  []part
		status int
		code   string
	}{
		{"svg", []part{{"a.jpg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)}}, 415, "unsupported_type"},
		{"gif", []part{{"a.png", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;")}}, 415, "unsupported_type"},
		{"html named as an image", []part{{"a.jpg", []byte("<html><body>hi</body></html>")}}, 415, "unsupported_type"},
		{"polyglot: data after the JPEG", []part{{"a.jpg", append(append([]byte{}, jpg...), "<script>alert(1)</script>"...)}}, 415, "unsupported_type"},
		{"png bomb", []part{{"bomb.png", pngBomb()}}, 422, "invalid"},
		{"too large", []part{{"big.jpg", append(append([]byte{}, jpg...), make([]byte, catalog.MaxImageBytes)...)}}, 413, "too_large"},
		{"a good file with a bad one", []part{{"good.jpg", jpg}, {"bad.svg", []byte("<svg/>")}}, 415, "unsupported_type"},
		{"no files", nil, 422, "invalid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := p.upload(t, path, tc.files, nil)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
			if code, _, _ := r.errorEnvelope(t); code != tc.code {
				t.Errorf("code %q, want %q", code, tc.code)
			}
		})
	}
	if l2 := p.getListing(t, l.ID, p.manager); len(l2.Images) != 0 {
		t.Fatalf("refused uploads left images: %+v", l2.Images)
	}
	// Nothing was written: no object in the bucket.
	var n int
	if err := p.db.Get(&n, `SELECT count(*) FROM object_deletions`); err != nil || n != 0 {
		t.Errorf("refused uploads queued %d objects (%v)", n, err)
	}
}

func TestDocumentsUploadServeRemove(t *testing.T) {
	p := newProducers(t)
	l := p.newListing(t)
	path := fmt.Sprintf("/api/v1/listings/%d/documents", l.ID)
	pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
	if r := p.upload(t, path, []part{{"cert.pdf", []byte("%PDF-1.4 no end")}}, nil); r.status != 415 {
		t.Fatalf("a truncated PDF: %s", r)
	}
	r := p.upload(t, path, []part{{"Сертификат №1.pdf", pdf}}, map[string][]string{"title_ru": {"Сертификат соответствия"}})
	if r.status != http.StatusCreated {
		t.Fatalf("upload: %s", r)
	}
	var up struct {
		Documents []docOut `json:"documents"`
	}
	r.decode(t, &up)
	if len(up.Documents) != 1 || up.Documents[0].SizeBytes != int64(len(pdf)) || up.Documents[0].Title.RU != "Сертификат соответствия" {
		t.Fatalf("documents: %+v", up.Documents)
	}
	got := p.do(t, req{method: "GET", path: up.Documents[0].URL})
	if got.status != 200 || got.body != string(pdf) || got.header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("GET %s: %d %q", up.Documents[0].URL, got.status, got.header.Get("Content-Type"))
	}
	if cd := got.header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, "filename*=UTF-8''") {
		t.Errorf("Content-Disposition %q", cd)
	}
	if l2 := p.getListing(t, l.ID, p.manager); len(l2.Documents) != 1 {
		t.Fatalf("listing documents: %+v", l2.Documents)
	}
	if r := p.do(t, req{method: "DELETE", path: fmt.Sprintf("%s/%d", path, up.Documents[0].ID), session: p.manager, headers: p.manager.csrfHeader()}); r.status != 204 {
		t.Fatalf("remove: %s", r)
	}
	p.worker(t)
	if p.exists(t, up.Documents[0].URL) {
		t.Error("the removed document's object is still there")
	}
}

// Deleting a listing queues its objects; an object shared with another listing (the same
// picture) survives.
func TestDeleteListingKeepsSharedObjects(t *testing.T) {
	p := newProducers(t)
	a, b := p.newListing(t), p.newListing(t)
	shared := testJPEG(t, 100, 50, 7)
	var urls []string
	for _, l := range []listingOut{a, b} {
		files := []part{{"shared.jpg", shared}}
		if l.ID == a.ID {
			files = append(files, part{"own.jpg", testJPEG(t, 90, 50, 9)})
		}
		r := p.upload(t, fmt.Sprintf("/api/v1/listings/%d/images", l.ID), files, nil)
		if r.status != 201 {
			t.Fatalf("upload: %s", r)
		}
		var up struct {
			Images []imageOut `json:"images"`
		}
		r.decode(t, &up)
		for _, img := range up.Images {
			urls = append(urls, img.Variants[0].URL)
		}
	}
	if urls[0] != urls[2] {
		t.Fatalf("the same picture got two keys: %v", urls)
	}
	if r := p.do(t, req{method: "DELETE", path: fmt.Sprintf("/api/v1/listings/%d?version=1", a.ID), session: p.manager, headers: p.manager.csrfHeader()}); r.status != 204 {
		t.Fatalf("delete: %s", r)
	}
	if r := p.do(t, req{method: "DELETE", path: fmt.Sprintf("/api/v1/listings/%d?version=7", b.ID), session: p.manager, headers: p.manager.csrfHeader()}); r.status != 409 {
		t.Fatalf("a stale delete: %s", r)
	}
	p.worker(t)
	if !p.exists(t, urls[0]) {
		t.Error("the worker deleted an object another listing uses")
	}
	if p.exists(t, urls[1]) {
		t.Error("the deleted listing's own object is still there")
	}
}

// Uploads may be larger than MaxBodyBytes; every other route still answers 413 above it.
// Through a real listener: fasthttp applies the limits while reading.
func TestUploadBodyLimit(t *testing.T) {
	p := newProducers(t)
	l := p.newListing(t)
	base := p.listen(t)
	pdf := append(append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("0123456789abcdef"), (2<<20)/16)...), "\n%%EOF"...)
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	fw, _ := w.CreateFormFile("files", "big.pdf")
	_, _ = fw.Write(pdf)
	_ = w.Close()
	hr, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/listings/%d/documents", base, l.ID), &body)
	hr.Header.Set("Content-Type", w.FormDataContentType())
	hr.Header.Set(api.CSRFHeader, p.manager.csrf)
	hr.AddCookie(&http.Cookie{Name: api.SessionCookie, Value: p.manager.cookie})
	res, err := http.DefaultClient.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("a 2 MiB upload: %d %s", res.StatusCode, b)
	}
	addr := strings.TrimPrefix(base, "http://")
	for _, path := range []string{fmt.Sprintf("/api/v1/listings/%d", l.ID), fmt.Sprintf("/api/v1/listings/%d/images/order", l.ID)} {
		r := rawRequest(t, addr, fmt.Sprintf("PUT %s HTTP/1.1\r\nHost: sheber.test\r\nContent-Type: application/json\r\n"+
			"Content-Length: %d\r\n\r\n", path, api.MaxBodyBytes+1))
		if r.status != http.StatusRequestEntityTooLarge {
			t.Errorf("PUT %s with %d bytes: %s, want 413", path, api.MaxBodyBytes+1, r)
		}
	}
	r := rawRequest(t, addr, fmt.Sprintf("POST /api/v1/listings/%d/images HTTP/1.1\r\nHost: sheber.test\r\nContent-Type: multipart/form-data; boundary=x\r\n"+
		"Content-Length: %d\r\n\r\n", l.ID, api.MaxUploadRequestBytes+1))
	if r.status != http.StatusRequestEntityTooLarge {
		t.Errorf("an upload over MaxUploadRequestBytes: %s, want 413", r)
	}
}

// Search results and the product page carry each listing's gallery.
func TestSearchResultsCarryImages(t *testing.T) {
	p := newProducers(t)
	l := p.newListing(t)
	if r := p.upload(t, fmt.Sprintf("/api/v1/listings/%d/images", l.ID), []part{{"a.jpg", testJPEG(t, 400, 200, 2)}}, nil); r.status != 201 {
		t.Fatalf("upload: %s", r)
	}
	if r := p.do(t, req{method: "POST", path: fmt.Sprintf("/api/v1/listings/%d/publish", l.ID), session: p.manager,
		headers: p.manager.csrfHeader(), body: version(l.Version)}); r.status != 200 {
		t.Fatalf("publish: %s", r)
	}
	r := p.do(t, req{method: "GET", path: fmt.Sprintf("/api/v1/products?enterprise=%d", p.enterprise.ID)})
	var res struct {
		Items []listingOut `json:"items"`
	}
	r.decode(t, &res)
	if len(res.Items) != 1 || len(res.Items[0].Images) != 1 || len(res.Items[0].Images[0].Variants) != 2 {
		t.Fatalf("search result: %s", r)
	}
	r = p.do(t, req{method: "GET", path: fmt.Sprintf("/api/v1/products/%d", l.ID)})
	if pr := decodeListing(t, r); len(pr.Images) != 1 {
		t.Fatalf("product: %s", r)
	}
}
