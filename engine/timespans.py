"""Time expressions the tagger cuts short or never saw, completed from the text before values are resolved.

The tagger learned time spans from ATIS and SGD-travel, where holidays and counted offsets are rare:
it misses "christmas" and "in two weeks", tags only "today" in "a week from today", and only one end
of "between the 2nd and the 6th of january". Rules, on the text (no second model):

* a holiday name ("christmas", "new year's eve", "memorial day", ...) or a counted offset ("in two
  weeks", "a week from friday", "3 days from now") is a time expression; where it overlaps or
  touches the tagged time span, the span grows to cover it; where no time span was tagged, it
  becomes the time span (``return_time`` when "return", "back" or "returning" is said just before);
* a clock time said in words ("half past two", "quarter to eight", "ten past six": ``timeframe.SPOKEN_CLOCK``)
  is one the same way, and a place the tagger found inside it is none ("quarter to" + "eight"); so is a clock time
  in digits where the frame head tagged nothing at all ("the 8:05 from Paddington": an aircraft to the tagger;
  where it tagged other spans, leaving a clock time out is its reading: "2:25 am is too early");
* a range word and a day on the far side of a tagged span ("the 2nd" + " and the 6th of january",
  "the 5th through " + "the 12th of december") joins the span, so the value is the range.

A found expression never takes text the tagger gave to a place, except the tail of a place span
that runs into a holiday's name ("Denver memorial" + "day": the place ends before "memorial"). Spans found here carry confidence
1.0 (as Duckling's entities do in Rasa); a grown span keeps the tagger's confidence.
"""
from __future__ import annotations

import re

from .resolve.dates import MONTH_PATTERN, WEEKDAY_PATTERN, WEEKDAYS
from .spans import frame_span
from .timeframe import SPOKEN_CLOCK

_COUNT = r"(?:\d{1,2}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|a couple of|a few)"
_DAYWORD = "|".join(sorted(list(WEEKDAYS) + ["today", "tomorrow", "now", "tonight"], key=len, reverse=True))
HOLIDAYS = (r"christmas(?: eve| day)?|xmas(?: eve)?|new year'?s(?: eve| day)?|thanksgiving(?: day)?|"
            r"valentine'?s day|halloween|easter(?: sunday| monday)?|memorial day|labou?r day|mother'?s day|"
            r"father'?s day|independence day|(?:the )?fourth of july|veterans day|boxing day|"
            r"(?:st\.?|saint) patrick'?s day|presidents'? day|president'?s day|mlk day|"
            r"martin luther king(?: jr\.?)? day|columbus day")
_OFFSET = (rf"(?:(?:in|within) {_COUNT} (?:days?|weeks?|months?)(?: time)?|"
           rf"{_COUNT} (?:days?|weeks?|months?) (?:from|after) (?:{_DAYWORD}|{HOLIDAYS}))")
EXPRESSION = re.compile(rf"\b(?:(?:the )?(?:day|week) (?:before|after) )?(?:{HOLIDAYS}|{_OFFSET})\b", re.I)
_DAY = (rf"(?:the )?\d{{1,2}}(?:st|nd|rd|th)?(?: of)?(?: (?:{MONTH_PATTERN})\.?)?|"
        rf"(?:{MONTH_PATTERN})\.? \d{{1,2}}(?:st|nd|rd|th)?|(?:{WEEKDAY_PATTERN})")
_AFTER = re.compile(rf"\s*(?:and|to|through|thru|until|till|-)\s+(?:{_DAY})\b", re.I)
_BEFORE = re.compile(rf"\b(?:{_DAY})\s*(?:and|to|through|thru|until|till|-)\s*(?:the\s+)?$", re.I)
DIGIT_CLOCK = re.compile(r"\b(?:[01]?\d|2[0-3])[:.][0-5]\d(?:\s*[ap]\.?m\b\.?)?(?![\d/])")
_RETURN = re.compile(r"\b(return(?:ing)?|back|come back|coming back)\b[\w\s']{0,12}$", re.I)


def _free(start: int, end: int, taken: list[dict]) -> bool:
    return all(end <= t["start"] or start >= t["end"] for t in taken)


def _grow_range(text: str, span: dict, taken: list[dict]) -> dict:
    """A tagged day with a range word and a day beside it: the span covers the range."""
    start, end = span["start"], span["end"]
    if (m := _AFTER.match(text, end)) and _free(end, m.end(), taken):
        end = m.end()
    if (m := _BEFORE.search(text[:start])) and _free(m.start(), start, taken):
        start = m.start()
    return span if (start, end) == (span["start"], span["end"]) else frame_span(text, start, end, span["confidence"])


def complete(text: str, frame: dict[str, dict | None], digit_clocks: bool = False) -> None:
    """Grow or add the frame's ``time`` / ``return_time`` spans in place (see the module's rules); with
    ``digit_clocks``, a clock time in digits is one of the expressions found (the frame head tagged nothing)."""
    places = [frame[s] for s in ("departure", "destination") if frame.get(s)]
    for slot in ("time", "return_time"):
        if frame.get(slot):
            frame[slot] = _grow_range(text, frame[slot], places + [frame[o] for o in ("time", "return_time")
                                                                    if o != slot and frame.get(o)])
    clocks = list(DIGIT_CLOCK.finditer(text)) if digit_clocks and not frame.get("time") else []
    found = sorted([*EXPRESSION.finditer(text), *SPOKEN_CLOCK.finditer(text), *clocks], key=lambda m: m.start())
    for m in found:
        start, end = m.start(), m.end()
        for slot in ("departure", "destination"):  # "Denver memorial" + "day": a holiday ends no city's name
            place = frame.get(slot)
            if place and place["start"] < start < place["end"] and text[place["start"]:start].strip():
                cut = place["start"] + len(text[place["start"]:start].rstrip())
                frame[slot] = frame_span(text, place["start"], cut, place["confidence"])
            elif place and start <= place["start"] and place["end"] <= end:
                frame[slot] = None  # "quarter to" + "eight": an hour is no place
        places = [frame[s] for s in ("departure", "destination") if frame.get(s)]
        if not _free(start, end, places):
            continue
        for slot in ("time", "return_time"):
            span = frame.get(slot)
            if span and span["start"] <= end and start <= span["end"]:  # overlaps or touches: grow it
                lo, hi = min(start, span["start"]), max(end, span["end"])
                frame[slot] = frame_span(text, lo, hi, span["confidence"])
                break
        else:
            slot = "return_time" if _RETURN.search(text[:start]) else "time"
            if frame.get(slot) is None:
                frame[slot] = frame_span(text, start, end, 1.0)


