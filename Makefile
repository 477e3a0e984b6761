# Challenge Log: `make run` serves the product with demo data; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve test setup lint format bench bench-scale clean

$(BIN)/challengelog: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# axe-core for the accessibility checks of the browser tests; without npm they skip.
node_modules/axe-core/axe.min.js: package.json package-lock.json
	if command -v npm >/dev/null; then npm ci --silent --no-audit --no-fund; fi

setup: $(BIN)/challengelog node_modules/axe-core/axe.min.js

run: setup
	$(BIN)/challengelog migrate --noinput
	$(BIN)/challengelog demo
	$(BIN)/challengelog createadmin
	$(BIN)/challengelog runserver --insecure $(HOST):$(PORT)

# Production: gunicorn and WhiteNoise; refuses to start without SECRET_KEY and ALLOWED_HOSTS.
serve: setup
	$(BIN)/challengelog serve --bind $(HOST):$(PORT)

# The tests run on every core (pytest-xdist); TEST_WORKERS=0 runs them in one process.
TEST_WORKERS ?= auto

test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/pytest -n $(TEST_WORKERS)

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format:
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Scale benchmarks (bench/scale.py): 10,000 and 100,000 challenges on SQLite (beside
# Datasette) and on PostgreSQL when one answers at 127.0.0.1:5432; then the README's table.
SCALE_PG ?= postgres://postgres@127.0.0.1:5432/challengelog_scale
bench-scale: setup
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python bench/scale.py --size 10000
	$(BIN)/python bench/scale.py --size 100000
	if pg_isready -q -h 127.0.0.1; then \
	  $(BIN)/python bench/scale.py --size 10000 --database $(SCALE_PG) && \
	  $(BIN)/python bench/scale.py --size 100000 --database $(SCALE_PG); fi
	$(BIN)/python bench/scale.py --readme

bench: setup
	$(BIN)/python bench/import_bench.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache
