"""The try-it page: ``GET /demo`` (and ``/demo/demo.js``, ``/demo/demo.css``), static files served by the app.

No build step, no CDN, no inline script or style: a strict Content-Security-Policy (same-origin script,
style and fetch only) holds. The page posts to ``/parse`` and renders the answer with ``textContent``.
"""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, send_from_directory

STATIC = Path(__file__).resolve().parent / "static" / "demo"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
       "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")

bp = Blueprint("demo", __name__)


def _send(name: str):
    resp = send_from_directory(STATIC, name, max_age=0)
    resp.headers["Content-Security-Policy"] = CSP
    return resp


@bp.get("/demo")
def page():
    return _send("index.html")


@bp.get("/demo/<any('demo.js', 'demo.css', 'favicon.svg'):name>")
def asset(name: str):
    return _send(name)
