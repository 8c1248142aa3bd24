# Both targets create or reuse .venv and reinstall only when a distribution's pyproject.toml changes.
# The four local distributions: shared facts, the components, the policy rules, the tooling.
DISTRIBUTIONS := facts components policies .
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Checkov pins boto3 and networkx below the project's versions, so it gets a virtualenv of its own.
CHECKOV_VERSION := 3.3.30
CHECKOV_VENV ?= .venv-checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed-$(CHECKOV_VERSION)

.PHONY: plan test lint bench clean

$(STAMP): $(addsuffix /pyproject.toml,$(DISTRIBUTIONS)) policies/requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "secure-ecs needs Python 3.11 or newer; set PYTHON=/path/to/python3.11")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ./facts -e ./components -e ./policies -e '.[dev]'
	@touch $(STAMP)

$(CHECKOV_STAMP):
	@test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check 'checkov==$(CHECKOV_VERSION)'
	@touch $(CHECKOV_STAMP)

plan: $(STAMP)
	$(BIN)/secure-ecs plan --stack dev

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/mypy policies/__main__.py
	$(BIN)/mypy provider/__main__.py

test: lint $(CHECKOV_STAMP)
	SECURE_ECS_CHECKOV=$(CHECKOV_VENV)/bin/checkov $(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_plan.py
	$(BIN)/python benchmarks/bench_policies.py
	$(BIN)/python benchmarks/bench_cost.py
	$(BIN)/python benchmarks/bench_tfplan.py

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache
