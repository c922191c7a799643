"""Errors as JSON (status, title, detail, field) -- never an HTML page or a bare 500."""
from __future__ import annotations

import logging
from http import HTTPStatus

from flask import Flask, Response, json
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)
PROBLEM_JSON = "application/problem+json"


class ApiError(Exception):
    """An error the API reports to the client as it is."""

    def __init__(self, status: int, detail: str, field: str | None = None):
        super().__init__(detail)
        self.status, self.detail, self.field = status, detail, field


def problem(status: int, detail: str, field: str | None = None, headers: dict | None = None) -> Response:
    body = {"status": status, "title": HTTPStatus(status).phrase, "detail": detail}
    if field is not None:
        body["field"] = field
    resp = Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(err: ApiError):
        return problem(err.status, err.detail, err.field)

    @app.errorhandler(HTTPException)
    def _http_error(err: HTTPException):
        headers = {}
        if err.code == 405 and err.valid_methods:
            headers["Allow"] = ", ".join(sorted(err.valid_methods))
        detail = {
            404: "no such endpoint",
            405: "method not allowed on this endpoint",
            413: f"request body larger than {app.config.get('MAX_CONTENT_LENGTH')} bytes",
        }.get(err.code or 500, err.description or "")
        return problem(err.code or 500, detail, headers=headers)

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        log.exception("unhandled error")
        return problem(500, "internal error")
