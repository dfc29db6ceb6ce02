// Package sheber_test holds checks that span the whole module: the import rules of
// DESIGN.md.
package sheber_test

import (
	"bufio"
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// module is the module path; go.mod must agree.
const module = "github.com/sheber-kz/sheber"

// domainDeps is the DAG of the domain packages: each may import only the ones listed.
var domainDeps = map[string][]string{
	"accounts": nil,
	"catalog":  {"accounts"},
	"orders":   {"catalog", "accounts"},
	"wages":    {"orders", "accounts"},
}

// adapterLibs are the libraries that only adapters (storage/*, api, frontend, cmd) may use.
var adapterLibs = []string{
	"github.com/gofiber",
	"github.com/jmoiron/sqlx",
	"github.com/lib/pq",
	"github.com/redis/go-redis",
	"github.com/minio/minio-go",
	"github.com/meilisearch/meilisearch-go",
}

// graph maps a package directory, relative to the module root and slash-separated
// ("accounts", "storage/postgres"), to its imports and, for each, a file that has it.
type graph map[string]map[string]string

// violation is one import that breaks a rule.
type violation struct {
	pkg, imp, file, rule string
}

func (v violation) String() string {
	where := v.pkg
	if v.file != "" {
		where = v.file
	}
	if v.imp == "" {
		return fmt.Sprintf("%s: %s", where, v.rule)
	}
	return fmt.Sprintf("%s imports %q: %s", where, v.imp, v.rule)
}

// TestImportRules enforces DESIGN.md's import rules on every non-test Go file of the module.
func TestImportRules(t *testing.T) {
	root := moduleRoot(t)
	g, err := packageImports(root)
	if err != nil {
		t.Fatal(err)
	}
	// If the walk found nothing, the rules would pass vacuously.
	for _, pkg := range []string{"accounts", "api", "storage/postgres"} {
		if _, ok := g[pkg]; !ok {
			t.Fatalf("the walk of %s did not find package %s; found %v", root, pkg, keys(g))
		}
	}
	for _, v := range violations(g) {
		t.Error(v)
	}
}

// moduleRoot returns the directory of go.mod (the test runs in it) after checking that it
// declares module.
func moduleRoot(t *testing.T) string {
	t.Helper()
	root, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatalf("imports_test.go must sit at the module root: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "module "); ok {
			if got := strings.Trim(strings.TrimSpace(rest), `"`); got != module {
				t.Fatalf("go.mod declares module %s, the import rules are written for %s", got, module)
			}
			return root
		}
	}
	t.Fatal("go.mod has no module line")
	return ""
}

// packageImports parses the imports of every non-test .go file under root. Like the go
// tool, it skips directories whose names start with "." or "_", testdata, and nested
// modules; unlike it, it reads files of every build constraint, since the rules hold for
// all of them.
func packageImports(root string) (graph, error) {
	g := graph{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p == root {
				return nil
			}
			if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "node_modules" || name == "vendor" {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		pkg := path.Dir(rel)
		if g[pkg] == nil {
			g[pkg] = map[string]string{}
		}
		for _, is := range f.Imports {
			imp, err := strconv.Unquote(is.Path.Value)
			if err != nil {
				return fmt.Errorf("%s: %v", rel, err)
			}
			if _, seen := g[pkg][imp]; !seen {
				g[pkg][imp] = rel
			}
		}
		return nil
	})
	return g, err
}

// violations checks every import of g against the rules.
func violations(g graph) []violation {
	var out []violation
	for _, pkg := range keys(g) {
		imps := g[pkg]
		if !covered(pkg) {
			out = append(out, violation{pkg: pkg, rule: fmt.Sprintf("package %s is not covered by the import rules: add it to DESIGN.md and to imports_test.go", pkg)})
			continue
		}
		names := make([]string, 0, len(imps))
		for imp := range imps {
			names = append(names, imp)
		}
		sort.Strings(names)
		for _, imp := range names {
			if rule := check(pkg, imp); rule != "" {
				out = append(out, violation{pkg: pkg, imp: imp, file: imps[imp], rule: rule})
			}
		}
	}
	return out
}

func keys(g graph) []string {
	ks := make([]string, 0, len(g))
	for k := range g {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// isStd reports whether imp is in the standard library: its first element has no dot.
func isStd(imp string) bool {
	first, _, _ := strings.Cut(imp, "/")
	return !strings.Contains(first, ".")
}

// projectPackage returns imp relative to the module ("accounts", "storage/redis"), if it is
// one of the module's packages.
func projectPackage(imp string) (string, bool) {
	if imp == module {
		return ".", true
	}
	return strings.CutPrefix(imp, module+"/")
}

// under reports whether pkg is dir or inside it.
func under(pkg, dir string) bool { return pkg == dir || strings.HasPrefix(pkg, dir+"/") }

func isAdapterLib(imp string) bool {
	for _, lib := range adapterLibs {
		if under(imp, lib) {
			return true
		}
	}
	return false
}

func isDomain(pkg string) bool {
	_, ok := domainDeps[pkg]
	return ok
}

const (
	ruleAdapterLibs = "domain packages import no Fiber, sqlx, lib/pq, go-redis, minio-go or meilisearch-go (DESIGN.md, Import rules); declare an interface in the domain and implement it under storage/"
	ruleAccountsStd = "accounts imports the standard library only (DESIGN.md, Import rules)"
)

// inDomain reports whether pkg is a domain package or one of its subpackages.
func inDomain(pkg string) bool {
	top, _, _ := strings.Cut(pkg, "/")
	return isDomain(top)
}

// covered reports whether the rules say anything about pkg.
func covered(pkg string) bool {
	top, _, _ := strings.Cut(pkg, "/")
	return isDomain(top) || slices.Contains([]string{"storage", "api", "frontend", "migrations", "cmd"}, top)
}

// check returns the rule that pkg (a covered package) importing imp breaks, or "".
func check(pkg, imp string) string {
	if isStd(imp) {
		return ""
	}
	dep, project := projectPackage(imp)
	top, _, _ := strings.Cut(pkg, "/")
	switch {
	case isDomain(pkg):
		allowed := domainDeps[pkg]
		if project {
			// A domain package may use its own subpackages (catalog/imaging), which follow
			// the domain's rules below.
			if slices.Contains(allowed, dep) || under(dep, pkg) {
				return ""
			}
			if len(allowed) == 0 {
				return ruleAccountsStd
			}
			return fmt.Sprintf("the domain DAG lets %s import only %s of the project (DESIGN.md: orders -> catalog, accounts; wages -> orders, accounts; catalog -> accounts)",
				pkg, strings.Join(allowed, ", "))
		}
		if pkg == "accounts" {
			return ruleAccountsStd
		}
		if isAdapterLib(imp) {
			return ruleAdapterLibs
		}
		return ""

	case pkg == "accounts/argon2id":
		if project && dep == "accounts" || !project && under(imp, "golang.org/x/crypto") {
			return ""
		}
		return "accounts/argon2id may import golang.org/x/crypto and accounts only"

	case isDomain(top):
		// Other subpackages of a domain package: the domain's own rules.
		if project {
			if under(dep, top) || slices.Contains(domainDeps[top], dep) {
				return ""
			}
			return fmt.Sprintf("a subpackage of %s may import only %s, its subpackages and what %s may import", top, top, top)
		}
		if isAdapterLib(imp) {
			return ruleAdapterLibs
		}
		return ""

	case top == "storage":
		if !project {
			return ""
		}
		// storage/<adapter>/...: the adapter's own tree (its test helpers import it).
		parts := strings.SplitN(pkg, "/", 3)
		adapter := strings.Join(parts[:min(2, len(parts))], "/")
		switch {
		case isDomain(dep), under(dep, adapter):
			return ""
		case dep == "migrations" && adapter == "storage/postgres":
			return "" // the PostgreSQL adapter applies the embedded migrations
		}
		return "storage/* imports only domain packages (and its own adapter's packages); never api, frontend, cmd or another adapter (DESIGN.md, Import rules)"

	case top == "api":
		// A domain's subpackages (catalog/imaging, orders/pdf) are the domain's too.
		if !project || inDomain(dep) || under(dep, "api") {
			return ""
		}
		return "api imports only domain packages of the project: no frontend, no storage (DESIGN.md, Import rules); cmd/sheber wires adapters in"

	case top == "frontend":
		if !project || inDomain(dep) || under(dep, "api") || under(dep, "frontend") {
			return ""
		}
		return "frontend imports only domain packages and api of the project: no storage (DESIGN.md, Import rules); cmd/sheber wires adapters in"

	case top == "migrations":
		return "migrations import only the standard library (a migration never depends on application code)"

	}
	return "" // cmd wires everything
}

// TestImportRuleCheck proves the rule function can fail: fake graphs that break each rule.
func TestImportRuleCheck(t *testing.T) {
	const (
		fiber   = "github.com/gofiber/fiber/v2"
		sqlx    = "github.com/jmoiron/sqlx"
		pq      = "github.com/lib/pq"
		goredis = "github.com/redis/go-redis/v9"
		minio   = "github.com/minio/minio-go/v7"
		meili   = "github.com/meilisearch/meilisearch-go"
	)
	p := func(rel string) string { return module + "/" + rel }
	tests := []struct {
		name  string
		graph graph
		want  []string // "pkg imports imp" or "pkg is not covered", one per violation
	}{
		{"the real layout", graph{
			"accounts":                      {"context": "", "crypto/sha256": ""},
			"accounts/argon2id":             {"golang.org/x/crypto/argon2": "", p("accounts"): "", "crypto/rand": ""},
			"catalog":                       {p("accounts"): "", "golang.org/x/text/unicode/norm": ""},
			"orders":                        {p("catalog"): "", p("accounts"): ""},
			"wages":                         {p("orders"): "", p("accounts"): ""},
			"storage/postgres":              {sqlx: "", pq: "", p("accounts"): "", p("migrations"): "", p("orders"): ""},
			"storage/postgres/postgrestest": {p("storage/postgres"): "", sqlx: ""},
			"storage/redis":                 {goredis: "", p("accounts"): ""},
			"storage/objects":               {minio: ""},
			"storage/search":                {meili: "", p("catalog"): ""},
			"api":                           {fiber: "", p("accounts"): "", p("catalog"): "", p("orders/pdf"): ""},
			"frontend":                      {fiber: "", p("api"): "", p("accounts"): "", p("catalog/imaging"): ""},
			"migrations":                    {"embed": ""},
			"cmd/sheber":                    {p("api"): "", p("frontend"): "", p("storage/postgres"): "", fiber: ""},
		}, nil},
		{"empty and missing packages", graph{"catalog": {}, "orders": {}}, nil},
		{"domain importing adapter libraries", graph{
			"catalog": {fiber: "", sqlx: "", pq: "", "github.com/gofiber/fiber/v2/middleware/adaptor": ""},
			"orders":  {goredis: "", minio: "", meili: ""},
			"wages":   {"github.com/jmoiron/sqlx/reflectx": ""},
		}, []string{
			"catalog imports " + fiber, "catalog imports github.com/gofiber/fiber/v2/middleware/adaptor", "catalog imports " + sqlx, "catalog imports " + pq,
			"orders imports " + meili, "orders imports " + minio, "orders imports " + goredis,
			"wages imports github.com/jmoiron/sqlx/reflectx",
		}},
		{"accounts beyond the standard library", graph{
			"accounts": {"golang.org/x/text/cases": "", p("catalog"): ""},
		}, []string{"accounts imports " + p("catalog"), "accounts imports golang.org/x/text/cases"}},
		{"domain DAG broken", graph{
			"catalog":  {p("orders"): ""},
			"orders":   {p("wages"): ""},
			"wages":    {p("catalog"): ""},
			"accounts": {p("wages"): ""},
		}, []string{"accounts imports " + p("wages"), "catalog imports " + p("orders"), "orders imports " + p("wages"), "wages imports " + p("catalog")}},
		{"domain importing outer layers", graph{
			"orders": {p("api"): "", p("storage/postgres"): "", p("frontend"): ""},
		}, []string{"orders imports " + p("api"), "orders imports " + p("frontend"), "orders imports " + p("storage/postgres")}},
		{"argon2id", graph{
			"accounts/argon2id": {p("catalog"): "", "github.com/alexedwards/argon2id": ""},
		}, []string{"accounts/argon2id imports " + p("catalog"), "accounts/argon2id imports github.com/alexedwards/argon2id"}},
		{"other domain subpackages", graph{
			"catalog/ranking": {p("catalog"): "", p("accounts"): "", p("orders"): "", fiber: ""},
		}, []string{"catalog/ranking imports " + fiber, "catalog/ranking imports " + p("orders")}},
		{"storage reaching up or across", graph{
			"storage/redis":                 {p("api"): "", p("frontend"): "", p("storage/postgres"): "", p("migrations"): ""},
			"storage/redis/redistest":       {p("storage/objects/objectstest"): ""},
			"storage/postgres/postgrestest": {p("cmd/sheber"): ""},
		}, []string{
			"storage/postgres/postgrestest imports " + p("cmd/sheber"),
			"storage/redis imports " + p("api"), "storage/redis imports " + p("frontend"), "storage/redis imports " + p("migrations"), "storage/redis imports " + p("storage/postgres"),
			"storage/redis/redistest imports " + p("storage/objects/objectstest"),
		}},
		{"api importing frontend or storage", graph{
			"api": {p("frontend"): "", p("storage/postgres"): "", p("storage/redis/redistest"): "", p("migrations"): ""},
		}, []string{"api imports " + p("frontend"), "api imports " + p("migrations"), "api imports " + p("storage/postgres"), "api imports " + p("storage/redis/redistest")}},
		{"frontend importing storage", graph{
			"frontend": {p("storage/postgres"): "", p("api"): "", p("cmd/sheber"): ""},
		}, []string{"frontend imports " + p("cmd/sheber"), "frontend imports " + p("storage/postgres")}},
		{"migrations importing anything", graph{
			"migrations": {p("accounts"): "", "github.com/pressly/goose/v3": ""},
		}, []string{"migrations imports " + p("accounts"), "migrations imports github.com/pressly/goose/v3"}},
		{"an unknown package", graph{
			"util": {"strings": ""},
			"web":  {p("accounts"): ""},
			".":    {"testing": ""},
		}, []string{". is not covered", "util is not covered", "web is not covered"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, v := range violations(tt.graph) {
				if v.imp == "" {
					got = append(got, v.pkg+" is not covered")
				} else {
					got = append(got, v.pkg+" imports "+v.imp)
				}
				if v.rule == "" || !strings.Contains(v.String(), v.pkg) || !strings.Contains(v.String(), v.imp) {
					t.Errorf("violation message %q does not name the package, the import and the rule", v)
				}
			}
			sort.Strings(got)
			want := slices.Clone(tt.want)
			sort.Strings(want)
			if !slices.Equal(got, want) {
				t.Errorf("violations:\n got %q\nwant %q", got, want)
			}
		})
	}
}
