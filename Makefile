# Two entry points, as the README says: `make demo` and `make test`.
# Both create .venv and install the project on first use (or when pyproject.toml changes).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: test demo lint typecheck unit install clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

# pytest runs four workers (pyproject.toml's addopts). Bytecode is written even where
# PYTHONDONTWRITEBYTECODE is set (as on CI images): four workers and every Python the tests
# start would otherwise each compile the whole package.
unit: $(STAMP)
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/pytest -q

test: lint typecheck unit

# `make demo PROVIDER=telnyx` runs it against the Telnyx simulator.
PROVIDER = signalwire
demo: $(STAMP)
	@$(BIN)/python -m bot demo --provider $(PROVIDER)

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
