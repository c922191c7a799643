"""Rasa-compatible NLU endpoint: ``POST /model/parse``.

A Rasa assistant whose ``endpoints.yml`` has ``nlu: url: "http://<host>:8000"``
sends ``{"text", "message_id", "token"}`` here and reads ``intent``,
``intent_ranking`` and ``entities`` in Rasa's own format. The frame slots come
first as entities named ``departure``, ``destination``, ``time`` (and
``return_time``) with their resolved values, the fine ATIS entities after them.

With ``SLOT_RASA_ENTITIES=roles`` the frame comes as Rasa entity roles instead: departure and
destination as ``city`` with role ``from`` / ``to`` (value: the city's name; ``additional_info``:
the resolved place with its airports), time and return_time as ``time`` with role ``depart`` /
``return``, its value and ``additional_info`` in the shape Rasa's DucklingEntityExtractor gives
(an instant "2026-12-25T00:00:00.000-05:00" or ``{"from", "to"}``).

A turn judged not a travel request answers intent ``out_of_scope`` (Rasa's convention for an
out-of-scope intent; it is in ``intent_ranking`` with its probability) and no entities; a turn in
a language the model does not read answers ``nlu_fallback`` (what Rasa's FallbackClassifier
answers), first in ``intent_ranking``, with ``language`` set.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time

from flask import Blueprint, current_app, jsonify

from .api import predictions, read_body, request_json, results_for
from .auth import check_key, key_presented
from .schemas import RasaParseRequest
from engine.parser import intent_name, reference_moment

FALLBACK = "nlu_fallback"

bp = Blueprint("rasa", __name__)
EXTRACTOR = "SlotFillerRNN"
ROLES = {"departure": ("city", "from"), "destination": ("city", "to"), "time": ("time", "depart"),
         "return_time": ("time", "return"), "arrival_time": ("time", "arrive")}
# Words that say which end of the trip a place is; a bare place ("Boston.") has none, and gets no role.
ROLE_CUES = re.compile(r"\b(from|to|into|leav\w*|depart\w*|arriv\w*|out of|heading|going|bound|towards?|get(ting)? "
                       r"(in|to)|fly\w*|land\w*|return\w*|back)\b|->|→", re.I)


def duckling_instant(value: str, reference: datetime) -> str:
    """An answer's ISO date or date-time as Duckling writes it: 2026-12-25T00:00:00.000-05:00 (a date-time
    already carries the user's offset; a date is midnight in the user's zone)."""
    moment = (datetime.fromisoformat(value) if "T" in value
              else datetime.combine(date.fromisoformat(value), time(0), tzinfo=reference.tzinfo))
    return moment.isoformat(timespec="milliseconds")


def duckling_value(value, grain: str, reference: datetime) -> tuple[object, dict]:
    """(Rasa's entity value, its additional_info) for a time slot's value, in Duckling's shapes."""
    if isinstance(value, dict):
        ends = {k: {"value": duckling_instant(v, reference), "grain": grain} for k, v in value.items() if v}
        info = {"type": "interval", **ends, "values": [{"type": "interval", **ends}]}
        return {k: e["value"] for k, e in ends.items()}, info
    instant = duckling_instant(value, reference)
    return instant, {"type": "value", "value": instant, "grain": grain,
                     "values": [{"type": "value", "value": instant, "grain": grain}]}


def role_entity(slot: str, span: dict, reference: datetime, text: str = "") -> dict:
    """One frame slot as a Rasa entity with a role; a place the text gives no role to (a bare "Boston.") has none,
    so that the form's ``requested_slot`` decides."""
    entity, role = ROLES[slot]
    if entity == "city" and not ROLE_CUES.search(text):
        role = None
    out = {"entity": entity, "role": role, "start": span["start"], "end": span["end"], "value": span["text"],
           "confidence_entity": span["confidence"], "confidence_role": span["confidence"] if role else None,
           "extractor": EXTRACTOR}
    if span["value"] is not None:
        if entity == "city":
            out["value"], out["additional_info"] = span["value"]["city"], span["value"]
        else:
            out["value"], out["additional_info"] = duckling_value(span["value"], span["grain"], reference)
    return out


def check_rasa_key() -> None:
    """The key, as any client sends it or as Rasa does (the body's ``token``, read from the JSON without
    validating anything else); 401 before anything else is said about the request."""
    if key_presented(rasa=True):
        return
    try:
        body = request_json()
    except Exception:  # noqa: BLE001 - an unreadable body holds no token: the answer is the 401
        body = None
    token = body.get("token") if isinstance(body, dict) else None
    check_key(token if isinstance(token, str) else None, rasa=True)


@bp.post("/model/parse")
def model_parse():
    check_rasa_key()  # before the body is validated: a client without the key learns nothing about it
    req = read_body(RasaParseRequest)
    reference = reference_moment(req.reference_time, req.timezone)
    pred = predictions([req.text])[0]
    result = results_for([pred], reference)[0]
    frame = dict(result["slots"], return_time=result["return_time"], arrival_time=result["arrival_time"])
    if current_app.config.get("RASA_ENTITIES") == "roles":
        entities = [role_entity(slot, span, reference, req.text) for slot, span in frame.items() if span is not None]
    else:
        entities = [
            {"entity": slot, "start": span["start"], "end": span["end"],
             "value": span["value"] if span["value"] is not None else span["text"],
             "confidence_entity": span["confidence"], "extractor": EXTRACTOR}
            for slot, span in frame.items() if span is not None
        ]
    entities += [
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
