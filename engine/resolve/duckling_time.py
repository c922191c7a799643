"""Duckling (the time parser Rasa uses) in-process, through pyduckling-native's Haskell runtime.

Importing ``duckling`` starts a GHC runtime in the importing process, and a runtime does not
survive ``fork``: the gunicorn master (``preload_app``) must never import it. So nothing here runs
at import time: the first call in a process loads Duckling there (about 0.1 s; gunicorn's
``post_fork`` hook calls :func:`warm_up` so that each worker pays it at start, not on a request),
and a process that finds a runtime inherited from its parent refuses to use it.

Duckling is asked in UTC with the user's wall-clock time as the reference, and its wall-clock
answers get the user's zone back (so daylight-saving changes between now and the date are right
with an IANA zone, and a fixed offset stays fixed).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache



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


class _Runtime:
    """The loaded Duckling of this process (pid-checked: never one inherited through fork)."""

    def __init__(self) -> None:
        import duckling  # starts the Haskell runtime in this process

        self.pid = os.getpid()
        self.lib = duckling
        self.zones = duckling.load_time_zones(_zoneinfo_dir())  # asked in UTC only; loaded for its parser
        self.locale = duckling.default_locale_lang(duckling.parse_lang("EN"))
        self.dims = duckling.parse_dimensions(["time"])

    def parse(self, text: str, wall: datetime) -> list[dict]:
        ts = int(wall.replace(tzinfo=timezone.utc).timestamp())
        context = self.lib.Context(self.lib.parse_ref_time(self.zones, "UTC", ts), self.locale)
        return self.lib.parse(text, context, self.dims, False)


_runtime: _Runtime | None = None


def _get() -> _Runtime:
    global _runtime
    if _runtime is None:
        _runtime = _Runtime()
    elif _runtime.pid != os.getpid():  # inherited through fork: the parent's runtime is not ours
        raise RuntimeError("Duckling was loaded before fork; load it in each worker (engine.resolve.duckling_time)")
    return _runtime


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
def readings(text: str, wall: datetime) -> tuple[Reading, ...]:
    """Duckling's readings of the time expression that covers most of ``text`` (its alternatives in
    Duckling's order: the first is its favourite), at the naive wall-clock reference ``wall``."""
    found = [e for e in _get().parse(text, wall) if e.get("dim") == "time"]
    if not found:
        return ()
    best = max(found, key=lambda e: e["end"] - e["start"])
    value = best["value"]
    alternatives = value.get("values") or [value]
    return tuple(r for r in (_reading(v, best["body"]) for v in alternatives) if r is not None)


def warm_up() -> None:
    """Load Duckling in this process now (gunicorn's ``post_fork``; single-process servers)."""
    readings("tomorrow at 9am", datetime(2026, 1, 1))
