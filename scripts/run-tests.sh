#!/usr/bin/env bash
# The whole test suite, two workers (the machine has two cores).
set -uo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python -m pytest -n 2 -q "$@"
rc=$?
# pytest exits 5 when it collected nothing: that is a failure for us.
exit $rc
