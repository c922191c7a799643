"""The CRF peer served like the service: what a Rasa-CRF-style NLU answers on this machine.

A Flask ``POST /parse`` over ``model/crf_baseline.py`` (python-crfsuite, the typed-word features),
run by the same gunicorn command as the service (``app/gunicorn.conf.py``): the body read and parsed
as JSON, the text tokenized by the shared tokenizer, tagged, and the frame spans answered as JSON.
No values, no out-of-scope or language check: less work than ``/parse`` does. ``CRF_MODEL`` names
the crfsuite model file (``benchmarks.perf`` trains it on SGD-travel train).
"""
from __future__ import annotations

import json
import os

import pycrfsuite
from flask import Flask, jsonify, request

from engine.spans import tags_to_spans
from engine.tokenizer import tokenize
from model.crf_baseline import sentence_features, surface_words

_taggers: dict[int, pycrfsuite.Tagger] = {}


def tagger() -> pycrfsuite.Tagger:
    """This process's tagger (opened after fork)."""
    pid = os.getpid()
    if pid not in _taggers:
        t = pycrfsuite.Tagger()
        t.open(os.environ["CRF_MODEL"])
        _taggers[pid] = t
    return _taggers[pid]


def create_app() -> Flask:
    app = Flask(__name__)

    @app.post("/parse")
    def parse():
        body = json.loads(request.get_data(cache=False))
        text = body["text"]
        tokens = tokenize(text)
        labels = tagger().tag(sentence_features(surface_words(text, tokens)))[:-1]
        spans = tags_to_spans(tokens, labels)
        return jsonify({"text": text, "entities": [{"entity": s.label, "start": s.start, "end": s.end,
                                                    "text": text[s.start: s.end]} for s in spans]})

    @app.get("/readyz")
    def ready():
        tagger()
        return jsonify({"status": "ready"})

    return app


app = create_app()
