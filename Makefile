# chitieu: the two commands of the quick start are `make run` and `make test`.
PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: install run test test-fast lint format bench bench-smoke clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

$(VENV)/.installed: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --group dev --compile-bytecode
	@touch $@

install: $(VENV)/.installed  ## create .venv with the locked dependencies

run: install  ## run the ETL flow over seeds/reports into warehouse/chitieu.duckdb
	$(VENV)/bin/chitieu run

test: install  ## the whole test suite (includes the Prefect server end-to-end test)
	$(VENV)/bin/pytest

test-fast: install  ## the suite without the tests that start a Prefect server
	$(VENV)/bin/pytest -m "not server"

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(UV)  ## benchmarks (not part of make test); results in benchmarks/RESULTS.md
	$(UV) sync --frozen --group dev --group bench --compile-bytecode
	$(VENV)/bin/python -m benchmarks.run

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache .ruff_cache
