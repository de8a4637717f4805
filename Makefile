# Two commands for a fresh clone: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1:8000

.PHONY: run test lint typecheck check-system demo clean-venv

$(BIN)/python:
	scripts/make-venv.sh "$(PYTHON)" "$(VENV)"

$(STAMP): pyproject.toml $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/zhifa migrate --noinput
	$(BIN)/zhifa demo
	$(BIN)/zhifa runserver --noreload $(HOST)

demo: $(STAMP)
	$(BIN)/zhifa migrate --noinput
	$(BIN)/zhifa demo

check-system:
	scripts/system-deps.sh

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy zhifa zhifa_verify

# The database-touching tests run twice: on SQLite, then on a throwaway PostgreSQL server
# that the test harness starts itself (zhifa/testing/postgres.py).
test: $(STAMP) check-system lint typecheck
	ZHIFA_DATA_DIR=$$(mktemp -d) $(BIN)/zhifa makemigrations --check --dry-run
	ZHIFA_DATA_DIR=$$(mktemp -d) $(BIN)/pytest
	ZHIFA_DATA_DIR=$$(mktemp -d) $(BIN)/python -m zhifa.testing.postgres

clean-venv:
	rm -rf $(VENV)
