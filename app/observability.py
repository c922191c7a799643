"""Request ids, one JSON access-log line per request, and Prometheus metrics.

Metrics work under several gunicorn workers through prometheus_client's
multiprocess mode: ``app/gunicorn.conf.py`` sets ``PROMETHEUS_MULTIPROC_DIR``
before the app is imported and marks exited workers dead.
"""
from __future__ import annotations

import logging
import os
import re
import sys
import time
import uuid
from contextlib import contextmanager

import orjson
from flask import Blueprint, Flask, Response, g, request
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest

from .metrics_files import collector, record

KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"})
REQUESTS = Counter("slot_http_requests_total", "HTTP requests by endpoint and status", ["endpoint", "method", "status"])
LATENCY = Histogram("slot_http_request_seconds", "HTTP request latency by endpoint", ["endpoint"],
                    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5))
INFERENCE = Histogram("slot_inference_seconds", "Model inference and frame building per call",
                      buckets=(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1))

_REQUEST_ID = re.compile(r"^[\w.:-]{1,128}$")
access_log = logging.getLogger("slot.access")

bp = Blueprint("metrics", __name__)


@contextmanager
def timed_inference():
    start = time.perf_counter()
    try:
        yield
    finally:
        record(INFERENCE.observe, time.perf_counter() - start)


@bp.get("/metrics")
def metrics():
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        collector(registry, os.environ["PROMETHEUS_MULTIPROC_DIR"])
    else:
        registry = REGISTRY
    return Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)  # as given: it names its charset


def bytes_in() -> int | None:
    """The body's declared length for the access log; None for a header that is no number a log can hold
    (the request is still logged: a length nobody can count to must not hide it)."""
    length = request.content_length
    if length is None:
        return 0
    return length if length < 2**63 else None


def _setup_access_log() -> None:
    if access_log.handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    access_log.addHandler(handler)
    access_log.setLevel(logging.INFO)
    access_log.propagate = False


def init_app(app: Flask) -> None:
    _setup_access_log()
    app.register_blueprint(bp)

    @app.before_request
    def _start() -> None:
        g.start = time.perf_counter()
        rid = request.headers.get("X-Request-ID", "")
        g.request_id = rid if _REQUEST_ID.match(rid) else uuid.uuid4().hex

    @app.after_request
    def _finish(resp: Response) -> Response:
        elapsed = time.perf_counter() - g.get("start", time.perf_counter())
        rid = g.get("request_id") or uuid.uuid4().hex
        resp.headers["X-Request-ID"] = rid
        endpoint = request.url_rule.rule if request.url_rule is not None else "<unmatched>"
        method = request.method if request.method in KNOWN_METHODS else "other"  # a label per made-up method: no
        record(lambda: REQUESTS.labels(endpoint, method, str(resp.status_code)).inc())
        record(lambda: LATENCY.labels(endpoint).observe(elapsed))
        if app.config.get("ACCESS_LOG", True):
            access_log.info(orjson.dumps({
                "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + "Z", "request_id": rid,
                "method": request.method, "path": request.path, "status": resp.status_code,
                "ms": round(1000 * elapsed, 3), "bytes_in": bytes_in(),
                "bytes_out": resp.calculate_content_length() or 0, "remote": request.remote_addr,
                "pid": os.getpid(),
            }).decode())
        return resp
