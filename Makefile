# Sheber — the project's front door.
#
#   make services       install (if missing) and start PostgreSQL, Redis, MinIO, maildev
#   make run            services + build + migrate + demo seed, then serve on HTTP_ADDR
#   make test           services + Chromium (if missing) + go test -race
#   make lint | vuln | bench | bench-search | bench-orders | fmt | build | migrate | seed
#   make services-down  stop the services;  make clean-data  stop them and delete .data
#
# Every command that talks to a service runs through scripts/with-env.sh, which
# sources scripts/env.sh (defaults only for variables that are not set).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

BIN := $(CURDIR)/.bin
export PATH := $(BIN):/usr/local/go/bin:$(PATH)

WITH_ENV := scripts/with-env.sh
SERVICES := scripts/services.sh

# Pinned tool versions.
# staticcheck v0.8.2 is release 2026.2.2 (supports Go 1.26).
STATICCHECK_VERSION := v0.8.2
GOVULNCHECK_VERSION := v1.9.0

# Go files of the project: tracked plus new, not ignored (.data/, .bin/ are).
GOFILES = $(wildcard $(shell git ls-files -co --exclude-standard -- '*.go' 2>/dev/null))

.PHONY: help services services-down build migrate seed run test lint vuln bench fmt \
	clean-data bench-search bench-orders tool-staticcheck tool-govulncheck

help:
	@sed -n '3,7s/^#   //p' Makefile

services:
	$(SERVICES) install
	$(SERVICES) up

services-down:
	$(SERVICES) down

build:
	go build -o $(BIN)/sheber ./cmd/sheber

migrate: services build
	$(WITH_ENV) $(BIN)/sheber migrate up

seed: migrate
	$(WITH_ENV) $(BIN)/sheber seed demo

run: services build
	$(WITH_ENV) $(BIN)/sheber migrate up
	$(WITH_ENV) $(BIN)/sheber seed demo
	exec scripts/run.sh

# Only the browser tests need Chromium, so only `test` installs it.
test: services
	$(SERVICES) install-browser
	$(WITH_ENV) go test -race -count=1 -timeout 30m ./...

bench: services
	$(WITH_ENV) go test -run '^$$' -bench . -benchmem ./...

# The search load test: 50,000 synthetic listings in their own database (sheber_bench),
# 32 loopback clients for 20 s against /api/v1/products and against a trivial handler.
# BENCH_FLAGS passes more, e.g. BENCH_FLAGS=--cache=false for the engine alone.
bench-search: services build
	$(WITH_ENV) $(BIN)/sheber bench search $(BENCH_FLAGS)

# The orders load test: 50,000 synthetic listings and 2,000 buyers prepared once in
# sheber_bench_orders_seed, copied to sheber_bench_orders for each run; `sheber serve` as a
# child process; 32 clients place orders for 30 s, then 30 s more while the server is killed
# with SIGKILL and restarted; then the checker. BENCH_FLAGS passes more (--duration 10s).
bench-orders: services build
	$(WITH_ENV) $(BIN)/sheber bench orders $(BENCH_FLAGS)

lint: tool-staticcheck
	@files="$(GOFILES)"; \
	if [ -n "$$files" ]; then \
		out=$$(gofmt -l $$files); \
		if [ -n "$$out" ]; then \
			echo "gofmt: these files need formatting (run: make fmt):"; echo "$$out"; exit 1; \
		fi; \
	fi
	go vet ./...
	$(BIN)/staticcheck ./...

# govulncheck reads the Go vulnerability database over the network
# (GOVULNDB=file:///path/to/db for an offline copy).
vuln: tool-govulncheck
	$(BIN)/govulncheck $(if $(GOVULNDB),-db $(GOVULNDB)) ./...

fmt:
	@files="$(GOFILES)"; if [ -n "$$files" ]; then gofmt -w $$files; fi

clean-data: services-down
	rm -rf .data

tool-staticcheck:
	@if ! $(BIN)/staticcheck -version 2>/dev/null | grep -qF '($(STATICCHECK_VERSION:v%=%))'; then \
		echo "make: installing staticcheck $(STATICCHECK_VERSION) into .bin"; \
		GOBIN=$(BIN) go install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION); \
	fi

tool-govulncheck:
	@if ! $(BIN)/govulncheck -version 2>/dev/null | grep -qF 'govulncheck@$(GOVULNCHECK_VERSION)'; then \
		echo "make: installing govulncheck $(GOVULNCHECK_VERSION) into .bin"; \
		GOBIN=$(BIN) go install golang.org/x/vuln/cmd/govulncheck@$(GOVULNCHECK_VERSION); \
	fi
