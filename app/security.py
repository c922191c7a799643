"""Response hardening: security headers, and CORS closed unless an allow-list opens it.

``SLOT_CORS_ORIGINS`` (comma-separated origins, e.g. ``https://bot.example.com``; read by
:mod:`app.settings` into ``app.config["CORS_ORIGINS"]``) lets those browser origins call the API;
unset, no CORS headers are sent and browsers refuse cross-origin calls.
"""
from __future__ import annotations

from flask import Flask, Response
from flask_cors import CORS


def init_app(app: Flask) -> None:
    origins = app.config.get("CORS_ORIGINS") or []
    if origins:
        CORS(app, origins=origins, allow_headers=["Content-Type", "Authorization", "X-API-Key", "X-Request-ID"],
             expose_headers=["X-Request-ID"], methods=["GET", "POST"])

    @app.after_request
    def _headers(resp: Response) -> Response:
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["Cache-Control"] = "no-store"
        resp.headers["Referrer-Policy"] = "no-referrer"
        if resp.mimetype == "text/html":  # a page that sets its own (the try-it page) keeps it
            resp.headers.setdefault("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
        return resp
