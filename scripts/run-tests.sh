#!/usr/bin/env bash
# The whole test suite, two workers (the machine has two cores).
# Lint (ruff) and types (mypy, configured in pyproject.toml) run first: either failing fails the run
# before the 17-minute suite starts, so CI never reports green on code that does not pass them.
set -uo pipefail
cd "$(dirname "$0")/.."
echo "== ruff check"
.venv/bin/ruff check . || { echo "error: ruff check failed" >&2; exit 1; }
echo "== mypy"
.venv/bin/mypy || { echo "error: mypy failed" >&2; exit 1; }
.venv/bin/python -m pytest -n 2 -q "$@"
rc=$?
# pytest exits 5 when it collected nothing: that is a failure for us.
exit $rc
