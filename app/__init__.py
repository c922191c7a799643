"""Flask application factory for the slot-filling service."""
from __future__ import annotations

import importlib.util
from pathlib import Path

from flask import Flask

from model.predict import Predictor

from . import api, health, observability, openapi, rasa, security
from .errors import register_error_handlers
from .json_provider import OrjsonProvider
from .language import LanguageDetector
from .resolve.dates import warm_up as warm_up_dates
from .resolve.places import PlaceIndex
from .service import Parser
from .settings import Settings, StartupError, load_settings

__all__ = ["create_app", "StartupError", "Settings"]


def create_app(model_dir: str | Path | None = None, predictor: Predictor | None = None,
               config: dict | None = None, settings: Settings | None = None) -> Flask:
    """Build the app and load everything a request needs, once.

    ``settings`` default to the environment (:mod:`app.settings`: ``SLOT_MODEL_DIR``,
    ``SLOT_BACKEND``, ``SLOT_API_KEY``, …); ``model_dir`` overrides its model directory. A missing
    or corrupt artifact raises ``ArtifactError`` naming the file, and a bad setting
    :class:`StartupError` naming the variable, so the server never starts half up. The network
    runs in ONNX Runtime (``SLOT_BACKEND=torch`` for the PyTorch reference).
    """
    settings = settings or load_settings()
    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=settings.max_body_bytes, API_KEY=settings.api_key,
                      CORS_ORIGINS=settings.cors_origin_list)
    app.json = OrjsonProvider(app)
    app.config.update(config or {})
    if predictor is None:
        if settings.backend == "torch" and importlib.util.find_spec("torch") is None:
            raise StartupError("SLOT_BACKEND=torch needs PyTorch, which the service's requirements leave out: "
                               "install requirements-dev.txt, or serve with onnx / onnx-int8")
        predictor = Predictor.from_dir(model_dir or settings.model_dir, backend=settings.backend,
                                       scope_threshold=settings.scope_threshold)
    app.extensions["predictor"] = predictor
    language = LanguageDetector(set(predictor.artifact.words.items), settings.language_threshold)
    app.extensions["parser"] = Parser(predictor, PlaceIndex(), language)
    warm_up_dates()
    app.extensions["openapi"] = openapi.build_spec()
    register_error_handlers(app)
    observability.init_app(app)
    security.init_app(app)
    for module in (health, api, rasa, openapi):
        app.register_blueprint(module.bp)
    return app
