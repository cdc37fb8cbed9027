# beleidsvraag — the setup contract: `make run` and `make test` work on a fresh clone.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
INDEX ?= data/index

.PHONY: install run test lint typecheck eval clean

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	@test -f $(INDEX)/manifest.json || $(BIN)/beleidsvraag ingest --index $(INDEX)
	$(BIN)/beleidsvraag docs --index $(INDEX)

# Retrieval evaluation against baselines on eval/questions; writes eval/reports/ (answer metrics: issue 5).
eval: $(STAMP)
	@test -f $(INDEX)/manifest.json || $(BIN)/beleidsvraag ingest --index $(INDEX) --quiet
	HF_HUB_OFFLINE=1 $(BIN)/python -m eval.report --index $(INDEX) --out eval/reports

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

test: lint typecheck
	HF_HUB_OFFLINE=1 $(BIN)/pytest -q

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
