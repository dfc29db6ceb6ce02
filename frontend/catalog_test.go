package frontend_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog"
)

// orgOf creates an organization of kind in the Karaganda region.
func (e *env) orgOf(t *testing.T, kind accounts.Kind, name accounts.Text) accounts.Organization {
	t.Helper()
	o := accounts.Organization{BIN: newBIN(t), Kind: kind, Subtype: accounts.Subtypes[kind][0], Name: name, Region: "karaganda"}
	if kind == accounts.KindProducerInstitution {
		o.InstitutionNumber = 16
	}
	if err := o.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := e.store.CreateOrganization(context.Background(), &o); err != nil {
		t.Fatal(err)
	}
	return o
}

// shop is a producer enterprise with a site in a penal institution, its manager, and
// three listings: two published (a shanyrak with no English title, a desk) and a draft.
type shop struct {
	enterprise, institution accounts.Organization
	site                    accounts.ProductionSite
	manager                 accounts.Actor
	managerEmail            string
	shanyrak, desk, draft   catalog.Listing
}

func (e *env) shop(t *testing.T) *shop {
	t.Helper()
	ctx := context.Background()
	s := &shop{
		enterprise:  e.orgOf(t, accounts.KindProducerEnterprise, accounts.Text{RU: "РГП «Енбек»", KK: "«Еңбек» РМК", EN: "Enbek"}),
		institution: e.orgOf(t, accounts.KindProducerInstitution, accounts.Text{RU: "Учреждение № 16", KK: "№ 16 мекеме", EN: "Institution No. 16"}),
	}
	s.site = accounts.ProductionSite{EnterpriseID: s.enterprise.ID, InstitutionID: s.institution.ID, Code: "W1",
		Name: accounts.Text{RU: "Столярный цех", KK: "Ағаш шеберханасы", EN: "Joinery"}, WorkshopKind: accounts.WorkshopWoodwork, WeeklyCapacityHours: 400}
	if err := e.store.CreateProductionSite(ctx, &s.site); err != nil {
		t.Fatal(err)
	}
	s.managerEmail = fmt.Sprintf("manager%d@enbek.kz", s.enterprise.ID)
	u := e.user(t, s.managerEmail, "Марат Ахметов", s.enterprise, accounts.RoleProducerManager)
	s.manager = accounts.Actor{UserID: u.ID, Memberships: []accounts.Member{{Membership: accounts.Membership{UserID: u.ID, OrgID: s.enterprise.ID, Role: accounts.RoleProducerManager},
		OrgName: s.enterprise.Name, OrgKind: s.enterprise.Kind, Region: s.enterprise.Region}}}
	add := func(in catalog.ListingInput, publish bool) catalog.Listing {
		t.Helper()
		l, err := e.cat.CreateListing(ctx, s.manager, s.enterprise.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if publish {
			if l, err = e.cat.SetStatus(ctx, s.manager, l.ID, l.Version, catalog.StatusPublished); err != nil {
				t.Fatal(err)
			}
		}
		return l
	}
	s.shanyrak = add(catalog.ListingInput{Title: accounts.Text{RU: "Шанырак декоративный", KK: "Сәндік шаңырақ"},
		Description: accounts.Text{RU: "Берёза, ручная работа"}, CategoryCode: "play-corners", Unit: catalog.UnitPiece,
		Attributes: catalog.Attributes{LengthMM: 1200, WidthMM: 1200, HeightMM: 300, Material: accounts.Text{RU: "берёза"}, Standard: "ГОСТ 25779-90"},
		PriceTiyn:  6_000_000, VATIncluded: true, MinOrderQty: 1, LeadTimeDays: 21, ReadyStock: 0, SiteIDs: []int64{s.site.ID}}, true)
	s.desk = add(catalog.ListingInput{Title: accounts.Text{RU: "Парта ученическая двухместная", KK: "Екі орындық оқушы партасы", EN: "Two-seat school desk"},
		CategoryCode: "furniture-desks", Unit: catalog.UnitPiece, PriceTiyn: 2_850_050, MinOrderQty: 10, LeadTimeDays: 7, ReadyStock: 40,
		SiteIDs: []int64{s.site.ID}}, true)
	s.draft = add(catalog.ListingInput{Title: accounts.Text{RU: "Секретная парта-черновик"}, CategoryCode: "furniture-desks", Unit: catalog.UnitPiece,
		PriceTiyn: 100_000, MinOrderQty: 1, SiteIDs: []int64{s.site.ID}}, false)
	return s
}

func TestCatalogPageWithoutJavaScript(t *testing.T) {
	e := newEnv(t)
	s := e.shop(t)
	b := newBrowser(t, e.app)

	all := b.get("/catalog")
	all.expect(t, http.StatusOK, "Найдено товаров: 2", "Шанырак декоративный", "Парта ученическая двухместная",
		`<form method="get" action="/catalog"`, `name="q"`, `name="category"`, `name="region"`, `name="enterprise"`, `name="price"`,
		`name="in_stock"`, `name="lead_time_max"`, `name="sort"`, "60\u00a0000\u00a0₸", "с НДС", "28\u00a0500,50\u00a0₸", "без НДС",
		"РГП «Енбек»", "Изготовление: 21 дн.", "В наличии: 40 шт.", `<script src="/static/catalog.`)
	if strings.Contains(all.body, "Секретная") {
		t.Error("the catalog shows a draft")
	}
	if got := all.Header.Get("Cache-Control"); got != "private, no-cache" {
		t.Errorf("Cache-Control = %q", got)
	}

	// Typed text and each filter narrow the results; the form shows what was chosen.
	b.get("/catalog?q=%D1%88%D0%B0%D0%BD%D1%8B%D1%80%D0%B0%D0%BA").expect(t, http.StatusOK, "Найдено товаров: 1", "Шанырак декоративный", `value="шанырак"`)
	b.get("/catalog?q=shanyraq").expect(t, http.StatusOK, "Найдено товаров: 1", "Шанырак декоративный")
	desks := b.get("/catalog?category=furniture&in_stock=1&lead_time_max=7&sort=price_asc")
	desks.expect(t, http.StatusOK, "Найдено товаров: 1", "Парта ученическая", `<option value="furniture" selected>`, `id="f-stock" name="in_stock" value="1" checked`,
		`<option value="7" selected>`, `<option value="price_asc" selected>`)
	if strings.Contains(desks.body, "Шанырак декоративный") {
		t.Error("the filters kept the shanyrak")
	}
	band := url.QueryEscape(fmt.Sprintf("%d-%d", catalog.PriceBands[1].Min, catalog.PriceBands[1].Max))
	b.get("/catalog?price="+band).expect(t, http.StatusOK, "Найдено товаров: 1", "Парта ученическая")
	b.get(fmt.Sprintf("/catalog?enterprise=%d&region=karaganda", s.enterprise.ID)).expect(t, http.StatusOK, "Найдено товаров: 2")
	b.get("/catalog?region=almaty").expect(t, http.StatusOK, "Найдено товаров: 0", "Ничего не найдено")

	// The English page shows the Russian title of the shanyrak, marked as Russian.
	b.lang = "en"
	b.get("/catalog?q=shanyrak").expect(t, http.StatusOK, `lang="ru">Шанырак декоративный</a> <span class="lang-badge"`, ">ru</span>", "60,000\u00a0₸")
	b.lang = ""

	// Bad parameters are a 422 page naming them; tracking tags are ignored.
	b.get("/catalog?price=1-2").expect(t, http.StatusUnprocessableEntity, "price")
	b.get("/catalog?sort=cheapest").expect(t, http.StatusUnprocessableEntity, "sort")
	b.get("/catalog?page=0").expect(t, http.StatusUnprocessableEntity, "page")
	b.get("/catalog?utm_source=mail").expect(t, http.StatusOK, "Найдено товаров: 2")
}

func TestCatalogPagination(t *testing.T) {
	e := newEnv(t)
	s := e.shop(t)
	ctx := context.Background()
	for i := 0; i < catalog.DefaultPerPage; i++ {
		l, err := e.cat.CreateListing(ctx, s.manager, s.enterprise.ID, catalog.ListingInput{Title: accounts.Text{RU: fmt.Sprintf("Скамейка № %d", i)},
			CategoryCode: "small-forms-benches", Unit: catalog.UnitPiece, PriceTiyn: int64(1000 + i), MinOrderQty: 1, SiteIDs: []int64{s.site.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.cat.SetStatus(ctx, s.manager, l.ID, l.Version, catalog.StatusPublished); err != nil {
			t.Fatal(err)
		}
	}
	b := newBrowser(t, e.app)
	first := b.get("/catalog?sort=price_asc")
	first.expect(t, http.StatusOK, fmt.Sprintf("Найдено товаров: %d", catalog.DefaultPerPage+2), `href="/catalog?page=2&amp;sort=price_asc" rel="next"`,
		`aria-current="page">1</a>`, "Скамейка № 0")
	second := b.get("/catalog?sort=price_asc&page=2")
	second.expect(t, http.StatusOK, `href="/catalog?sort=price_asc" rel="prev"`, `aria-current="page">2</a>`, "Парта ученическая", "Шанырак декоративный")
	if strings.Contains(second.body, "Скамейка № 0") {
		t.Error("page 2 repeats page 1")
	}
}

func TestProductPage(t *testing.T) {
	e := newEnv(t)
	s := e.shop(t)
	b := newBrowser(t, e.app)

	p := b.get(fmt.Sprintf("/catalog/%d", s.shanyrak.ID))
	p.expect(t, http.StatusOK, "<title>Шанырак декоративный — ", "60\u00a0000\u00a0₸", "с НДС", "Под заказ", "21 дн.",
		"РГП «Енбек»", "Столярный цех — Учреждение № 16", "Карагандинская область", "1200 × 1200 × 300 мм", "ГОСТ 25779-90", "берёза",
		`<a href="/catalog">Каталог</a>`, `<a href="/catalog?category=play">`, `<a href="/catalog?category=play-corners">`, "Берёза, ручная работа")
	b.lang = "kk"
	b.get(fmt.Sprintf("/catalog/%d", s.desk.ID)).expect(t, http.StatusOK, "Екі орындық оқушы партасы", "ҚҚС-сыз", "40 дана", "10 дана")

	// Drafts, unknown ids and non-ids are not found, for the public and the producer alike.
	for _, path := range []string{fmt.Sprintf("/catalog/%d", s.draft.ID), "/catalog/999999999", "/catalog/abc", "/catalog/0"} {
		b.get(path).expect(t, http.StatusNotFound, "Бет табылмады")
	}
	signIn(t, b, s.managerEmail)
	b.get(fmt.Sprintf("/catalog/%d", s.draft.ID)).expect(t, http.StatusNotFound)
}

// signIn signs b in as email with testPassword.
func signIn(t *testing.T, b *browser, email string) {
	t.Helper()
	form := b.get("/login")
	b.post("/login", url.Values{"_csrf": {form.csrf(t)}, "email": {email}, "password": {testPassword}, "next": {"/account"}}).expectRedirect(t, "/account")
}
