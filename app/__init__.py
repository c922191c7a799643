"""Flask application factory for the slot-filling service."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from model.artifact import default_dir
from model.predict import Predictor

from . import api, health
from .errors import register_error_handlers

MAX_BODY_BYTES = 64 * 1024  # well above the longest valid text, JSON-escaped


def create_app(model_dir: str | Path | None = None, predictor: Predictor | None = None,
               config: dict | None = None) -> Flask:
    """Build the app and load the model once.

    ``model_dir`` defaults to ``$SLOT_MODEL_DIR`` or the committed default
    model. A missing or corrupt artifact raises ``ArtifactError`` naming the
    file, so the server never starts half up.
    """
    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=int(os.environ.get("SLOT_MAX_BODY_BYTES", MAX_BODY_BYTES)),
                      JSON_SORT_KEYS=False)
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    app.config.update(config or {})
    app.extensions["predictor"] = predictor or Predictor.from_dir(model_dir or default_dir())
    register_error_handlers(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(api.bp)
    return app
