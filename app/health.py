"""Probes and identity: /healthz (the process answers), /readyz (the model is loaded), /version."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from engine.language import LANGUAGE_CODES

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    """Ready once it answers: the app is built with its model loaded before the server accepts a connection
    (gunicorn loads it in the master before forking; a model that fails to load stops start-up instead)."""
    predictor = current_app.extensions["predictor"]
    return jsonify(status="ready", model={"name": predictor.name, "version": predictor.version})


def _headline(m: dict) -> dict:
    keep = ("slot_f1", "intent_acc", "sentence_acc")
    return {k: round(m[k], 2) for k in keep if k in m}


@bp.get("/version")
def version():
    art = current_app.extensions["predictor"].artifact
    metrics = {f"atis_{k}": _headline(v) for k, v in art.metrics.items() if k in ("dev", "test")}
    if "sgd_dev" in art.metrics:
        metrics["sgd_travel_dev_span_f1"] = {k: art.metrics["sgd_dev"][k]["f1"]
                                             for k in ("departure", "destination", "time", "micro")}
    if "other_dev" in art.metrics:  # percent of clearly non-travel turns answered with a slot / out of scope
        metrics["sgd_other_dev_non_travel"] = art.metrics["other_dev"]
    predictor = current_app.extensions["predictor"]
    chinese = current_app.extensions["parser"].chinese
    return jsonify(name=art.name, version=art.version,
                   trained_on={k: str(v) for k, v in art.meta.get("trained_on", {}).items()}, metrics=metrics,
                   out_of_scope_threshold=predictor.scope_threshold if predictor.has_scope else None,
                   backend=predictor.backend, languages=list(LANGUAGE_CODES), reads=["en"] + (["zh"] if chinese else []),
                   chinese_model={"name": chinese.predictor.name, "version": chinese.predictor.version}
                   if chinese else None)
