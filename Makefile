# The two commands of the README: `make demo` and `make test`. Each creates .venv when needed.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Only the folders a checkout has: an empty one (training/ before its script lands) is not in git.
LINTED := $(wildcard src tests training benchmarks)
# The synthetic million-quote store that benchmarks/store_search.py times (built once, outside the repo).
BENCH_STORE ?= /tmp/saywho-bench/store_1m.db

.PHONY: demo test lint bench train install clean wheel-check

# A venv is (re)made unless it has pip: one cut short holds python alone.
$(STAMP): pyproject.toml
	test -x $(BIN)/pip || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)

test: lint
	$(BIN)/pytest -q

# The built wheel in a fresh venv outside the checkout, as users and Dask workers install it (CI runs it).
wheel-check:
	PY=$(PY) .ci/wheel-check

# The bundled samples into ./saywho.db (unchanged articles are skipped on a second run), then the
# web page over it until Ctrl-C.
demo: $(STAMP)
	$(BIN)/saywho ingest samples/ --db saywho.db
	@echo "saywho: open http://127.0.0.1:8000"
	$(BIN)/saywho serve --db saywho.db --host 127.0.0.1 --port 8000

bench: $(STAMP)
	$(BIN)/python benchmarks/long_article.py
	$(BIN)/python benchmarks/speed.py
	test -e $(BENCH_STORE) || $(BIN)/python benchmarks/store_build.py --db $(BENCH_STORE)
	$(BIN)/python benchmarks/store_search.py --db $(BENCH_STORE)
	$(BIN)/python benchmarks/web_search.py --db $(BENCH_STORE)
	$(BIN)/python benchmarks/store_ingest.py
	$(BIN)/python benchmarks/store_grow.py
	$(BIN)/python benchmarks/cluster_linking.py --articles 2000
	$(BIN)/python benchmarks/reliability.py

train: $(STAMP)
	$(BIN)/python -m training.train
	$(BIN)/python -m training.sources
	$(BIN)/python -m training.keep
	$(BIN)/python -m training.calibrate
	$(BIN)/python -m training.embedding

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
