"""gunicorn's own error answers (a bad request line, a 10 KB URI, oversized headers, ...) as
``application/problem+json``, like every answer of the app's, instead of gunicorn's HTML page.

gunicorn writes them itself, before any WSGI app runs, through ``gunicorn.util.write_error``;
``app/gunicorn.conf.py`` puts :func:`write_problem` in its place (in the master, before workers fork).
"""
from __future__ import annotations

import json

from gunicorn import util

MAX_DETAIL = 200  # gunicorn's message may quote the offending input: keep it short


def write_problem(sock, status_int: int, reason: str, mesg: str) -> None:
    body = json.dumps({"status": status_int, "title": reason,
                       "detail": (mesg or reason)[:MAX_DETAIL]}).encode()
    head = (f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
            f"Content-Type: application/problem+json\r\nContent-Length: {len(body)}\r\n\r\n").encode("latin1")
    util.write_nonblock(sock, head + body)


def install() -> None:
    util.write_error = write_problem
