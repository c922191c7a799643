"""Connections bounded in the app: a body timeout, and a connection budget per gevent worker that keeps room
for new requests.

A gevent worker holds at most ``SLOT_WORKER_CONNECTIONS`` connections. Clients that hold one without
asking anything -- idle keep-alive connections, headers or a body sent a byte a second -- could fill them
all, and then no new request is accepted. So:

* **Body timeout**: a request body must arrive whole within ``SLOT_BODY_TIMEOUT`` seconds of the app
  starting to read it; later, the request is answered 408.
* **Header and idle timeout**: gunicorn's keep-alive timeout (5 s) bounds reading a request's headers,
  the first request's too, and the wait for the next request on a kept-alive connection.
* **Connection budget**: when a new connection arrives and the worker already holds its budget
  (``SLOT_WORKER_CONNECTIONS`` less a reserve of a tenth), the connection that has waited longest without
  being served -- idle, sending headers or sending its body; one that never completed a request before a
  kept-alive client's -- is shed to make room: an idle one is closed, one mid-body is answered 503 and
  closed. A request the app is working on is never shed.

:class:`app.worker.GeventWorker` registers each connection and its phase here; the app marks the body
phase (:func:`body_deadline`). Under the sync and gthread workers the body timeout is a socket timeout
per read and there is no budget (those workers hold one connection per thread anyway).
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass

from flask import current_app, request

WAIT, BODY, APP, CLOSING = "wait", "body", "app", "closing"  # waiting for a request; reading its body; the app
# working on it; shed, closing once its answer is written
SHEDDABLE = (WAIT, BODY)


class BodyTimeout(Exception):
    """The request body did not arrive within the body timeout."""


class Shed(BaseException):
    """Raised in a connection's greenlet to close it and make room (a BaseException: no handler of the
    app's takes it for an error of its own; :mod:`app.worker` answers it)."""


@dataclass
class Connection:
    phase: str
    since: float
    served: int = 0  # requests answered on it: a client that completed one is shed last


class Budget:
    """The connections of one worker process, by greenlet, and which to shed when the budget is spent."""

    def __init__(self, limit: int, reserve: int | None = None) -> None:
        self.limit = limit
        self.reserve = max(1, limit // 10) if reserve is None else reserve
        self.open: dict[object, Connection] = {}
        self.shed = 0

    @property
    def budget(self) -> int:
        return max(1, self.limit - self.reserve)

    def opened(self, who: object) -> None:
        if len(self.open) >= self.budget:
            self.shed_one()
        self.open[who] = Connection(WAIT, time.monotonic())

    def closed(self, who: object) -> None:
        self.open.pop(who, None)

    def mark(self, who: object, phase: str) -> None:
        conn = self.open.get(who)
        if conn is not None and conn.phase != CLOSING:
            conn.phase, conn.since = phase, time.monotonic()

    def served(self, who: object) -> None:
        conn = self.open.get(who)
        if conn is not None:
            conn.served += 1

    def closing(self, who: object) -> bool:
        """The connection was shed: close it once its answer is written."""
        conn = self.open.get(who)
        return conn is not None and conn.phase == CLOSING

    def phase_of(self, who: object) -> str | None:
        conn = self.open.get(who)
        return conn and conn.phase

    def victim(self) -> object | None:
        """The connection to shed: of those waiting on their client (idle, sending headers or a body), one that
        has never completed a request before one that has, the longest waiting first; None when every
        connection is being answered."""
        waiting = [(c.served > 0, c.since, id(w), w) for w, c in self.open.items() if c.phase in SHEDDABLE]
        return min(waiting)[3] if waiting else None

    def shed_one(self) -> bool:
        who = self.victim()
        if who is None:
            return False
        self.open[who].phase = CLOSING  # still counted until it is closed; never chosen twice
        self.shed += 1
        who.kill(Shed, block=False)  # raised in it at its next switch (it is waiting on its client)
        return True


budget: Budget | None = None  # this worker's, set by app.worker.GeventWorker (None: not a gevent worker)


def body_timeout() -> float:
    return current_app.config.get("BODY_TIMEOUT", 10.0)


def _current() -> object | None:
    if budget is None:
        return None
    from gevent import getcurrent

    return getcurrent()


@contextmanager
def body_deadline():
    """Reading the request body, in the body phase, within the body timeout: :class:`BodyTimeout` after it;
    a shed connection is answered 503 (:class:`app.errors.ApiError`)."""
    from .errors import ApiError

    seconds = body_timeout()
    who = _current()
    if who is None:  # sync / gthread: a socket timeout per read
        sock = request.environ.get("gunicorn.socket")
        if sock is not None:
            sock.settimeout(seconds)
        try:
            yield
        except TimeoutError:
            raise BodyTimeout() from None
        finally:
            if sock is not None:
                sock.settimeout(None)
        return
    import gevent

    budget.mark(who, BODY)
    try:
        with gevent.Timeout(seconds, BodyTimeout):
            yield
    except Shed:
        raise ApiError(503, "the server is holding its most connections: this one waited longest; retry") from None
    finally:
        budget.mark(who, APP)
