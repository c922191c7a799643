"""The parsing API: POST /parse and POST /parse/batch."""
from __future__ import annotations

import json

from flask import Blueprint, current_app, jsonify, request
from pydantic import BaseModel, ValidationError

from .auth import check_key
from .errors import ApiError
from .observability import timed_inference
from .schemas import MAX_BATCH_TOKENS, BatchRequest, ParseRequest
from engine.parser import reference_moment
from engine.tokenizer import tokenize

bp = Blueprint("api", __name__)


def body_bytes() -> bytes:
    """The request body, held to the cap however it arrives: with a Content-Length Werkzeug refuses an
    oversized one before reading; a chunked body (no length) is read up to one byte past the cap, and
    that byte means 413 (Werkzeug would cut it at the cap silently, and the rest could parse)."""
    if request.content_length is not None:
        return request.get_data(cache=False)
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    raw = request.environ["wsgi.input"].read(limit + 1)
    if len(raw) > limit:
        raise ApiError(413, f"request body larger than {limit} bytes")
    return raw


def read_body(model: type[BaseModel]) -> BaseModel:
    """Validate the JSON body against ``model``; ApiError (400/415/422) otherwise."""
    if request.mimetype != "application/json":
        raise ApiError(415, "Content-Type must be application/json")
    raw = body_bytes()
    try:
        body = json.loads(raw)
    except UnicodeDecodeError:
        raise ApiError(400, "request body is not valid UTF-8") from None
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, and integers past Python's 4,300 digits
        raise ApiError(400, f"malformed JSON: {exc}") from None
    if not isinstance(body, dict):
        raise ApiError(422, "request body must be a JSON object")
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        field = ".".join(str(p) for p in err["loc"]) or None
        raise ApiError(422, err["msg"], field) from None


def predictions(texts: list[str]) -> list:
    """The network's predictions for ``texts``, batched with other requests' (:mod:`app.batching`)."""
    with timed_inference():
        return current_app.extensions["batcher"].predict(texts)


def answers(texts: list[str], reference, expected_slot: str | None = None) -> list:
    parser = current_app.extensions["parser"]
    return [parser.result(p, reference, expected_slot) for p in predictions(texts)]


@bp.post("/parse")
def parse():
    check_key()
    req = read_body(ParseRequest)
    result = answers([req.text], reference_moment(req.reference_time, req.timezone), req.expected_slot)
    return jsonify(result[0])


@bp.post("/parse/batch")
def parse_batch():
    check_key()
    req = read_body(BatchRequest)
    tokens = sum(len(tokenize(t)) for t in req.texts)
    if tokens > MAX_BATCH_TOKENS:  # the network's cost follows the tokens: 64 texts of 1,000 characters are 40x a typical batch
        raise ApiError(422, f"the batch holds {tokens} tokens; at most {MAX_BATCH_TOKENS} per batch: split it", "texts")
    return jsonify(answers(req.texts, reference_moment(req.reference_time, req.timezone)))
