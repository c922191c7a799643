"""The one place that maps fine slot labels to the booking frame.

Frame slots: ``departure`` (where the trip starts), ``destination`` and
``time`` (when the outbound trip happens); ``return_time`` is kept apart and
never fills ``time``.

* ``fromloc.*``                              -> departure
* ``toloc.*``                                -> destination
* ``depart_date.*``, ``depart_time.*``        -> time
* ``arrive_date.*``, ``arrive_time.*``        -> arrival_time (the frame head's label, :func:`head_slot`);
                                                a time piece of the served frame (:func:`frame_slot`)
* ``return_date.*``, ``return_time.*``        -> return_time
* the frame labels themselves map to themselves (for corpora tagged with them)

The frame head tags arrival constraints apart (``arrival_time``, learned from ATIS's ``arrive_*`` tags);
served frames take them as time pieces, and :mod:`engine.timeframe` tells an arrival constraint from the
departure time with the head's label as one of its cues. Models trained before the head had that label
never tag it.

Served frames merge adjacent date/time entities into one span ("November 2nd",
"tomorrow morning", "next friday at 9 pm"); they may be separated by at most
two connector words, or by one range word ("dec 5 to dec 9": one span, whose
value is an interval). Adjacent place entities merge too ("washington dc":
city + state). With several candidates for a slot the most confident
wins.

Annotated spans (``split=True``) follow SGD-travel's convention instead: a date
and a clock time are two spans ("March 7th" | "5:30 pm"); fine entities merge
only with their own kind (date, time or place), and spans already tagged with
frame labels (the frame head's) stay as tagged. Evaluation and the ATIS
supervision of the frame head use this form.
"""
from __future__ import annotations

from typing import Callable

from .spans import Span, tags_to_spans
from .tokenizer import Token

FRAME_SLOTS = ("departure", "destination", "time")
ALL_FRAME_LABELS = FRAME_SLOTS + ("return_time",)
ARRIVAL = "arrival_time"
HEAD_LABELS = ALL_FRAME_LABELS + (ARRIVAL,)  # what the frame head tags

_PREFIXES = {
    "fromloc": "departure",
    "toloc": "destination",
    "depart_date": "time",
    "depart_time": "time",
    "arrive_date": ARRIVAL,
    "arrive_time": ARRIVAL,
    "return_date": "return_time",
    "return_time": "return_time",
}
_MERGED = {"time", "return_time", ARRIVAL}  # slots whose pieces merge across connector words
CONNECTORS = frozenset({"at", "on", "in", "the", "of", "around", "about", "by", "this"})
RANGE_WORDS = frozenset({"to", "through", "thru", "until", "till", "-"})
MAX_GAP = 2  # connector tokens allowed between two merged pieces


def head_slot(label: str) -> str | None:
    """The frame head's label for a fine label (arrival apart: ``arrive_time.time`` -> ``arrival_time``), or
    None ("airline_name", "O", ...)."""
    if label in HEAD_LABELS:
        return label
    return _PREFIXES.get(label.split(".", 1)[0]) if "." in label else None


def frame_slot(label: str) -> str | None:
    """The served frame slot a fine or head label fills (an arrival constraint is a ``time`` piece), or None."""
    slot = head_slot(label)
    return "time" if slot == ARRIVAL else slot


def kind(label: str) -> str | None:
    """What a fine label names: "date", "time" or "place"; None for frame labels and the rest."""
    slot = frame_slot(label)
    if slot is None or label in HEAD_LABELS:
        return None
    prefix = label.split(".", 1)[0]
    return "date" if prefix.endswith("_date") else "time" if prefix.endswith("_time") else "place"


def _mergeable(a: Span, b: Span, tokens: list[Token], text: str | None = None) -> bool:
    """``b`` continues ``a``: places when adjacent with at most a comma between them
    ("washington dc", "Portland, OR"); dates and times when only connector words lie
    between them ("and" only alone)."""
    gap = [t.text for t in tokens[a.last + 1: b.first]]
    if a.label not in _MERGED:
        return not gap and (text is None or text[a.end: b.start].strip(" ,") == "")
    if gap == ["and"] or (len(gap) == 1 and gap[0] in RANGE_WORDS):
        return True  # a window or a range: "between 10 am and 2 pm", "dec 5 to dec 9"
    return len(gap) <= MAX_GAP and all(w in CONNECTORS for w in gap)


def candidates(entities: list, tokens: list[Token], text: str | None = None,
               split: bool = False, slot_of: Callable[[str], str | None] = frame_slot) -> dict[str, list[Span]]:
    """Candidate spans per frame slot (``slot_of``: the served slots, or the head's with :func:`head_slot`),
    with date/time pieces merged (``split``: only within a kind)."""
    out: dict[str, list[Span]] = {s: [] for s in HEAD_LABELS}
    for e in sorted(entities, key=lambda e: e.start):
        slot = slot_of(e.label)
        if slot is None:
            continue
        piece = Span(slot, e.start, e.end, e.confidence, e.first, e.last, kind(e.label))
        group = out[slot]
        joins = group and (not split or piece.kind is not None and group[-1].kind == piece.kind)
        if joins and _mergeable(group[-1], piece, tokens, text):
            last = group[-1]
            group[-1] = Span(slot, last.start, max(last.end, piece.end), min(last.confidence, piece.confidence),
                              last.first, piece.last, last.kind)
        else:
            group.append(piece)
    return out


def build_frame(text: str, tokens: list[Token], entities: list,
                slots: tuple[str, ...] = FRAME_SLOTS) -> dict[str, dict | None]:
    """``{slot: {"text", "start", "end", "confidence"} | None}`` for each slot in ``slots``."""
    cands = candidates(entities, tokens, text)
    frame: dict[str, dict | None] = {}
    for slot in slots:
        best = max(cands[slot], key=lambda p: p.confidence, default=None)
        frame[slot] = None if best is None else {
            "text": text[best.start: best.end], "start": best.start, "end": best.end,
            "confidence": round(best.confidence, 4),
        }
    return frame


def frame_spans(tokens: list[Token], entities: list, text: str | None = None, split: bool = False,
                slot_of: Callable[[str], str | None] = frame_slot) -> list[Span]:
    """Every frame span (not only the best per slot): date/time pieces merged as served, or with
    ``split`` as annotated (a date and a time apart, frame-head spans as tagged)."""
    return sorted((p for group in candidates(entities, tokens, text, split, slot_of).values() for p in group),
                  key=lambda p: p.start)


def frame_tags_from_fine(tokens: list[Token], fine_tags: list[str], arrival: bool = True) -> list[str]:
    """Frame-head BIO tags (departure/destination/time/return_time, and ``arrival``: arrival_time) from fine
    ATIS tags; without ``arrival`` an arrival constraint is a ``time`` span, as for the committed default.

    Used to supervise the frame head with ATIS. Spans follow SGD-travel's convention:
    a date and a clock time are two spans, and a date includes a leading "the" ("the 11th").
    """
    pieces = tags_to_spans(tokens, fine_tags)
    tags = ["O"] * len(tokens)
    for p in frame_spans(tokens, pieces, split=True, slot_of=head_slot if arrival else frame_slot):
        first = p.first
        if p.label in _MERGED and first > 0 and tokens[first - 1].text == "the" and tags[first - 1] == "O":
            first -= 1  # SGD-travel's convention: "the 11th" is the date, ATIS leaves "the" out
        for i in range(first, p.last + 1):
            tags[i] = ("B-" if i == first else "I-") + p.label
    return tags


def head_tags(arrival: bool = True) -> list[str]:
    """The frame head's BIO tag inventory; without ``arrival`` the one of models trained without that label (the
    committed default, the Chinese model)."""
    return ["O"] + [f"{p}-{s}" for s in (HEAD_LABELS if arrival else ALL_FRAME_LABELS) for p in ("B", "I")]


FRAME_TAGS = head_tags()
