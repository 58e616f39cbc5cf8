# corridor: the two commands a fresh machine needs are `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_DB ?= sqlite:///var/demo.sqlite
DEMO_MOVEMENTS ?= 200

.PHONY: setup demo test unit lint format typecheck bench soak lock clean simulate screenshots

setup: $(STAMP)

# A virtualenv with exactly the locked versions (hashes checked), then corridor itself.
$(STAMP): requirements.lock pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

demo: setup
	mkdir -p var
	rm -f var/demo.sqlite var/demo.sqlite-wal var/demo.sqlite-shm
	$(BIN)/corridor --db $(DEMO_DB) demo --movements $(DEMO_MOVEMENTS) --seed 7
	@# then the server on 127.0.0.1:8000 with one sign-in per role, until Ctrl-C
	CORRIDOR_DB=$(DEMO_DB) $(BIN)/python -m corridor.web.demo

# The PostgreSQL integration tests need a server: scripts/postgres-up installs and starts
# one (as root). Outside CI a failure only makes those tests skip; under CI they fail.
# The browser and document tests need Chromium, pdftoppm and zbarimg: scripts/browser-up.
test: setup lint
	scripts/postgres-up >/dev/null || [ "$$CI" != true ]
	scripts/browser-up || [ "$$CI" != true ]
	$(BIN)/pytest -q

# The README's screenshots (docs/screenshots/), retaken by the browser test; a plain test
# run writes them to a temporary folder and leaves the tree alone.
screenshots: setup
	scripts/browser-up || [ "$$CI" != true ]
	CORRIDOR_SCREENSHOTS=docs/screenshots $(BIN)/pytest -q tests/web/test_web_browser.py

unit: setup
	$(BIN)/pytest -q -m "not slow"

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

format: setup
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

# The TRIPP simulation report (docs/simulation/): a simulated year and three what-ifs.
simulate: setup
	$(BIN)/corridor simulate --days 365 --seed 1 --what-if --out docs/simulation

bench: setup
	$(BIN)/python -m bench

# The long fault tests and a soak under load with kill -9; figures in docs/benchmarks.md.
soak: setup
	CORRIDOR_SOAK=1 $(BIN)/pytest -q -m slow tests/faults
	$(BIN)/python -m bench.soak

# Regenerate the lock after changing dependencies in pyproject.toml (needs uv).
lock:
	uv pip compile pyproject.toml --extra dev --extra bench --generate-hashes \
	  --python-version 3.11 -o requirements.lock

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
