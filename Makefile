# The two commands of the README: `make up` runs the platform with its demo project,
# `make test` installs what the tests need and runs every check CI runs.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv pip install --python $(BIN)/python --compile-bytecode --quiet

.PHONY: up test install install-dev system-packages lint types contracts unit postgres-tests bench clean

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip uv

install: $(BIN)/uv
	$(UV) -e .

install-dev: $(BIN)/uv
	$(UV) -e . --group dev
	# PyTorch for the model-packaging tests, CPU build: pip (not uv) so that a wheel index
	# configured for pip on the machine is used rather than a multi-gigabyte CUDA download.
	$(BIN)/python -m pip install --quiet torch==2.13.0

up: install
	$(BIN)/mlplane up --demo

system-packages:
	bash scripts/install_system_packages.sh

lint: install-dev
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts

types: install-dev
	$(BIN)/mypy

contracts: install-dev
	$(BIN)/lint-imports

unit: install-dev system-packages
	$(BIN)/python -m pytest -n 2 --dist loadfile tests

# The suite again on PostgreSQL, less what never reaches the metadata store's SQL: model file
# formats, inference protocols and batching, process supervision, S3, Ray, the DSL parsers.
POSTGRES_SKIP := $(addprefix --ignore=tests/, registry/packaging serving/protocols \
	serving/test_batching.py server/test_supervisor.py data/test_storage_s3.py \
	compute/test_ray.py pipelines/test_ray_executor.py pipelines/test_dsl.py \
	pipelines/test_yaml_spec.py \
	client/test_resolve.py core/test_settings.py)

postgres-tests: install-dev system-packages
	MLPLANE_TEST_DATABASE=postgres $(BIN)/python -m pytest -n 2 --dist loadfile -m "not browser" \
		$(POSTGRES_SKIP) tests

test: lint types contracts unit postgres-tests

bench: install-dev
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
