# Set-up and checks. Every target creates .venv and installs what it needs first.
VENV   := .venv
PYTHON := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
# pywb, the replay tool the tests load WARC and WACZ files into, pins a redis client (<3) that
# the frontier's (>=5) cannot share an environment with: it gets one of its own.
PYWB       := .venv-pywb
PYWB_STAMP := $(PYWB)/.installed-stamp

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e '.[test,browse,wacz]'
	touch $(STAMP)

$(PYWB_STAMP): tests/pywb-requirements.txt
	python3 -m venv $(PYWB)
	$(PYWB)/bin/python -m pip install --quiet --upgrade pip
	$(PYWB)/bin/python -m pip install --quiet -r tests/pywb-requirements.txt
	touch $(PYWB_STAMP)

demo: $(STAMP)
	$(VENV)/bin/newsarchive demo

test: $(STAMP) $(PYWB_STAMP)
	$(VENV)/bin/ruff check .
	$(PYTHON) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: $(STAMP)
	$(PYTHON) -m benchmarks

clean:
	rm -rf $(VENV) $(PYWB) build *.egg-info .pytest_cache .ruff_cache
