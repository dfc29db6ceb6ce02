package frontend_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"testing"
)

// postFile sends the import form with a file, the CSRF token and, if dryRun, the box ticked.
func (b *browser) postFile(t *testing.T, path, csrf, name, content string, dryRun bool) page {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("_csrf", csrf)
	if dryRun {
		_ = w.WriteField("dry_run", "1")
	}
	fw, err := w.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write([]byte(content))
	_ = w.Close()
	req := httptest.NewRequest(http.MethodPost, path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.do(req)
}

func TestImportPage(t *testing.T) {
	e := newEnv(t)
	s := e.shop(t)
	b := newBrowser(t, e.app)
	signIn(t, b, s.managerEmail)
	path := fmt.Sprintf("/orgs/%d/listings/import", s.enterprise.ID)

	b.get(fmt.Sprintf("/orgs/%d/listings", s.enterprise.ID)).expect(t, http.StatusOK, `href="`+path+`"`, "Импорт из файла")
	form := b.get(path)
	form.expect(t, http.StatusOK, `enctype="multipart/form-data"`, `name="file"`, `name="dry_run"`, "<code>external_code</code>", "Только проверить")

	csv := "external_code;title_ru;category;unit;price;vat_included;site_codes;status\n" +
		"IM-1;Скамейка парковая;small-forms-benches;piece;45000,00;да;W1;published\n" +
		"IM-2;Урна уличная;small-forms-urns;piece;12000;нет;W1;\n"
	b.postFile(t, path, form.csrf(t), "goods.csv", csv, true).expect(t, http.StatusOK, "Ничего не изменено", "Создано: 2")
	ctx := context.Background()
	if ls, _ := e.cat.EnterpriseListings(ctx, s.manager, s.enterprise.ID, ""); len(ls) != 3 {
		t.Fatalf("a dry run changed the listings: %d", len(ls))
	}
	b.postFile(t, path, form.csrf(t), "goods.csv", csv, false).expect(t, http.StatusOK, "Импорт выполнен", "Создано: 2", "Без изменений: 0")
	if ls, _ := e.cat.EnterpriseListings(ctx, s.manager, s.enterprise.ID, ""); len(ls) != 5 {
		t.Fatalf("after the import: %d listings, want 5", len(ls))
	}
	bad := csv + "IM-3;;small-forms-urns;piece;12,345;нет;W1;\n"
	b.postFile(t, path, form.csrf(t), "goods.csv", bad, false).expect(t, http.StatusUnprocessableEntity,
		"Ничего не импортировано", "<td>4</td><td><code>price</code></td>", "<td>4</td><td><code>title_ru</code></td>")

	// In Kazakh and English too.
	b.lang = "kk"
	b.get(path).expect(t, http.StatusOK, "Тауарларды файлдан импорттау")
	b.lang = "en"
	b.get(path).expect(t, http.StatusOK, "Import listings from a file")

	// Someone who may not import is refused the page.
	other := newBrowser(t, e.app)
	b.postFile(t, path, "nope", "goods.csv", csv, false).expect(t, http.StatusForbidden)
	if r := other.get(path); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/login?next=%2Forgs%2F"+fmt.Sprint(s.enterprise.ID)+"%2Flistings%2Fimport" {
		t.Errorf("the public: %d to %q; want the sign-in page", r.StatusCode, r.Header.Get("Location"))
	}
}
