"""Flask application factory for the slot-filling service."""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from flask import Flask

from model.artifact import default_dir
from model.predict import BACKENDS, Predictor

from . import api, health, observability, openapi, rasa, security
from .errors import register_error_handlers
from .json_provider import OrjsonProvider
from .language import THRESHOLD as LANGUAGE_THRESHOLD, LanguageDetector
from .resolve.dates import warm_up as warm_up_dates
from .resolve.places import PlaceIndex
from .service import Parser

MAX_BODY_BYTES = 64 * 1024  # well above the longest valid request, JSON-escaped


class StartupError(RuntimeError):
    """The service cannot start as configured (the message says why)."""


def _threshold(name: str, default: float | None) -> float | None:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 < value <= 1:
        raise StartupError(f"{name} must be a number in (0, 1], not {raw!r}")
    return value


def create_app(model_dir: str | Path | None = None, predictor: Predictor | None = None,
               config: dict | None = None) -> Flask:
    """Build the app and load everything a request needs, once.

    ``model_dir`` defaults to ``$SLOT_MODEL_DIR`` or the committed default
    model. A missing or corrupt artifact raises ``ArtifactError`` naming the
    file, so the server never starts half up. The network runs in ONNX Runtime
    (``SLOT_BACKEND=torch`` for the PyTorch reference). ``SLOT_API_KEY``, when set,
    protects the parsing endpoints.
    """
    app = Flask(__name__)
    app.config.update(
        MAX_CONTENT_LENGTH=int(os.environ.get("SLOT_MAX_BODY_BYTES", MAX_BODY_BYTES)),
        API_KEY=os.environ.get("SLOT_API_KEY") or None,
    )
    app.json = OrjsonProvider(app)
    app.config.update(config or {})
    if predictor is None:
        backend = os.environ.get("SLOT_BACKEND", "onnx")
        if backend not in BACKENDS:
            raise StartupError(f"SLOT_BACKEND must be one of {', '.join(BACKENDS)}, not {backend!r}")
        if backend == "torch" and importlib.util.find_spec("torch") is None:
            raise StartupError("SLOT_BACKEND=torch needs PyTorch, which the service's requirements leave out: "
                               "install requirements-dev.txt, or serve with onnx / onnx-int8")
        predictor = Predictor.from_dir(model_dir or default_dir(), backend=backend,
                                       scope_threshold=_threshold("SLOT_SCOPE_THRESHOLD", None))
    app.extensions["predictor"] = predictor
    language = LanguageDetector(set(predictor.artifact.words.items),
                                _threshold("SLOT_LANGUAGE_THRESHOLD", LANGUAGE_THRESHOLD))
    app.extensions["parser"] = Parser(predictor, PlaceIndex(), language)
    warm_up_dates()
    app.extensions["openapi"] = openapi.build_spec()
    register_error_handlers(app)
    observability.init_app(app)
    security.init_app(app)
    for module in (health, api, rasa, openapi):
        app.register_blueprint(module.bp)
    return app
