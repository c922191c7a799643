"""The parsing API: POST /parse and POST /parse/batch."""
from __future__ import annotations

import json
import logging
import time

from flask import Blueprint, current_app, g, jsonify, request
from pydantic import BaseModel, ValidationError

from . import connections
from .auth import check_key
from .errors import ApiError
from .observability import timed_inference
from .schemas import MAX_BATCH_TOKENS, BatchRequest, ParseRequest
from engine.parser import reference_moment
from engine.resolve import duckling_time
from engine.tokenizer import tokenize

bp = Blueprint("api", __name__)
log = logging.getLogger(__name__)


MAX_CONTENT_LENGTH_DIGITS = 18  # a Content-Length of more digits is no real body (and no 64-bit integer)


def declared_length() -> int | None:
    """The Content-Length header as a number; None without one or with a chunked body (Transfer-Encoding
    overrides it, RFC 9112 6.3; gunicorn refuses requests with both). A header that is not a plain decimal number
    of at most 18 digits is a 400 (Werkzeug would take 18446744073709551616, which nothing can count to)."""
    raw = request.headers.get("Content-Length")
    if raw is None or "chunked" in request.headers.get("Transfer-Encoding", "").lower():
        return None
    raw = raw.strip()
    if not raw.isdigit() or not raw.isascii() or len(raw) > MAX_CONTENT_LENGTH_DIGITS:
        raise ApiError(400, "Content-Length must be a decimal number of bytes")
    return int(raw)


def _read(read) -> bytes:
    """Up to ``n`` bytes of the body within the body timeout; a client that stops sending midway (an aborted
    upload, a broken chunk) is a 400, one that sends too slowly a 408 (:mod:`app.connections`)."""
    try:
        with connections.body_deadline():
            return read()
    except ApiError:
        raise
    except connections.BodyTimeout:
        raise ApiError(408, f"the request body did not arrive within {connections.body_timeout()} s") from None
    except Exception:  # noqa: BLE001 - gunicorn's NoMoreData / InvalidChunkSize / ..., Werkzeug's ClientDisconnected
        raise ApiError(400, "the request body ended before it was complete") from None


def body_bytes() -> bytes:
    """The request body, held to the cap however it arrives: a Content-Length over the cap is refused before
    anything is read (413); a chunked body (no length) is read up to one byte past the cap, and that byte means
    413 (Werkzeug would cut it at the cap silently, and the rest could parse). Cached for the request."""
    if "body" in g:
        return g.body
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    length = declared_length()
    if length is not None and length > limit:
        raise ApiError(413, f"request body larger than {limit} bytes")
    if length is not None:
        raw = _read(request.stream.read)  # Werkzeug's stream, limited to the declared length: read to its end
    else:
        raw = _read(lambda: request.environ["wsgi.input"].read(limit + 1))
    if length is not None and len(raw) < length:
        raise ApiError(400, "the request body ended before it was complete")
    if len(raw) > limit:
        raise ApiError(413, f"request body larger than {limit} bytes")
    g.body = raw
    return raw


def request_json() -> object:
    """The body as JSON: UTF-8 only (a UTF-16 or UTF-32 body is a 400, as is malformed JSON); 415 unless the
    Content-Type is application/json."""
    if request.mimetype != "application/json":
        raise ApiError(415, "Content-Type must be application/json")
    raw = body_bytes()
    try:
        text = raw.decode("utf-8")  # json.loads(bytes) would guess UTF-16/32 from the first bytes
    except UnicodeDecodeError:
        raise ApiError(400, "request body is not valid UTF-8") from None
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, and integers past Python's 4,300 digits
        raise ApiError(400, f"malformed JSON: {str(exc)[:200]}") from None


_WRONG_ALTERNATIVE = frozenset({"dict_type", "string_type", "model_type", "model_attributes_type"})
_BRANCHES = frozenset({"constrained-str", "str", "BatchItem"})


def read_body(model: type[BaseModel]) -> BaseModel:
    """Validate the JSON body against ``model``; ApiError (400/413/415/422) otherwise."""
    body = request_json()
    if not isinstance(body, dict):
        raise ApiError(422, "request body must be a JSON object")
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        # of a union's alternatives ("a string, or {text, expected_slot}"), the error of the one the client meant
        err = next((e for e in errors if e["type"] not in _WRONG_ALTERNATIVE), errors[0])
        field = ".".join(str(p) for p in err["loc"] if p not in _BRANCHES) or None
        raise ApiError(422, err["msg"][:300], field) from None


def predictions(texts: list[str]) -> list:
    """The network's predictions for ``texts``, batched with other requests' (:mod:`app.batching`). A failure
    of the native runtime on this input is a 422 naming no internals, logged with its traceback."""
    with timed_inference():
        try:
            return current_app.extensions["batcher"].predict(texts)
        except (KeyboardInterrupt, SystemExit, connections.Shed):
            raise
        except BaseException:  # noqa: BLE001 - ONNX Runtime's errors, a native panic: never a dead worker
            log.exception("the network could not run on this input")
            raise ApiError(422, "the model could not read this text") from None


def results_for(preds: list, reference, expected_slot: str | list[str | None] | None = None) -> list:
    """The answers for the predictions of one request: each text's frame and values -- all of the request's
    time values resolved within its budget (``SLOT_RESOLVE_BUDGET_MS``), and other requests let in between
    the texts of a batch (a batch of 64 does not hold a single request back while it is answered)."""
    parser = current_app.extensions["parser"]
    expected = expected_slot if isinstance(expected_slot, list) else [expected_slot] * len(preds)
    out = []
    with duckling_time.budget(current_app.config.get("RESOLVE_BUDGET", 0.5)):
        for i, pred in enumerate(preds):
            if i:
                time.sleep(0)  # a greenlet switch under gevent: waiting requests run
            out.append(parser.result(pred, reference, expected[i]))
    return out


def answers(texts: list[str], reference, expected_slot: str | list[str | None] | None = None) -> list:
    return results_for(predictions(texts), reference, expected_slot)


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
    texts = req.plain_texts
    tokens = sum(len(tokenize(t)) for t in texts)
    if tokens > MAX_BATCH_TOKENS:  # the network's cost follows the tokens: 64 texts of 1,000 characters are 40x a typical batch
        raise ApiError(422, f"the batch holds {tokens} tokens; at most {MAX_BATCH_TOKENS} per batch: split it", "texts")
    return jsonify(answers(texts, reference_moment(req.reference_time, req.timezone), req.expected_slots))
