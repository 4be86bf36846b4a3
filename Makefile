# One command per job; each creates or reuses .venv and installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install test smoke lint demo bench cases clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The subset that also runs against embedded PostgreSQL and Redis (the fresh-machine path).
smoke: $(STAMP)
	SCHEMAGATE_TEST_EMBEDDED=1 $(BIN)/python -m pytest -m smoke $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check app worker tests bench
	$(BIN)/mypy

demo: $(STAMP)
	$(BIN)/schemagate demo

# Engine (plan cold/warm vs the hand-made pipeline), webhook ingestion, push → request overhead.
bench: $(STAMP)
	$(BIN)/python -m bench.engine $(BENCH_ARGS)
	$(BIN)/python -m bench.ingest $(INGEST_ARGS)
	$(BIN)/python -m bench.service $(SERVICE_ARGS)

# The case library, schemagate vs bare migra: pass counts per class on all three checks.
cases: $(STAMP)
	$(BIN)/python -m bench.cases $(CASES_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info
