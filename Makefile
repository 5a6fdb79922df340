# Set-up and checks. Every target creates .venv and installs what it needs first.
VENV   := .venv
PYTHON := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
# benchmarks/ joins the lint once it exists.
LINT   := newsarchive tests $(wildcard benchmarks)

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e '.[test,browse]'
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/newsarchive demo

test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(PYTHON) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: $(STAMP)
	$(PYTHON) -m benchmarks

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
