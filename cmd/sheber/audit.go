package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/sheber-kz/sheber/orders"
	"github.com/sheber-kz/sheber/storage/postgres"
)

const auditUsage = "usage: sheber audit verify"

// auditCommand runs `sheber audit verify`: it checks the hash chain of every order's and
// every custom request's events and fails naming the first broken one.
func auditCommand(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) != 1 || args[0] != "verify" {
		return errors.New(auditUsage)
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
	return verifyAudit(ctx, db, stdout)
}

// verifyAudit checks every order's and every custom request's chain of events in db and
// reports what it checked; the first broken chain is the error.
func verifyAudit(ctx context.Context, db *postgres.DB, stdout io.Writer) error {
	store := postgres.NewOrdersStore(db)
	n, events, err := orders.VerifyChains(ctx, store)
	if err == nil {
		var reqs, reqEvents int
		reqs, reqEvents, err = orders.VerifyRequestChains(ctx, store)
		fmt.Fprintf(stdout, "audit verify: %d orders, %d events checked; %d custom requests, %d events checked\n", n, events, reqs, reqEvents)
	} else {
		fmt.Fprintf(stdout, "audit verify: %d orders, %d events checked\n", n, events)
	}
	var broken *orders.ChainError
	var brokenRequest *orders.RequestChainError
	switch {
	case errors.As(err, &broken) || errors.As(err, &brokenRequest):
		fmt.Fprintln(stdout, "audit verify: chain broken")
		return fmt.Errorf("audit verify: the record was tampered with: %w", err)
	case err != nil:
		return fmt.Errorf("audit verify: %w", err)
	}
	fmt.Fprintln(stdout, "audit verify: every chain is intact")
	return nil
}
