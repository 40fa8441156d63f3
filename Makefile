# The two commands of the README. Each sets itself up on a fresh clone (Python 3.11, pip, make).
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install lint clean

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
	$(VENV)/bin/flask --app crm run --host $(HOST) --port $(PORT)

## make test: install with the test extras and run the whole suite
test: install
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check crm tests

clean:
	rm -rf $(VENV) .pytest_cache
