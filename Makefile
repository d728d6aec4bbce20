# ATLAS Campus: `make run` serves the platform, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
PG_TEST_URL ?= postgresql+psycopg://127.0.0.1:5432/test
CATALOGS := $(wildcard lms/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)

.PHONY: run test test-sqlite test-postgres lint install dev translations extract-messages bench clean editor-asset scorm-asset

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools wheel

$(VENV)/.installed: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.dev-installed: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/pip install --quiet --no-deps --no-build-isolation ./tests/plugins/atlas_hello
	rm -rf tests/plugins/atlas_hello/build
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed translations
dev: $(VENV)/.dev-installed translations

# Catalogs are compiled by the build; only the .po sources are committed.
%.mo: %.po | $(BIN)/python
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@ 2>/dev/null || $(BIN)/pybabel compile -i $< -o $@
translations: $(COMPILED)

extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -o lms/translations/messages.pot .
	$(BIN)/pybabel update -i lms/translations/messages.pot -d lms/translations --no-fuzzy-matching

# The demo signs admins in without a second factor unless ATLAS_2FA_REQUIRED_ROLES is set
# (production requires it for admins by default).
run: install
	$(BIN)/atlas db upgrade
	$(BIN)/atlas demo seed
	ATLAS_2FA_REQUIRED_ROLES="$${ATLAS_2FA_REQUIRED_ROLES-}" $(BIN)/atlas run --host $(HOST) --port $(PORT)

lint: dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports

test-sqlite: dev
	env -u ATLAS_TEST_DATABASE_URL $(BIN)/pytest

test-postgres: dev
	@if $(BIN)/python -m tests.pg_available "$(PG_TEST_URL)"; then \
		echo "== PostgreSQL pass on $(PG_TEST_URL) =="; \
		ATLAS_TEST_DATABASE_URL="$(PG_TEST_URL)" $(BIN)/pytest; \
	else \
		echo "== SKIPPED the PostgreSQL pass: nothing answers at $(PG_TEST_URL) =="; \
	fi

test: lint test-sqlite test-postgres

# The studio's code editor (CodeMirror 6) is built from frontend/editor/ with Node and committed
# as lms/static/studio-editor/editor.js, so `make run` needs no Node. Rebuild after changing
# frontend/editor/src/ or its package-lock.json.
editor-asset:
	frontend/editor/build.sh

# The SCORM 1.2/2004 runtime of package lessons (scorm-again, MIT) is copied from the locked npm
# package in frontend/scorm-again/ into lms/static/scorm-again/ and committed, so `make run`
# needs no Node. Rerun after changing frontend/scorm-again/package-lock.json.
scorm-asset:
	frontend/scorm-again/build.sh

bench: install
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache
