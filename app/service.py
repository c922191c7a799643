"""Turns a model prediction into the /parse answer."""
from __future__ import annotations

from model.frame import FRAME_SLOTS, build_frame
from model.predict import Prediction, Predictor


def intent_name(label: str) -> str:
    """ATIS intents without their corpus prefix: atis_flight#atis_airfare -> flight#airfare."""
    return "#".join(part.removeprefix("atis_") for part in label.split("#"))


def parse_result(pred: Prediction, predictor: Predictor) -> dict:
    text = pred.text
    entities = [
        {"entity": e.label, "text": text[e.start: e.end], "start": e.start, "end": e.end,
         "confidence": round(e.confidence, 4)}
        for e in pred.entities
    ]
    return {
        "text": text,
        "intent": {"name": intent_name(pred.intent), "confidence": round(pred.intent_confidence, 4)},
        # the frame head (trained on typed text too) fills the slots when the model has one
        "slots": build_frame(text, pred.tokens, pred.frame_entities if pred.frame_entities is not None
                             else pred.entities, FRAME_SLOTS),
        "entities": entities,
        "model": {"name": predictor.name, "version": predictor.version},
    }
