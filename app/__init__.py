"""Flask application factory for the slot-filling service."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

from engine import load_parser
from engine.artifact import sha256_file
from engine.predict import Predictor
from engine.resolve.dates import warm_up as warm_up_dates

from . import api, demo, health, observability, openapi, rasa, security
from .batching import Batcher
from .errors import register_error_handlers
from .json_provider import OrjsonProvider
from .settings import Settings, StartupError, load_settings

__all__ = ["create_app", "StartupError", "Settings"]


def pinned(model_dir: Path, expected: str) -> None:
    """The artifact is the pinned one: its config.json, which names every file's SHA-256, has this SHA-256."""
    digest = sha256_file(model_dir / "config.json")
    if digest != expected:
        raise StartupError(f"SLOT_MODEL_SHA256: {model_dir / 'config.json'} has SHA-256 {digest}, not the pinned "
                           f"{expected} (another model, or files changed together with their hashes)")


def create_app(model_dir: str | Path | None = None, predictor: Predictor | None = None,
               config: dict | None = None, settings: Settings | None = None) -> Flask:
    """Build the app and load everything a request needs, once.

    ``settings`` default to the environment (:mod:`app.settings`: ``SLOT_MODEL_DIR``,
    ``SLOT_BACKEND``, ``SLOT_API_KEY``, …); ``model_dir`` overrides its model directory. A missing
    or corrupt artifact raises ``ArtifactError`` naming the file, and a bad setting
    :class:`StartupError` naming the variable, so the server never starts half up. The network
    runs in ONNX Runtime (``SLOT_BACKEND=onnx-int8``, the default, or ``onnx``).
    """
    settings = settings or load_settings()
    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=settings.max_body_bytes, API_KEY=settings.api_key,
                      CORS_ORIGINS=settings.cors_origin_list, RASA_ENTITIES=settings.rasa_entities,
                      BODY_TIMEOUT=settings.body_timeout, RESOLVE_BUDGET=settings.resolve_budget_ms / 1000)
    app.json = OrjsonProvider(app)
    app.config.update(config or {})
    model_dir = Path(model_dir or settings.model_dir)
    if settings.model_sha256 and predictor is None:
        pinned(model_dir, settings.model_sha256)
    parser = load_parser(model_dir, settings.backend, settings.scope_threshold, settings.language_threshold, predictor,
                         settings.zh_model_dir)
    app.extensions["predictor"] = parser.predictor
    app.extensions["parser"] = parser
    # the sync worker serves one request at a time: nothing to batch with
    max_batch = 1 if settings.worker_class == "sync" else settings.max_batch
    app.extensions["batcher"] = Batcher(parser, max_batch, settings.max_wait_us)  # its predict_batch: per language
    warm_up_dates()
    app.extensions["openapi"] = openapi.build_spec()
    register_error_handlers(app)
    observability.init_app(app)
    security.init_app(app)
    for module in (health, api, rasa, openapi, demo):
        app.register_blueprint(module.bp)
    return app
