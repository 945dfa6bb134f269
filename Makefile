# Thin wrapper over deno. tests/deno.sh installs Deno from npm into .tools/ when it is not on PATH;
# `make test` (tests/run.sh) first installs the Debian packages the tests need (tests/setup.sh).
DENO = $(shell bash tests/deno.sh)
ARGS ?=
# The cycle check starts from main.ts and from every test and bench file (they reach the test helpers).
CYCLE_ROOTS = $(shell find src tests tools -name '*_test.ts' -o -name '*_bench.ts' | sort) tests/bench/bench.ts
export NO_COLOR := 1

.PHONY: run test check fmt bench binary binary-arm64 clean

run:
	$(DENO) run -A main.ts $(ARGS)

test:
	@bash tests/run.sh "$(DENO)"

check:
	$(DENO) fmt --check
	$(DENO) lint
	$(DENO) check main.ts src/ tests/ tools/
	$(DENO) run --allow-run --allow-read tools/import_cycles.ts main.ts $(CYCLE_ROOTS)

fmt:
	$(DENO) fmt

bench:
	$(DENO) run -A tests/bench/bench.ts

# deno compile with denort (DENORT_BIN or Deno's cache); without it a self-extracting executable from
# npm's Deno for the target and the bundled agent (tests/compile.sh, README "The binary").
binary:
	@DENO="$(DENO)" bash tests/compile.sh x86_64-unknown-linux-gnu dist/agent binary

binary-arm64:
	@DENO="$(DENO)" bash tests/compile.sh aarch64-unknown-linux-gnu dist/agent-arm64 binary-arm64

clean:
	rm -rf dist bench-out test-artifacts
