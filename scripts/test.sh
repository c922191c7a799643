#!/usr/bin/env bash
# Run the test suite, creating .venv (with the dev requirements) on first run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/env.sh requirements-dev.txt
exec .venv/bin/python -m pytest "$@"
