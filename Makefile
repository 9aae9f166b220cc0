# The two commands a newcomer needs: `make run` and `make test`. Both are idempotent and fast when re-run.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 5000
export FLASK_APP := wsgi

.PHONY: run test lint typecheck messages compile-messages db db-check clean bench mutation

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

compile-messages: $(STAMP)
	$(VENV)/bin/pybabel -q compile -d translations

db: $(STAMP)
	$(VENV)/bin/flask db upgrade

# `flask db upgrade` then `flask db check` on a throw-away SQLite file and, when set, on TEST_DATABASE_URL.
db-check: $(STAMP)
	rm -rf .ci-instance
	PORTAL_INSTANCE_PATH=.ci-instance $(VENV)/bin/flask db upgrade
	PORTAL_INSTANCE_PATH=.ci-instance $(VENV)/bin/flask db check
	if [ -n "$$TEST_DATABASE_URL" ]; then \
		PORTAL_INSTANCE_PATH=.ci-instance DATABASE_URL="$$TEST_DATABASE_URL" \
			sh -c '$(VENV)/bin/flask db upgrade && $(VENV)/bin/flask db check && $(VENV)/bin/flask db downgrade base'; \
	fi
	rm -rf .ci-instance

run: $(STAMP) compile-messages db
	PORTAL_DEMO=1 $(VENV)/bin/flask portal demo
# (the background worker for webhook deliveries runs beside the server and stops with it)
	$(VENV)/bin/flask portal task-worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(VENV)/bin/gunicorn --config gunicorn.conf.py --bind 127.0.0.1:$(PORT) wsgi:app

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The typed modules are listed under [tool.mypy] in pyproject.toml.
typecheck: $(STAMP)
	$(VENV)/bin/mypy

# Line coverage of portal/ over the whole suite, SQLite alone included; the floor is the measured figure rounded
# down. PYTEST_ARGS stays free for extra flags; a partial run (a folder, -k) adds --no-cov or sets COVERAGE_ARGS=.
COVERAGE_ARGS ?= --cov=portal --cov-report=term-missing:skip-covered --cov-fail-under=96
# One test process per core (pytest-xdist); each has its own databases (tests/conftest.py). TEST_WORKERS=0: one process.
TEST_WORKERS ?= auto

test: $(STAMP) compile-messages lint typecheck
	$(PY) -m portal.core.catalogs
	$(VENV)/bin/pytest --numprocesses=$(TEST_WORKERS) $(COVERAGE_ARGS) $(PYTEST_ARGS)

# Re-extract the strings marked in the code and merge them into every catalog.
messages: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output --omit-header --no-wrap \
		-o translations/messages.pot .
	$(VENV)/bin/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete --no-wrap

# Load test against a bare baseline (needs wrk: apt-get install wrk). BENCH_CASES, BENCH_DATABASE_URL,
# BENCH_DURATION and BENCH_WARMUP tune it; see bench/README.md.
bench: $(STAMP) compile-messages
	$(PY) -m bench.run

# Mutation testing of the rules (portal/cases/workflow.py and access.py) against tests/cases: mutmut copies the code
# into mutants/, changes one thing at a time and expects a test to fail. Configured under [tool.mutmut] in
# pyproject.toml; a fresh run takes about 15 minutes on 2 cores and ends with the score and the survivors
# (`.venv/bin/mutmut show NAME` prints one). Not part of `make test`.
mutation: $(STAMP) compile-messages
	rm -rf mutants
	$(VENV)/bin/mutmut run --max-children 2
	$(PY) tools/mutation_score.py

clean:
	rm -rf $(VENV) instance/portal.sqlite3* mutants
