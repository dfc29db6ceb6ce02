package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"runtime/pprof"
	"slices"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/accounts/argon2id"
	"github.com/sheber-kz/sheber/api"
	"github.com/sheber-kz/sheber/catalog"
	"github.com/sheber-kz/sheber/cmd/sheber/internal/loadgen"
	"github.com/sheber-kz/sheber/storage/postgres"
	"github.com/sheber-kz/sheber/storage/redis"
)

// The search benchmark's defaults: the load (50,000 listings, 32 clients, 20 s).
const (
	benchProducts    = 50_000
	benchConcurrency = 32
	benchDuration    = 20 * time.Second
	// benchDatabase keeps the benchmark's catalog apart from the portal's data.
	benchDatabase = "sheber_bench"
	// benchWarmup runs before each measured phase, so that connections, caches and the
	// planner are as a running portal has them.
	benchWarmup = 2 * time.Second
	// benchMinChangeEvery is the shortest --change-every: more often, the cache would
	// hold next to nothing.
	benchMinChangeEvery = 100 * time.Millisecond
	// benchProbe is how long each query of the mix may take alone before the run.
	benchProbe = 5 * time.Second
)

const benchUsage = "usage: sheber bench search [--products N] [--concurrency C] [--duration D] [--cache=true|false] [--change-every D] [--cpuprofile FILE]"

// benchQueries is the realistic mix of the search benchmark: what visitors type (single
// words, two words, typos, Kazakh and Latin forms, prefixes) and how they narrow (category,
// region, price, stock, lead time, sort, a later page), always with the facets.
var benchQueries = []string{
	"q=парта", "q=скамья", "q=шкаф", "q=кровать", "q=урна", "q=беседка", "q=вазон", "q=стул",
	"q=парта+двухместная", "q=скамья+со+спинкой", "q=костюм+рабочий", "q=плитка+тротуарная", "q=постельного+белья",
	"q=прата", "q=скамя", "q=кравать", "q=бесeдка", "q=канструктор",
	"q=шаңырақ", "q=орындық", "q=төсек", "q=киім", "q=shanyrak", "q=parta", "q=skamya",
	"q=конструктор&category=play", "q=форма&category=sewn", "category=furniture", "category=small-forms-benches",
	"q=стол&region=karaganda", "region=almaty", "q=шкаф&price_max=5000000", "price_min=10000000&sort=price_asc",
	"q=урна&in_stock=true", "in_stock=true&sort=price_desc", "q=блок&lead_time_max=20", "sort=newest",
	"q=парта&page=2", "q=ворота&sort=price_asc", "",
}

// benchSearch runs `sheber bench search`: it fills its own database with the synthetic
// catalog (once; later runs find it), serves the real API in this process on a loopback
// port beside a trivial Fiber JSON handler, and loads both in turn with the same
// closed-loop generator, so the ratio shows what the search itself costs.
func benchSearch(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("bench search", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	products := fs.Int("products", benchProducts, "listings in the catalog")
	concurrency := fs.Int("concurrency", benchConcurrency, "concurrent clients")
	duration := fs.Duration("duration", benchDuration, "time of each measured phase")
	useCache := fs.Bool("cache", true, "serve search through the Redis result cache")
	changeEvery := fs.Duration("change-every", 0, "during the measured phase, drop every cached answer this often, as a catalog change does (0: never)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the measured search phase (server and load generator) to this file")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return errors.New(benchUsage)
	}
	if *concurrency < 1 || *concurrency > 1024 || *duration < time.Second || *duration > 10*time.Minute {
		return errors.New("--concurrency 1-1024 and --duration 1s-10m; " + benchUsage)
	}
	if *changeEvery != 0 && (*changeEvery < benchMinChangeEvery || !*useCache) {
		return fmt.Errorf("--change-every is at least %s, with the cache; %s", benchMinChangeEvery, benchUsage)
	}
	cfg, err := loadConfig(environ, "DATABASE_URL", "REDIS_URL")
	if err != nil {
		return err
	}
	if cfg.Env == "production" {
		return errors.New("bench search refuses to run with SHEBER_ENV=production")
	}
	startCtx, cancel := context.WithTimeout(ctx, startupTimeout)
	defer cancel()
	dbURL, err := postgres.EnsureDatabase(startCtx, cfg.DatabaseURL, benchDatabase)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, dbURL, anySchema)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.MigrateUp(ctx, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		return err
	}
	rdb, err := redis.Open(startCtx, cfg.RedisURL, cfg.RedisPrefix+"bench:")
	if err != nil {
		return err
	}
	defer rdb.Close()

	dir := postgres.NewAccountsStore(db)
	store := postgres.NewCatalogStore(db)
	cat := &catalog.Service{Store: store, Directory: dir, Searcher: store}
	fmt.Fprintf(stdout, "bench search: preparing %d synthetic listings in database %s\n", *products, benchDatabase)
	sum, err := seedSynthetic(ctx, dir, cat, *products, 1)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "bench search: %s\n", sum)
	srv := &api.Server{
		Accounts: &accounts.Service{Store: dir, Sessions: redis.NewSessions(rdb), Limiter: redis.Limiter{Client: rdb}, Hasher: argon2id.New()},
		Catalog:  cat, Secret: []byte(cfg.SessionSecret),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	engine := &countedSearcher{Searcher: store}
	cat.Searcher = engine
	if *useCache {
		// As `sheber serve` wires it: the engine's answers and the API's encoded pages.
		c := redis.NewSearchCache(rdb, engine)
		cat.Searcher, srv.Responses = c, c
		// Every run starts cold: nothing cached by an earlier run is served.
		if err := rdb.BumpCatalogGeneration(ctx); err != nil {
			return err
		}
	}
	portal := api.NewApp(srv)
	trivial := fiber.New(fiber.Config{DisableStartupMessage: true})
	trivial.Get("/api/v1/products", func(c *fiber.Ctx) error {
		return c.JSON(fiber.Map{"items": []any{}, "total": 0})
	})
	portalBase, stopPortal, err := listenLoopback(portal)
	if err != nil {
		return err
	}
	defer stopPortal()
	trivialBase, stopTrivial, err := listenLoopback(trivial)
	if err != nil {
		return err
	}
	defer stopTrivial()

	// One request of each kind first, alone: a broken mix fails here, not as a silent
	// zero; and since nothing is cached yet, these are the engine's own latencies.
	var cold []time.Duration
	for _, q := range benchQueries {
		u := portalBase + "/api/v1/products?" + (&url.URL{RawQuery: q}).RawQuery
		d, err := loadgen.Once(ctx, u, benchProbe)
		if err != nil {
			return fmt.Errorf("bench search: %s does not answer within %s: %w", u, benchProbe, err)
		}
		cold = append(cold, d)
	}
	slices.Sort(cold)
	fmt.Fprintf(stdout, "bench search: each query alone, first time (uncached): median %s, slowest %s\n",
		cold[len(cold)/2].Round(100*time.Microsecond), cold[len(cold)-1].Round(100*time.Microsecond))

	phase := func(name, base, profile string) (loadgen.Result, int64, error) {
		urls := make([]string, len(benchQueries))
		for i, q := range benchQueries {
			urls[i] = base + "/api/v1/products?" + (&url.URL{RawQuery: q}).RawQuery
		}
		loadgen.Run(ctx, urls, *concurrency, benchWarmup)
		if err := loadgen.ResetPeakRSS(); err != nil {
			return loadgen.Result{}, 0, err
		}
		if profile != "" {
			f, err := os.Create(profile)
			if err != nil {
				return loadgen.Result{}, 0, err
			}
			defer f.Close()
			if err := pprof.StartCPUProfile(f); err != nil {
				return loadgen.Result{}, 0, err
			}
		}
		searches := engine.searches.Load()
		stopChanges := func() {}
		if name == "search" {
			stopChanges = changeCatalog(ctx, rdb, *changeEvery)
		}
		r := loadgen.Run(ctx, urls, *concurrency, *duration)
		stopChanges()
		if profile != "" {
			pprof.StopCPUProfile()
		}
		searches = engine.searches.Load() - searches
		rss, err := loadgen.PeakRSS()
		if err != nil {
			return r, 0, err
		}
		fmt.Fprintf(stdout, "bench search: %-8s %s; peak RSS %d MiB; %d searches reached PostgreSQL\n", name, r, rss>>20, searches)
		return r, rss, nil
	}
	changes := "never"
	if *changeEvery > 0 {
		changes = "every " + changeEvery.String()
	}
	fmt.Fprintf(stdout, "bench search: %d clients, %s per phase, %d queries in the mix, result cache %v, dropped %s\n",
		*concurrency, *duration, len(benchQueries), *useCache, changes)
	base, _, err := phase("trivial", trivialBase, "")
	if err != nil {
		return err
	}
	search, _, err := phase("search", portalBase, *cpuProfile)
	if err != nil {
		return err
	}
	if search.Errors > 0 {
		return fmt.Errorf("bench search: %d failed requests: %s", search.Errors, search.FirstError)
	}
	fmt.Fprintf(stdout, "bench search: search/trivial: %.3f of the throughput, p50 %.1fx, p99 %.1fx\n",
		search.PerSecond()/base.PerSecond(), float64(search.P50)/float64(base.P50), float64(search.P99)/float64(base.P99))
	return nil
}

// listenLoopback serves app on a free loopback port and returns its base URL.
func listenLoopback(app *fiber.App) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	go func() { _ = app.Listener(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = app.ShutdownWithTimeout(api.ShutdownTimeout) }, nil
}

// changeCatalog bumps the catalog's generation every period until the returned function
// is called, so that every cached answer is dropped as by a catalog change; period 0
// changes nothing.
func changeCatalog(ctx context.Context, rdb *redis.Client, period time.Duration) (stop func()) {
	if period <= 0 {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(period)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				_ = rdb.BumpCatalogGeneration(ctx) // a failed bump only leaves the answers cached
			}
		}
	}()
	return func() { cancel(); <-done }
}

// countedSearcher counts the searches that reach the engine (the cache's misses).
type countedSearcher struct {
	catalog.Searcher
	searches atomic.Int64
}

func (s *countedSearcher) Search(ctx context.Context, q catalog.SearchQuery) (catalog.SearchResult, error) {
	s.searches.Add(1)
	return s.Searcher.Search(ctx, q)
}
