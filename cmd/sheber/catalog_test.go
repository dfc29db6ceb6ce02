package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sheber-kz/sheber/storage/postgres"
	"github.com/sheber-kz/sheber/storage/postgres/postgrestest"
)

// The sample file of docs/ imports into the demo enterprise whose sites it names, as the
// system actor; a second run changes nothing; a bad file changes nothing and says where.
func TestCatalogImportCommand(t *testing.T) {
	ctx := context.Background()
	db := postgrestest.New(t)
	if _, err := seedDemo(ctx, postgres.NewAccountsStore(db), seedTestHasher()); err != nil {
		t.Fatal(err)
	}
	bin := demoBIN("0105", 710130) // Sheberkhana-Shygys, whose sites the sample names
	sample := filepath.Join("..", "..", "docs", "import-sample.csv")
	var out strings.Builder
	if err := importCatalogFile(ctx, db, sample, bin, false, &out); err != nil {
		t.Fatalf("import the sample: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "5 created, 0 updated, 0 unchanged") {
		t.Errorf("first import said %q", out.String())
	}
	out.Reset()
	if err := importCatalogFile(ctx, db, sample, bin, true, &out); err != nil || !strings.Contains(out.String(), "dry run, nothing changed") ||
		!strings.Contains(out.String(), "0 created, 0 updated, 5 unchanged") {
		t.Errorf("dry run of the same file: %v, %q", err, out.String())
	}

	bad := filepath.Join(t.TempDir(), "bad.jsonl")
	if err := os.WriteFile(bad, []byte(`{"external_code":"X-1","title_ru":"Парта","category":"furniture-desks","unit":"piece","price":"10","site_codes":"NOPE"}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := importCatalogFile(ctx, db, bad, bin, false, &out); err == nil || !strings.Contains(out.String(), "line 1, site_codes") {
		t.Errorf("bad file: %v, %q", err, out.String())
	}
	if err := importCatalogFile(ctx, db, sample, "123456789012", false, &out); err == nil {
		t.Error("a malformed BIN was accepted")
	}
}

func TestParseImportArgs(t *testing.T) {
	for _, args := range [][]string{
		{"f.csv", "--enterprise", "010547101309", "--dry-run"},
		{"--enterprise=010547101309", "f.csv", "--dry-run"},
		{"--dry-run", "--enterprise", "010547101309", "f.csv"},
	} {
		file, bin, dry, err := parseImportArgs(args)
		if err != nil || file != "f.csv" || bin != "010547101309" || !dry {
			t.Errorf("%q: %s %s %v %v", args, file, bin, dry, err)
		}
	}
	for _, args := range [][]string{{"f.csv"}, {"--enterprise", "1"}, {"a.csv", "b.csv", "--enterprise", "1"}, {"f.csv", "--bogus"}} {
		if _, _, _, err := parseImportArgs(args); err == nil {
			t.Errorf("%q accepted", args)
		}
	}
}
