# Manara: two commands do all the set-up. `make run` serves the demo; `make test` runs the whole suite.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
RUNTIME_STAMP := $(VENV)/.installed-runtime
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?= -n 2
export MANARA_DATA_DIR ?= ./var

.PHONY: run test test-sqlite test-pg lint bench install install-runtime db demo clean namebench-venv openapi \
	container-test fuzz crashtest soak

# The runtime set, what `manara serve` needs (no browser, no mypy); the Containerfile runs the same script.
$(RUNTIME_STAMP): pyproject.toml scripts/install.sh
	PY=$(PY) scripts/install.sh $(VENV) runtime
	touch $(RUNTIME_STAMP)

# The development set on top of it: test and lint tools, Debian's Chromium for the browser tests.
$(STAMP): $(RUNTIME_STAMP)
	PY=$(PY) scripts/install.sh $(VENV) dev
	touch $(STAMP)

install-runtime: $(RUNTIME_STAMP)

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

db: $(RUNTIME_STAMP)
	$(BIN)/manara db upgrade

demo: db
	$(BIN)/manara demo load

run: demo
	$(BIN)/manara serve --host $(HOST) --port $(PORT)

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
	$(BIN)/python benchmarks/assessments.py
	$(BIN)/python benchmarks/drone.py
	$(BIN)/python benchmarks/pursuit.py
	$(BIN)/python benchmarks/taxii.py
	$(BIN)/python benchmarks/webhooks.py
	$(BIN)/python benchmarks/security.py

clean:
	rm -rf $(VENV) $(NAMEBENCH_VENV) var manara.db manara.db-wal manara.db-shm manara.db.writer-lock

# After a deliberate API change: regenerate the contract and review its diff (tests/api/test_openapi.py).
openapi: $(RUNTIME_STAMP)
	$(BIN)/python scripts/openapi_doc.py > docs/openapi.json

# The container stack (Containerfile, deploy/compose.yaml) built and run with podman, answering /ready through
# the TLS proxy; minutes, so not part of `make test` (docs/deployment.md).
container-test: $(STAMP)
	MANARA_CONTAINER_TEST=1 $(BIN)/pytest -q -n 0 -p no:cacheprovider tests/deploy

# Proofs of issue 21 (docs/security.md): >= 10,000 schema-generated requests; kill -9 of the server during
# imports, batch jobs, enrolments and cross-matching; 10 minutes of mixed traffic with flat memory.
fuzz: $(STAMP)
	$(BIN)/python benchmarks/fuzz.py

crashtest: $(STAMP)
	MANARA_CRASHTEST=1 $(BIN)/pytest -q -n 0 -p no:cacheprovider tests/crash

soak: $(STAMP)
	$(BIN)/python benchmarks/soak.py --minutes 10
