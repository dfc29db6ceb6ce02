package main

import (
	"context"
	"fmt"
	"net/url"
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
