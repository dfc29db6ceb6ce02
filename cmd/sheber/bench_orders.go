package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog"
	"github.com/sheber-kz/sheber/cmd/sheber/internal/orderload"
	"github.com/sheber-kz/sheber/cmd/sheber/internal/synthetic"
	"github.com/sheber-kz/sheber/orders"
	"github.com/sheber-kz/sheber/storage/postgres"
)

// The orders benchmark's defaults: the load (50,000 listings, 2,000 buyer
// organizations, 32 clients, 30 s a phase, one request in ten sent twice).
const (
	benchOrdersProducts    = 50_000
	benchOrdersBuyers      = 2_000
	benchOrdersConcurrency = 32
	benchOrdersDuration    = 30 * time.Second
	benchOrdersRetryShare  = 0.10
	// benchOrdersMaxLines is the most lines one order of the load has (1 to it).
	benchOrdersMaxLines = 5
	// benchOrdersDatabase is the run's database; benchOrdersTemplate holds the prepared
	// catalog and buyers, and every run starts from a fresh copy of it, so that runs
	// measure the same thing and no order of an earlier run is kept.
	benchOrdersDatabase = "sheber_bench_orders"
	benchOrdersTemplate = "sheber_bench_orders_seed"
	// benchOrdersBudgetTiyn is each buyer's budget line: 100 billion tenge, so that the
	// load never overspends.
	benchOrdersBudgetTiyn = 10_000_000_000_000
	// benchOrdersWarmup runs before the first phase (its orders are checked too).
	benchOrdersWarmup = 3 * time.Second
	// benchOrdersDrain is how long after a phase's end the clients go on sending the
	// requests not yet acknowledged.
	benchOrdersDrain = 30 * time.Second
	// benchOrdersNotePrefix starts the note of every order of the load, which carries the
	// request's idempotency key for the checker.
	benchOrdersNotePrefix = "bench-orders "
	// benchOrdersServeLog is where the child servers' output goes (in the temp directory).
	benchOrdersServeLog = "sheber-bench-orders-serve.log"
)

const benchOrdersUsage = "usage: sheber bench orders [--products N] [--buyers B] [--concurrency C] [--duration D] [--retry-share F] [--kill-after D] [--server PATH]"

// benchBuyer is a buyer organization of the load: where it orders and with what.
type benchBuyer struct {
	OrgID, BudgetLineID int64
	Token               string
}

// benchOrders runs `sheber bench orders`: it prepares the template database (synthetic
// catalog, buyer organizations with a budget line each; once, later runs find them),
// copies it to the run's database, gives every buyer an API token, starts `sheber serve`
// on a loopback port as a child process and places orders through the API: a warm-up,
// phase 1 (steady load), phase 2 (the same load while the server is killed with SIGKILL
// and restarted). Then it checks the database (see checkBenchOrders).
func benchOrders(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("bench orders", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	products := fs.Int("products", benchOrdersProducts, "listings in the catalog")
	buyers := fs.Int("buyers", benchOrdersBuyers, "buyer organizations")
	concurrency := fs.Int("concurrency", benchOrdersConcurrency, "concurrent clients")
	duration := fs.Duration("duration", benchOrdersDuration, "time of each measured phase")
	retryShare := fs.Float64("retry-share", benchOrdersRetryShare, "share of acknowledged requests sent again with the same key")
	killAfter := fs.Duration("kill-after", 0, "when in phase 2 the server is killed (default: a third of --duration)")
	server := fs.String("server", "", "the sheber binary to run as the server (default: this one)")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return errors.New(benchOrdersUsage)
	}
	if *killAfter == 0 {
		*killAfter = *duration / 3
	}
	switch {
	case *products < 1 || *products > synthetic.MaxProducts, *buyers < 1 || *buyers > synthetic.MaxBuyers:
		return fmt.Errorf("--products 1-%d and --buyers 1-%d; %s", synthetic.MaxProducts, synthetic.MaxBuyers, benchOrdersUsage)
	case *concurrency < 1 || *concurrency > 1024 || *duration < time.Second || *duration > 10*time.Minute:
		return errors.New("--concurrency 1-1024 and --duration 1s-10m; " + benchOrdersUsage)
	case *retryShare < 0 || *retryShare > 1 || *killAfter < 0 || *killAfter >= *duration:
		return errors.New("--retry-share 0-1 and --kill-after within --duration; " + benchOrdersUsage)
	}
	if *server == "" {
		exe, err := os.Executable()
		if err != nil {
			return err
		}
		*server = exe
	}
	cfg, err := loadConfig(environ, requiredEnv...)
	if err != nil {
		return err
	}
	if cfg.Env == "production" {
		return errors.New("bench orders refuses to run with SHEBER_ENV=production")
	}
	fmt.Fprintf(stdout, "bench orders: load average at the start: %s\n", loadAverage())

	fmt.Fprintf(stdout, "bench orders: preparing %d synthetic listings and %d buyers in database %s\n", *products, *buyers, benchOrdersTemplate)
	if err := prepareBenchOrdersTemplate(ctx, cfg.DatabaseURL, *products, *buyers, stdout); err != nil {
		return err
	}
	copyStart := time.Now()
	startCtx, cancel := context.WithTimeout(ctx, 5*startupTimeout)
	dbURL, err := postgres.RecreateDatabaseFrom(startCtx, cfg.DatabaseURL, benchOrdersTemplate, benchOrdersDatabase)
	cancel()
	if err != nil {
		return err
	}
	db, err := openDB(ctx, dbURL, requireCurrentSchema)
	if err != nil {
		return err
	}
	defer db.Close()
	store := postgres.NewOrdersStore(db)
	team, err := benchOrdersBuyersOf(ctx, postgres.NewAccountsStore(db), store, *buyers)
	if err != nil {
		return err
	}
	listings, err := store.OrderableListings(ctx)
	if err != nil {
		return err
	}
	if len(listings) < benchOrdersMaxLines {
		return fmt.Errorf("bench orders: only %d orderable listings", len(listings))
	}
	stock := make(map[int64]int, len(listings))
	for _, l := range listings {
		stock[l.ID] = l.ReadyStock
	}
	fmt.Fprintf(stdout, "bench orders: database %s copied, %d tokens issued, %d orderable listings (%s)\n",
		benchOrdersDatabase, len(team), len(listings), time.Since(copyStart).Round(time.Millisecond))

	srv, err := startBenchServer(ctx, *server, dbURL, cfg.RedisPrefix)
	if err != nil {
		return err
	}
	defer srv.stop()
	fmt.Fprintf(stdout, "bench orders: server %s started at %s in %s (its output: %s)\n", *server, srv.base, srv.started.Round(time.Millisecond), srv.logPath)

	runID := strconv.FormatInt(time.Now().UnixNano(), 36)
	load := func(name string, d time.Duration, seed uint64) orderload.Config {
		return orderload.Config{BaseURL: srv.base, Concurrency: *concurrency, Duration: d, Drain: benchOrdersDrain,
			RetryShare: *retryShare, Seed: seed, Next: benchOrderRequests(runID+"-"+name, team, listings)}
	}
	var acks []orderload.Ack
	var mismatches []string
	keep := func(r orderload.Result) {
		acks = append(acks, r.Acks...)
		mismatches = append(mismatches, r.Mismatches...)
	}
	warm := orderload.Run(ctx, load("w", benchOrdersWarmup, 1))
	keep(warm)
	fmt.Fprintf(stdout, "bench orders: warm-up  %s\n", warm)
	// The orders tables start empty. A running portal's autovacuum analyzes a table soon
	// after its first few dozen changes, and the server's prepared statements are planned
	// again then; a 30 s run would otherwise keep plans made for empty tables (sequential
	// scans that get slower as the orders come in).
	if err := db.Analyze(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "bench orders: %d clients, %s a phase, 1-%d lines an order, %.0f %% of requests sent twice with their key\n",
		*concurrency, *duration, benchOrdersMaxLines, 100**retryShare)

	p1 := orderload.Run(ctx, load("p1", *duration, 2))
	keep(p1)
	fmt.Fprintf(stdout, "bench orders: phase 1  %s\n", p1)

	type restart struct {
		took time.Duration
		err  error
	}
	restarted := make(chan restart, 1)
	timer := time.AfterFunc(*killAfter, func() {
		t0 := time.Now()
		err := srv.killAndRestart(ctx)
		restarted <- restart{took: time.Since(t0), err: err}
	})
	p2 := orderload.Run(ctx, load("p2", *duration, 3))
	timer.Stop()
	keep(p2)
	fmt.Fprintf(stdout, "bench orders: phase 2  %s\n", p2)
	select {
	case r := <-restarted:
		if r.err != nil {
			return fmt.Errorf("bench orders: restarting the server: %w", r.err)
		}
		fmt.Fprintf(stdout, "bench orders: phase 2: the server was killed (SIGKILL) %s in and answered again %s later\n",
			killAfter.Round(time.Millisecond), r.took.Round(time.Millisecond))
	default:
		return errors.New("bench orders: phase 2 ended before the server was killed")
	}
	fmt.Fprintf(stdout, "bench orders: load average at the end: %s\n", loadAverage())

	verdict, err := checkBenchOrders(ctx, db, acks, mismatches, stock, stdout)
	if err != nil {
		return err
	}
	// The load itself must have worked: orders placed, none refused or left unanswered.
	unacked := len(warm.Unacknowledged) + len(p1.Unacknowledged) + len(p2.Unacknowledged)
	refused := warm.Refused + p1.Refused + p2.Refused
	switch {
	case len(acks) == 0:
		verdict = append(verdict, "no order was acknowledged")
	case unacked > 0:
		verdict = append(verdict, fmt.Sprintf("%d requests were never acknowledged", unacked))
	case refused > 0:
		verdict = append(verdict, fmt.Sprintf("%d requests were refused (first failure: %s)", refused, firstOf(warm.FirstError, p1.FirstError, p2.FirstError)))
	}
	if len(verdict) > 0 {
		return fmt.Errorf("bench orders: the checker failed: %s", strings.Join(verdict, "; "))
	}
	fmt.Fprintln(stdout, "bench orders: checker: PASS")
	return nil
}

// prepareBenchOrdersTemplate makes sure the template database holds the synthetic
// catalog and the buyers, each with its budget line.
func prepareBenchOrdersTemplate(ctx context.Context, baseURL string, products, buyers int, stdout io.Writer) error {
	startCtx, cancel := context.WithTimeout(ctx, startupTimeout)
	defer cancel()
	url, err := postgres.EnsureDatabase(startCtx, baseURL, benchOrdersTemplate)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, url, anySchema)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.MigrateUp(ctx, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		return err
	}
	dir := postgres.NewAccountsStore(db)
	store := postgres.NewCatalogStore(db)
	sum, err := seedSynthetic(ctx, dir, &catalog.Service{Store: store, Directory: dir, Searcher: store}, products, 1)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "bench orders: %s\n", sum)
	made, err := ensureBenchBuyers(ctx, dir, postgres.NewOrdersStore(db), buyers)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "bench orders: %d buyers with a budget line each (%d made now)\n", buyers, made)
	return nil
}

// benchBudgetCode is the code of the buyers' budget lines.
const benchBudgetCode = "BENCH-1"

// benchYear is the budget year of the load: this year in Kazakhstan.
func benchYear() int { return orders.Today(time.Now()).Time().Year() }

// ensureBenchBuyers makes sure synthetic buyers 0..n-1 exist, each with a budget line of
// this year; it returns how many buyers or lines it made. Idempotent.
func ensureBenchBuyers(ctx context.Context, dir accounts.Store, store orders.Store, n int) (int, error) {
	made := 0
	year := benchYear()
	for _, b := range synthetic.Buyers(n) {
		id, created, err := ensureOrganization(ctx, dir, b.Organization)
		if err != nil {
			return made, fmt.Errorf("buyer %s: %w", b.Key, err)
		}
		lines, err := store.BudgetLines(ctx, id, year)
		if err != nil {
			return made, err
		}
		if len(lines) == 0 {
			line := orders.BudgetLine{OrgID: id, Year: year, Code: benchBudgetCode, Name: "Synthetic budget line of the orders benchmark", AmountTiyn: benchOrdersBudgetTiyn}
			if err := store.CreateBudgetLine(ctx, &line); err != nil {
				return made, fmt.Errorf("budget line of %s: %w", b.Key, err)
			}
			created = true
		}
		if created {
			made++
		}
	}
	return made, nil
}

// benchOrdersBuyersOf finds buyers 0..n-1 and their budget lines and issues each a fresh
// API token with the requester role (through the store: a token is a person's decision in
// the portal, and here nobody is signed in).
func benchOrdersBuyersOf(ctx context.Context, dir accounts.Store, store orders.Store, n int) ([]benchBuyer, error) {
	year := benchYear()
	out := make([]benchBuyer, 0, n)
	for _, b := range synthetic.Buyers(n) {
		org, err := dir.OrganizationByBIN(ctx, b.Organization.BIN)
		if err != nil {
			return nil, fmt.Errorf("buyer %s: %w", b.Key, err)
		}
		lines, err := store.BudgetLines(ctx, org.ID, year)
		if err != nil || len(lines) == 0 {
			return nil, fmt.Errorf("buyer %s has no budget line of %d (%v)", b.Key, year, err)
		}
		secret := accounts.APITokenPrefix + "bench" + strconv.FormatUint(rand.Uint64(), 36) + strconv.FormatUint(rand.Uint64(), 36)
		tok := accounts.APIToken{OrgID: org.ID, Role: accounts.RoleRequester, Name: "bench orders",
			Prefix: secret[:len(accounts.APITokenPrefix)+6], Hash: accounts.HashSecret(secret), CreatedAt: time.Now().UTC()}
		if err := dir.CreateAPIToken(ctx, &tok); err != nil {
			return nil, fmt.Errorf("token of %s: %w", b.Key, err)
		}
		out = append(out, benchBuyer{OrgID: org.ID, BudgetLineID: lines[0].ID, Token: secret})
	}
	return out, nil
}

// benchOrderLine and benchOrderBody are the create request of the orders API.
type benchOrderLine struct {
	ListingID int64 `json:"listing_id"`
	Quantity  int   `json:"quantity"`
}

type benchOrderBody struct {
	Lines           []benchOrderLine `json:"lines"`
	DeliveryAddress string           `json:"delivery_address"`
	BudgetLineID    int64            `json:"budget_line_id"`
	Note            string           `json:"note"`
	Submit          bool             `json:"submit"`
}

// benchOrderRequests makes the load's requests: a random buyer orders 1 to
// benchOrdersMaxLines different random listings, each its minimum quantity times 1 to 3,
// and submits at once; the key is unique to the run (prefix, client, count) and the note
// carries it.
func benchOrderRequests(prefix string, team []benchBuyer, listings []postgres.OrderableListing) func(int, *rand.Rand) orderload.Request {
	return func(worker int, rng *rand.Rand) orderload.Request {
		b := team[rng.IntN(len(team))]
		key := fmt.Sprintf("%s-%d-%d", prefix, worker, rng.Uint64())
		body := benchOrderBody{DeliveryAddress: "Synthetic address of the orders benchmark", BudgetLineID: b.BudgetLineID,
			Note: benchOrdersNotePrefix + key, Submit: true}
		taken := map[int64]bool{}
		for n := 1 + rng.IntN(benchOrdersMaxLines); len(body.Lines) < n; {
			l := listings[rng.IntN(len(listings))]
			if taken[l.ID] {
				continue
			}
			taken[l.ID] = true
			body.Lines = append(body.Lines, benchOrderLine{ListingID: l.ID, Quantity: max(1, l.MinOrderQty) * (1 + rng.IntN(3))})
		}
		raw, err := json.Marshal(body)
		if err != nil {
			panic(err) // plain structs always encode
		}
		return orderload.Request{Key: key, Path: fmt.Sprintf("/api/v1/organizations/%d/orders", b.OrgID), Token: b.Token, Body: raw}
	}
}

// checkBenchOrders runs the checker on the run's database and prints each rule's
// verdict: the SQL rules of postgres.OrdersStore.CheckOrders, the clients' own finding
// that every repeat named the same order, and orders.VerifyChains. It returns the rules
// that failed (none: the run passes).
func checkBenchOrders(ctx context.Context, db *postgres.DB, acks []orderload.Ack, mismatches []string, stock map[int64]int, stdout io.Writer) ([]string, error) {
	store := postgres.NewOrdersStore(db)
	acked := make([]postgres.AcknowledgedOrder, len(acks))
	for i, a := range acks {
		acked[i] = postgres.AcknowledgedOrder{Note: benchOrdersNotePrefix + a.Key, OrderID: a.OrderID}
	}
	findings, err := store.CheckOrders(ctx, benchOrdersNotePrefix, acked, stock)
	if err != nil {
		return nil, err
	}
	findings = append(findings, postgres.OrdersFinding{Rule: "every repeat of a request named the same order", Broken: len(mismatches),
		Examples: mismatches[:min(len(mismatches), 5)]})
	n, events, chainErr := orders.VerifyChains(ctx, store)
	var ce *orders.ChainError
	switch {
	case errors.As(chainErr, &ce):
		findings = append(findings, postgres.OrdersFinding{Rule: "every event chain verifies", Broken: 1, Examples: []string{ce.Error()}})
	case chainErr != nil:
		return nil, chainErr
	default:
		findings = append(findings, postgres.OrdersFinding{Rule: fmt.Sprintf("every event chain verifies (%d orders, %d events)", n, events)})
	}
	fmt.Fprintf(stdout, "bench orders: checker: %d acknowledged orders\n", len(acks))
	var failed []string
	for _, f := range findings {
		if f.Broken == 0 {
			fmt.Fprintf(stdout, "  ok    %s\n", f.Rule)
			continue
		}
		failed = append(failed, f.Rule)
		fmt.Fprintf(stdout, "  FAIL  %s: %d broken, e.g. %s\n", f.Rule, f.Broken, strings.Join(f.Examples, "; "))
	}
	return failed, nil
}

func firstOf(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// loadAverage is the machine's load average (1, 5, 15 minutes), as `uptime` shows it.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], ", ")
}

// benchServer is `sheber serve` run as a child process on a loopback port.
type benchServer struct {
	path, base, logPath string
	env                 []string
	log                 *os.File
	cmd                 *exec.Cmd
	waited              chan error // the running server's exit
	started             time.Duration
}

// startBenchServer starts the server binary on a free loopback port against the run's
// database and waits until it answers.
func startBenchServer(ctx context.Context, path, dbURL, redisPrefix string) (*benchServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	logPath := os.TempDir() + "/" + benchOrdersServeLog
	log, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	over := map[string]string{"DATABASE_URL": dbURL, "HTTP_ADDR": addr, "PUBLIC_URL": "http://" + addr,
		"REDIS_PREFIX": redisPrefix + "bench-orders:", "LOG_LEVEL": "warn", "MEILI_URL": ""}
	var env []string
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); over[k] == "" && k != "MEILI_URL" {
			env = append(env, kv)
		}
	}
	for k, v := range over {
		env = append(env, k+"="+v)
	}
	s := &benchServer{path: path, base: "http://" + addr, logPath: logPath, env: env, log: log}
	t0 := time.Now()
	if err := s.start(ctx); err != nil {
		log.Close()
		return nil, err
	}
	s.started = time.Since(t0)
	return s, nil
}

func (s *benchServer) start(ctx context.Context) error {
	s.cmd = exec.Command(s.path, "serve")
	s.cmd.Env, s.cmd.Stdout, s.cmd.Stderr = s.env, s.log, s.log
	if err := s.cmd.Start(); err != nil {
		return err
	}
	exited := make(chan error, 1)
	go func() { exited <- s.cmd.Wait() }()
	deadline := time.Now().Add(startupTimeout)
	client := &http.Client{Timeout: time.Second}
	for {
		select {
		case err := <-exited:
			return fmt.Errorf("bench orders: the server exited at start (%v); see %s", err, s.logPath)
		default:
		}
		resp, err := client.Get(s.base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode/100 == 2 {
				// Wait is the goroutine's: kill and stop read its result from waited.
				s.waited = exited
				return nil
			}
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			_ = s.cmd.Process.Kill()
			return fmt.Errorf("bench orders: the server did not answer within %s; see %s", startupTimeout, s.logPath)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// killAndRestart kills the server with SIGKILL, as a crash does, and starts it again.
func (s *benchServer) killAndRestart(ctx context.Context) error {
	if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		return err
	}
	<-s.waited
	return s.start(ctx)
}

// stop ends the server gracefully.
func (s *benchServer) stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.waited:
		case <-time.After(startupTimeout):
			_ = s.cmd.Process.Kill()
			<-s.waited
		}
	}
	s.log.Close()
}
