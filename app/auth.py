"""Optional API key: when ``SLOT_API_KEY`` is set, the parsing endpoints require it.

Accepted as ``Authorization: Bearer <key>``, ``X-API-Key: <key>`` or, for Rasa's
``/model/parse`` only, the body's ``token`` or a ``?token=`` query parameter (Rasa's ways; a key in
a URL lands in proxy logs, so the other endpoints do not take it). Compared in constant time, as
bytes (a lone surrogate in a JSON string is compared, not an error).
"""
from __future__ import annotations

import hmac

from flask import current_app, request

from .errors import ApiError


def presented_keys(body_token: str | None = None, rasa: bool = False) -> list[str]:
    keys = []
    auth = request.headers.get("Authorization", "")
    if auth[:7].lower() == "bearer ":
        keys.append(auth[7:].strip())
    if "X-API-Key" in request.headers:
        keys.append(request.headers["X-API-Key"])
    if rasa and body_token is not None:
        keys.append(body_token)
    if rasa and "token" in request.args:  # Rasa may also send the token as a query parameter
        keys.append(request.args["token"])
    return keys


def _matches(keys: list[str], expected: str) -> bool:
    ok = False
    for key in keys:  # every key compared, in constant time
        ok |= hmac.compare_digest(key.encode("utf-8", "surrogatepass"), expected.encode("utf-8"))
    return ok


def key_presented(rasa: bool = False) -> bool:
    """No key is configured, or one was presented in the headers (or, ``rasa``, the query): no body read."""
    expected = current_app.config.get("API_KEY")
    return not expected or _matches(presented_keys(None, rasa), expected)


def check_key(body_token: str | None = None, rasa: bool = False) -> None:
    """Raise 401 unless the configured key (if any) was presented (``rasa``: also as Rasa sends it)."""
    expected = current_app.config.get("API_KEY")
    if expected and not _matches(presented_keys(body_token, rasa), expected):
        raise ApiError(401, "a valid API key is required (Authorization: Bearer <key> or X-API-Key)")
