package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/sheber-kz/sheber/catalog"
	"github.com/sheber-kz/sheber/storage/postgres"
	"github.com/sheber-kz/sheber/storage/search"
)

// searchCommand runs `sheber search setup|reindex` against MEILI_URL.
func searchCommand(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) != 1 || (args[0] != "setup" && args[0] != "reindex") {
		return fmt.Errorf("search: want setup or reindex: %w", errUsage)
	}
	cfg, err := loadConfig(environ, "DATABASE_URL", "MEILI_URL")
	if err != nil {
		return err
	}
	engine := search.Open(cfg.MeiliURL, cfg.MeiliKey)
	defer engine.Close()
	if args[0] == "setup" {
		if err := engine.Setup(ctx); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "search: settings applied to index", search.IndexUID)
		return nil
	}
	db, err := openDB(ctx, cfg.DatabaseURL, requireCurrentSchema)
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := engine.Reindex(ctx, postgres.NewSearchOutbox(db), time.Now().UTC())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "search: reindexed %d published listings into %s; %d changed meanwhile and are queued for `sheber worker`\n",
		rep.Indexed, search.IndexUID, rep.Requeued)
	return nil
}

// deliverSearch runs search-outbox rounds until nothing is due (or ctx ends).
func deliverSearch(ctx context.Context, logger *slog.Logger, outbox catalog.SearchOutbox, index catalog.SearchIndex) {
	for ctx.Err() == nil {
		n, err := catalog.DeliverSearchChanges(ctx, outbox, index, time.Now().UTC(), logger)
		if err != nil {
			if ctx.Err() == nil {
				logger.Error("search index delivery", slog.Any("error", err))
			}
			return
		}
		if n == 0 {
			return
		}
		logger.Info("search index updated", slog.Int("listings", n))
	}
}
