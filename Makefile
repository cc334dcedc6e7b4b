# The README's two commands: `make report` and `make test`. Each sets up .venv by itself.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: report test bench bench-scale lint build clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# data/processed is rebuilt only when data/raw or the package changed
BUILT := data/processed/.built-stamp
$(BUILT): $(STAMP) $(wildcard data/raw/*) $(shell find src/transparency_stats -name '*.py' -o -name '*.csv')
	$(VENV)/bin/transparency-stats build --raw data/raw --processed data/processed
	touch $@

## data/raw → data/processed → reports/*.html in Chinese and English (pages re-run only when something changed)
report: $(BUILT)
	$(VENV)/bin/transparency-stats report --notebooks notebooks --processed data/processed --out reports --lang both

## unit tests, notebook execution, lint
test: $(STAMP)
	$(PY) -m pytest
	$(VENV)/bin/ruff check src tests benchmarks tools

build: $(STAMP)
	$(VENV)/bin/transparency-stats build

## throughput and memory benchmarks (not part of the tests)
bench: $(STAMP)
	$(PY) benchmarks/bench_extract.py
	$(PY) benchmarks/bench_ocr.py
	$(PY) benchmarks/bench_derived.py

## build on N copies of real-size reports, twice, figures checked against the sources
N ?= 5000
bench-scale: $(STAMP)
	$(PY) benchmarks/bench_scale.py --n $(N)

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks tools

clean:
	rm -rf reports data/processed/* data/processed/.lock $(BUILT)
