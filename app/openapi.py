"""OpenAPI 3.1 description built from the pydantic models, and a human docs page."""
from __future__ import annotations

import html
from dataclasses import dataclass, field

from flask import Blueprint, Response, current_app, jsonify
from pydantic import TypeAdapter

from . import schemas as s

bp = Blueprint("docs", __name__)

_ERRORS = {400: "Malformed JSON, not UTF-8, a Content-Length that is no number, or a body that ended early",
           401: "Missing or wrong API key", 408: "The body did not arrive within SLOT_BODY_TIMEOUT",
           413: "Body too large", 415: "Content-Type is not application/json",
           422: "Invalid body (see field), or a text the model could not read",
           503: "The worker held its most connections and this one, still sending its body, waited longest"}
PARSE_ERRORS = (400, 401, 408, 413, 415, 422, 503)


@dataclass
class Route:
    path: str
    method: str
    summary: str
    request: type | None  # a pydantic model
    response: type | None  # a pydantic model or a typed dictionary (engine.result)
    array: bool = False  # the response is a JSON array of ``response``
    errors: tuple[int, ...] = ()
    secured: bool = False
    description: str = ""
    media: str = "application/json"
    extra: dict = field(default_factory=dict)


ROUTES = [
    Route("/parse", "post", "Parse one utterance into the booking frame", s.ParseRequest, s.ParseResult,
          errors=PARSE_ERRORS, secured=True,
          description="Frame slots with resolved values, fine entities, intent, offsets and confidences."),
    Route("/parse/batch", "post", f"Parse up to {s.MAX_BATCH} utterances in one model call", s.BatchRequest,
          s.ParseResult, array=True, errors=PARSE_ERRORS, secured=True,
          description="Answers a JSON array of /parse results, in the order of `texts`."),
    Route("/model/parse", "post", "Rasa-compatible NLU parse", s.RasaParseRequest, s.RasaParseResponse,
          errors=PARSE_ERRORS, secured=True,
          description="What Rasa's HTTP interpreter calls at `<nlu url>/model/parse`."),
    Route("/healthz", "get", "Liveness: the process answers", None, s.Health),
    Route("/readyz", "get", "Readiness: the model is loaded", None, s.Ready),
    Route("/version", "get", "Model name, version, training data and metrics", None, s.VersionInfo),
    Route("/metrics", "get", "Prometheus metrics", None, None, media="text/plain"),
]


def build_spec() -> dict:
    models = [(s.Problem, "serialization")]
    for r in ROUTES:
        if r.request:
            models.append((r.request, "validation"))
        if r.response:
            models.append((r.response, "serialization"))
    keymap, defs = TypeAdapter.json_schemas([((m, mode), mode, TypeAdapter(m)) for m, mode in dict.fromkeys(models)],
                                            ref_template="#/components/schemas/{model}")

    def ref(model: type, mode: str) -> dict:
        return keymap[((model, mode), mode)]

    problem = {"application/problem+json": {"schema": ref(s.Problem, "serialization")}}
    paths: dict = {}
    for r in ROUTES:
        op: dict = {"summary": r.summary, "operationId": r.path.strip("/").replace("/", "_") + "_" + r.method,
                    "responses": {}}
        if r.description:
            op["description"] = r.description
        if r.request:
            op["requestBody"] = {"required": True, "content": {"application/json": {
                "schema": ref(r.request, "validation")}}}
        if r.response:
            schema = ref(r.response, "serialization")
            if r.array:
                schema = {"type": "array", "items": schema}
            op["responses"]["200"] = {"description": "OK", "content": {r.media: {"schema": schema}}}
        else:
            op["responses"]["200"] = {"description": "OK", "content": {r.media: {"schema": {"type": "string"}}}}
        for code in r.errors:
            op["responses"][str(code)] = {"description": _ERRORS[code], "content": problem}
        if r.secured:
            op["security"] = [{}, {"bearer": []}, {"apiKey": []}]
        paths.setdefault(r.path, {})[r.method] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": "Slot filler", "version": "1.0.0",
                 "description": "Slot filling for travel booking bots: departure, destination and time, "
                                "found by a bidirectional recurrent tagger."},
        "paths": paths,
        "components": {"schemas": defs.get("$defs", {}), "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer"},
            "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"}}},
    }


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(current_app.extensions["openapi"])


@bp.get("/docs")
def docs():
    spec = current_app.extensions["openapi"]
    rows = []
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            codes = ", ".join(op["responses"])
            rows.append(f"<tr><td><code>{method.upper()} {html.escape(path)}</code></td>"
                        f"<td>{html.escape(op['summary'])}<br><small>{html.escape(op.get('description', ''))}"
                        f"</small></td><td>{codes}</td></tr>")
    schemas = "".join(
        f"<h3 id='{html.escape(name)}'>{html.escape(name)}</h3><ul>"
        + "".join(f"<li><code>{html.escape(k)}</code>: {html.escape(v.get('description', v.get('type', '')) or '')}"
                  f"</li>" for k, v in schema.get("properties", {}).items())
        + "</ul>"
        for name, schema in spec["components"]["schemas"].items())
    page = (f"<!doctype html><html><head><meta charset='utf-8'><title>Slot filler API</title>"
            f"<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}}td{{padding:.3em;"
            f"border-bottom:1px solid #ddd;vertical-align:top}}</style></head><body>"
            f"<h1>Slot filler API</h1><p>{html.escape(spec['info']['description'])}</p>"
            f"<p>Machine-readable: <a href='/openapi.json'>/openapi.json</a> (OpenAPI 3.1).</p>"
            f"<table><tr><th>endpoint</th><th>what</th><th>responses</th></tr>{''.join(rows)}</table>"
            f"<h2>Schemas</h2>{schemas}</body></html>")
    return Response(page, mimetype="text/html")
