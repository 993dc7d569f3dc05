# The lab's commands.  Each target bootstraps .venv by itself (uv when it can, pip otherwise).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# One stamp per set of extras (pyproject.toml's [project.optional-dependencies]), each redone
# when pyproject.toml changes: `make test-fast` installs [test] only (no repo2docker, no
# Playwright), `make test` adds what its tests need, and moving between them installs only the
# difference.  A stamp's name lists its extras: .installed-test+browser+binder.
comma := ,
BASE := $(VENV)/.installed-base
FAST := $(VENV)/.installed-test
FULL := $(VENV)/.installed-test+browser+binder
LINT := $(VENV)/.installed-dev
ALL := $(VENV)/.installed-test+browser+binder+dev
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
# Bytecode is compiled at install (pip does by default, uv with --compile-bytecode): with
# PYTHONDONTWRITEBYTECODE (below) nothing is cached later, and every kernel, CLI call and
# server would compile oci, pandas and the rest from source again (the CLI: 3.3 s a call, 1 s
# compiled).
# The stem is the extras joined by "+" ("base": none).
$(VENV)/.installed-%: pyproject.toml | $(BIN)/python
	@$(BIN)/python -m pip --version >/dev/null 2>&1 || $(BIN)/python -m ensurepip -q >/dev/null 2>&1 || true
	@SPEC='$(if $(filter base,$*),.,.[$(subst +,$(comma),$*)])'; \
	UV=$$(command -v uv || true); \
	if [ -z "$$UV" ] && [ ! -x $(BIN)/uv ]; then $(BIN)/python -m pip install -q uv >/dev/null 2>&1 || true; fi; \
	[ -z "$$UV" ] && [ -x $(BIN)/uv ] && UV=$(BIN)/uv; \
	if [ -n "$$UV" ] && $$UV pip install -q --compile-bytecode --python $(BIN)/python -e "$$SPEC"; then \
	  echo "installed $$SPEC with uv"; \
	else \
	  echo "uv unavailable: installing $$SPEC with pip (slower)"; $(BIN)/python -m pip install -q -e "$$SPEC" || exit 1; \
	fi
	@touch $@

venv: $(ALL) ## Create .venv with the project and every extra (each target installs what it needs)

lab: $(BASE) ## Open the lab in JupyterLab (localoci starts on demand)
	$(BIN)/jupyter lab --ServerApp.root_dir=$(CURDIR)/notebooks --LabApp.default_url=/lab/tree/00-setup.ipynb --LabApp.expose_app_in_browser=True $(if $(filter 0,$(shell id -u)),--allow-root,)

# --dist loadgroup: tests marked xdist_group("name") run on one worker, in one process, so a
# module's costly fixture (a server, executed notebooks) is built once; without it the marks do
# nothing.  Tests without a mark are spread one by one, as -n alone does.
test: $(FULL) ## Run the whole test suite (notebooks and browser tests included; not the slow soaks)
	$(BIN)/python -m pytest -n 2 --dist loadgroup -m "not slow" $(PYTEST_ARGS)

test-slow: $(FULL) ## The slow checks: full reliability runs, a fresh Binder environment
	$(BIN)/python -m pytest -m slow $(PYTEST_ARGS)

test-fast: $(FAST) ## Unit and localoci tests, and the doctests of labhelpers, localoci, localctl
	$(BIN)/python -m pytest -n 2 --dist loadgroup tests/unit tests/localoci labhelpers localoci localctl $(PYTEST_ARGS)

bench: $(BASE) ## Run the benchmarks and print their tables
	$(BIN)/python -m bench

report: $(BASE) ## Execute every notebook against localoci and export a whole-lab report
	$(BIN)/python -m labhelpers report notebooks/0*.ipynb --execute --out reports

toc: $(BASE) ## Regenerate the README's notebook table from the notebooks
	$(BIN)/python tools/readme_toc.py --write

# The same tools and settings as .pre-commit-config.yaml; mypy's and codespell's settings are in
# pyproject.toml.
lint: $(LINT) ## ruff, formatting, no notebook outputs, spelling, mypy on labhelpers and localoci
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/nbstripout --verify --keep-id notebooks/*.ipynb
	$(BIN)/codespell
	$(BIN)/mypy

localoci: $(BASE) ## Run localoci in the foreground (Ctrl-C to stop)
	$(BIN)/python -m localoci serve

clean: ## Remove .venv, local data and generated reports
	rm -rf $(VENV) .lab reports test-artifacts
