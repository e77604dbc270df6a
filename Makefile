# The two commands of README.md: `make demo` and `make test`. Both install what they need first.
PY ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: demo test install system-deps

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

system-deps:
	bash scripts/system-deps.sh

demo: $(STAMP)
	$(VENV)/bin/cchc demo

test: $(STAMP) system-deps
	bash scripts/run-tests.sh
