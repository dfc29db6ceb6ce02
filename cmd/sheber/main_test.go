package main

import (
	"fmt"
	"os"
	"testing"

	"github.com/sheber-kz/sheber/storage/postgres/postgrestest"
)

// TestMain drops the template databases the tests made (see demoTemplate).
func TestMain(m *testing.M) {
	code := m.Run()
	if err := postgrestest.DropTemplates(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}
