# The two commands of README.md: `make demo` and `make test`. Both install what they need first.
PY ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: demo test install system-deps bytecode

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP) bytecode

# The project's own modules compiled once (an editable install leaves them to each process, and where
# PYTHONDONTWRITEBYTECODE is set every command then compiled ~50 of them from source: 0.07 s of each
# report). Up-to-date files are skipped; a file edited later is compiled in memory until the next run.
bytecode: $(STAMP)
	$(VENV)/bin/python -m compileall -q -j 0 -x '/[.](venv|git)/' .

system-deps:
	bash scripts/system-deps.sh

demo: $(STAMP) bytecode
	$(VENV)/bin/cchc demo

test: $(STAMP) bytecode system-deps
	bash scripts/run-tests.sh
