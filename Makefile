# Two commands for a new machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml 2>/dev/null | cut -c1-12)
# Parallel workers for the test suite; the browser and PostgreSQL tests are safe to share.
TEST_WORKERS ?= auto

.PHONY: run test install node bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Verve needs Python 3.11 or newer")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

# axe-core (accessibility checks in the browser tests) comes from npm when npm is here.
node:
	@if command -v npm >/dev/null 2>&1; then \
		test -f node_modules/axe-core/axe.min.js || npm install --silent --no-audit --no-fund; \
	else echo "npm not found: the accessibility checks will be skipped"; fi

run: install
	$(VENV)/bin/verve db upgrade
	$(VENV)/bin/streamlit run dashboard/app.py

test: install node
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

bench: install
	$(PY) bench/analytics.py

clean:
	rm -rf $(VENV) node_modules .pytest_cache artifacts
