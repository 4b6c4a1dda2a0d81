# Palermo — the two commands a new machine needs:
#   make run    set up, load demo data on SQLite and serve on http://127.0.0.1:8000 (palermo serve: Gunicorn)
#   make test   set up and run the whole test suite (SQLite and PostgreSQL, side by side)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1:8000

.PHONY: run test test-sqlite test-pg install assets chromium pango lint demo bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# GOV.UK Frontend from npm, compiled with Arial (Palermo is not a GOV.UK service).
assets: node_modules/.installed install
	$(BIN)/python scripts/build_assets.py

# Debian's chromium for the browser tests (never a downloaded browser).
chromium:
	sh scripts/ensure_chromium.sh

# Debian's Pango for WeasyPrint (decision letters as PDF).
pango:
	sh scripts/ensure_pango.sh

run: install assets pango
	$(BIN)/palermo demo
	@echo "Palermo: open http://$(HOST)/ and sign in as a demo user above (users marked * also enter the code that '$(BIN)/palermo demo code' prints)."
	# Background jobs (scoring new referrals, linkage runs, bulletins; docs/jobs.md) need a worker:
	# started beside the server and stopped with it.
	PALERMO_DEBUG=0 PALERMO_PHASE=demo sh -c '$(BIN)/palermo worker & w=$$!; trap "kill $$w" EXIT INT TERM; $(BIN)/palermo serve --bind $(HOST)'

demo: install
	$(BIN)/palermo demo

test: install assets chromium pango
	$(BIN)/ruff check palermo tests benchmarks
	$(BIN)/python -m palermo law check
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-pg

# The two suites run side by side (two cores; each prints when it ends), each with a data folder
# of its own (keys, anchor file) so neither touches the other's or the demo's.
TEST_DATA ?= $(CURDIR)/var/test

test-sqlite:
	PALERMO_DATA_DIR=$(TEST_DATA)/sqlite PALERMO_ENV=test $(BIN)/pytest -p no:randomly --durations=30

# A throwaway PostgreSQL cluster on 127.0.0.1 (installed with apt when missing).
test-pg:
	PALERMO_DATA_DIR=$(TEST_DATA)/pg sh scripts/with_postgres.sh env PALERMO_ENV=test $(BIN)/pytest -m "not browser" -p no:randomly --durations=30

lint:
	$(BIN)/ruff check palermo tests benchmarks

# The benchmark suite (benchmarks/README.md): BENCH_SIZE=tiny|small|full, BENCH_ARGS="--postgres --only http_api".
BENCH_SIZE ?= small
bench: install assets
	$(BIN)/python benchmarks/run_all.py --size $(BENCH_SIZE) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules palermo/web/static/govuk palermo/web/static/app.min.css
