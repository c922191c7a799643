"""The HTTP ceiling: an empty Flask endpoint served exactly like the service.

``POST /parse`` reads and parses the same JSON body and answers a small JSON
object; ``GET /readyz`` answers 200. No model, no validation, no middleware:
what Flask under the shipped gunicorn configuration costs per request, which
``/parse`` can at best approach.
"""
from __future__ import annotations

import json

from flask import Flask, jsonify, request


def create_app() -> Flask:
    app = Flask(__name__)

    @app.post("/parse")
    def parse():
        body = json.loads(request.get_data(cache=False))
        return jsonify({"text": body.get("text"), "ok": True})

    @app.get("/readyz")
    def ready():
        return jsonify({"status": "ready"})

    return app


app = create_app()
