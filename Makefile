# Two commands for a new machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HASH := $(shell sha1sum pyproject.toml 2>/dev/null | cut -c1-12)
RUN_STAMP := $(VENV)/.run-$(HASH)
TEST_STAMP := $(VENV)/.test-$(HASH)
# Parallel workers for the test suite: three keep two cores busy while browser and
# PostgreSQL tests wait on I/O.
TEST_WORKERS ?= 3
# loadgroup hands out one test at a time, in collection order (the long browser tests
# first), to whichever worker is about to run dry, so no worker ends the run alone on a
# batch it was given at the start ("load" gives each a quarter of the suite up front);
# tests marked xdist_group stay on one worker and go out first.
TEST_DIST ?= loadgroup

.PHONY: run test lint install install-test node bench bench-browser bench-load clean

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Verve needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)

# The app alone: what `make run` needs, so a first start stays quick.
$(RUN_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -e .
	rm -f $(VENV)/.run-*
	touch $@

# The app plus the test tools.
$(TEST_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[test]"
	rm -f $(VENV)/.test-* $(VENV)/.run-*
	touch $@ $(RUN_STAMP)

install: $(RUN_STAMP)
install-test: $(TEST_STAMP)

# axe-core (accessibility checks in the browser tests) comes from npm when npm is here.
node:
	@if command -v npm >/dev/null 2>&1; then \
		test -f node_modules/axe-core/axe.min.js || npm install --silent --no-audit --no-fund; \
	else echo "npm not found: the accessibility checks cannot run"; fi

# The checkout's data/ folder holds the development database (VERVE_DATA_DIR).
run: install
	VERVE_DATA_DIR="$${VERVE_DATA_DIR:-$(CURDIR)/data}" $(VENV)/bin/verve serve

# Style and the import contracts first: a breach fails `make test` (and so CI).
lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

test: lint node
	$(PY) -m pytest -n $(TEST_WORKERS) --dist $(TEST_DIST) $(PYTEST_ARGS)

bench: install-test
	$(PY) bench/analytics.py

# Every page in Chromium, cold and warm, against an empty page, on SQLite and PostgreSQL at
# 1,000 and 100,000 applicants (demo databases built once into .bench-cache/); see
# docs/performance.md. BENCH_ARGS narrows it, e.g. BENCH_ARGS="--backend sqlite".
bench-browser: install-test
	$(PY) bench/browser.py $(BENCH_ARGS)

# N public sign-ups at once against one server process: CPU per sign-up, p95, replicas.
bench-load: install-test
	$(PY) bench/load.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules .pytest_cache artifacts
