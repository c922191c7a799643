#!/usr/bin/env bash
# Performance suite (not part of the tests): installs wrk from Debian's packages when
# missing, creates .venv, then runs benchmarks/perf.py. Extra arguments go to it, e.g.
#   scripts/bench.sh --data ../shared/data --seconds 10 --repeats 3
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null; then
    sudo_=""
    [ "$(id -u)" -eq 0 ] || sudo_="sudo"
    $sudo_ apt-get update -qq && $sudo_ apt-get install -y -qq wrk >/dev/null
fi
scripts/env.sh requirements-dev.txt
exec .venv/bin/python -m benchmarks.perf "$@"
