# Manara: two commands do all the set-up. `make run` serves the demo; `make test` runs the whole suite.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?= -n 2
export MANARA_DATA_DIR ?= ./var

.PHONY: run test test-sqlite test-pg lint bench install db demo clean

$(STAMP): pyproject.toml
	scripts/ensure-system-deps.sh build browser
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

db: $(STAMP)
	$(BIN)/manara db upgrade

demo: db
	$(BIN)/manara demo load

run: demo
	$(BIN)/manara serve --host 127.0.0.1 --port 8000

lint: $(STAMP)
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/mypy src/manara

test-sqlite: $(STAMP)
	scripts/ensure-system-deps.sh browser
	$(BIN)/pytest -q $(PYTEST_ARGS)

test-pg: $(STAMP)
	scripts/ensure-system-deps.sh browser
	scripts/with-postgres.sh $(BIN)/pytest -q $(PYTEST_ARGS)

test: lint test-sqlite test-pg

bench: $(STAMP)
	$(BIN)/python benchmarks/import_ftm.py
	scripts/with-postgres.sh $(BIN)/python benchmarks/import_ftm.py --postgres
	$(BIN)/python benchmarks/names.py
	$(BIN)/python benchmarks/screening_engine.py
	$(BIN)/python benchmarks/screening.py
	$(BIN)/python benchmarks/biometrics.py
	$(BIN)/python benchmarks/xref.py
	$(BIN)/python benchmarks/search.py
	$(BIN)/python benchmarks/console.py

clean:
	rm -rf $(VENV) var manara.db manara.db-wal manara.db-shm manara.db.writer-lock
