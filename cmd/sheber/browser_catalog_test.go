package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog"
	"github.com/sheber-kz/sheber/storage/postgres"
)

// demoProducer is the demo producer manager's enterprise, seen through the catalog domain
// on the portal's database, so that a browser test can seed its own listings.
type demoProducer struct {
	cat          *catalog.Service
	actor        accounts.Actor
	enterpriseID int64
	siteIDs      []int64
}

const producerManagerEmail = "producer-manager@" + demoEmailDomain

func newDemoProducer(t *testing.T) *demoProducer {
	t.Helper()
	ctx := context.Background()
	db := portalDB(t)
	store := postgres.NewAccountsStore(db)
	u, err := store.UserByEmail(ctx, producerManagerEmail)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := store.UserMemberships(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	p := &demoProducer{actor: accounts.Actor{UserID: u.ID, Memberships: ms}, enterpriseID: demoOrgID(t, producerManagerEmail, accounts.KindProducerEnterprise)}
	catalogStore := postgres.NewCatalogStore(db)
	p.cat = &catalog.Service{Store: catalogStore, Directory: store, Searcher: catalogStore}
	sites, err := store.ProductionSites(ctx, p.enterpriseID)
	if err != nil || len(sites) == 0 {
		t.Fatalf("the demo enterprise's production sites: %v, %v", sites, err)
	}
	for _, s := range sites {
		p.siteIDs = append(p.siteIDs, s.ID)
	}
	return p
}

// publish creates and publishes a listing of the demo enterprise.
func (p *demoProducer) publish(t *testing.T, title accounts.Text, category string, priceTiyn int64, stock int) catalog.Listing {
	t.Helper()
	ctx := context.Background()
	l, err := p.cat.CreateListing(ctx, p.actor, p.enterpriseID, catalog.ListingInput{Title: title, CategoryCode: category,
		Unit: catalog.UnitPiece, PriceTiyn: priceTiyn, VATIncluded: true, MinOrderQty: 1, LeadTimeDays: 10, ReadyStock: stock, SiteIDs: p.siteIDs[:1]})
	if err != nil {
		t.Fatal(err)
	}
	if l, err = p.cat.SetStatus(ctx, p.actor, l.ID, l.Version, catalog.StatusPublished); err != nil {
		t.Fatal(err)
	}
	return l
}

// A buyer types "шанырак" into the catalog's search, picks the suggestion with the
// keyboard alone and lands on the product's page.
func TestBrowserCatalogSuggestion(t *testing.T) {
	base := startPortal(t)
	p := newDemoProducer(t)
	want := p.publish(t, accounts.Text{RU: "Шанырак игровой «Алтын»", KK: "«Алтын» ойын шаңырағы"}, "play-corners", 7_500_000, 0)
	ctx := newBrowser(t)

	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/catalog"),
		chromedp.WaitVisible(chromedp.CSS(`#catalog-q[role="combobox"]`)),
	)
	if err != nil {
		t.Fatalf("open the catalog: %v", err)
	}
	assertLabelled(t, ctx, "/catalog")
	assertFitsPhone(t, ctx, "/catalog")
	err = chromedp.Do(ctx,
		chromedp.Focus(chromedp.CSS(`#catalog-q`)),
		chromedp.SendKeys(chromedp.CSS(`#catalog-q`), "шанырак"),
		chromedp.WaitVisible(chromedp.CSS(`#catalog-suggestions [role="option"]`)),
	)
	if err != nil {
		t.Fatalf("type into the search: %v", err)
	}
	if expanded, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('catalog-q').getAttribute('aria-expanded')`)); expanded != "true" {
		t.Errorf("aria-expanded = %q while the suggestions show", expanded)
	}
	// Arrow down through the suggestions to ours; the field names the highlighted one.
	found := false
	for i := 0; i < catalog.MaxSuggestions && !found; i++ {
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowDown)); err != nil {
			t.Fatal(err)
		}
		active, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(function () {
			var id = document.getElementById('catalog-q').getAttribute('aria-activedescendant');
			var el = id && document.getElementById(id);
			return el && el.getAttribute('aria-selected') === 'true' ? el.textContent : '';
		})()`))
		if err != nil {
			t.Fatal(err)
		}
		found = strings.Contains(active, "Алтын")
	}
	if !found {
		html, _ := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS(`#catalog-suggestions`)))
		t.Fatalf("the arrow keys never reached the listing's suggestion:\n%s", html)
	}
	err = chromedp.Do(ctx,
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(`#product-title`)),
	)
	if err != nil {
		t.Fatalf("choose the suggestion: %v", err)
	}
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	if !strings.HasSuffix(loc, fmt.Sprintf("/catalog/%d", want.ID)) {
		t.Errorf("landed on %s, want the product page of listing %d", loc, want.ID)
	}
	title, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#product-title`)))
	if !strings.Contains(title, "Шанырак игровой «Алтын»") {
		t.Errorf("product page title %q", title)
	}
	assertFitsPhone(t, ctx, "the product page")

	// Escape closes the list without choosing.
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/catalog"),
		chromedp.WaitVisible(chromedp.CSS(`#catalog-q[role="combobox"]`)),
		chromedp.Focus(chromedp.CSS(`#catalog-q`)),
		chromedp.SendKeys(chromedp.CSS(`#catalog-q`), "шаңырақ"),
		chromedp.WaitVisible(chromedp.CSS(`#catalog-suggestions [role="option"]`)),
		chromedp.KeyEvent(kb.Escape),
		chromedp.WaitNotVisible(chromedp.CSS(`#catalog-suggestions`)),
	)
	if err != nil {
		t.Fatalf("escape: %v", err)
	}
}

// phoneWidth is the narrowest phone the portal is laid out for, in CSS pixels.
const phoneWidth = 360

// assertFitsPhone narrows the viewport to phoneWidth and checks that the page does not
// scroll sideways.
func assertFitsPhone(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(phoneWidth, 740)); err != nil {
		t.Fatal(err)
	}
	over, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth - window.innerWidth`))
	if err != nil {
		t.Fatalf("%s at %d px: %v", page, phoneWidth, err)
	}
	if over > 0 {
		t.Errorf("%s is %d px wider than a %d px phone", page, over, phoneWidth)
	}
}

// resultsCount is the catalog's "Products found: N" line.
const resultsCount = `document.querySelector('#results .results-count').textContent`

// A filter changes the results in place (no page load), and the back button brings the
// previous results back.
func TestBrowserCatalogFiltersInPlace(t *testing.T) {
	base := startPortal(t)
	p := newDemoProducer(t)
	p.publish(t, accounts.Text{RU: "Скамья парковая «Тестовая» со спинкой"}, "small-forms-benches", 9_000_000, 5)
	p.publish(t, accounts.Text{RU: "Скамья парковая «Тестовая» без спинки"}, "small-forms-benches", 6_000_000, 0)
	ctx := newBrowser(t)

	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/catalog?q=%D1%82%D0%B5%D1%81%D1%82%D0%BE%D0%B2%D0%B0%D1%8F"),
		chromedp.WaitVisible(chromedp.CSS(`#f-stock`)),
		// A page load would forget this.
		chromedp.Evaluate[chromedp.Void](`window.sheberNoReload = true`),
	)
	if err != nil {
		t.Fatalf("open the catalog: %v", err)
	}
	before, _ := chromedp.Run(ctx, chromedp.Evaluate[string](resultsCount))
	if !strings.HasSuffix(strings.TrimSpace(before), ": 2") {
		t.Fatalf("before filtering: %q, want 2 results", before)
	}
	waitCount := func(n int) chromedp.Action[chromedp.Void] {
		return chromedp.Poll[chromedp.Void](fmt.Sprintf(`%s.trim().endsWith(': %d') && document.querySelector('#results').getAttribute('aria-busy') !== 'true'`, resultsCount, n),
			chromedp.WithPollingTimeout(20*time.Second))
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#f-stock`)),
		waitCount(1),
	)
	if err != nil {
		t.Fatalf("filter by stock: %v", err)
	}
	state, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]any](`({kept: window.sheberNoReload === true, url: location.search,
		checked: document.getElementById('f-stock').checked, text: document.getElementById('results').textContent})`))
	if err != nil {
		t.Fatal(err)
	}
	if state["kept"] != true {
		t.Error("the filter reloaded the page instead of updating the results in place")
	}
	if !strings.Contains(fmt.Sprint(state["url"]), "in_stock=1") || state["checked"] != true {
		t.Errorf("after filtering: %v", state)
	}
	if text := fmt.Sprint(state["text"]); !strings.Contains(text, "со спинкой") || strings.Contains(text, "без спинки") {
		t.Errorf("the in-stock results:\n%s", text)
	}

	// Back restores the unfiltered results, still without a page load.
	err = chromedp.Do(ctx,
		chromedp.Evaluate[chromedp.Void](`history.back()`),
		waitCount(2),
	)
	if err != nil {
		t.Fatalf("back: %v", err)
	}
	state, err = chromedp.Run(ctx, chromedp.Evaluate[map[string]any](`({kept: window.sheberNoReload === true, url: location.search,
		checked: document.getElementById('f-stock').checked})`))
	if err != nil {
		t.Fatal(err)
	}
	if state["kept"] != true || strings.Contains(fmt.Sprint(state["url"]), "in_stock") || state["checked"] != false {
		t.Errorf("after going back: %v", state)
	}
}

// signInAs signs the browser in through the sign-in form and goes on to next.
func signInAs(t *testing.T, ctx context.Context, base, email, next string) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login?next="+url.QueryEscape(next)),
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), email),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), "sheber-demo\n"),
		chromedp.WaitVisible(chromedp.CSS(`main h1`)),
	)
	if err != nil {
		t.Fatalf("sign in as %s: %v", email, err)
	}
}

// A producer manager creates a listing in the editor, keyboard and form only, and
// publishes it.
func TestBrowserListingEditor(t *testing.T) {
	base := startPortal(t)
	p := newDemoProducer(t)
	ctx := newBrowser(t)
	signInAs(t, ctx, base, producerManagerEmail, fmt.Sprintf("/orgs/%d/listings/new", p.enterpriseID))
	assertLabelled(t, ctx, "the new-listing form")
	assertFitsPhone(t, ctx, "the new-listing form")

	err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`#e-title_ru`), "Дастархан складной"),
		chromedp.SendKeys(chromedp.CSS(`#e-title_kk`), "Жиналмалы дастарқан"),
		chromedp.SetValue(chromedp.CSS(`#e-category`), "play-corners"),
		chromedp.SendKeys(chromedp.CSS(`#e-price`), "18 500,50"),
		chromedp.SendKeys(chromedp.CSS(`#e-labour_hours`), "2"),
		chromedp.Click(chromedp.CSS(`input[name="site_ids"]`)),
		chromedp.Submit(chromedp.CSS(`#e-title_ru`)),
		chromedp.WaitVisible(chromedp.CSS(`.alert-success`)),
	)
	if err != nil {
		t.Fatalf("create the listing: %v", err)
	}
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	id := editorListingID(t, loc)
	l, err := p.cat.Listing(context.Background(), p.actor, id)
	if err != nil {
		t.Fatal(err)
	}
	if l.PriceTiyn != 1_850_050 || l.LabourMinutesPerUnit != 120 || l.Status != catalog.StatusDraft || len(l.SiteIDs) != 1 {
		t.Errorf("the created listing: %+v", l)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`button[name="action"][value="publish"]`)),
		chromedp.WaitVisible(chromedp.CSS(`button[name="action"][value="draft"]`)),
	)
	if err != nil {
		t.Fatalf("publish: %v", err)
	}
	if l, _ = p.cat.Listing(context.Background(), p.actor, id); l.Status != catalog.StatusPublished {
		t.Errorf("after Publish the listing is %s", l.Status)
	}
}

// editorListingID reads the listing's id from the editor's address.
func editorListingID(t *testing.T, loc string) int64 {
	t.Helper()
	var id int64
	u, err := url.Parse(loc)
	if err == nil {
		_, err = fmt.Sscanf(u.Path, "/listings/%d/edit", &id)
	}
	if err != nil || id == 0 {
		t.Fatalf("not the editor of a listing: %s (%v)", loc, err)
	}
	return id
}

// writePictures writes a JPEG and a PNG drawn by the test into dir.
func writePictures(t *testing.T, dir string) []string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 960, 720))
	for y := 0; y < 720; y++ {
		for x := 0; x < 960; x++ {
			img.Set(x, y, color.RGBA{uint8(x / 4), uint8(y / 3), 90, 255})
		}
	}
	var jpg, pngBuf bytes.Buffer
	if err := jpeg.Encode(&jpg, img, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(&pngBuf, img.SubImage(image.Rect(0, 0, 640, 640))); err != nil {
		t.Fatal(err)
	}
	paths := []string{filepath.Join(dir, "dastarkhan.jpg"), filepath.Join(dir, "piala.png")}
	for i, data := range [][]byte{jpg.Bytes(), pngBuf.Bytes()} {
		if err := os.WriteFile(paths[i], data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return paths
}

// thumbnailsLoaded is true when every image of the editor's gallery has loaded: a broken
// or missing picture has naturalWidth 0.
const thumbnailsLoaded = `(function (n) {
	var imgs = document.querySelectorAll('#image-list img');
	return imgs.length === n && Array.prototype.every.call(imgs, function (i) { return i.complete && i.naturalWidth > 0; });
})`

// A producer manager uploads a JPEG and a PNG in the editor, watches the progress bar
// finish and the thumbnails load, reorders them with the keyboard and publishes.
func TestBrowserEditorImages(t *testing.T) {
	base := startPortal(t)
	p := newDemoProducer(t)
	l, err := p.cat.CreateListing(context.Background(), p.actor, p.enterpriseID, catalog.ListingInput{
		Title: accounts.Text{RU: "Набор пиал миниатюрный", KK: "Шағын кесе жиынтығы"}, CategoryCode: "play-corners", Unit: catalog.UnitSet,
		PriceTiyn: 950_000, MinOrderQty: 1, LeadTimeDays: 5, SiteIDs: p.siteIDs[:1]})
	if err != nil {
		t.Fatal(err)
	}
	files := writePictures(t, t.TempDir())
	ctx := newBrowser(t)
	signInAs(t, ctx, base, producerManagerEmail, fmt.Sprintf("/listings/%d/edit", l.ID))
	assertLabelled(t, ctx, "the editor")
	assertFitsPhone(t, ctx, "the editor")

	err = chromedp.Do(ctx,
		chromedp.SetUploadFiles(chromedp.CSS(`#e-image_files`), files),
		chromedp.Evaluate[chromedp.Void](`window.sheberNoReload = true`),
		chromedp.Click(chromedp.CSS(`#image-upload button[type="submit"]`)),
		// The bar reaches 100 and stays; the status line says the images are in.
		chromedp.Poll[chromedp.Void](`(function () { var p = document.getElementById('image-progress');
			return p && p.value === 100 && !p.closest('.upload-progress').hidden && document.querySelector('#images .upload-status').textContent.length > 0; })()`,
			chromedp.WithPollingTimeout(30*time.Second)),
		chromedp.Poll[chromedp.Void](thumbnailsLoaded+`(2)`, chromedp.WithPollingTimeout(30*time.Second)),
	)
	if err != nil {
		html, _ := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS(`#images`)))
		t.Fatalf("upload: %v\n%s", err, html)
	}
	if kept, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.sheberNoReload === true`)); !kept {
		t.Error("the upload reloaded the page instead of updating the images in place")
	}
	stored, err := p.cat.Listing(context.Background(), p.actor, l.ID)
	if err != nil || len(stored.Images) != 2 {
		t.Fatalf("after the upload: %d images, %v", len(stored.Images), err)
	}
	first, second := stored.Images[0].ID, stored.Images[1].ID

	// Keyboard only: focus the second image's "up" button and press Enter.
	err = chromedp.Do(ctx,
		chromedp.Focus(chromedp.CSS(fmt.Sprintf(`#image-%d .move-up`, second))),
		chromedp.KeyEvent(kb.Enter),
		chromedp.Poll[chromedp.Void](fmt.Sprintf(`document.querySelector('#image-list .image-item').id === 'image-%d'`, second),
			chromedp.WithPollingTimeout(20*time.Second)),
	)
	if err != nil {
		t.Fatalf("move up: %v", err)
	}
	focused, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.closest('.image-item').id + ' ' + document.activeElement.className`))
	if !strings.HasPrefix(focused, fmt.Sprintf("image-%d ", second)) {
		t.Errorf("after moving, the focus is on %q; want a button of the moved image", focused)
	}
	if stored, _ = p.cat.Listing(context.Background(), p.actor, l.ID); stored.Images[0].ID != second || stored.Images[1].ID != first {
		t.Errorf("the stored order after moving: %d, %d", stored.Images[0].ID, stored.Images[1].ID)
	}

	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`button[name="action"][value="publish"]`)),
		chromedp.WaitVisible(chromedp.CSS(`button[name="action"][value="draft"]`)),
		chromedp.Navigate(fmt.Sprintf("%s/catalog/%d", base, l.ID)),
		chromedp.Poll[chromedp.Void](`(function () { var i = document.querySelector('.gallery img'); return i && i.complete && i.naturalWidth > 0; })()`,
			chromedp.WithPollingTimeout(20*time.Second)),
	)
	if err != nil {
		t.Fatalf("publish and open the product: %v", err)
	}
	if stored, _ = p.cat.Listing(context.Background(), p.actor, l.ID); stored.Status != catalog.StatusPublished {
		t.Errorf("after Publish the listing is %s", stored.Status)
	}
}
