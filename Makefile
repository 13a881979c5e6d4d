# The two commands a newcomer needs: `make run` and `make test`. Everything else is set up by them.
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
PYTHON ?= python3
# The dashboard's browser tests drive Debian's Chromium (a test tool's own browser download cannot work here).
CHROMIUM := /usr/bin/chromium

.PHONY: run test screenshots lint format bench soak clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

run: $(STAMP)
	@$(BIN)/scr demo load
	@$(BIN)/scr demo tokens
	@$(BIN)/scr serve

# Two processes (the machine's two cores; most tests wait on a database or a server), a test file to each at a
# time; then, alone, the tests that stop and start the machine's PostgreSQL under everyone.
test: $(STAMP) $(CHROMIUM)
	@$(BIN)/pytest -n 2 --dist loadfile -m "not restarts_postgres"
	@$(BIN)/pytest -m restarts_postgres

# Installed only when missing: the file target makes this a no-op once Chromium is there.
$(CHROMIUM):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

# Refresh the dashboard screenshots in docs/screenshots/ (shown in the README).
screenshots: $(STAMP) $(CHROMIUM)
	@SCR_SAVE_SCREENSHOTS=1 $(BIN)/pytest tests/e2e/test_dashboard.py

# Benchmarks need PostgreSQL (BENCH_DATABASE_URL); BENCH_EVENTS sets the log size (default 500,000).
bench: $(STAMP)
	@$(BIN)/python -m benchmarks.bench_projections
	@$(BIN)/python -m benchmarks.bench_audit
	@$(BIN)/python -m benchmarks.bench_commands
	@$(BIN)/python -m benchmarks.bench_command_levers
	@$(BIN)/python -m benchmarks.bench_reads
	@$(BIN)/python -m benchmarks.bench_access_log
	@$(BIN)/python -m benchmarks.bench_encryption

# The long fault runs (PostgreSQL): the projection worker SIGKILLed 50 times while commands flow, and the
# stateful property tests with many more examples. SCR_FAULT_SEED replays a run's kill moments.
soak: $(STAMP)
	@SCR_FAULT_KILLS=50 SCR_PROPERTY_EXAMPLES=1000 $(BIN)/pytest tests/faults/test_worker_kills.py tests/property

lint: $(STAMP)
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check .
	@$(BIN)/mypy domain projections service

format: $(STAMP)
	@$(BIN)/ruff format .
	@$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var
