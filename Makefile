# Every command a person runs. `make run` serves the app with demo data; `make test` passes
# the whole suite on SQLite and on a throwaway PostgreSQL cluster.
PORT ?= 8000
HOST ?= 127.0.0.1
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := DJANGO_SETTINGS_MODULE=project.settings.local $(PY) manage.py

.PHONY: setup components demo-db run test test-sqlite test-postgres lint format checklist checklist-eval fuzz fault bench bench-admin bench-fanout bench-visibility bench-stats bench-export bench-writes clean

$(VENV)/.installed: requirements.txt
	@python=$$(scripts/find-python) || exit 1; \
	 echo "Creating $(VENV) with $$python"; \
	 [ -x $(PY) ] || $$python -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt 2>&1 \
	   | grep -v "^WARNING: Location" || true
	@$(PY) -c "import django, uvicorn, psycopg" || { echo "Installing requirements failed."; exit 1; }
	@touch $@

# The hydrograph's charting library (uPlot) comes from the npm registry; Django serves it.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm (Node.js) is needed for the web pages' chart: install nodejs and npm."; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

setup: $(VENV)/.installed node_modules/.installed

# PostgreSQL, Redis, Chromium, npm and wrk for the tests: installed when missing (as root
# with apt-get), otherwise named.
components:
	@scripts/ensure-components

# What `make run` serves: migrated, demo data when empty (with its summaries), the local admin.
# tests/project/test_readme.py builds its database with this too.
demo-db: setup
	@mkdir -p var
	@$(MANAGE) migrate --noinput -v 0
	@$(MANAGE) seed_demo --if-empty
	@$(MANAGE) ensure_local_admin

run: demo-db
	@echo "Piezo: http://$(HOST):$(PORT)/   admin: http://$(HOST):$(PORT)/admin/"
	DJANGO_SETTINGS_MODULE=project.settings.local $(VENV)/bin/uvicorn project.asgi:application \
	  --host $(HOST) --port $(PORT) --ws-ping-interval 20 --ws-ping-timeout 20

test: components setup test-sqlite test-postgres

# Every async test runs with the loop guard: a route that blocks the event loop this long
# fails its test, named with its stack (ADR-0004's runtime confirmation).
LOOP_BLOCK_MS ?= 250

test-sqlite: setup
	$(PY) -m pytest --database=sqlite --loop-block-ms=$(LOOP_BLOCK_MS)

# On PostgreSQL the servers the tests start read through the async driver (ADR-0007's P4,
# the default); the API, live and concurrency suites run again with it off (P2).
test-postgres: setup
	$(PY) -m pytest --database=postgres --loop-block-ms=$(LOOP_BLOCK_MS)
	$(PY) -m pytest --database=postgres --async-driver=off --loop-block-ms=$(LOOP_BLOCK_MS) \
	  tests/api tests/live tests/concurrency

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(MANAGE) migration_checklist --strict > /dev/null

# The long fuzzing run: 1,000 examples per operation, stateful phase included, on both
# databases (PostgreSQL refuses text that SQLite stores).
fuzz: setup
	PIEZO_FUZZ_EXAMPLES=1000 $(PY) -m pytest tests/hardening/test_fuzz.py --database=sqlite
	PIEZO_FUZZ_EXAMPLES=1000 $(PY) -m pytest tests/hardening/test_fuzz.py --database=postgres

# The longer fault runs: five PostgreSQL restarts under load, a 2,000,000-row killed import.
fault: setup
	PIEZO_FAULT_ROUNDS=5 PIEZO_FAULT_ROWS=2000000 $(PY) -m pytest tests/hardening/test_faults.py --database=sqlite
	PIEZO_FAULT_ROUNDS=5 PIEZO_FAULT_ROWS=2000000 $(PY) -m pytest tests/hardening/test_faults.py --database=postgres

# Every performance claim, reproduced (about an hour; see bench/README.md). Not part of
# `make test`, which runs the harness's 10-second smoke run instead. BENCH_ARGS narrows it,
# e.g. BENCH_ARGS="--database postgres --duration 3"; a quick end-to-end try:
# make bench BENCH_ARGS=--smoke BENCH_IMPORT_ROWS=20000
BENCH_ARGS ?=
BENCH_IMPORT_ROWS ?= 1000000
bench: setup
	@command -v wrk >/dev/null || { echo "wrk is needed for the benchmarks: apt-get install wrk"; exit 1; }
	$(PY) bench/import_bench.py --rows $(BENCH_IMPORT_ROWS) --database both
	$(PY) bench/http_bench.py $(BENCH_ARGS)
	$(PY) bench/report.py
	$(PY) bench/admin_bench.py
	$(MAKE) bench-fanout
	$(MAKE) bench-visibility
	$(MAKE) bench-stats
	$(MAKE) bench-export
	$(MAKE) bench-writes

# A batch POST and its live fan-out, before (5772ff0, a git worktree) and after issue 22.
bench-fanout: setup
	$(PY) bench/fanout_bench.py --before 5772ff0 --batches 3 --batch-size 10000 --subscribers 5

# What visibility (ADR-0012) costs the public's reads: requests/s before and after, on the
# same data (about 5 minutes).
bench-visibility: setup
	$(PY) bench/visibility_bench.py --before e00b4d2

# /api/stats at 100k and at 10M readings, counting (the code before ADR-0013) and from the
# writes' tallies (this checkout): about 15 minutes, most of it seeding 10M readings.
bench-stats: setup
	$(PY) bench/stats_bench.py --before cfba1e1

# The CSV export of a 1,000,000-row series against PostgreSQL's COPY, before and after
# ADR-0014 (about 8 minutes).
bench-export: setup
	$(PY) bench/export_bench.py --before 9a327f9

# Single-reading POSTs on SQLite at concurrency 50 against raw sqlite3 inserts (issue 18,
# target 5; about 3 minutes).
bench-writes: setup
	$(PY) bench/writes_bench.py

# The admin's pages at ~100k readings and at a survey's size (2M SQLite, 10M PostgreSQL):
# about 15 minutes, mostly seeding (ADR-0008).
bench-admin: setup
	$(PY) bench/admin_bench.py

checklist: setup
	$(MANAGE) migration_checklist

# The checklist, ruff's ASYNC rules and Django's SynchronousOnlyOperation on the corpus of
# labelled cases (tests/ops/corpus): detection and false-positive rates (ADR-0004).
checklist-eval: setup
	@mkdir -p var
	$(PY) -m tests.ops.corpus.evaluate

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) node_modules var .pytest_cache .ruff_cache
