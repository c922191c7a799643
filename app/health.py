"""Probes: /healthz (the process answers) and /readyz (the model is loaded)."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    predictor = current_app.extensions.get("predictor")
    if predictor is None:
        return jsonify(status="loading"), 503
    return jsonify(status="ready", model={"name": predictor.name, "version": predictor.version})
