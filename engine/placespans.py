"""Place spans the tagger cut inside a station's or an airport's name, completed from the text.

The tagger learned places from city names; a station or an airport said by its name is longer than a city
("Penn" of "Penn Station", "london kings" of "london kings cross", "Boston South" of "Boston South Station").
Such a span grows over the next words (up to three) when the longer name resolves to a station or to one
named airport and the shorter does not, never into another span. A span that ends in a number typed for a
word ("nyc 2 la": to) and resolves only without it ends before it. The span keeps the tagger's confidence.
"""
from __future__ import annotations

import re

from .spans import frame_span


def complete(text: str, frame: dict[str, dict | None], resolve) -> None:
    """A place span the tagger cut inside a station's or an airport's name ("Penn" of "Penn Station", "london
    kings" of "london kings cross") grows over the next words (up to three) when the longer name resolves to
    a station or a named airport and the shorter one does not, never into another span."""
    taken = [s for s in frame.values() if s]
    for slot in ("departure", "destination"):
        span = frame.get(slot)
        if not span:
            continue
        best = None
        words = re.finditer(r"[A-Za-z0-9'\u2019-]+", text[span["end"]:])
        end = span["end"]
        for _, m in zip(range(3), words):
            if text[end:span["end"] + m.start()].strip():
                break  # only spaces between the words of a name
            end = span["end"] + m.end()
            if any(o is not span and o["start"] < end and span["start"] < o["end"] for o in taken):
                break
            found = resolve(text[span["start"]:end])
            if found and (found.get("station") or len(found["airports"]) == 1):
                best = end
        if best is not None and not (resolve(span["text"]) or {}).get("station"):
            frame[slot] = frame_span(text, span["start"], best, span["confidence"])
    for slot in ("departure", "destination"):  # "nyc 2 la": a number typed for "to" is no part of the name
        span = frame.get(slot)
        m = span and re.fullmatch(r"(.*\S)\s+\d{1,2}", span["text"])
        if m and resolve(span["text"]) is None and resolve(m.group(1)) is not None:
            frame[slot] = frame_span(text, span["start"], span["start"] + len(m.group(1)), span["confidence"])
