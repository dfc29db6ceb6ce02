package frontend_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog"
)

// testPicture draws a w×h picture: a gradient, or noise (which compresses badly, for big files).
func testPicture(w, h int, noise bool) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewSource(int64(w*h) + 1))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), 120, 255}
			if noise {
				c = color.RGBA{uint8(r.Intn(256)), uint8(r.Intn(256)), uint8(r.Intn(256)), 255}
			}
			img.Set(x, y, c)
		}
	}
	return img
}

func jpegFile(t *testing.T, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, testPicture(w, h, false), &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func pngFile(t *testing.T, w, h int, noise bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, testPicture(w, h, noise)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const tinyPDF = "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

// upload posts files to path as a browser without JavaScript sends a multipart form.
func (b *browser) upload(path, csrf string, fields map[string]string, files map[string][]byte) page {
	b.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("_csrf", csrf)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	for name, data := range files {
		part, err := w.CreateFormFile("files", name)
		if err != nil {
			b.t.Fatal(err)
		}
		_, _ = part.Write(data)
	}
	if err := w.Close(); err != nil {
		b.t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.do(req)
}

func TestEditorMediaWithoutJavaScript(t *testing.T) {
	e := newEnv(t)
	s := e.shop(t)
	b := newBrowser(t, e.app)
	signIn(t, b, s.managerEmail)
	ctx := context.Background()
	id := s.desk.ID
	editor := b.get(fmt.Sprintf("/listings/%d/edit", id))
	editor.expect(t, http.StatusOK, `enctype="multipart/form-data"`, `id="e-image_files" name="files" multiple`, `<progress id="image-progress"`,
		fmt.Sprintf(`data-api="/api/v1/listings/%d/images"`, id), "Изображений пока нет")
	csrf := editor.csrf(t)

	// A JPEG and a PNG larger than the ordinary body limit, in one multipart POST.
	big := pngFile(t, 900, 700, true)
	if len(big) < 1<<20 {
		t.Fatalf("the noise PNG is only %d bytes; it should be over 1 MB", len(big))
	}
	b.upload(fmt.Sprintf("/listings/%d/images", id), csrf, nil, map[string][]byte{"a.jpg": jpegFile(t, 1200, 900), "b.png": big}).
		expectRedirect(t, fmt.Sprintf("/listings/%d/edit?done=images#images", id))
	l, err := e.cat.Listing(ctx, s.manager, id)
	if err != nil || len(l.Images) != 2 {
		t.Fatalf("after the upload: %d images, %v", len(l.Images), err)
	}
	first, second := l.Images[0], l.Images[1]
	page := b.get(fmt.Sprintf("/listings/%d/edit?done=images", id))
	page.expect(t, http.StatusOK, "Изображения загружены", fmt.Sprintf(`id="image-%d"`, first.ID), fmt.Sprintf(`id="alt-%d-kk"`, second.ID),
		`srcset="/media/images/`, ` 320w, /media/images/`)

	// Alt text, order, removal: each a form and a redirect back to the image.
	b.post(fmt.Sprintf("/listings/%d/images/%d/alt", id, second.ID), url.Values{"_csrf": {csrf}, "alt_ru": {"Парта, вид сбоку"}, "alt_kk": {"Парта, бүйірден"}, "alt_en": {""}}).
		expectRedirect(t, fmt.Sprintf("/listings/%d/edit?done=saved#image-%d", id, second.ID))
	b.post(fmt.Sprintf("/listings/%d/images/%d/move", id, second.ID), url.Values{"_csrf": {csrf}, "dir": {"up"}}).
		expectRedirect(t, fmt.Sprintf("/listings/%d/edit#image-%d", id, second.ID))
	l, _ = e.cat.Listing(ctx, s.manager, id)
	if len(l.Images) != 2 || l.Images[0].ID != second.ID || l.Images[0].Alt.KK != "Парта, бүйірден" {
		t.Fatalf("after alt and move: %+v", l.Images)
	}
	// Moving the first image further up changes nothing.
	b.post(fmt.Sprintf("/listings/%d/images/%d/move", id, second.ID), url.Values{"_csrf": {csrf}, "dir": {"up"}}).expect(t, http.StatusSeeOther)
	b.post(fmt.Sprintf("/listings/%d/images/%d/move", id, second.ID), url.Values{"_csrf": {csrf}, "dir": {"sideways"}}).expect(t, http.StatusUnprocessableEntity)

	// The catalog's card and the product page show the pictures responsively.
	card := b.get("/catalog?q=%D0%BF%D0%B0%D1%80%D1%82%D0%B0")
	card.expect(t, http.StatusOK, `<img class="thumb" src="/media/images/`, `sizes="`, `loading="lazy"`, `alt="Парта, вид сбоку"`,
		fmt.Sprintf(`width="%d" height="%d"`, l.Images[0].Width, l.Images[0].Height))
	product := b.get(fmt.Sprintf("/catalog/%d", id))
	product.expect(t, http.StatusOK, `class="gallery"`, `alt="Парта, вид сбоку"`, `srcset="/media/images/`)
	for _, v := range l.Images[0].Variants {
		if got := b.get(catalog.MediaURL(v.Key)); got.StatusCode != http.StatusOK {
			t.Errorf("GET %s = %d", catalog.MediaURL(v.Key), got.StatusCode)
		}
	}

	// Refused files are shown next to the field, and change nothing.
	bad := b.upload(fmt.Sprintf("/listings/%d/images", id), csrf, nil, map[string][]byte{"notes.txt": []byte("not a picture")})
	bad.expect(t, http.StatusUnsupportedMediaType, `id="e-image_files-error"`, `aria-invalid="true"`)
	b.upload(fmt.Sprintf("/listings/%d/images", id), csrf, nil, nil).expect(t, http.StatusUnprocessableEntity, `id="e-image_files-error"`)
	b.upload(fmt.Sprintf("/listings/%d/documents", id), csrf, nil, map[string][]byte{"x.pdf": jpegFile(t, 10, 10)}).
		expect(t, http.StatusUnsupportedMediaType, `id="e-document_files-error"`)
	if l, _ = e.cat.Listing(ctx, s.manager, id); len(l.Images) != 2 || len(l.Documents) != 0 {
		t.Fatalf("refused uploads changed the listing: %d images, %d documents", len(l.Images), len(l.Documents))
	}

	// A PDF, listed on the product page.
	b.upload(fmt.Sprintf("/listings/%d/documents", id), csrf, map[string]string{"title_ru": "Сертификат соответствия"}, map[string][]byte{"cert.pdf": []byte(tinyPDF)}).
		expectRedirect(t, fmt.Sprintf("/listings/%d/edit?done=documents#documents", id))
	l, _ = e.cat.Listing(ctx, s.manager, id)
	if len(l.Documents) != 1 {
		t.Fatalf("%d documents after uploading one", len(l.Documents))
	}
	b.get(fmt.Sprintf("/catalog/%d", id)).expect(t, http.StatusOK, `href="`+catalog.MediaURL(l.Documents[0].Key)+`" type="application/pdf">Сертификат соответствия</a>`)
	b.post(fmt.Sprintf("/listings/%d/documents/%d/remove", id, l.Documents[0].ID), url.Values{"_csrf": {csrf}}).
		expectRedirect(t, fmt.Sprintf("/listings/%d/edit#documents", id))
	b.post(fmt.Sprintf("/listings/%d/images/%d/remove", id, first.ID), url.Values{"_csrf": {csrf}}).
		expectRedirect(t, fmt.Sprintf("/listings/%d/edit#images", id))
	if l, _ = e.cat.Listing(ctx, s.manager, id); len(l.Images) != 1 || len(l.Documents) != 0 {
		t.Fatalf("after removing: %d images, %d documents", len(l.Images), len(l.Documents))
	}

	// Only the enterprise's managers upload.
	e.user(t, "teacher@school7.kz", "Учитель", e.org(t, accounts.Text{RU: "Школа"}), accounts.RoleRequester)
	other := newBrowser(t, e.app)
	signIn(t, other, "teacher@school7.kz")
	o := other.get("/catalog")
	if got := other.upload(fmt.Sprintf("/listings/%d/images", id), o.csrf(t), nil, map[string][]byte{"a.jpg": jpegFile(t, 50, 50)}); got.StatusCode != http.StatusForbidden && got.StatusCode != http.StatusNotFound {
		t.Errorf("an outsider's upload: %d", got.StatusCode)
	}

	// Deleting the listing: a stale version is refused, the current one deletes it.
	b.post(fmt.Sprintf("/listings/%d/delete", id), url.Values{"_csrf": {csrf}, "version": {"1"}}).expect(t, http.StatusConflict, `id="stale"`)
	b.post(fmt.Sprintf("/listings/%d/delete", id), url.Values{"_csrf": {csrf}, "version": {fmt.Sprint(l.Version)}}).
		expectRedirect(t, fmt.Sprintf("/orgs/%d/listings?deleted=1", s.enterprise.ID))
	b.get(fmt.Sprintf("/orgs/%d/listings?deleted=1", s.enterprise.ID)).expect(t, http.StatusOK, "Товар удалён")
	b.get(fmt.Sprintf("/catalog/%d", id)).expect(t, http.StatusNotFound)
	if strings.Contains(b.get("/catalog").body, "Парта ученическая") {
		t.Error("the deleted listing is still in the catalog")
	}
}
