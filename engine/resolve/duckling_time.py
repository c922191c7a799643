"""Duckling (the time parser Rasa uses) in a child process of its own, every call under a deadline.

Duckling is exponential on chained intervals ("next friday at 9 pm until next friday at 9 pm until
...": 4 s of CPU for 70 characters, minutes for a few more), holds the GIL while it parses, and its
binding panics on a NUL. In-process, one such span stalls a whole gevent worker or kills it. So each
process that resolves times (each gunicorn worker) runs one Duckling child
(:mod:`engine.resolve.duckling_child`, JSON lines over pipes) and waits for each answer at most until
the deadline: the request's resolution budget (:func:`budget`, opened by the HTTP layer per request)
or, outside one, :data:`CALL_TIMEOUT`. A child past the deadline is killed (SIGKILL) and started again
on the next call; the span answers ``value: null`` (:class:`ResolutionTimeout`), the request in time.
Text reaches the child cleaned (:func:`engine.safe_text.for_native`), at most :data:`MAX_CHARS`
characters long and of at most :data:`MAX_PIECES` time pieces (numbers, day and month names, parts of
the day) and :data:`MAX_LINKS` range words ("until", "to", "and", ...): what Duckling combines, and
what makes it exponential. A longer phrase is not sent (:class:`TooLong`); the deadline stops the rest.

The child starts on first use in a process (gunicorn's ``post_worker_init`` calls :func:`warm_up`, once
gevent has patched the worker, so that each worker pays it at start, about 0.1 s, not on a request, and
its lock is gevent's); a process never uses a child its parent started (pid-checked, as the child's
pipes would be shared through ``fork``).

Duckling is asked in UTC with the user's wall-clock time as the reference, and its wall-clock
answers get the user's zone back (so daylight-saving changes between now and the date are right
with an IANA zone, and a fixed offset stays fixed).
"""
from __future__ import annotations

import contextvars
import json
import logging
import os
import re
import select
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache

from ..safe_text import for_native

log = logging.getLogger(__name__)
MAX_CHARS = 60  # longer phrases can cost Duckling 100+ ms; a time span is rarely longer
MAX_PIECES = 6  # "from 9 am to 5 pm on december 5th 2026" has 5
MAX_LINKS = 2  # "between 9 and 11 am", "from 9 am to 5 pm": 2
_PIECE = re.compile(r"\d+|\b(?:noon|midnight|tonight|today|tomorrow|morning|afternoon|evening|night|mon|tue|wed|"
                    r"thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*", re.I)
_LINK = re.compile(r"\b(?:until|till|til|through|thru|to|and|between|from|before|after|by)\b|-", re.I)
CALL_TIMEOUT = 1.0  # seconds one call may take outside a request's budget (evaluation, tests)
START_TIMEOUT = 20.0  # seconds a new child may take to load Duckling
_CHILD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "duckling_child.py")
_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("duckling_deadline", default=None)


class ResolutionTimeout(Exception):
    """Duckling did not answer before the deadline (the child was killed), or it could not run."""


class NotReady(ResolutionTimeout):
    """No time left to ask, or the child still loading: no answer, and nothing to kill."""


class TooLong(Exception):
    """The phrase is longer than :data:`MAX_CHARS`: not sent to Duckling."""


@contextmanager
def budget(seconds: float):
    """Every Duckling call inside (this request's) shares one deadline, ``seconds`` from now."""
    token = _deadline.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def _deadline_now() -> float:
    return _deadline.get() or time.monotonic() + CALL_TIMEOUT


def _zoneinfo_dir() -> str:
    """The system's IANA zone files, else the tzdata package's (a slim image may have none)."""
    if os.path.isdir("/usr/share/zoneinfo"):
        return "/usr/share/zoneinfo"
    import tzdata

    return os.path.join(os.path.dirname(tzdata.__file__), "zoneinfo")


@dataclass(frozen=True)
class Reading:
    """One Duckling reading of a phrase: a point or an interval, wall-clock times, its grain."""

    kind: str  # "value" or "interval"
    start: datetime | None  # the point, or the interval's start (None: open start, "before noon")
    end: datetime | None  # the interval's exclusive end (None: a point, or an open end)
    grain: str
    body: str  # the text Duckling read


class _Child:
    """One Duckling child process and the line protocol to it; one call at a time."""

    def __init__(self) -> None:
        env = dict(os.environ, RUST_BACKTRACE="0")
        self.proc = subprocess.Popen([sys.executable, "-I", _CHILD, _zoneinfo_dir()], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, env=env, close_fds=True)
        self.rfd, self.wfd = self.proc.stdout.fileno(), self.proc.stdin.fileno()
        self.buffer = b""
        self.ready = False

    def _line(self, deadline: float) -> dict:
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.rfd], [], [], left)[0]:
                raise ResolutionTimeout("Duckling did not answer in time")
            chunk = os.read(self.rfd, 65536)
            if not chunk:
                raise ResolutionTimeout("the Duckling process ended")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return json.loads(line)

    def wait_ready(self, deadline: float) -> None:
        if not self.ready:
            try:
                self.ready = bool(self._line(deadline).get("ready"))
            except ResolutionTimeout as exc:
                if self.proc.poll() is None:
                    raise NotReady("the Duckling process is still loading") from exc
                raise

    def parse(self, text: str, ts: int, deadline: float, locale: str = "EN") -> list[dict]:
        self.wait_ready(deadline)
        if deadline - time.monotonic() < 0.001:
            raise NotReady("no time left to ask Duckling")
        request = {"text": text, "ts": ts} | ({"locale": locale} if locale != "EN" else {})
        os.write(self.wfd, json.dumps(request, ensure_ascii=False).encode() + b"\n")
        answer = self._line(deadline)
        if "error" in answer:
            log.warning("Duckling could not read a phrase: %s", answer["error"])
            return []
        return answer["found"]

    def kill(self) -> None:
        try:
            self.proc.kill()
            self.proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            pass
        for f in (self.proc.stdin, self.proc.stdout):
            try:
                f.close()
            except OSError:
                pass


class _Resolver:
    """This process's Duckling child (started lazily, restarted after a kill) and the lock around it."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.patched = _gevent_patched()
        self.lock = threading.Lock()  # made in this process: gevent's when the worker is patched
        self.child: _Child | None = None
        self.kills = 0

    def parse(self, text: str, wall: datetime, locale: str = "EN") -> list[dict]:
        deadline = _deadline_now()
        if not self.lock.acquire(timeout=max(0.0, deadline - time.monotonic())):
            raise ResolutionTimeout("Duckling was busy until the deadline")
        try:
            if self.child is None or self.child.proc.poll() is not None:
                self.child = _Child()
            ts = int(wall.replace(tzinfo=timezone.utc).timestamp())
            try:
                return self.child.parse(text, ts, deadline, locale)
            except NotReady:
                raise  # a healthy child: kept for the next request
            except (ResolutionTimeout, OSError, ValueError) as exc:
                self.kills += 1
                log.warning("Duckling stopped on a %d-character phrase (%s): restarting it", len(text), exc)
                self.child.kill()
                self.child = None
                raise ResolutionTimeout(str(exc)) from None
        finally:
            self.lock.release()

    def start(self, timeout: float = START_TIMEOUT) -> None:
        with self.lock:
            if self.child is None:
                self.child = _Child()
            self.child.wait_ready(time.monotonic() + timeout)


_resolver: _Resolver | None = None


def _gevent_patched() -> bool:
    gevent_monkey = sys.modules.get("gevent.monkey")
    return bool(gevent_monkey and gevent_monkey.is_module_patched("threading"))


def _get() -> _Resolver:
    """This process's resolver: a new one after fork (a parent's child process is not ours), and after gevent
    patched the process (a real lock would block every greenlet of the worker while one waits)."""
    global _resolver
    if _resolver is None or _resolver.pid != os.getpid() or _resolver.patched != _gevent_patched():
        if _resolver is not None and _resolver.pid == os.getpid() and _resolver.child is not None:
            _resolver.child.kill()
        _resolver = _Resolver()
    return _resolver


def _wall(iso: str | None) -> datetime | None:
    return None if iso is None else datetime.fromisoformat(iso).replace(tzinfo=None)


def _reading(value: dict, body: str) -> Reading | None:
    if value.get("type") == "value":
        return Reading("value", _wall(value["value"]), None, value["grain"], body)
    if value.get("type") == "interval":
        start, end = value.get("from"), value.get("to")
        grain = (start or end or {}).get("grain")
        if grain is None:
            return None
        return Reading("interval", _wall(start and start["value"]), _wall(end and end["value"]), grain, body)
    return None


@lru_cache(maxsize=4096)
def readings(text: str, wall: datetime, locale: str = "EN") -> tuple[Reading, ...]:
    """Duckling's readings of the time expression that covers most of ``text`` (its alternatives in
    Duckling's order: the first is its favourite), at the naive wall-clock reference ``wall``; ``locale``
    ``EN``, or ``ZH_CN``/``ZH_TW``/``ZH_HK`` for Chinese.

    Raises :class:`TooLong` for a phrase over :data:`MAX_CHARS` (or its piece caps) and :class:`ResolutionTimeout` when no
    answer came before the deadline (neither is cached: only answers are)."""
    text = for_native(text)
    if len(text) > MAX_CHARS or len(_PIECE.findall(text)) > MAX_PIECES or len(_LINK.findall(text)) > MAX_LINKS:
        raise TooLong(f"{len(text)} characters, more pieces than Duckling is given")
    found = [e for e in _get().parse(text, wall, locale) if e.get("dim") == "time"]
    if not found:
        return ()
    best = max(found, key=lambda e: e["end"] - e["start"])
    value = best["value"]
    alternatives = value.get("values") or [value]
    return tuple(r for r in (_reading(v, best["body"]) for v in alternatives) if r is not None)


def warm_up() -> None:
    """Start this process's Duckling child now and wait until it has loaded (gunicorn's ``post_fork``)."""
    _get().start()
