# Two commands do everything on a new machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test test-postgres test-faults lint format bench bench-cpu bench-checkout bench-rush bench-import lighthouse clean install lock

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)

$(VENV)/.installed: $(BIN)/activate requirements.txt requirements-dev.txt
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

## run: the store with demo data at http://127.0.0.1:5000, and the mail worker beside it
## (mail goes to instance/mail/*.eml unless MAIL_SERVER is set)
run: install
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	$(FLASK) seed-demo-orders --if-empty
	$(FLASK) demo-admin --base-url http://$(HOST):$(PORT)
	@# The mail worker runs beside the server and stops with it (see README, "Mail").
	$(FLASK) deliver-email & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(FLASK) run --host $(HOST) --port $(PORT)

## test: the whole suite (SQLite unless TEST_DATABASE_URL names PostgreSQL)
test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## test-postgres: the whole suite on the local PostgreSQL server
test-postgres: install
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/postgres} \
		$(BIN)/python -m pytest $(PYTEST_ARGS)

## test-faults: the store on gunicorn with a PostgreSQL and a Redis of its own, frozen,
## stopped and restarted under shoppers, a worker killed mid-checkout (tests/faults)
test-faults: install
	STOREFRONT_FAULT_TESTS=1 $(BIN)/python -m pytest tests/faults $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## bench: the store under wrk beside a bare Flask ceiling, PostgreSQL and SQLite at
## 1k/10k/100k products; appends to docs/performance.md (BENCH_QUICK=1: a fast pass;
## BENCH_LABEL names the run). Not part of the tests; see bench/README.md
bench: install
	$(BIN)/python -m bench.web --label "$${BENCH_LABEL:-make bench}"

## bench-cpu: CPU ms per request in one process (steady on a busy machine; bench/cpu.py)
bench-cpu: install
	$(BIN)/python -m bench.cpu

## bench-checkout: checkout throughput in one process (see bench/README.md)
bench-checkout: install
	$(BIN)/python -m bench.checkout

## bench-rush: checkout over HTTP on gunicorn and PostgreSQL: 32 buyers' orders/s, and
## a 200-buyer rush on 5 products of 10 that must sell exactly 50 (bench/rush.py)
bench-rush: install
	$(BIN)/python -m bench.rush

## bench-import: a 10,000-row catalog CSV imported new, then as stock updates (bench/import_csv.py)
bench-import: install
	$(BIN)/python -m bench.import_csv

## lighthouse: Lighthouse (npm package pinned in .lighthouse/, installed there) with
## Debian's Chromium on home, catalog, a product, the cart and the dashboard of the store
## on gunicorn with demo data; reports in test-artifacts/lighthouse/ (bench/lighthouse.py)
lighthouse: install
	$(BIN)/python -m bench.lighthouse

## lock: regenerate requirements.txt and requirements-dev.txt (pinned, with hashes)
## from requirements.in and requirements-dev.in, with pip-tools in a venv of its own
LOCK := pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links
lock:
	test -x .lock-tools/bin/pip-compile || \
		($(PYTHON) -m venv .lock-tools && .lock-tools/bin/pip install --quiet pip-tools==7.6.2)
	.lock-tools/bin/$(LOCK) --output-file requirements.txt requirements.in
	.lock-tools/bin/$(LOCK) --output-file requirements-dev.txt requirements-dev.in

clean:
	rm -rf $(VENV) .lock-tools .pytest_cache .ruff_cache test-artifacts
