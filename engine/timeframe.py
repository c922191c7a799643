"""Time as the traveller's constraints: the departure's day and clock time combined even when said apart,
windows ("after 5", "before noon", "between 9 and 11 am") as interval ends, arrival constraints ("gets in by
8:15") in a slot of their own, and a return never before the departure.

From the tagger's time pieces (the frame head's spans as tagged: a date and a clock time are two spans, as
SGD and ATIS tag them) and its fine entities:

* a piece is an **arrival** constraint when an arrival verb stands just before it ("arrive", "get in", "be
  there", "land" ... "by 8:15"), or when an arrival word comes earlier and the entities under it say arrival
  (the fine ``arrive_time.*``, the frame head's ``arrival_time``); a clock time the fine tagger found that no
  frame piece covers ("Thursday at 9": "9") is a piece too;
* the words "after", "before", "by", "until", "no later than", "around" ... in front of a piece are not part
  of its span; they make its value an interval open at one end (Duckling's shape: ``from`` inclusive, ``to``
  exclusive; "by 8:15" is ``{"from": null, "to": "...T08:15"}``); "around" keeps the point;
* the departure's **day** (the first departure piece naming a day) and its **clock time** (the first
  naming a time of day) combine into one value, the clock time on that day; the arrival constraint falls on
  the departure's day;
* a **return** before the departure moves to the first such day after it ("next friday ..., back sunday":
  the Sunday after that Friday).

A slot of several pieces answers the first in ``text``/``start``/``end`` and all of them in ``pieces``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Callable

from .frame import ARRIVAL
from .resolve.dates import NUM_WORDS
from .safe_text import for_native
from .spans import Span

_RELATIVE = re.compile(r"(?:\b(?:no later than|no earlier than|not later than|not before|not after|"
                       r"at the latest|at the earliest|earliest|latest|after|before|by|until|till|til|"
                       r"around|about|approximately|from)\s+(?:the\s+)?)+$", re.I)
_LEADING = re.compile(r"^(?:(?:no later than|no earlier than|after|before|by|until|till|around|about|at|"
                      r"approximately)\s+)+", re.I)
_ARRIVAL_CUE = re.compile(r"\b(?:arriv\w*|get(?:s|ting)? (?:in|into|there)|gets? to|be (?:there|in \w+(?: \w+)?)|"
                          r"land\w*|reach\w*|touch(?:es)? down)\b[\w\s,']{0,24}$", re.I)
_ARRIVAL_CUE_WORD = re.compile(r"\b(?:arriv\w*|get(?:s|ting)? (?:in|into|there)|land\w*|reach\w*)\b", re.I)
_PART_OF_DAY = re.compile(r"(?:the )?(?:morning|afternoon|evening|night)", re.I)
_WINDOW = re.compile(r"^(?:between\s+)?(.+?)\s+(?:and|to|-)\s+(.+)$", re.I)
_HOUR_WORD = "(?:" + "|".join(NUM_WORDS) + ")"  # one ... twelve
_HOUR = rf"(?:1[0-2]|0?[1-9]|{_HOUR_WORD})\b"
_COUNTED = r"minutes?|mins?|people|persons?|passengers?|adults?|tickets?|seats?|dollars?|euros?|pounds?|bucks|days?|hours?"
_DAYPART = r"(?:\s*(?:[ap]\.?m\b\.?|in the (?:morning|afternoon|evening|night)|at night|tonight))?"
# A clock time said in words, as people say it and ATIS never does: "quarter to 8", "half past two", "ten past
# six", "half seven", "eight o'clock", "nine pm", "at seven thirty" (a part of the day after it belongs to it, as
# SGD tags "quarter to 6 in the evening"; a leading "a" does not, as SGD tags "a quarter to 8").
SPOKEN_CLOCK = re.compile(
    rf"\b(?:(?:quarter|half) (?:past|after|to|of|till|before) {_HOUR}|"
    rf"(?:five|ten|twenty|twenty[- ]five)(?: minutes)? (?:past|after|to|of|till) {_HOUR}|"
    rf"\d{{1,2}} (?:minutes )?past {_HOUR}|\d{{1,2}} minutes (?:to|before) {_HOUR}|"
    rf"half {_HOUR}(?!\s*(?:an?|of|weeks?)\b)|"
    rf"{_HOUR_WORD} o['\"]?clock|{_HOUR_WORD} (?:thirty|fifteen|forty[- ]five)\b|"
    rf"{_HOUR_WORD}(?=\s*(?:[ap]\.?m\b|in the (?:morning|afternoon|evening)|at night|tonight)))"
    rf"{_DAYPART}(?!\s*(?:{_COUNTED})\b)", re.I)
_CLOCK_WORD = re.compile(r"\b\d{1,2}[:.]\d\d\b|\b\d{1,4}\s*[ap]\.?m\b|\bnoon\b|\bmidnight\b|\bmidday\b|^\s*\d{1,2}\s*$|"
                         r"\b\d{1,2}\s+(?:o['\"]clock|in the (?:morning|afternoon|evening)|tonight|"
                         r"this (?:morning|afternoon|evening))|" + SPOKEN_CLOCK.pattern, re.I)  # a clock time, not "the 2nd"
OPEN_START = ("after", "from", "no earlier than", "not before", "at the earliest", "earliest")
OPEN_END = ("before", "by", "until", "till", "til", "no later than", "not later than", "not after",
            "at the latest", "latest")
ARRIVAL_LABELS = ("arrive_time.", ARRIVAL)  # the fine tagger's arrival times, the frame head's arrival spans


@dataclass
class Piece:
    start: int
    end: int
    confidence: float
    relative: str | None = None  # the window word before it ("after", "by", ...), lowercase
    arrival: bool = False


def _trim(text: str, span: Span) -> Piece:
    """A frame piece without the window words it starts with ("after 9:15" -> "9:15", "after")."""
    start, end = span.start, span.end
    relative = None
    if m := _LEADING.match(text[start:end]):
        words = m.group(0).lower().split()
        relative = next((w for w in (" ".join(words[:3]), " ".join(words[:1])) if w in OPEN_START + OPEN_END
                         or w in ("around", "about", "approximately")), None)
        if start + m.end() < end:
            start += m.end()
    if text[start:end].lower().startswith("the ") and re.match(r"the \d{1,2}[:.]\d\d|the \d{1,2}\s*[ap]\.?m",
                                                                text[start:end].lower()):
        start += 4  # "the 7:30 am": the clock time
    return Piece(start, end, span.confidence, relative)


_INSIDE = re.compile(r"\s+(?:no later than|no earlier than|after|before|by|until|till|around|at around)\s+", re.I)


def _split(text: str, span: Span) -> list[Span]:
    """A piece the tagger took whole across a window word ("tuesday after 7 am"): the day and the clock time,
    the window word between them left to the second's value."""
    said = text[span.start:span.end]
    m = _INSIDE.search(said)
    if not m or not _CLOCK_WORD.search(said[m.end():]) or _CLOCK_WORD.search(said[:m.start()]):
        return [span]
    left = Span(span.label, span.start, span.start + m.start(), span.confidence, span.first, span.last, span.kind)
    right = Span(span.label, span.start + m.end(), span.end, span.confidence, span.first, span.last, span.kind)
    return [left, right]


def _relative_before(text: str, piece: Piece) -> str | None:
    if piece.relative:
        return piece.relative
    m = _RELATIVE.search(text[:piece.start].rstrip() + " ")
    if not m:
        return None
    words = m.group(0).strip().lower()
    for w in OPEN_START + OPEN_END + ("around", "about", "approximately"):
        if words.startswith(w):
            return w
    return None


def pieces(text: str, frame_spans: list[Span], fine: list[Span]) -> list[Piece]:
    """Time pieces in text order: the frame head's time spans, trimmed, plus clock times only the fine tagger
    found; each marked arrival or not."""
    out = [_trim(text, part) for s in frame_spans if s.label == "time" for part in _split(text, s)]
    for e in fine:  # a clock time the frame head did not take ("on Thursday at 9": "9")
        if e.label.endswith("_time.time") and not any(p.start < e.end and e.start < p.end for p in out):
            out.append(Piece(e.start, e.end, e.confidence))
    out = _with_spoken_clocks(text, out)
    out.sort(key=lambda p: p.start)
    for p in out:
        p.relative = _relative_before(text, p)
        under = [e.label for e in fine if e.start < p.end and p.start < e.end]
        near = _ARRIVAL_CUE.search(text[max(0, p.start - 40):p.start])  # "gets in by", "be there before"
        anywhere = _ARRIVAL_CUE_WORD.search(text[:p.start])
        p.arrival = bool(_CLOCK_WORD.search(text[p.start:p.end])) and (
            near is not None or (anywhere is not None and any(label.startswith(ARRIVAL_LABELS) for label in under)))
    return _with_parts_of_day(text, out)


def _with_spoken_clocks(text: str, out: list[Piece]) -> list[Piece]:
    """A clock time said in words (``SPOKEN_CLOCK``) is a piece: the pieces it overlaps ("half" of "half past
    two") become one piece covering it, with their least confidence; alone, it is a piece of its own
    (confidence 1.0, as found by rule)."""
    for m in SPOKEN_CLOCK.finditer(text):
        under = [p for p in out if p.start < m.end() and m.start() < p.end]
        if all(m.start() <= p.start and p.end <= m.end() for p in under):  # none, or all inside it
            confidence = min((p.confidence for p in under), default=1.0)
            out = [p for p in out if p not in under] + [Piece(m.start(), m.end(), confidence)]
    return out


def _with_parts_of_day(text: str, out: list[Piece]) -> list[Piece]:
    """A part of the day tagged apart from its day ("tomorrow" | "morning") is one piece with it, as a part of
    the day with its day is one expression ("tomorrow morning": 00:00 to 12:00)."""
    merged: list[Piece] = []
    for p in out:
        prev = merged[-1] if merged else None
        if (prev is not None and _PART_OF_DAY.fullmatch(text[p.start:p.end]) and not prev.arrival
                and re.fullmatch(r"[\s,]*(?:in the|on|this)?\s*", for_native(text[prev.end:p.start]))
                and not _CLOCK_WORD.search(text[prev.start:prev.end])):
            prev.end, prev.confidence = p.end, min(prev.confidence, p.confidence)
            continue
        merged.append(p)
    return merged


def is_clock(said: str) -> bool:
    """The words name a clock time ("9:15", "6 pm", "noon", "9"), not only a day ("the 2nd")."""
    return bool(_CLOCK_WORD.search(said))


def _window(text: str, resolve: Callable) -> dict | None:
    """"9 and 11 am", "noon and 3 pm": both ends, the second's am/pm lent to the first."""
    m = _WINDOW.match(text)
    if not m or not (_CLOCK_WORD.search(m.group(1)) and _CLOCK_WORD.search(m.group(2))):
        return None
    left, right = m.group(1), m.group(2)
    half = re.search(r"\b([ap])\.?m\b", right, re.I)
    if half and not re.search(r"[ap]\.?m\b|noon|midnight", left, re.I):
        left = f"{left} {half.group(1)}m"
    a, b = resolve(left), resolve(right)
    if not a or not b or not isinstance(a["value"], str) or not isinstance(b["value"], str) or "T" not in a["value"]:
        return None
    return {"value": {"from": a["value"], "to": b["value"]}, "grain": b["grain"]}


def day_of(value) -> date | None:
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    if isinstance(value, dict):
        first = value.get("from") or value.get("to")
        return date.fromisoformat(first[:10]) if first else None
    return None


def _on_day(value: str, day: date) -> str:
    """A date-time's clock time on another day (same offset)."""
    moment = datetime.fromisoformat(value)
    return moment.replace(year=day.year, month=day.month, day=day.day).isoformat(timespec="minutes")


def _shift(value, days: int):
    def one(v: str | None) -> str | None:
        if v is None:
            return None
        if "T" in v:
            return (datetime.fromisoformat(v) + timedelta(days=days)).isoformat(timespec="minutes")
        return (date.fromisoformat(v) + timedelta(days=days)).isoformat()
    return {k: one(v) for k, v in value.items()} if isinstance(value, dict) else one(value)


def _apply_relative(found: dict, relative: str | None) -> dict:
    value = found["value"]
    if not isinstance(value, str) or "T" not in value or relative is None:
        return found
    if relative in OPEN_START:
        return {"value": {"from": value, "to": None}, "grain": found["grain"]}
    if relative in OPEN_END:
        return {"value": {"from": None, "to": value}, "grain": found["grain"]}
    return found


def _is_clock(found: dict | None) -> bool:
    return bool(found) and isinstance(found["value"], str) and "T" in found["value"]


def combine(text: str, group: list[Piece], resolve: Callable, day_hint: date | None = None) -> dict | None:
    """One slot from its pieces: ``{"pieces", "value", "grain"}`` (value None when nothing resolves). The day
    and the clock time said apart are resolved as one phrase ("<day> <clock>"); a window word applies after."""
    if not group:
        return None
    said = {id(p): text[p.start:p.end] for p in group}
    values = {id(p): _window(said[id(p)], resolve) or resolve(said[id(p)]) for p in group}
    kept = [p for p in group if values[id(p)] is not None] or group  # "after lunch": no time said
    days = [p for p in kept if values[id(p)] and not _CLOCK_WORD.search(said[id(p)])]
    clocks = [p for p in kept if _CLOCK_WORD.search(said[id(p)])]
    if not clocks:
        first = days[0] if days else kept[0]
        found = values[id(first)]
    else:
        clock = clocks[0]
        found = values[id(clock)]
        if days and found is not None:
            joined = _window(said[id(clock)], lambda c: resolve(f"{said[id(days[0])]} {c}")) or \
                resolve(f"{said[id(days[0])]} {said[id(clock)]}")
            target = day_of(values[id(days[0])]["value"])
            if joined is not None and _is_clock(joined) or (joined and isinstance(joined["value"], dict)):
                found = joined
            elif target is not None:
                found = {**found, "value": _move(found["value"], target, said[id(clock)])}
        elif day_hint is not None and found is not None:
            found = {**found, "value": _move(found["value"], day_hint, said[id(clock)])}
        if found is not None:
            found = _apply_relative(found, clock.relative)
    return {"pieces": kept, "value": found and found["value"], "grain": found and found["grain"]}


def _move(value, day: date, said: str):
    """A clock time (or window) onto the day said elsewhere, unless its own words named a day."""
    if re.search(r"[a-z]{3,}day|tomorrow|tonight|today|\d{1,2}(st|nd|rd|th)|jan|feb|mar|apr|may|jun|jul|aug|sep|"
                 r"oct|nov|dec", said, re.I) and not re.fullmatch(r"[\d:. apm]+", said, re.I):
        return value
    if isinstance(value, dict):
        return {k: v and _on_day(v, day) for k, v in value.items()}
    return _on_day(value, day)


def after_departure(ret_value, departure_value):
    """A return before the departure, moved on by weeks to the first such day after it."""
    dep, ret = day_of(departure_value), day_of(ret_value)
    if dep is None or ret is None or ret >= dep:
        return ret_value
    weeks = (dep - ret).days // 7 + (1 if (dep - ret).days % 7 else 0)
    return _shift(ret_value, 7 * weeks if weeks else 7)
