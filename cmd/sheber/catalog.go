package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog"
	"github.com/sheber-kz/sheber/storage/postgres"
)

const catalogUsage = "usage: sheber catalog import FILE --enterprise BIN [--dry-run]"

// catalogCommand runs `sheber catalog import FILE --enterprise BIN [--dry-run]`: the bulk
// import of the API, run by the servers' operator as the system actor.
func catalogCommand(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "import" {
		return errors.New(catalogUsage)
	}
	file, bin, dryRun, err := parseImportArgs(args[1:])
	if err != nil {
		return err
	}
	cfg, err := loadConfig(environ, "DATABASE_URL")
	if err != nil {
		return err
	}
	db, err := openDB(ctx, cfg.DatabaseURL, requireCurrentSchema)
	if err != nil {
		return err
	}
	defer db.Close()
	return importCatalogFile(ctx, db, file, bin, dryRun, stdout)
}

// parseImportArgs reads FILE and the flags, in any order.
func parseImportArgs(args []string) (file, bin string, dryRun bool, err error) {
	fs := flag.NewFlagSet("catalog import", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&bin, "enterprise", "", "the BIN of the producer enterprise")
	fs.BoolVar(&dryRun, "dry-run", false, "judge and count, change nothing")
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			return "", "", false, fmt.Errorf("%v; %s", err, catalogUsage)
		}
		if fs.NArg() == 0 {
			break
		}
		files, args = append(files, fs.Arg(0)), fs.Args()[1:]
	}
	if len(files) != 1 || bin == "" {
		return "", "", false, errors.New(catalogUsage)
	}
	return files[0], bin, dryRun, nil
}

// importFormat is the format of an import file, from its name: .jsonl or .ndjson for JSON
// Lines, CSV otherwise (as for a multipart upload).
func importFormat(name string) catalog.ImportFormat {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".jsonl", ".ndjson":
		return catalog.ImportJSONLines
	}
	return catalog.ImportCSV
}

// importCatalogFile imports file into the catalog of the enterprise with bin and prints
// the report; a refused file prints its problems and returns an error.
func importCatalogFile(ctx context.Context, db *postgres.DB, file, bin string, dryRun bool, stdout io.Writer) error {
	if err := accounts.ValidateBIN(bin); err != nil {
		return fmt.Errorf("--enterprise: %w", err)
	}
	info, err := os.Stat(file)
	if err != nil {
		return err
	}
	if info.Size() > catalog.MaxImportBytes {
		return fmt.Errorf("%s is over %d MB: split it", file, catalog.MaxImportBytes>>20)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	accountsStore := postgres.NewAccountsStore(db)
	org, err := accountsStore.OrganizationByBIN(ctx, bin)
	if err != nil {
		if accounts.ErrorCode(err) == accounts.CodeNotFound {
			return fmt.Errorf("no organization has BIN %s", bin)
		}
		return err
	}
	svc := &catalog.Service{Store: postgres.NewCatalogStore(db), Directory: accountsStore}
	rep, err := svc.ImportListings(ctx, accounts.SystemActor("sheber catalog import"), org.ID, importFormat(file), data, dryRun)
	for _, e := range rep.Errors {
		where := fmt.Sprintf("line %d", e.Row)
		if e.Column != "" {
			where += ", " + e.Column
		}
		fmt.Fprintf(stdout, "%s: %s: %s\n", file, where, e.Message)
	}
	if err != nil {
		if rep.TotalErrors > len(rep.Errors) {
			fmt.Fprintf(stdout, "%s: %d more problems\n", file, rep.TotalErrors-len(rep.Errors))
		}
		return fmt.Errorf("catalog import: %w", err)
	}
	prefix := "catalog import"
	if dryRun {
		prefix += " (dry run, nothing changed)"
	}
	fmt.Fprintf(stdout, "%s: %s: %d created, %d updated, %d unchanged\n", prefix, org.Name.RU, rep.Created, rep.Updated, rep.Unchanged)
	return nil
}
