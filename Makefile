# The two commands of the README: `make demo` and `make test`. Each creates .venv when needed.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench train install clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check src tests training benchmarks
	$(BIN)/ruff format --check src tests training benchmarks

test: lint
	$(BIN)/pytest -q

demo: $(STAMP)
	$(BIN)/saywho extract --format table samples/

bench: $(STAMP)
	$(BIN)/python benchmarks/speed.py

train: $(STAMP)
	$(BIN)/python training/train.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
