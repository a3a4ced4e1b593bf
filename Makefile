# The two commands a new user needs: `make serve` and `make test`.
# Everything else runs from the virtual environment these targets build on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
STORE ?= ./data/store
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help install serve test lint bench clean

help:
	@echo "make serve   load examples/ into $(STORE) if it is empty, serve on http://$(HOST):$(PORT)"
	@echo "make test    run the test suite"
	@echo "make lint    ruff and mypy"
	@echo "make bench   benchmarks (installs the peers they compare with)"
	@echo "make clean   remove the virtual environment, the store and caches"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "cdkg needs Python 3.11 or newer; run: make PYTHON=python3.11 ..." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

serve: $(STAMP)
	$(BIN)/cdkg load --if-empty --quiet --store $(STORE) examples/
	$(BIN)/cdkg serve --store $(STORE) --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check app loaders tests benchmarks
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
