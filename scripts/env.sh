#!/usr/bin/env bash
# Create or update the project's virtual environment (.venv) from a requirements file.
# Usage: scripts/env.sh requirements.txt|requirements-dev.txt
# Re-installs only when the requirements files change (a stamp holds their hash).
set -euo pipefail
cd "$(dirname "$0")/.."
req="${1:-requirements.txt}"
py="${PYTHON:-python3}"
stamp=".venv/.stamp-$(basename "$req" .txt)"
want="$(cat requirements*.txt pyproject.toml | sha256sum | cut -c1-16)"
if [ ! -x .venv/bin/python ]; then
    echo "creating .venv with $($py --version)" >&2
    "$py" -m venv .venv
fi
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "installing $req into .venv (first run takes a minute or two)" >&2
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$req"
    # the project itself, editable: engine/, app/, model/ and benchmarks/ importable from anywhere in .venv
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
    echo "$want" > "$stamp"
fi
