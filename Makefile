# The two commands an instructor needs: `make course` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: course test test-fast lab book release clean hub-env hub-proxy

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

## Set up, validate, execute, release every module and build the learner book.
course: $(STAMP)
	$(BIN)/academy course

## Run the whole test suite (in parallel, one worker per core).
test: $(STAMP)
	$(BIN)/python -m pytest
	$(BIN)/python -m pytest -n 0 modules  # nbval: each notebook's cells in order, in one kernel

## The fast tier: everything but the tests marked slow (real nbgrader, class grading, book builds).
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow"

## Open JupyterLab on the student versions of the modules.
lab: $(STAMP)
	$(BIN)/academy release
	$(BIN)/jupyter lab --notebook-dir=course/release

release: $(STAMP)
	$(BIN)/academy release

book: $(STAMP)
	$(BIN)/academy book

clean:
	rm -rf course book/_build .academy-cache

## A hosted class: the learners' shared environment and the hub's proxy (see deploy/README.md).
# The shared environment is built from the system Python so every Linux account can run it.
HUB_PYTHON ?= $(shell command -v /usr/bin/python3.11 || command -v /usr/bin/python3)
HUB_ENV    ?= /opt/global-classroom/env

hub-env:
	@test -x $(HUB_ENV)/bin/python || $(HUB_PYTHON) -m venv $(HUB_ENV)
	$(HUB_ENV)/bin/python -m pip install --quiet --upgrade pip
	$(HUB_ENV)/bin/python -m pip install --quiet --force-reinstall --no-deps .
	$(HUB_ENV)/bin/python -m pip install --quiet '.[hub]'
	chmod -R a+rX $(HUB_ENV)

hub-proxy: deploy/node_modules/.bin/configurable-http-proxy

deploy/node_modules/.bin/configurable-http-proxy: deploy/package.json
	npm --prefix deploy install --no-audit --no-fund --loglevel=error
	@touch $@
