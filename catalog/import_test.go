package catalog_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog"
)

// importHeader is the header of the test files.
const importHeader = "external_code,title_ru,title_kk,category,unit,price,vat_included,min_order,lead_time_days,labour_hours,stock,site_codes,status\n"

// importRow is one valid row: a published desk with code, title and price.
func importRow(code, title, price string) string {
	return fmt.Sprintf("%s,%s,%s,furniture-desks,piece,\"%s\",да,1,10,\"1,5\",3,WOOD,published\n", code, title, title, price)
}

func mustImport(t *testing.T, svc *catalog.Service, a accounts.Actor, ent int64, data string) catalog.ImportReport {
	t.Helper()
	rep, err := svc.ImportListings(context.Background(), a, ent, catalog.ImportCSV, []byte(data), false)
	if err != nil {
		t.Fatalf("import: %v; report %+v", err, rep.Errors)
	}
	return rep
}

func countListings(t *testing.T, svc *catalog.Service, a accounts.Actor, ent int64) int {
	t.Helper()
	ls, err := svc.EnterpriseListings(context.Background(), a, ent, "")
	if err != nil {
		t.Fatal(err)
	}
	return len(ls)
}

// 10,000 rows land in one import, are then found by search, and a second import of the
// same file changes nothing.
func TestImportTenThousandRowsAreSearchable(t *testing.T) {
	svc, manager, ent, _ := newService(t)
	svc.Searcher = svc.Store.(catalog.Searcher)
	var b strings.Builder
	b.WriteString(importHeader)
	const n = 10_000
	for i := range n {
		title := fmt.Sprintf("Парта ученическая модель %d", i)
		if i == 4242 {
			title = "Шаңырақ игровой уголок"
		}
		b.WriteString(importRow(fmt.Sprintf("D-%05d", i), title, fmt.Sprintf("%d,50", 20000+i)))
	}
	rep := mustImport(t, svc, manager, ent, b.String())
	if rep.Created != n || rep.Updated != 0 || rep.Unchanged != 0 {
		t.Fatalf("first import: %+v; want %d created", rep, n)
	}
	ctx := context.Background()
	res, err := svc.Search(ctx, catalog.SearchQuery{Text: "шанырак"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 || res.Items[0].ExternalCode != "D-04242" {
		t.Fatalf("search for шанырак: total %d, items %+v; want D-04242 only", res.Total, res.Items)
	}
	got := res.Items[0]
	if got.PriceTiyn != 2424250 || !got.VATIncluded || got.LabourMinutesPerUnit != 90 || got.ReadyStock != 3 || got.Status != catalog.StatusPublished {
		t.Errorf("imported listing = %+v", got)
	}
	all, err := svc.Search(ctx, catalog.SearchQuery{EnterpriseID: ent})
	if err != nil || all.Total != n {
		t.Fatalf("search by enterprise: total %d, %v; want %d", all.Total, err, n)
	}

	again := mustImport(t, svc, manager, ent, b.String())
	if again.Created != 0 || again.Updated != 0 || again.Unchanged != n {
		t.Fatalf("second import: %+v; want all %d unchanged", again, n)
	}
	if all, _ := svc.Search(ctx, catalog.SearchQuery{EnterpriseID: ent}); all.Total != n {
		t.Errorf("after a second import, %d listings; want %d", all.Total, n)
	}
}

// A second import of the same file duplicates nothing; changing one row's price updates
// only that row and adds one price point.
func TestImportIsIdempotentByExternalCode(t *testing.T) {
	svc, manager, ent, _ := newService(t)
	ctx := context.Background()
	file := importHeader + importRow("B-1", "Скамейка парковая", "45000") + importRow("B-2", "Урна уличная", "12000.5") +
		importRow("B-3", "Костюм рабочий", "9800,00")
	if rep := mustImport(t, svc, manager, ent, file); rep.Created != 3 {
		t.Fatalf("first import: %+v", rep)
	}
	before, err := svc.EnterpriseListings(ctx, manager, ent, "")
	if err != nil {
		t.Fatal(err)
	}
	versions := map[string]int{}
	ids := map[string]int64{}
	for _, l := range before {
		versions[l.ExternalCode], ids[l.ExternalCode] = l.Version, l.ID
	}
	if rep := mustImport(t, svc, manager, ent, file); rep.Unchanged != 3 || rep.Created+rep.Updated != 0 {
		t.Fatalf("same file again: %+v; want 3 unchanged", rep)
	}
	changed := strings.Replace(file, "12000.5", "12500", 1)
	if rep := mustImport(t, svc, manager, ent, changed); rep.Updated != 1 || rep.Unchanged != 2 || rep.Created != 0 {
		t.Fatalf("one price changed: %+v; want 1 updated, 2 unchanged", rep)
	}
	after, err := svc.EnterpriseListings(ctx, manager, ent, "")
	if err != nil || len(after) != 3 {
		t.Fatalf("after: %d listings, %v", len(after), err)
	}
	for _, l := range after {
		history, err := svc.PriceHistory(ctx, manager, l.ID)
		if err != nil {
			t.Fatal(err)
		}
		wantVersion, wantPoints := versions[l.ExternalCode], 1
		if l.ExternalCode == "B-2" {
			wantVersion, wantPoints = wantVersion+1, 2
			if l.PriceTiyn != 1_250_000 {
				t.Errorf("B-2 price = %d; want 1250000", l.PriceTiyn)
			}
		}
		if l.Version != wantVersion || len(history) != wantPoints || l.ID != ids[l.ExternalCode] {
			t.Errorf("%s: version %d, %d price points, id %d; want version %d, %d points, id %d",
				l.ExternalCode, l.Version, len(history), l.ID, wantVersion, wantPoints, ids[l.ExternalCode])
		}
	}
	// A change that is not the price moves the version but not the history.
	if rep := mustImport(t, svc, manager, ent, strings.Replace(changed, "Костюм рабочий", "Костюм рабочий летний", 2)); rep.Updated != 1 {
		t.Fatalf("title changed: %+v", rep)
	}
	l, err := svc.Listing(ctx, manager, ids["B-3"])
	if err != nil {
		t.Fatal(err)
	}
	if history, _ := svc.PriceHistory(ctx, manager, l.ID); l.Version != versions["B-3"]+1 || len(history) != 1 || l.Title.RU != "Костюм рабочий летний" {
		t.Errorf("B-3 after a title change: version %d, %d price points, title %q", l.Version, len(history), l.Title.RU)
	}
}

// A file with bad rows changes nothing and names each bad row and column.
func TestImportWithBadRowsChangesNothing(t *testing.T) {
	svc, manager, ent, _ := newService(t)
	mustImport(t, svc, manager, ent, importHeader+importRow("K-1", "Парта", "100"))
	file := importHeader +
		importRow("K-1", "Парта двухместная", "150") + // line 2: fine (an update)
		importRow("K-2", "Стул", "12.345") + // line 3: three decimals
		"K-3,,,furniture-desks,piece,100,да,1,10,,0,WOOD,\n" + // line 4: no title
		"K-4,Шкаф,Шкаф,nope,box,100,maybe,0,400,,-1,MISSING,archived\n" + // line 5: many problems
		importRow("K-2", "Стул", "10") + // line 6: the code of line 3 again
		importRow("K-6", "Кровать", "1e3") // line 7: not a price
	rep, err := svc.ImportListings(context.Background(), manager, ent, catalog.ImportCSV, []byte(file), false)
	if accounts.ErrorCode(err) != accounts.CodeInvalid {
		t.Fatalf("bad file: %v; want invalid", err)
	}
	want := map[string]bool{
		"3 price": true, "4 title_ru": true, "5 category": true, "5 unit": true, "5 vat_included": true, "5 min_order": true,
		"5 lead_time_days": true, "5 stock": true, "5 site_codes": true, "5 status": true, "6 external_code": true, "7 price": true,
	}
	got := map[string]bool{}
	for _, e := range rep.Errors {
		got[fmt.Sprintf("%d %s", e.Row, e.Column)] = true
		if e.Message == "" {
			t.Errorf("row %d column %s: no message", e.Row, e.Column)
		}
	}
	for k := range want {
		if !got[k] {
			t.Errorf("no error for row/column %s; got %+v", k, rep.Errors)
		}
	}
	for k := range got {
		if !want[k] {
			t.Errorf("unexpected error %s; got %+v", k, rep.Errors)
		}
	}
	if rep.Created+rep.Updated+rep.Unchanged != 0 {
		t.Errorf("a refused import counts %+v", rep)
	}
	ls, err := svc.EnterpriseListings(context.Background(), manager, ent, "")
	if err != nil || len(ls) != 1 || ls[0].Title.RU != "Парта" || ls[0].Version != 1 {
		t.Errorf("after a refused import: %+v, %v; want the one listing as it was", ls, err)
	}
}

// A BOM, semicolons (with decimal commas) and quoted fields with newlines and separators.
func TestImportCSVForms(t *testing.T) {
	svc, manager, ent, site := newService(t)
	file := "\xEF\xBB\xBFexternal_code;title_ru;description_ru;category;unit;price;vat_included;site_codes;labour_minutes\r\n" +
		"W-1;\"Костюм \"\"Мастер\"\"; летний\";\"Куртка и брюки.\r\nТкань: смесовая; 210 г/м²\";sewn-workwear;set;1 234,50;иә;" + fmt.Sprint(site) + ";45\r\n"
	rep := mustImport(t, svc, manager, ent, file)
	if rep.Created != 1 {
		t.Fatalf("report %+v", rep)
	}
	ls, _ := svc.EnterpriseListings(context.Background(), manager, ent, "")
	l := ls[0]
	if l.Title.RU != `Костюм "Мастер"; летний` || l.Description.RU != "Куртка и брюки.\nТкань: смесовая; 210 г/м²" ||
		l.PriceTiyn != 123450 || !l.VATIncluded || len(l.SiteIDs) != 1 || l.SiteIDs[0] != site || l.LabourMinutesPerUnit != 45 ||
		l.Status != catalog.StatusDraft || l.Unit != catalog.UnitSet {
		t.Errorf("imported %+v", l)
	}

	// The same listing in JSON Lines is unchanged.
	jsonl := `{"external_code":"W-1","title_ru":"Костюм \"Мастер\"; летний","description_ru":"Куртка и брюки.\nТкань: смесовая; 210 г/м²",` +
		`"category":"sewn-workwear","unit":"set","price":1234.5,"vat_included":true,"site_codes":["WOOD"],"labour_hours":0.75}` + "\n"
	rep, err := svc.ImportListings(context.Background(), manager, ent, catalog.ImportJSONLines, []byte(jsonl), false)
	if err != nil || rep.Unchanged != 1 {
		t.Fatalf("the same listing as JSON Lines: %+v, %v; want unchanged", rep, err)
	}
}

// Concurrent imports of overlapping files create each listing once.
func TestConcurrentImportsDoNotDuplicate(t *testing.T) {
	svc, manager, ent, _ := newService(t)
	file := func(from, to int) string {
		var b strings.Builder
		b.WriteString(importHeader)
		for i := from; i < to; i++ {
			b.WriteString(importRow(fmt.Sprintf("C-%d", i), "Скамейка", "5000"))
		}
		return b.String()
	}
	files := []string{file(0, 300), file(100, 400), file(200, 500), file(0, 500)}
	var wg sync.WaitGroup
	reports := make([]catalog.ImportReport, len(files))
	errs := make([]error, len(files))
	for i, f := range files {
		wg.Add(1)
		go func() {
			defer wg.Done()
			reports[i], errs[i] = svc.ImportListings(context.Background(), manager, ent, catalog.ImportCSV, []byte(f), false)
		}()
	}
	wg.Wait()
	created := 0
	for i, err := range errs {
		if err != nil {
			t.Fatalf("import %d: %v", i, err)
		}
		created += reports[i].Created
	}
	if created != 500 {
		t.Errorf("created %d in all; want 500 (each code once): %+v", created, reports)
	}
	if n := countListings(t, svc, manager, ent); n != 500 {
		t.Errorf("%d listings; want 500", n)
	}
}

// A dry run judges and counts but changes nothing; only the enterprise's managers (or the
// system actor) import.
func TestImportDryRunAndAuthorization(t *testing.T) {
	svc, manager, ent, _ := newService(t)
	ctx := context.Background()
	file := importHeader + importRow("R-1", "Парта", "100")
	rep, err := svc.ImportListings(ctx, manager, ent, catalog.ImportCSV, []byte(file), true)
	if err != nil || rep.Created != 1 || !rep.DryRun {
		t.Fatalf("dry run: %+v, %v", rep, err)
	}
	if n := countListings(t, svc, manager, ent); n != 0 {
		t.Fatalf("a dry run stored %d listings", n)
	}
	if _, err := svc.ImportListings(ctx, accounts.Actor{}, ent, catalog.ImportCSV, []byte(file), false); accounts.ErrorCode(err) != accounts.CodeUnauthenticated {
		t.Errorf("the public: %v", err)
	}
	stranger := accounts.Actor{UserID: 999999}
	if _, err := svc.ImportListings(ctx, stranger, ent, catalog.ImportCSV, []byte(file), false); accounts.ErrorCode(err) != accounts.CodeNotFound {
		t.Errorf("a stranger: %v; want not found", err)
	}
	master := manager
	master.Memberships = []accounts.Member{manager.Memberships[0]}
	master.Memberships[0].Role = accounts.RoleWorkshopMaster
	if _, err := svc.ImportListings(ctx, master, ent, catalog.ImportCSV, []byte(file), false); accounts.ErrorCode(err) != accounts.CodeForbidden {
		t.Errorf("a workshop master: %v; want forbidden", err)
	}
	if _, err := svc.ImportListings(ctx, manager, ent, catalog.ImportCSV, make([]byte, catalog.MaxImportBytes+1), false); accounts.ErrorCode(err) != accounts.CodeTooLarge {
		t.Errorf("too large: %v", err)
	}
	rep, err = svc.ImportListings(ctx, accounts.SystemActor("test"), ent, catalog.ImportCSV, []byte(file), false)
	if err != nil || rep.Created != 1 {
		t.Fatalf("system actor: %+v, %v", rep, err)
	}
	history, err := svc.PriceHistory(ctx, manager, mustFirst(t, svc, manager, ent).ID)
	if err != nil || len(history) != 1 || history[0].ChangedBy != 0 {
		t.Errorf("system import's price history: %+v, %v; want one point by no user", history, err)
	}
}

func mustFirst(t *testing.T, svc *catalog.Service, a accounts.Actor, ent int64) catalog.Listing {
	t.Helper()
	ls, err := svc.EnterpriseListings(context.Background(), a, ent, "")
	if err != nil || len(ls) == 0 {
		t.Fatalf("listings: %v, %v", ls, err)
	}
	return ls[0]
}

// BenchmarkImport10000Rows imports a file of 10,000 new listings, then the same file again
// (every row unchanged), per iteration.
func BenchmarkImport10000Rows(b *testing.B) {
	svc, manager, ent, _ := newService(b)
	ctx := context.Background()
	for i := 0; b.Loop(); i++ {
		var f strings.Builder
		f.WriteString(importHeader)
		for j := range 10_000 {
			f.WriteString(importRow(fmt.Sprintf("B%d-%05d", i, j), fmt.Sprintf("Парта ученическая модель %d", j), "25000,50"))
		}
		for _, want := range []int{10_000, 0} {
			rep, err := svc.ImportListings(ctx, manager, ent, catalog.ImportCSV, []byte(f.String()), false)
			if err != nil || rep.Created != want {
				b.Fatalf("import: %+v, %v", rep, err)
			}
		}
	}
}
