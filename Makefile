# Manara: two commands do all the set-up. `make run` serves the demo; `make test` runs the whole suite.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?= -n 2
export MANARA_DATA_DIR ?= ./var

.PHONY: run test test-sqlite test-pg lint bench install db demo clean namebench-venv openapi

$(STAMP): pyproject.toml
	scripts/ensure-system-deps.sh build browser
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# The reference name matchers of ../shared/tools/namebench run in their own venv (benchmarks/names.py and
# benchmarks/screening_engine.py use it; MANARA_NAMEBENCH_PYTHON points them at another interpreter).
NAMEBENCH_VENV := .venv-namebench
NAMEBENCH_STAMP := $(NAMEBENCH_VENV)/.installed

$(NAMEBENCH_STAMP): benchmarks/namebench-requirements.txt
	scripts/ensure-system-deps.sh build
	test -d $(NAMEBENCH_VENV) || $(PY) -m venv $(NAMEBENCH_VENV)
	$(NAMEBENCH_VENV)/bin/pip install -q --upgrade pip
	$(NAMEBENCH_VENV)/bin/pip install -q -r benchmarks/namebench-requirements.txt
	touch $(NAMEBENCH_STAMP)

namebench-venv: $(NAMEBENCH_STAMP)

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
	$(BIN)/lint-imports --no-cache

test-sqlite: $(STAMP)
	scripts/ensure-system-deps.sh browser
	$(BIN)/pytest -q $(PYTEST_ARGS)

test-pg: $(STAMP)
	scripts/ensure-system-deps.sh browser
	scripts/with-postgres.sh $(BIN)/pytest -q $(PYTEST_ARGS)

test: lint test-sqlite test-pg

bench: $(STAMP) $(NAMEBENCH_STAMP)
	$(BIN)/python benchmarks/import_ftm.py
	scripts/with-postgres.sh $(BIN)/python benchmarks/import_ftm.py --postgres
	$(BIN)/python benchmarks/names.py
	$(BIN)/python benchmarks/screening_engine.py
	$(BIN)/python benchmarks/screening.py
	$(BIN)/python benchmarks/biometrics.py
	$(BIN)/python benchmarks/media.py
	$(BIN)/python benchmarks/xref.py
	$(BIN)/python benchmarks/search.py
	$(BIN)/python benchmarks/console.py
	$(BIN)/python benchmarks/lighthouse.py
	$(BIN)/python benchmarks/crypto.py
	$(BIN)/python benchmarks/training.py
	$(BIN)/python benchmarks/drone.py

clean:
	rm -rf $(VENV) $(NAMEBENCH_VENV) var manara.db manara.db-wal manara.db-shm manara.db.writer-lock

# After a deliberate API change: regenerate the contract and review its diff (tests/api/test_openapi.py).
openapi: $(STAMP)
	$(BIN)/python scripts/openapi_doc.py > docs/openapi.json
