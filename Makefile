# The lab's commands.  Each target bootstraps .venv by itself (uv when it can, pip otherwise).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export LOCALOCI_HOME ?= $(CURDIR)/.lab/localoci
export PYTHONDONTWRITEBYTECODE := 1

.DEFAULT_GOAL := help
.PHONY: help lab test test-fast test-slow bench report toc lint localoci clean venv

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 14

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11+ is needed (found $(PYTHON)); set PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Reinstall whenever pyproject.toml changes.  uv takes seconds; plain pip is the fallback.
$(STAMP): pyproject.toml | $(BIN)/python
	@$(BIN)/python -m pip --version >/dev/null 2>&1 || $(BIN)/python -m ensurepip -q >/dev/null 2>&1 || true
	@UV=$$(command -v uv || true); \
	if [ -z "$$UV" ] && [ ! -x $(BIN)/uv ]; then $(BIN)/python -m pip install -q uv >/dev/null 2>&1 || true; fi; \
	[ -z "$$UV" ] && [ -x $(BIN)/uv ] && UV=$(BIN)/uv; \
	if [ -n "$$UV" ] && $$UV pip install -q --python $(BIN)/python -e '.[test,dev]'; then \
	  echo "installed with uv"; \
	else \
	  echo "uv unavailable: installing with pip (slower)"; $(BIN)/python -m pip install -q -e '.[test,dev]' || exit 1; \
	fi
	@touch $(STAMP)

venv: $(STAMP) ## Create .venv and install the project (done by every target)

lab: $(STAMP) ## Open the lab in JupyterLab (localoci starts on demand)
	$(BIN)/jupyter lab --ServerApp.root_dir=$(CURDIR)/notebooks --LabApp.default_url=/lab/tree/00-setup.ipynb --LabApp.expose_app_in_browser=True $(if $(filter 0,$(shell id -u)),--allow-root,)

# --dist loadgroup: tests marked xdist_group("name") run on one worker, in one process, so a
# module's costly fixture (a server, executed notebooks) is built once; without it the marks do
# nothing.  Tests without a mark are spread one by one, as -n alone does.
test: $(STAMP) ## Run the whole test suite (notebooks and browser tests included; not the slow soaks)
	$(BIN)/python -m pytest -n 2 --dist loadgroup -m "not slow" $(PYTEST_ARGS)

test-slow: $(STAMP) ## The slow checks: full reliability runs, a fresh Binder environment
	$(BIN)/python -m pytest -m slow $(PYTEST_ARGS)

test-fast: $(STAMP) ## Unit and localoci tests only
	$(BIN)/python -m pytest -n 2 --dist loadgroup tests/unit tests/localoci $(PYTEST_ARGS)

bench: $(STAMP) ## Run the benchmarks and print their tables
	$(BIN)/python -m bench

report: $(STAMP) ## Execute every notebook against localoci and export a whole-lab report
	$(BIN)/python -m labhelpers report notebooks/0*.ipynb --execute --out reports

toc: $(STAMP) ## Regenerate the README's notebook table from the notebooks
	$(BIN)/python tools/readme_toc.py --write

lint: $(STAMP) ## ruff on code and notebooks
	$(BIN)/ruff check .

localoci: $(STAMP) ## Run localoci in the foreground (Ctrl-C to stop)
	$(BIN)/python -m localoci serve

clean: ## Remove .venv, local data and generated reports
	rm -rf $(VENV) .lab reports test-artifacts
