# The two commands of the README: `make demo` and `make test`.
# Each creates .venv when missing and installs the package with every extra (pdf, postgres) and the dev tools.

PYTHON ?= python3

# A rule that fails leaves no target behind, so the next `make` does not take it as done.
.DELETE_ON_ERROR:
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test test-fast fuzz lint bench install chromium postgresql clean catalogues translations

demo: $(STAMP) catalogues
	$(BIN)/pmo-workbench demo --out reports/demo

# The suite runs on every core (pytest-xdist): its tests are independent, each in its own folders.
# With Debian's postgresql installed, it runs inside a throw-away PostgreSQL cluster (pg_virtualenv sets
# PGHOST and friends), so that the store and web-app tests run on PostgreSQL as well as on SQLite;
# without it those PostgreSQL runs are skipped, each saying why. `-t` puts the cluster in a temporary folder even
# as root, so that two runs at once on one machine (each would otherwise create 15/regress) do not collide.
PG_WRAP := $(shell command -v pg_virtualenv >/dev/null 2>&1 && echo pg_virtualenv -t)
test: lint
	$(PG_WRAP) $(BIN)/python -m pytest -n auto

lint: $(STAMP) catalogues
	$(BIN)/ruff check .
	$(BIN)/lint-imports

test-fast: $(STAMP) catalogues
	$(BIN)/python -m pytest -n auto -m "not slow"

# The readers fuzzed at length (tests/fuzz): many generated inputs per reader (FUZZ_EXAMPLES each), then a table
# of how many each reader was given, loaded, refused with a located error, and how many broke the property.
# `make test` runs the same tests with a few fixed inputs each.
FUZZ_EXAMPLES ?= 300
fuzz: $(STAMP) catalogues
	PMO_WORKBENCH_FUZZ=long PMO_WORKBENCH_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest tests/fuzz -n 0 -q

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_scoring.py
	$(BIN)/python benchmarks/bench_reports.py
	$(BIN)/python benchmarks/bench_portfolio.py
	$(BIN)/python benchmarks/bench_store.py
	$(PG_WRAP) $(BIN)/python benchmarks/bench_web.py

install: $(STAMP) catalogues

# The translations: each language's catalogue (pmo_workbench/locale/<language>/LC_MESSAGES/messages.po) compiled
# to messages.mo whenever the .po changes. `make translations` extracts the English messages into messages.pot
# and merges them into every language's .po; a translator then fills in the new and fuzzy entries.
CATALOGUES := $(wildcard pmo_workbench/locale/*/LC_MESSAGES/*.po)
catalogues: $(CATALOGUES:.po=.mo)

pmo_workbench/locale/%.mo: pmo_workbench/locale/%.po | $(STAMP)
	$(BIN)/python -m pmo_workbench.i18n.compile $< $@

translations: $(STAMP)
	$(BIN)/pybabel -q extract -F babel.cfg --no-location --no-wrap --sort-output -c "Translators:" \
		--project pmo-workbench -o pmo_workbench/locale/messages.pot .
	$(BIN)/pybabel -q update -i pmo_workbench/locale/messages.pot -d pmo_workbench/locale -D messages \
		--ignore-obsolete --no-wrap --ignore-pot-creation-date

# PDF reports and the browser tests need Chromium. Debian's package, installed
# here when missing (needs root and apt-get); `make demo` works without it (HTML only).
chromium:
	@if command -v chromium >/dev/null 2>&1; then \
		echo "chromium: $$(command -v chromium)"; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else \
		echo "chromium is missing: install Debian's package (sudo apt-get update && sudo apt-get install chromium)"; \
		exit 1; \
	fi

# The PostgreSQL tests need Debian's postgresql (its pg_virtualenv makes a throw-away cluster); installed
# here when missing (needs root and apt-get).
postgresql:
	@if command -v pg_virtualenv >/dev/null 2>&1; then \
		echo "pg_virtualenv: $$(command -v pg_virtualenv)"; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; \
	else \
		echo "postgresql is missing: install Debian's package (sudo apt-get update && sudo apt-get install postgresql)"; \
		exit 1; \
	fi

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "pmo-workbench needs Python 3.11 or newer; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall whenever the dependencies change.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[pdf,postgres,dev]'
	@touch $(STAMP)

clean:
	rm -rf $(VENV) build dist .pytest_cache
