package frontend_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog"
)

// editorForm is a complete, valid editor form for s's site.
func editorForm(s *shop, csrf string) url.Values {
	return url.Values{"_csrf": {csrf}, "title_ru": {"Стул ученический"}, "title_kk": {"Оқушы орындығы"}, "title_en": {""},
		"description_ru": {"Регулируемый по высоте"}, "category": {"furniture-chairs"}, "unit": {"piece"}, "price": {"12 345,67"},
		"vat_included": {"1"}, "min_order_qty": {"5"}, "lead_time_days": {"14"}, "labour_hours": {"1"}, "labour_minutes": {"30"},
		"ready_stock": {"0"}, "length_mm": {"400"}, "width_mm": {""}, "height_mm": {"760"}, "material_ru": {"фанера"},
		"standard": {"ГОСТ 11016-93"}, "site_ids": {strconv.FormatInt(s.site.ID, 10)}}
}

var editLocation = regexp.MustCompile(`^/listings/(\d+)/edit\?done=created$`)

func TestListingEditorCreateAndEdit(t *testing.T) {
	e := newEnv(t)
	s := e.shop(t)
	b := newBrowser(t, e.app)
	signIn(t, b, s.managerEmail)
	ctx := context.Background()

	list := b.get(fmt.Sprintf("/orgs/%d/listings", s.enterprise.ID))
	list.expect(t, http.StatusOK, "Шанырак декоративный", "Секретная парта-черновик", "Черновик", "Опубликован",
		fmt.Sprintf(`href="/orgs/%d/listings/new"`, s.enterprise.ID), fmt.Sprintf(`href="/listings/%d/edit"`, s.draft.ID))
	drafts := b.get(fmt.Sprintf("/orgs/%d/listings?status=draft", s.enterprise.ID))
	drafts.expect(t, http.StatusOK, "Секретная парта-черновик")
	if strings.Contains(drafts.body, "Шанырак декоративный") {
		t.Error("the draft filter shows a published listing")
	}
	b.get("/account").expect(t, http.StatusOK, fmt.Sprintf(`<a href="/orgs/%d/listings">Товары`, s.enterprise.ID))

	blank := b.get(fmt.Sprintf("/orgs/%d/listings/new", s.enterprise.ID))
	blank.expect(t, http.StatusOK, `<label for="e-title_ru">`, `<label for="e-price">`, `name="site_ids" value="`+strconv.FormatInt(s.site.ID, 10)+`"`,
		"Столярный цех — Учреждение № 16", `<fieldset class="lang-group" lang="kk">`)

	// A price that is not a number keeps everything typed and says what is wrong, next to the field.
	bad := editorForm(s, blank.csrf(t))
	bad.Set("price", "12,34,5")
	bad.Set("labour_minutes", "75")
	got := b.post(fmt.Sprintf("/orgs/%d/listings", s.enterprise.ID), bad)
	got.expect(t, http.StatusUnprocessableEntity, `id="e-price" name="price" type="text" inputmode="decimal" value="12,34,5" aria-invalid="true" aria-describedby="e-price-error"`,
		`id="e-price-error"`, `id="e-labour_minutes-error"`, `value="Стул ученический"`, `value="`+strconv.FormatInt(s.site.ID, 10)+`" checked`)
	// What the domain refuses is shown the same way: no Russian or Kazakh title.
	noTitle := editorForm(s, blank.csrf(t))
	noTitle.Set("title_ru", "")
	noTitle.Set("title_kk", "")
	noTitle.Set("title_en", "Chair")
	b.post(fmt.Sprintf("/orgs/%d/listings", s.enterprise.ID), noTitle).expect(t, http.StatusUnprocessableEntity,
		`id="e-title_ru-error"`, "a Russian or Kazakh title is required", `value="Chair"`)
	if ls, _ := e.cat.EnterpriseListings(ctx, s.manager, s.enterprise.ID, ""); len(ls) != 3 {
		t.Fatalf("refused forms created listings: %d listings", len(ls))
	}

	created := b.post(fmt.Sprintf("/orgs/%d/listings", s.enterprise.ID), editorForm(s, blank.csrf(t)))
	m := editLocation.FindStringSubmatch(created.Header.Get("Location"))
	if created.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("create: %d to %q:\n%s", created.StatusCode, created.Header.Get("Location"), created.body)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	l, err := e.cat.Listing(ctx, s.manager, id)
	if err != nil {
		t.Fatal(err)
	}
	if l.PriceTiyn != 1_234_567 || !l.VATIncluded || l.LabourMinutesPerUnit != 90 || l.MinOrderQty != 5 || l.LeadTimeDays != 14 ||
		l.Attributes.LengthMM != 400 || l.Attributes.WidthMM != 0 || l.Attributes.Material.RU != "фанера" || len(l.SiteIDs) != 1 || l.Status != catalog.StatusDraft {
		t.Errorf("created listing: %+v", l)
	}
	edit := b.get(created.Header.Get("Location"))
	edit.expect(t, http.StatusOK, "Товар создан как черновик", "value=\"12\u00a0345,67\"", `name="labour_hours" type="text" inputmode="numeric" value="1"`,
		`name="labour_minutes" type="text" inputmode="numeric" value="30"`, `name="version" value="1"`, `value="publish"`, `value="archive"`)

	// Publish, withdraw, archive: each a POST and a redirect with a note.
	status := func(action string, version int) page {
		return b.post(fmt.Sprintf("/listings/%d/status", id), url.Values{"_csrf": {edit.csrf(t)}, "action": {action}, "version": {strconv.Itoa(version)}})
	}
	status("publish", 1).expectRedirect(t, fmt.Sprintf("/listings/%d/edit?done=published", id))
	b.get(fmt.Sprintf("/catalog/%d", id)).expect(t, http.StatusOK, "Стул ученический")
	status("draft", 2).expectRedirect(t, fmt.Sprintf("/listings/%d/edit?done=draft", id))
	b.get(fmt.Sprintf("/catalog/%d", id)).expect(t, http.StatusNotFound)
	status("archive", 3).expectRedirect(t, fmt.Sprintf("/listings/%d/edit?done=archived", id))
	b.get(fmt.Sprintf("/listings/%d/edit?done=archived", id)).expect(t, http.StatusOK, "Товар перенесён в архив", "В архиве", `value="publish"`, `value="draft"`)
	status("fly", 4).expect(t, http.StatusUnprocessableEntity)

	// An English editor writes and reads prices the English way.
	b.lang = "en"
	b.post("/lang", url.Values{"_csrf": {edit.csrf(t)}, "lang": {"en"}, "next": {"/"}})
	en := b.get(fmt.Sprintf("/listings/%d/edit", id))
	en.expect(t, http.StatusOK, `value="12,345.67"`, `name="version" value="4"`)
	form := editorForm(s, en.csrf(t))
	form.Set("price", "1,234,567.8")
	form.Set("version", "4")
	b.post(fmt.Sprintf("/listings/%d/edit", id), form).expectRedirect(t, fmt.Sprintf("/listings/%d/edit?done=saved", id))
	if l, _ = e.cat.Listing(ctx, s.manager, id); l.PriceTiyn != 123_456_780 || l.Version != 5 {
		t.Errorf("after saving in English: price %d, version %d", l.PriceTiyn, l.Version)
	}
}

// A stale edit keeps what the user typed, names the current version, and saving again
// replaces it.
func TestListingEditorStaleEdit(t *testing.T) {
	e := newEnv(t)
	s := e.shop(t)
	b := newBrowser(t, e.app)
	signIn(t, b, s.managerEmail)
	ctx := context.Background()

	edit := b.get(fmt.Sprintf("/listings/%d/edit", s.desk.ID))
	edit.expect(t, http.StatusOK, fmt.Sprintf(`name="version" value="%d"`, s.desk.Version))
	// Someone else changes the price meanwhile.
	in := catalog.ListingInput{Title: s.desk.Title, CategoryCode: s.desk.CategoryCode, Unit: s.desk.Unit, PriceTiyn: 3_000_000,
		MinOrderQty: s.desk.MinOrderQty, LeadTimeDays: s.desk.LeadTimeDays, ReadyStock: s.desk.ReadyStock, SiteIDs: s.desk.SiteIDs}
	other, err := e.cat.UpdateListing(ctx, s.manager, s.desk.ID, s.desk.Version, in)
	if err != nil {
		t.Fatal(err)
	}
	mine := editorForm(s, edit.csrf(t))
	mine.Set("title_ru", "Парта ученическая, моя правка")
	mine.Set("version", strconv.Itoa(s.desk.Version))
	stale := b.post(fmt.Sprintf("/listings/%d/edit", s.desk.ID), mine)
	stale.expect(t, http.StatusConflict, fmt.Sprintf("теперь это версия %d", other.Version), `value="Парта ученическая, моя правка"`,
		fmt.Sprintf(`name="version" value="%d"`, other.Version), "30\u00a0000\u00a0₸", `id="stale"`)
	if l, _ := e.cat.Listing(ctx, s.manager, s.desk.ID); l.Title.RU != s.desk.Title.RU || l.Version != other.Version {
		t.Fatalf("the stale edit changed the listing: %+v", l)
	}
	// Saving again, on the current version, replaces it.
	mine.Set("version", strconv.Itoa(other.Version))
	b.post(fmt.Sprintf("/listings/%d/edit", s.desk.ID), mine).expectRedirect(t, fmt.Sprintf("/listings/%d/edit?done=saved", s.desk.ID))
	if l, _ := e.cat.Listing(ctx, s.manager, s.desk.ID); l.Title.RU != "Парта ученическая, моя правка" {
		t.Errorf("title after saving again: %q", l.Title.RU)
	}

	// A stale status change is refused the same way.
	b.post(fmt.Sprintf("/listings/%d/status", s.desk.ID), url.Values{"_csrf": {edit.csrf(t)}, "action": {"archive"}, "version": {"1"}}).
		expect(t, http.StatusConflict, `id="stale"`)
}

// Only the enterprise's managers and admins edit; others do not even see drafts.
func TestListingEditorIsForTheEnterprisesManagers(t *testing.T) {
	e := newEnv(t)
	s := e.shop(t)
	school := e.org(t, accounts.Text{RU: "Школа № 7"})
	e.user(t, "teacher@school7.kz", "Учитель", school, accounts.RoleRequester)
	e.user(t, "master@enbek.kz", "Мастер", s.enterprise, accounts.RoleWorkshopMaster)

	anon := newBrowser(t, e.app)
	anon.get(fmt.Sprintf("/listings/%d/edit", s.draft.ID)).expectRedirect(t, fmt.Sprintf("/login?next=%%2Flistings%%2F%d%%2Fedit", s.draft.ID))
	anon.get(fmt.Sprintf("/orgs/%d/listings/new", s.enterprise.ID)).expectRedirect(t, fmt.Sprintf("/login?next=%%2Forgs%%2F%d%%2Flistings%%2Fnew", s.enterprise.ID))

	outsider := newBrowser(t, e.app)
	signIn(t, outsider, "teacher@school7.kz")
	outsider.get(fmt.Sprintf("/listings/%d/edit", s.draft.ID)).expect(t, http.StatusNotFound)
	list := outsider.get(fmt.Sprintf("/orgs/%d/listings", s.enterprise.ID))
	list.expect(t, http.StatusOK, "Шанырак декоративный")
	if strings.Contains(list.body, "Секретная") || strings.Contains(list.body, "/edit") || strings.Contains(list.body, "/listings/new") {
		t.Errorf("an outsider sees drafts or edit links:\n%s", list.body)
	}
	if got := outsider.get(fmt.Sprintf("/listings/%d/edit", s.desk.ID)); got.StatusCode != http.StatusForbidden && got.StatusCode != http.StatusNotFound {
		t.Errorf("an outsider opens the editor of a published listing: %d", got.StatusCode)
	}
	form := editorForm(s, list.csrf(t))
	if got := outsider.post(fmt.Sprintf("/orgs/%d/listings", s.enterprise.ID), form); got.StatusCode != http.StatusForbidden && got.StatusCode != http.StatusNotFound {
		t.Errorf("an outsider created a listing: %d", got.StatusCode)
	}

	master := newBrowser(t, e.app)
	signIn(t, master, "master@enbek.kz")
	if got := master.get(fmt.Sprintf("/orgs/%d/listings/new", s.enterprise.ID)); got.StatusCode != http.StatusForbidden {
		t.Errorf("a workshop master opens the new-listing form: %d", got.StatusCode)
	}
	if ls, _ := e.cat.EnterpriseListings(context.Background(), s.manager, s.enterprise.ID, ""); len(ls) != 3 {
		t.Errorf("%d listings after refused attempts, want 3", len(ls))
	}
}
