# leadcap — make run: the desktop app; make test: every test, against a real Tryton.
SHELL := /bin/bash
GO ?= go
DB ?=
CORE := ./lead/... ./capture/... ./storage/... ./syncer/... ./workflow/... ./cmd/...
STATICCHECK ?= $(shell $(GO) env GOPATH)/bin/staticcheck
# RACE: the packages the race detector runs on (the core, and the command line: its tests run
# commands in parallel in one process)
RACE := ./lead/... ./capture/... ./storage/... ./syncer/... ./workflow/... ./cmd/...

.PHONY: run cli docs test test-short fuzz bench vet deps tryton-start tryton-stop keyring-start keyring-stop screenshots package clean

## run: build and start the desktop app (installs the GLFW/OpenGL headers if missing)
run:
	@scripts/deps.sh build
	$(GO) run . $(if $(DB),--db $(DB))

## cli: build the headless command line into bin/leadcap (no cgo)
cli:
	CGO_ENABLED=0 $(GO) build -o bin/leadcap ./cmd/leadcap

## docs: the man pages (docs/man/*.1) and Markdown command pages (docs/cli/*.md), generated from the
## command definitions that --help shows (cmd/leadcap's TestDocsAreCurrent fails when they are stale)
docs:
	CGO_ENABLED=0 $(GO) run ./cmd/leadcap gendocs --man docs/man --markdown docs/cli

## test: install what the tests need, start a real Tryton and a real keyring, staticcheck, run every test
## (with every committed fuzz input), then the race detector on the core packages
test:
	@scripts/deps.sh test
	$(GO) mod download
	@scripts/tryton.sh start
	@scripts/keyring.sh start
	CGO_ENABLED=0 $(GO) build $(CORE)
	CGO_ENABLED=0 $(GO) vet $(CORE) ./app/... ./assets/...
	CGO_ENABLED=0 $(STATICCHECK) $(CORE) ./app/... ./assets/... ./internal/...
	$(GO) test -count=1 -timeout 30m ./...
	CGO_ENABLED=1 $(GO) test -race -count=1 -timeout 40m $(RACE)

## fuzz: every fuzz target for FUZZTIME (default 1m) each; a finding is written to testdata/fuzz/ for go test
FUZZTIME ?= 1m
fuzz:
	@scripts/fuzz.sh $(FUZZTIME)

## test-short: the tests that need no server and no cgo
test-short:
	CGO_ENABLED=0 $(GO) test ./lead/... ./capture/... ./storage/... ./workflow/... ./app/... ./assets/...

## bench: the benchmarks behind docs/benchmarks.md
bench:
	@scripts/deps.sh test
	@scripts/tryton.sh start
	$(GO) test -run '^$$' -bench . -benchmem -timeout 60m ./...

vet:
	$(GO) vet ./...

deps:
	@scripts/deps.sh all

tryton-start:
	@scripts/tryton.sh start

tryton-stop:
	@scripts/tryton.sh stop

keyring-start:
	@scripts/keyring.sh start

keyring-stop:
	@scripts/keyring.sh stop

## screenshots: the real app under Xvfb with demo data, PNGs in docs/screenshots/
screenshots:
	@scripts/deps.sh build
	@scripts/deps.sh tools
	@scripts/screenshots.sh

## package: an installable Linux archive (the app as leadcap-app, .desktop file, icon), with the CLI (leadcap), its man pages and
## its bash, zsh and fish completions added (scripts/package-extras.sh)
package:
	@scripts/deps.sh build
	$(GO) run fyne.io/tools/cmd/fyne@v1.7.4 package -os linux --release
	@scripts/package-extras.sh leadcap.tar.xz

clean:
	rm -rf bin
