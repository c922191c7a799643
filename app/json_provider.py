"""Flask's JSON answers encoded by orjson.

Encoding the /parse answer with Flask's default provider (the standard
library's encoder) took about 57 µs against 7 µs with orjson, on a ~1 kB
answer (measured for issue 6). Request bodies are still parsed by
``app.api.read_body`` with the standard library, whose error messages the API
reports.
"""
from __future__ import annotations

import json
from typing import Any

import orjson
from flask.json.provider import DefaultJSONProvider, JSONProvider


class OrjsonProvider(JSONProvider):
    """UTF-8 out, keys in insertion order; what orjson cannot encode goes through Flask's default hook."""

    mimetype = "application/json"

    @staticmethod
    def _encode(obj: Any) -> bytes:
        return orjson.dumps(obj, default=DefaultJSONProvider.default)

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        return self._encode(obj).decode()

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return json.loads(s, **kwargs)

    def response(self, *args: Any, **kwargs: Any):
        return self._app.response_class(self._encode(self._prepare_response_obj(args, kwargs)), mimetype=self.mimetype)
