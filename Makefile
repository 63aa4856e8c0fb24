# Enkash Go SDK. `make test` runs the whole test suite; `make ci` is what CI runs.
GO            ?= go
STATICCHECK   ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
PKGS          := ./...
# FUZZTIME counts executions, not seconds: a duration makes Go 1.26's fuzz
# coordinator fail now and then with "context deadline exceeded" when it
# expires (golang/go#75804, fixed in 1.27); FUZZMINTIME bounds the
# minimisation of each new input likewise.
FUZZTIME      ?= 20000x
FUZZMINTIME   ?= 200x
BENCHCOUNT    ?= 10
BENCHSTAT     ?= golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da
# The newer of the two supported Go releases (go.mod's go line is the older);
# fetched through the Go module proxy by GOTOOLCHAIN.
GO127         ?= go1.27.3
# Mutation testing: gremlins, exact version, run through the Go module proxy
# (nothing added to go.mod). MUTATE_DIRS: wrapper/ (with wrapper/wrappertest),
# the internal packages it delegates to (bearer, body, call, grant, redact,
# retry, transport), and
# bulk/ once it has Go files. MUTATE_FLAGS go to `gremlins unleash`
# (e.g. --workers 1, -E 'redact\.go$$'); MUTATE_MIN is the efficacy floor.
GREMLINS      ?= github.com/go-gremlins/gremlins/cmd/gremlins@v0.6.0
MUTATE_DIRS   ?= wrapper internal/bearer internal/body internal/call internal/grant internal/redact internal/retry internal/transport $(if $(wildcard bulk/*.go),bulk)
MUTATE_FLAGS  ?=
comma         := ,
MUTATE_MIN    ?= 98
# MUTATE_FILES: mutate only these files (paths from the module root, e.g.
# "bulk/csv.go bulk/names.go"); empty: every file of MUTATE_DIRS.
# MUTATE_GOFLAGS: the cost of one mutant (docs/mutation-testing.md): no vet,
# no DWARF, and the slow tests skipped (bulk's connection counts, the
# client's shared load: 70% and 65% of their suites; not the scrubber's
# linearity test: without it internal/redact's coverage run takes under a
# second, and gremlins' timeout, 5 times that, fails mutants that merely
# compile slowly on a busy machine); every
# survivor, timeout and not-covered mutant is then run again against its
# package's whole suite (gremlinsreport -retest), so a skipped test can
# only cost a re-test, never a kill.
MUTATE_FILES  ?=
MUTATE_GOFLAGS ?= -vet=off -ldflags=-w -skip=^(TestUpdateCustomers_HTTP|TestClient_LoadShared)
# Independent OpenAPI linter, exact version, run with npx (Node.js >= 20.19).
REDOCLY       ?= @redocly/cli@2.77.0

.PHONY: all demo demo-sync bench-sync build generate check-generated regen-drill test test-jsonv2 test-go127 fuzz-smoke bench initsize callgrind mutate lint lint-spec vet staticcheck ci

all: test

## demo: run the CLI against the embedded sandbox (no credentials needed)
demo:
	$(GO) run ./cmd/enkash-customer update \
	  --set "legalName=Acme Traders Pvt Ltd" --clear address KCDEMO0000000001

## demo-sync: sync testdata/sync-demo.jsonl (the demo customers and one
## invalid row) against the embedded sandbox
## with --skip-invalid and a fresh state: three customers sent, exit 1 (a row
## was skipped as invalid); then the same command again: nothing differs, no
## request. The target succeeds only when both runs do exactly that.
demo-sync:
	@dir=$$(mktemp -d) && trap 'rm -rf "$$dir"' EXIT && \
	  $(GO) build -o "$$dir/enkash-customer" ./cmd/enkash-customer && \
	  echo "== first run: every customer differs from the (new) state" && \
	  status=0; "$$dir/enkash-customer" sync --skip-invalid --state "$$dir/state.db" testdata/sync-demo.jsonl 2>"$$dir/first.txt" || status=$$?; \
	  cat "$$dir/first.txt"; \
	  if [ $$status -ne 1 ] || ! grep -q '^sync: 3 sent: 3 ok, 0 failed' "$$dir/first.txt"; then \
	    echo "demo-sync: first run: want 3 sent and exit status 1 (one invalid row), got $$status" >&2; exit 1; fi; \
	  echo; echo "== rerun: the state says nothing differs" && \
	  status=0; "$$dir/enkash-customer" sync --skip-invalid --state "$$dir/state.db" testdata/sync-demo.jsonl 2>"$$dir/again.txt" || status=$$?; \
	  cat "$$dir/again.txt"; \
	  if [ $$status -ne 1 ] || ! grep -q '^sync: 0 sent: 0 ok, 0 failed' "$$dir/again.txt"; then \
	    echo "demo-sync: rerun: want 0 sent, got status $$status" >&2; exit 1; fi; \
	  echo; echo "demo-sync: first run sent 3 customers, the rerun sent nothing (line 4 invalid both times: exit 1)"

## bench-sync: the sync benchmarks (not part of test or ci), the current CLI
## against one built from $$SYNC_BENCH_BASELINE (default 49493b4) in the same
## run: BenchmarkSyncBinary, live sync of 10,000 rows over TLS with a 20 ms
## delay at concurrency 8, 64, 256 on HTTP/1.1 and HTTP/2 (calls/s against
## N/RTT, TLS connections); BenchmarkSyncState, --dry-run of 1,000,000 rows
## (rows/s ratio, CPU, peak RSS) and the rerun of the unchanged file against
## a full state (its time over the dry run's)
bench-sync:
	$(GO) test -run '^$$' -bench 'BenchmarkSync(Binary|State)' -benchtime 1x -timeout 90m ./cmd/enkash-customer/

## build: the CLI binary in bin/
build:
	$(GO) build -o bin/enkash-customer ./cmd/enkash-customer

## generate: regenerate api/ and wrapper/*.gen.go from openapi.yaml
generate:
	$(GO) generate ./...

## check-generated: regenerate and fail if anything under api/ or a
## wrapper/*.gen.go changed
check-generated: generate
	@git diff --exit-code -- api/ 'wrapper/*.gen.go' go.mod go.sum || \
	  (echo "generated code is out of date: run 'make generate' and commit" >&2; exit 1)
	@test -z "$$(git status --porcelain -- api/ 'wrapper/*.gen.go')" || \
	  (echo "untracked generated files under api/ or wrapper/:" >&2; git status --porcelain -- api/ 'wrapper/*.gen.go' >&2; exit 1)

## regen-drill: in a temporary copy, change openapi.yaml four ways, run go
## generate, and check that client, validation, fake and CLI followed
regen-drill:
	.ci/regen-drill

# The race detector needs cgo and a working C compiler: RACE is -race when
# `go env CGO_ENABLED` is 1 and `go env CC` is found, else empty (the suite
# then runs without it, and `make test` says so). Override: make test RACE=.
RACE          ?= $(shell [ "$$($(GO) env CGO_ENABLED)" = 1 ] && set -- $$($(GO) env CC) && command -v "$$1" >/dev/null 2>&1 && echo -race)

## test: the full test suite, with the race detector where cgo is available
test:
ifeq ($(RACE),)
	@echo "make test: race detector OFF: no cgo or no C compiler (go env CC = $$($(GO) env CC), CGO_ENABLED = $$($(GO) env CGO_ENABLED)); running without -race"
else
	@echo "make test: race detector on ($(RACE); C compiler: $$($(GO) env CC))"
endif
	$(GO) test $(RACE) -count=1 $(PKGS)

## test-jsonv2: the whole suite again on the encoding/json v2 engine (Go 1.27's default)
test-jsonv2:
	GOEXPERIMENT=jsonv2 $(GO) test -count=1 $(PKGS)

## test-go127: go vet and the whole suite on Go 1.27 (json v2 engine by default)
test-go127:
	GOTOOLCHAIN=$(GO127) $(GO) version
	GOTOOLCHAIN=$(GO127) $(GO) vet $(PKGS)
	GOTOOLCHAIN=$(GO127) $(GO) test -count=1 $(PKGS)

## fuzz-smoke: every Fuzz target in the module, briefly ($(FUZZTIME) each)
fuzz-smoke:
	@set -e; for pkg in $$($(GO) list $(PKGS)); do \
	  for fn in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "fuzz $$pkg $$fn"; \
	    $(GO) test -run '^$$' -fuzz "^$$fn$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINTIME) $$pkg; \
	  done; \
	done

## bench: the benchmarks (not part of test or ci), summarised with benchstat,
## then the clients side by side with their ratios to client=raw
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count $(BENCHCOUNT) ./wrapper/ | tee bench.txt
	$(GO) run $(BENCHSTAT) bench.txt
	@echo; echo "== ratios to client=raw =="
	$(GO) run $(BENCHSTAT) -col /client -filter '.name:(UpdateCustomer OR UpdateCustomerParallel64)' bench.txt

## initsize: start-up time (inittrace) and binary size of a program importing
## wrapper, against the same call with net/http + encoding/json + x/oauth2,
## and of the CLI (its embedded sandbox included) against the wrapper program
initsize:
	.ci/initsize

## callgrind: instructions per call (raw / generated / wrapper, and a client
## ogen generates from openapi.yaml in a throwaway module; in-memory
## transport) and of the decoder alone, counted by valgrind: repeatable on a
## busy machine. OGEN=off skips the ogen baseline
callgrind:
	.ci/callgrind-bench

## mutate: mutation testing (not part of test or ci; hours on 2 shared
## cores): gremlins with every mutator over each of $(MUTATE_DIRS), then
## internal/cmd/gremlinsreport type-checks the killed mutants (gremlins counts
## a mutant that does not compile as killed), drops the equivalents listed in
## docs/mutation-equivalents.txt, re-tests the survivors against the whole
## suite of their package (and, for internal/ packages, of the packages
## importing them), and prints the efficacy and the survivors.
## Reports in .mutate/; see docs/mutation-testing.md. -count=1: gremlins
## times its coverage run to set each mutant's timeout, and a cached
## `go test` result would make that timeout a few seconds. gremlins writes
## no report when a directory has no mutant: an empty one.
mutate:
	@mkdir -p .mutate/internal
	@set -e; for d in $(MUTATE_DIRS); do \
	  mkdir -p .mutate/$$(dirname $$d); rm -f .mutate/$$d.json; \
	  skip=""; keep=0; \
	  for f in $$(cd $$d && find . -name '*.go' ! -name '*_test.go' | sed 's|^\./||' | sort); do \
	    if [ -z "$(MUTATE_FILES)" ] || echo " $(MUTATE_FILES) " | grep -qF " $$d/$$f "; then keep=1; \
	    else skip="$$skip -E ^$$(echo $$f | sed 's/\./\\./g')\$$"; fi; \
	  done; \
	  if [ $$keep = 1 ]; then \
	    echo "== gremlins unleash ./$$d"; \
	    GOFLAGS="$$GOFLAGS -count=1 $(MUTATE_GOFLAGS)" $(GO) run $(GREMLINS) unleash --config .gremlins.yaml $(MUTATE_FLAGS) $$skip -o .mutate/$$d.json ./$$d; \
	  fi; \
	  test -f .mutate/$$d.json || echo '{"files":[]}' > .mutate/$$d.json; \
	done
	$(GO) run ./internal/cmd/gremlinsreport -equivalents docs/mutation-equivalents.txt -min $(MUTATE_MIN) -retest -retest-timeouts -retest-importers $(subst $(eval) ,$(comma),$(strip $(filter internal/%,$(MUTATE_DIRS)))) \
	  $(foreach d,$(MUTATE_DIRS),$(d)=.mutate/$(d).json)

vet:
	$(GO) vet $(PKGS)

staticcheck:
	$(GO) run $(STATICCHECK) $(PKGS)

## lint: go vet + pinned staticcheck
lint: vet staticcheck

## lint-spec: lint openapi.yaml with Redocly's recommended rules, every
## warning an error (recommended-strict): fails on any problem
lint-spec:
	REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
	  npx --yes $(REDOCLY) lint --extends recommended-strict openapi.yaml

## ci: everything CI checks
ci: check-generated regen-drill lint lint-spec test-jsonv2 test-go127 fuzz-smoke test
