"""WSGI entry point: ``gunicorn -c app/gunicorn.conf.py app.wsgi:app``.

A missing or corrupt model stops the process with a message naming the file.
"""
from __future__ import annotations

import sys

from engine.artifact import ArtifactError

from . import StartupError, create_app

try:
    app = create_app()
except (ArtifactError, StartupError) as exc:
    print(f"slot-filling service: cannot start: {exc}", file=sys.stderr, flush=True)
    sys.exit(3)
