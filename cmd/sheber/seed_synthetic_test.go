package main

import (
	"context"
	"strings"
	"testing"

	"github.com/sheber-kz/sheber/catalog"
	"github.com/sheber-kz/sheber/cmd/sheber/internal/synthetic"
	"github.com/sheber-kz/sheber/storage/postgres"
	"github.com/sheber-kz/sheber/storage/postgres/postgrestest"
)

func TestSeedSyntheticIsIdempotentAndSearchable(t *testing.T) {
	ctx := context.Background()
	db := postgrestest.New(t)
	dir := postgres.NewAccountsStore(db)
	store := postgres.NewCatalogStore(db)
	cat := &catalog.Service{Store: store, Directory: dir, Searcher: store}

	first, err := seedSynthetic(ctx, dir, cat, 400, 3)
	if err != nil {
		t.Fatal(err)
	}
	insts, ents := synthetic.Organizations()
	if first.Created != 400 || first.Organizations.Created != len(insts)+len(ents) || first.Sites.Created != len(ents)*synthetic.SitesPerEnterprise {
		t.Fatalf("first run: %s", first)
	}
	second, err := seedSynthetic(ctx, dir, cat, 400, 3)
	if err != nil {
		t.Fatal(err)
	}
	if second.Created != 0 || second.Updated != 0 || second.Unchanged != 400 || second.Organizations.Created != 0 || second.Sites.Created != 0 {
		t.Fatalf("second run changed something: %s", second)
	}
	// A larger catalog extends the smaller one.
	third, err := seedSynthetic(ctx, dir, cat, 480, 3)
	if err != nil {
		t.Fatal(err)
	}
	if third.Created != 80 || third.Unchanged != 400 {
		t.Fatalf("extending to 480: %s", third)
	}

	published := 0
	for n := 0; n < 480; n++ {
		if synthetic.Generate(3, n).Published {
			published++
		}
	}
	res, err := cat.Search(ctx, catalog.SearchQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != published {
		t.Errorf("search finds %d listings, %d are published", res.Total, published)
	}
	if len(res.Facets.Regions) < 10 {
		t.Errorf("listings are made in only %d regions", len(res.Facets.Regions))
	}
	// A generated title is found by a word of it.
	l := synthetic.Generate(3, 0)
	word := strings.Fields(l.Input.Title.RU)[0]
	res, err = cat.Search(ctx, catalog.SearchQuery{Text: word})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total == 0 {
		t.Errorf("searching %q finds nothing", word)
	}
}

func TestParseSeedSynthetic(t *testing.T) {
	for _, tc := range []struct {
		args    []string
		n       int
		seed    uint64
		wantErr string
	}{
		{[]string{"--products", "10"}, 10, 1, ""},
		{[]string{"--products", "10", "--seed", "9"}, 10, 9, ""},
		{nil, 0, 0, "--products"},
		{[]string{"--products", "0"}, 0, 0, "--products"},
		{[]string{"--products", "100000000"}, 0, 0, "--products"},
		{[]string{"--products", "x"}, 0, 0, "invalid value"},
		{[]string{"--products", "5", "extra"}, 0, 0, "unexpected argument"},
	} {
		n, seed, err := parseSeedSynthetic(tc.args)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%v: error %v, want one with %q", tc.args, err, tc.wantErr)
			}
			continue
		}
		if err != nil || n != tc.n || seed != tc.seed {
			t.Errorf("%v: %d %d %v", tc.args, n, seed, err)
		}
	}
}
