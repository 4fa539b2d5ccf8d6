# huiketing: `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?=
CATALOGUES := zh_Hans ug kk en

.DEFAULT_GOAL := help
.PHONY: help install system-deps demo serve worker test test-sqlite test-postgres e2e faults lint format messages check-messages bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) ## Create .venv and install huiketing with its development tools

system-deps: ## Install the Debian packages the tests need (as root, when missing)
	@sh scripts/system-deps.sh

demo: install ## Load the Altay demo and serve it on http://127.0.0.1:8000
	$(BIN)/huiketing demo

serve: install ## Serve the application (gunicorn)
	$(BIN)/huiketing serve

worker: install ## Run the background job worker
	$(BIN)/huiketing worker

test: install system-deps ## Run the suite except the browser tests (PostgreSQL when DATABASE_URL is set, else SQLite)
	$(BIN)/pytest -n 2 -m 'not e2e and not faults' $(PYTEST_ARGS)

test-sqlite: install system-deps ## Run the suite on SQLite
	env -u DATABASE_URL $(BIN)/pytest -n 2 -m 'not e2e and not faults' $(PYTEST_ARGS)

test-postgres: install system-deps ## Run the suite on the local PostgreSQL
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -n 2 -m 'not e2e and not faults' $(PYTEST_ARGS)

e2e: install system-deps ## Run the browser suite (tests/e2e: Playwright, Chromium, axe-core) against the demo
	$(BIN)/pytest tests/e2e -m e2e -p no:xdist $(PYTEST_ARGS)

faults: install ## Kill the web process and the worker, restart PostgreSQL, all under load (tests/faults)
	$(BIN)/pytest tests/faults -m faults -p no:xdist -s $(PYTEST_ARGS)

lint: install ## ruff, formatting, and a check that no migration is missing
	$(BIN)/ruff check src tests scripts bench
	$(BIN)/ruff format --check src tests scripts bench
	$(BIN)/huiketing makemigrations --check --dry-run

format: install ## Format and fix what ruff can
	$(BIN)/ruff check --fix src tests scripts bench
	$(BIN)/ruff format src tests scripts bench

messages: install ## Extract strings, compile catalogues, and list anything untranslated or fuzzy
	cd src/huiketing && ../../$(BIN)/huiketing makemessages --no-obsolete $(addprefix -l ,$(CATALOGUES)) --ignore 'static/*'
	cd src/huiketing && ../../$(BIN)/huiketing compilemessages --verbosity 0
	@$(MAKE) --no-print-directory check-messages

check-messages: ## Fail if a catalogue has untranslated or fuzzy entries
	@$(BIN)/python scripts/check_messages.py src/huiketing/locale zh_Hans ug kk

clean: ## Remove the virtual environment and local data
	rm -rf $(VENV) var .pytest_cache .ruff_cache

# make bench BENCH_SCALE=10 BENCH_USERS=30 BENCH_TIME=180s: scale of the demo under load, simulated users, and
# the seconds each target (the application, the floor) is measured; they take turns, so the run lasts twice that.
BENCH_SCALE ?= 1
BENCH_USERS ?= 20
BENCH_TIME ?= 120s
# Voters in the vote burst (each votes on 10 questions); BENCH_VOTERS=40000 is CONSUL's Madrid load.
BENCH_VOTERS ?= 4000

bench: install ## Run the benchmarks under bench/: point → grid, mixed load vs the floor, query counts at 1× and 10×, a vote burst
	$(BIN)/python bench/locate.py
	$(BIN)/python bench/load.py --scale $(BENCH_SCALE) --users $(BENCH_USERS) --run-time $(BENCH_TIME)
	$(BIN)/python bench/query_counts.py --scales 1,10
	$(BIN)/python bench/votes.py --voters $(BENCH_VOTERS)
