# beleidsvraag — the setup contract: `make run` and `make test` work on a fresh clone.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
INDEX ?= data/index

.PHONY: install run test lint typecheck eval bench bench-scale clean

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	@$(BIN)/beleidsvraag ingest --index $(INDEX) --if-stale
	$(BIN)/beleidsvraag docs --index $(INDEX)

# The eval: retrieval systems and baselines, then answers, on eval/questions; writes eval/reports/latest.md.
eval: $(STAMP)
	@$(BIN)/beleidsvraag ingest --index $(INDEX) --quiet --if-stale
	HF_HUB_OFFLINE=1 $(BIN)/python -m eval.report --index $(INDEX) --out eval/reports

# Performance on the demo corpus against the targets of issue 5 (a few minutes); writes eval/reports/bench.md.
bench: $(STAMP)
	@$(BIN)/beleidsvraag ingest --index $(INDEX) --quiet --if-stale
	HF_HUB_OFFLINE=1 $(BIN)/python -m eval.bench --index $(INDEX) --out eval/reports/bench.md

# Synthetic corpora of 10x and 100x the demo: ingest, latency, exact vs approximate vectors (up to 30 minutes);
# writes eval/reports/bench-scale.md and .json (bench.md takes its 100x figure from there).
bench-scale: $(STAMP)
	@$(BIN)/beleidsvraag ingest --index $(INDEX) --quiet --if-stale
	HF_HUB_OFFLINE=1 $(BIN)/python -m eval.bench_scale --out eval/reports/bench-scale.md

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

test: lint typecheck
	HF_HUB_OFFLINE=1 $(BIN)/pytest -q

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
