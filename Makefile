# Mulu — the two Quick start commands are `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
DEMO_ITEMS ?= 2000

.PHONY: run install test test-deps test-sqlite test-postgres bench clean translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install -q -e '.[postgres]'

## Install, migrate, load demo data once, serve on http://$(HOST):$(PORT)
run: install
	$(BIN)/mulu db upgrade
	$(BIN)/mulu demo load --items $(DEMO_ITEMS) --if-empty
	$(BIN)/mulu serve --host $(HOST) --port $(PORT)

test-deps: $(BIN)/python
	.ci/system-deps
	$(BIN)/pip install -q -e '.[test,postgres]'

## The whole suite: on SQLite, then on a throwaway PostgreSQL server
test: test-deps test-sqlite test-postgres

# One worker per core; a module's tests stay together, so its live server starts once (on PostgreSQL each
# worker gets a database of its own).
PYTEST = $(BIN)/python -m pytest -p no:cacheprovider -n auto --dist loadscope

test-sqlite:
	$(PYTEST)

test-postgres:
	PATH="$(CURDIR)/$(BIN):$$PATH" .ci/with-postgres $(PYTEST)

TRANSLATIONS = registry/translations
## Extract the UI's messages (Chinese msgids), merge them into each language's .po, compile the .mo files
translations: $(BIN)/python
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k lazy_gettext -k ngettext:1,2 --no-location --sort-output \
		--project Mulu --copyright-holder "Mulu contributors" -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d $(TRANSLATIONS) --statistics

bench: install
	$(BIN)/python bench/demo_load.py

clean:
	rm -rf $(VENV) instance *.egg-info
