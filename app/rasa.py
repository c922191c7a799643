"""Rasa-compatible NLU endpoint: ``POST /model/parse``.

A Rasa assistant whose ``endpoints.yml`` has ``nlu: url: "http://<host>:8000"``
sends ``{"text", "message_id", "token"}`` here and reads ``intent``,
``intent_ranking`` and ``entities`` in Rasa's own format. The frame slots come
first as entities named ``departure``, ``destination``, ``time`` (and
``return_time``) with their resolved values, the fine ATIS entities after them.

A turn judged not a travel request answers intent ``out_of_scope`` (Rasa's convention for an
out-of-scope intent; it is in ``intent_ranking`` with its probability) and no entities; a turn in
a language the model does not read answers ``nlu_fallback`` (what Rasa's FallbackClassifier
answers), first in ``intent_ranking``, with ``language`` set.
"""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from .api import read_body
from .auth import check_key
from .observability import timed_inference
from .schemas import RasaParseRequest
from engine.parser import intent_name, reference_moment

FALLBACK = "nlu_fallback"

bp = Blueprint("rasa", __name__)
EXTRACTOR = "SlotFillerRNN"


@bp.post("/model/parse")
def model_parse():
    req = read_body(RasaParseRequest)
    check_key(req.token)
    parser = current_app.extensions["parser"]
    with timed_inference():
        pred = parser.predictor.predict_batch([req.text])[0]
        result = parser.result(pred, reference_moment(req.reference_time, req.timezone))
    frame = dict(result["slots"], return_time=result["return_time"])
    entities = [
        {"entity": slot, "start": span["start"], "end": span["end"],
         "value": span["value"] if span["value"] is not None else span["text"],
         "confidence_entity": span["confidence"], "extractor": EXTRACTOR}
        for slot, span in frame.items() if span is not None
    ] + [
        {"entity": e["entity"], "start": e["start"], "end": e["end"], "value": e["text"],
         "confidence_entity": e["confidence"], "extractor": EXTRACTOR}
        for e in result["entities"]
    ]
    intent = result["intent"]
    ranking = [{"name": intent_name(name), "confidence": round(conf, 4)} for name, conf in pred.intent_ranking]
    if result["out_of_scope"] and result["out_of_scope"]["reason"] == "language":
        intent = {"name": FALLBACK, "confidence": result["out_of_scope"]["confidence"]}
    # the answered intent first (an in-scope turn's out_of_scope probability may top its best travel intent)
    ranking = [intent] + [r for r in ranking if r["name"] != intent["name"]]
    return jsonify({"text": req.text, "intent": intent, "intent_ranking": ranking,
                    "entities": entities, "language": result["language"]})
