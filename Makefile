# The two commands of the README. Each sets itself up on a fresh clone (Python 3.11, pip, make).
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test quick install lint clean bench load serve

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

## make run: install, upgrade the database to head, serve on http://127.0.0.1:5000
run: install
	$(VENV)/bin/flask --app crm db upgrade
	@# One scheduler beside the server (single-machine install), stopped when the server stops;
	@# a second one started elsewhere only waits for the database lease.
	$(VENV)/bin/flask --app crm scheduler & scheduler=$$!; \
	trap 'kill $$scheduler 2>/dev/null; wait $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(VENV)/bin/flask --app crm run --host $(HOST) --port $(PORT)

## make test: install with the test extras and run the whole suite
test: install
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

## make quick: the suite without the tests marked slow (browser journeys, fuzzing, real server
## processes): every feature at the web level, under two minutes on a quiet machine (tests/README.md)
quick: install
	$(VENV)/bin/python -m pytest -m "not slow" $(PYTEST_ARGS)

BENCH_STAMP := $(VENV)/.bench-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
$(BENCH_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e ".[test,bench]"
	rm -f $(VENV)/.bench-*
	touch $(BENCH_STAMP)

## make serve: production serving: gunicorn builds crm:create_app() in each worker
## (config/gunicorn.conf.py; CRM_BIND, CRM_WORKERS; behind a reverse proxy CRM_TRUSTED_PROXIES=1)
serve: install
	$(VENV)/bin/flask --app crm db upgrade
	$(VENV)/bin/gunicorn -c config/gunicorn.conf.py

## make bench: seed the state-scale data once (bench/cache/), then time the heavy paths vs their floors
## (BENCH_ARGS=--small for the CI smoke)
bench: $(BENCH_STAMP)
	$(PY) bench/run.py $(BENCH_ARGS)

## make load: locust, 50 users for 5 minutes against gunicorn, on each of LOAD_DBS
## (LOAD_ARGS=--small for the CI smoke)
LOAD_DBS ?= sqlite postgresql
load: $(BENCH_STAMP)
	for db in $(LOAD_DBS); do $(PY) bench/load.py --db $$db $(LOAD_ARGS) || exit 1; done

lint: install
	$(VENV)/bin/ruff check crm tests

clean:
	rm -rf $(VENV) .pytest_cache
