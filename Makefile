# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev
PORT ?= 8000

.PHONY: run test lint types pytest bench validate browser-deps clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml requirements.lock | $(PY)
	$(PY) -m pip install --quiet -c requirements.lock -e .
	touch $@

$(STAMP_DEV): pyproject.toml requirements.lock | $(PY)
	$(PY) -m pip install --quiet -c requirements.lock -e ".[dev]"
	touch $@ $(STAMP_RUN)

run: $(STAMP_RUN)
	$(VENV)/bin/stridewell serve --port $(PORT)

lint: $(STAMP_DEV)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

types: $(STAMP_DEV)
	$(VENV)/bin/mypy stridewell bench

pytest: $(STAMP_DEV)
	$(VENV)/bin/pytest -q $(PYTEST_ARGS)

test: lint types pytest

bench: $(STAMP_DEV)
	$(PY) -m bench

# The insight statistics against 500 simulated users per setting (a few minutes on 2 cores).
validate: $(STAMP_DEV)
	$(PY) -m stridewell.insights.validate --users 500

clean:
	rm -rf $(VENV) build *.egg-info
