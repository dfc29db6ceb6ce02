// Command sheber is the portal's one binary. Subcommands:
//
//	sheber serve                 serve the web portal and the API on HTTP_ADDR
//	sheber worker                deliver queued e-mail, delete unreferenced objects, notice
//	                             delayed orders, purge old idempotency keys and, with
//	                             MEILI_URL, feed the search index
//	sheber migrate up|down|status
//	sheber seed demo             load the demo data (refused when SHEBER_ENV=production)
//	sheber seed synthetic --products N [--seed S]  a large deterministic catalog for benchmarks
//	sheber catalog import FILE --enterprise BIN [--dry-run]
//	                             bulk-import listings (CSV or JSON Lines) as the system actor
//	sheber search setup|reindex  apply Meilisearch's index settings; rebuild the index (swap)
//	sheber audit verify          check the hash chain of every order's record
//	sheber healthcheck [--url U] exit 0 when U (default http://127.0.0.1:8080/healthz) answers 2xx
//	sheber bench search|orders   the search and the orders load tests (see the README)
//
// Every address comes from the environment; see the README's configuration table.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
	_ "time/tzdata" // Asia/Almaty must resolve on machines without a zoneinfo database

	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/accounts/argon2id"
	"github.com/sheber-kz/sheber/api"
	"github.com/sheber-kz/sheber/catalog"
	"github.com/sheber-kz/sheber/frontend"
	"github.com/sheber-kz/sheber/orders"
	"github.com/sheber-kz/sheber/storage/objects"
	"github.com/sheber-kz/sheber/storage/postgres"
	"github.com/sheber-kz/sheber/storage/redis"
	"github.com/sheber-kz/sheber/storage/search"
	"github.com/sheber-kz/sheber/storage/smtp"
)

const usage = `usage: sheber <command>

commands:
  serve                     serve the portal on HTTP_ADDR
  worker                    run background jobs (e-mail, object deletion, the search index)
  migrate up|down|status    manage the database schema
  seed demo                 load the demo data (not in production)
  seed synthetic --products N [--seed S]
                            a large deterministic catalog (not in production)
  catalog import FILE --enterprise BIN [--dry-run]
                            import listings from CSV or JSON Lines into an enterprise's catalog
  search setup|reindex      apply Meilisearch's settings; rebuild its index from PostgreSQL
  audit verify              check the hash chains of the orders' records
  healthcheck [--url URL]   probe a running server's /healthz
`

// errUsage makes main print the usage after the error.
var errUsage = errors.New("no command given")

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "sheber:", err)
		if errors.Is(err, errUsage) {
			fmt.Fprint(os.Stderr, usage)
		}
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errUsage
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch args[0] {
	case "serve":
		return serve(ctx)
	case "worker":
		return worker(ctx)
	case "migrate":
		return migrate(ctx, args[1:], stdout)
	case "seed":
		return seed(ctx, args[1:], stdout)
	case "catalog":
		return catalogCommand(ctx, args[1:], stdout)
	case "search":
		return searchCommand(ctx, args[1:], stdout)
	case "healthcheck":
		return healthcheck(ctx, args[1:])
	case "audit":
		return auditCommand(ctx, args[1:], stdout)
	case "bench":
		switch {
		case len(args) >= 2 && args[1] == "search":
			return benchSearch(ctx, args[2:], stdout)
		case len(args) >= 2 && args[1] == "orders":
			return benchOrders(ctx, args[2:], stdout)
		}
		return errors.New(benchUsage + "\n" + benchOrdersUsage)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		return fmt.Errorf("unknown command %q: %w", args[0], errUsage)
	}
}

func newLogger(level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: l}))
}

// startupTimeout bounds connecting to every dependency at start.
const startupTimeout = 30 * time.Second

// schemaCheck says whether openDB insists on an up-to-date schema: every subcommand does
// but migrate, whose job is to bring it up to date.
type schemaCheck bool

const (
	requireCurrentSchema schemaCheck = true
	anySchema            schemaCheck = false
)

// openDB connects to the database within startupTimeout and, when asked, refuses a schema
// that is behind this binary.
func openDB(ctx context.Context, url string, check schemaCheck) (*postgres.DB, error) {
	ctx, cancel := context.WithTimeout(ctx, startupTimeout)
	defer cancel()
	db, err := postgres.Open(ctx, url)
	if err != nil {
		return nil, err
	}
	if check == requireCurrentSchema {
		if err := db.CheckSchema(ctx); err != nil {
			db.Close()
			return nil, err
		}
	}
	return db, nil
}

func serve(ctx context.Context) error {
	cfg, err := loadConfig(environ, requiredEnv...)
	if err != nil {
		return err
	}
	logger := newLogger(cfg.LogLevel)
	db, err := openDB(ctx, cfg.DatabaseURL, requireCurrentSchema)
	if err != nil {
		return err
	}
	defer db.Close()
	startCtx, cancel := context.WithTimeout(ctx, startupTimeout)
	defer cancel()
	rdb, err := redis.Open(startCtx, cfg.RedisURL, cfg.RedisPrefix)
	if err != nil {
		return err
	}
	defer rdb.Close()
	objs, err := objects.Open(objects.Config{Endpoint: cfg.S3Endpoint, AccessKey: cfg.S3AccessKey, SecretKey: cfg.S3SecretKey, Bucket: cfg.S3Bucket, Region: cfg.S3Region})
	if err != nil {
		return err
	}
	if err := objs.EnsureBucket(startCtx); err != nil {
		return err
	}

	svc := &accounts.Service{
		Store: postgres.NewAccountsStore(db), Sessions: redis.NewSessions(rdb), Limiter: redis.Limiter{Client: rdb},
		Hasher: argon2id.New(), PublicURL: cfg.PublicURL,
	}
	metrics := api.NewMetrics()
	if err := metrics.Register(collectors.NewDBStatsCollector(db.DB.DB, "sheber")); err != nil {
		return err
	}
	deletions := postgres.NewDeletionQueue(db)
	checks := []api.Check{{Name: "postgres", Ping: db.Ping}, {Name: "redis", Ping: rdb.Ping}, {Name: "minio", Ping: objs.Ping},
		{Name: "object_deletions", Stuck: func(ctx context.Context) (int, error) {
			return deletions.StuckDeletions(ctx, catalog.DeletionMaxAttempts)
		}}}
	if cfg.MeiliURL != "" {
		engine := search.Open(cfg.MeiliURL, cfg.MeiliKey)
		defer engine.Close()
		searchOutbox := postgres.NewSearchOutbox(db)
		checks = append(checks, api.Check{Name: "meilisearch", Ping: engine.Ping, Optional: true},
			api.Check{Name: "search_outbox", Stuck: func(ctx context.Context) (int, error) {
				return searchOutbox.StuckSearchChanges(ctx, catalog.SearchStuckAttempts)
			}})
	}
	catalogStore := postgres.NewCatalogStore(db)
	var searcher catalog.Searcher = catalogStore
	if cfg.MeiliURL != "" {
		engine := search.Open(cfg.MeiliURL, cfg.MeiliKey)
		defer engine.Close()
		searcher = &catalog.FallbackSearcher{Primary: engine.Searcher(catalogStore), Fallback: catalogStore,
			Timeout: catalog.SearchQueryTimeout, Logger: logger}
	}
	// Every committed catalog change drops the cached search answers (the cache's
	// generation), in every process.
	searchCache := redis.NewSearchCache(rdb, searcher)
	cat := &catalog.Service{Store: redis.NewCatalogChanges(rdb, catalogStore), Directory: postgres.NewAccountsStore(db),
		Searcher: searchCache, Objects: objs}
	// Every order reads the procurement routes: the process keeps them for
	// orders.ProcurementRoutesTTL (README, Limits).
	procurement := orders.NewProcurementCache(postgres.NewProcurementStore(db), orders.ProcurementRoutesTTL, nil)
	ordersStore := postgres.NewOrdersStore(db)
	ord := &orders.Service{Store: ordersStore, Directory: postgres.NewAccountsStore(db),
		Procurement: procurement, Objects: objs, Attachments: ordersStore, PublicURL: cfg.PublicURL}
	srv := &api.Server{
		Accounts: svc, Catalog: cat, Procurement: procurement, Orders: ord,
		Secret: []byte(cfg.SessionSecret), SecureCookies: cfg.secureCookies(),
		Logger: logger, Metrics: metrics, Checks: checks, TrustedProxies: cfg.TrustedProxies, Responses: searchCache,
	}
	ui, err := frontend.New(srv)
	if err != nil {
		return err
	}
	srv.HTMLError = ui.RenderError
	app := api.NewApp(srv)
	ui.Register(app)

	errc := make(chan error, 1)
	go func() { errc <- app.Listen(cfg.HTTPAddr) }()
	logger.Info("serving", slog.String("addr", cfg.HTTPAddr), slog.String("public_url", cfg.PublicURL), slog.String("env", cfg.Env))
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down: finishing in-flight requests", slog.Duration("timeout", api.ShutdownTimeout))
	if err := app.ShutdownWithTimeout(api.ShutdownTimeout); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// workerPollInterval is how often the worker looks for due jobs.
const workerPollInterval = 2 * time.Second

// Intervals of the orders' periodic jobs in the worker. The README lists them.
const (
	// DelayCheckInterval is how often the worker tells buyers of promised dates that passed
	// without a full shipment (orders.Service.NotifyDelays, once per fulfillment order).
	DelayCheckInterval = 10 * time.Minute
	// IdempotencyPurgeInterval is how often the worker removes idempotency keys older than
	// orders.IdempotencyRetention.
	IdempotencyPurgeInterval = time.Hour
)

// periodic is a job run at most once per interval; the first call is always due.
type periodic struct {
	every time.Duration
	last  time.Time
}

// due reports whether the job is to run at now, and if so counts it as run.
func (p *periodic) due(now time.Time) bool {
	if !p.last.IsZero() && now.Sub(p.last) < p.every {
		return false
	}
	p.last = now
	return true
}

// orderJobs are the orders' periodic jobs of the worker.
type orderJobs struct {
	svc           *orders.Service
	delays, purge periodic
}

func newOrderJobs(svc *orders.Service) *orderJobs {
	return &orderJobs{svc: svc, delays: periodic{every: DelayCheckInterval}, purge: periodic{every: IdempotencyPurgeInterval}}
}

// run runs the jobs that are due at now; failures are logged and retried next time.
func (j *orderJobs) run(ctx context.Context, logger *slog.Logger, now time.Time) {
	if j.delays.due(now) {
		// NotifyDelays takes a batch; a full one is followed by another at once.
		for {
			n, err := j.svc.NotifyDelays(ctx)
			if err != nil {
				if ctx.Err() == nil {
					logger.Error("delay notices", slog.Any("error", err))
				}
				break
			}
			if n > 0 {
				logger.Info("delay notices queued", slog.Int("count", n))
			}
			if n < orders.DelayBatch {
				break
			}
		}
	}
	if j.purge.due(now) {
		n, err := j.svc.PurgeIdempotencyKeys(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			logger.Error("idempotency key purge", slog.Any("error", err))
		case n > 0:
			logger.Info("idempotency keys purged", slog.Int64("count", n))
		}
	}
}

func worker(ctx context.Context) error {
	cfg, err := loadConfig(environ, "DATABASE_URL", "SMTP_URL", "S3_ENDPOINT", "S3_ACCESS_KEY", "S3_SECRET_KEY", "S3_BUCKET")
	if err != nil {
		return err
	}
	logger := newLogger(cfg.LogLevel)
	db, err := openDB(ctx, cfg.DatabaseURL, requireCurrentSchema)
	if err != nil {
		return err
	}
	defer db.Close()
	mailer, err := smtp.New(cfg.SMTPURL, cfg.SMTPFrom)
	if err != nil {
		return err
	}
	if cfg.WorkerHealth != "" {
		hs := &http.Server{Addr: cfg.WorkerHealth, ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"status":"ok"}`)
		})}
		go func() { _ = hs.ListenAndServe() }()
		defer hs.Close()
	}
	objs, err := objects.Open(objects.Config{Endpoint: cfg.S3Endpoint, AccessKey: cfg.S3AccessKey, SecretKey: cfg.S3SecretKey, Bucket: cfg.S3Bucket, Region: cfg.S3Region})
	if err != nil {
		return err
	}
	outbox := postgres.NewEmailOutbox(db)
	deletions := postgres.NewDeletionQueue(db)
	var searchIndex catalog.SearchIndex
	if cfg.MeiliURL != "" {
		engine := search.Open(cfg.MeiliURL, cfg.MeiliKey)
		defer engine.Close()
		// The index and its settings are made once here, so a fresh Meilisearch works;
		// when it is down, deliveries wait in the outbox and `sheber search setup` can
		// be run later.
		if err := engine.Setup(ctx); err != nil {
			logger.Error("search index setup", slog.Any("error", err))
		}
		searchIndex = engine.Index()
	}
	searchOutbox := postgres.NewSearchOutbox(db)
	jobs := newOrderJobs(&orders.Service{Store: postgres.NewOrdersStore(db), Directory: postgres.NewAccountsStore(db),
		Procurement: orders.NewProcurementCache(postgres.NewProcurementStore(db), orders.ProcurementRoutesTTL, nil), PublicURL: cfg.PublicURL})
	logger.Info("worker started", slog.Duration("poll", workerPollInterval))
	ticker := time.NewTicker(workerPollInterval)
	defer ticker.Stop()
	for {
		n, err := accounts.DeliverEmails(ctx, outbox, mailer, time.Now().UTC())
		switch {
		case err != nil && ctx.Err() == nil:
			logger.Error("e-mail delivery", slog.Any("error", err))
		case n > 0:
			logger.Info("e-mail delivered", slog.Int("count", n))
		}
		// Objects of removed images, documents and listings, and of failed uploads.
		n, err = catalog.DeleteObjects(ctx, deletions, objs, time.Now().UTC(), logger)
		switch {
		case err != nil && ctx.Err() == nil:
			logger.Error("object deletion", slog.Any("error", err))
		case n > 0:
			logger.Info("objects deleted", slog.Int("count", n))
		}
		if searchIndex != nil {
			deliverSearch(ctx, logger, searchOutbox, searchIndex)
		}
		jobs.run(ctx, logger, time.Now())
		select {
		case <-ctx.Done():
			logger.Info("worker stopped")
			return nil
		case <-ticker.C:
		}
	}
}

func migrate(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return errors.New("usage: sheber migrate up|down|status")
	}
	cfg, err := loadConfig(environ, "DATABASE_URL")
	if err != nil {
		return err
	}
	logger := newLogger(cfg.LogLevel)
	db, err := openDB(ctx, cfg.DatabaseURL, anySchema)
	if err != nil {
		return err
	}
	defer db.Close()
	switch args[0] {
	case "up":
		res, err := db.MigrateUp(ctx, logger)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "migrate: %d migration(s) applied\n", len(res))
	case "down":
		res, err := db.MigrateDown(ctx, logger)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "migrate: rolled back %s\n", res.Source.Path)
	case "status":
		st, err := db.MigrationStatus(ctx)
		if err != nil {
			return err
		}
		for _, s := range st {
			applied := "pending"
			if s.State == "applied" {
				applied = "applied " + s.AppliedAt.UTC().Format(time.RFC3339)
			}
			fmt.Fprintf(stdout, "%-40s %s\n", s.Source.Path, applied)
		}
	default:
		return fmt.Errorf("unknown migrate command %q: want up, down or status", args[0])
	}
	return nil
}

func seed(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || (args[0] != "demo" && args[0] != "synthetic") || (args[0] == "demo" && len(args) != 1) {
		return errSeedUsage
	}
	var (
		products int
		genSeed  uint64
	)
	if args[0] == "synthetic" {
		var err error
		if products, genSeed, err = parseSeedSynthetic(args[1:]); err != nil {
			return err
		}
	}
	need := []string{"DATABASE_URL"}
	if args[0] == "demo" {
		// The demo catalog's drawings are uploaded like any listing's images.
		need = append(need, "S3_ENDPOINT", "S3_ACCESS_KEY", "S3_SECRET_KEY", "S3_BUCKET")
	}
	cfg, err := loadConfig(environ, need...)
	if err != nil {
		return err
	}
	if cfg.Env == "production" {
		return fmt.Errorf("seed %s refuses to run with SHEBER_ENV=production: made-up data has no place there", args[0])
	}
	db, err := openDB(ctx, cfg.DatabaseURL, requireCurrentSchema)
	if err != nil {
		return err
	}
	defer db.Close()
	accts := postgres.NewAccountsStore(db)
	cat := &catalog.Service{Store: postgres.NewCatalogStore(db), Directory: accts}
	if args[0] == "synthetic" {
		sum, err := seedSynthetic(ctx, accts, cat, products, genSeed)
		if err != nil {
			return fmt.Errorf("seed synthetic: %w", err)
		}
		fmt.Fprintf(stdout, "seed synthetic: %s\n", sum)
		return dropCachedSearches(ctx, cfg)
	}
	objs, err := objects.Open(objects.Config{Endpoint: cfg.S3Endpoint, AccessKey: cfg.S3AccessKey, SecretKey: cfg.S3SecretKey, Bucket: cfg.S3Bucket, Region: cfg.S3Region})
	if err != nil {
		return err
	}
	startCtx, cancel := context.WithTimeout(ctx, startupTimeout)
	defer cancel()
	if err := objs.EnsureBucket(startCtx); err != nil {
		return err
	}
	cat.Objects = objs
	sum, err := seedDemo(ctx, accts, argon2id.New())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "seed demo: %s\n", sum)
	catSum, err := seedDemoCatalog(ctx, accts, cat)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "seed demo: catalog: %s\n", catSum)
	budgetSum, err := seedDemoBudget(ctx, accts, postgres.NewOrdersStore(db), time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "seed demo: %s\n", budgetSum)
	return dropCachedSearches(ctx, cfg)
}

// dropCachedSearches tells running portals that the catalog changed behind their back (a
// seed writes without the cache's store wrapper), when Redis is configured.
func dropCachedSearches(ctx context.Context, cfg config) error {
	if cfg.RedisURL == "" {
		return nil
	}
	rdb, err := redis.Open(ctx, cfg.RedisURL, cfg.RedisPrefix)
	if err != nil {
		return err
	}
	defer rdb.Close()
	return rdb.BumpCatalogGeneration(ctx)
}

func healthcheck(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	target := fs.String("url", "http://127.0.0.1:8080/healthz", "URL to probe")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *target, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("healthcheck: %s answered %s", *target, resp.Status)
	}
	return nil
}
