package sheber_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// systemActorCallers are the only packages whose (non-test) code may build
// accounts.SystemActor: the command-line tools, which the HTTP side never reaches. The api
// and frontend packages build actors from sessions and tokens only.
var systemActorCallers = map[string]bool{"cmd/sheber": true}

// TestSystemActorOnlyInCommands finds every use of SystemActor in the module's non-test
// code and refuses those outside systemActorCallers (the accounts package defines it).
func TestSystemActorOnlyInCommands(t *testing.T) {
	root := moduleRoot(t)
	fset := token.NewFileSet()
	uses := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); p != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		pkg := filepath.ToSlash(filepath.Dir(rel))
		ast.Inspect(f, func(n ast.Node) bool {
			id, ok := n.(*ast.Ident)
			if !ok || id.Name != "SystemActor" {
				return true
			}
			if pkg == "accounts" {
				return true // its definition and doc
			}
			uses++
			if !systemActorCallers[pkg] {
				t.Errorf("%s: uses accounts.SystemActor; only %v may", fset.Position(id.Pos()), systemActorCallers)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if uses == 0 {
		t.Error("no use of SystemActor found: the walk is broken, or cmd/sheber's catalog import no longer uses it")
	}
}
