#!/usr/bin/env bash
# Start the service on port 8000 (SLOT_BIND to change), creating .venv on first run.
# Exactly the command the Docker image runs, with the committed default model.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/env.sh requirements.txt
exec .venv/bin/gunicorn -c app/gunicorn.conf.py app.wsgi:app
