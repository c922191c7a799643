"""WSGI entry point: ``gunicorn -c app/gunicorn.conf.py app.wsgi:app``.

A missing or corrupt model stops the process with a message naming the file.
"""
from __future__ import annotations

import sys

from model.artifact import ArtifactError

from . import create_app

try:
    app = create_app()
except ArtifactError as exc:
    print(f"slot-filling service: cannot load the model: {exc}", file=sys.stderr, flush=True)
    sys.exit(3)
