"""One labelled span: what the tagger finds, what fills the frame and what the answer reports."""
from __future__ import annotations

from dataclasses import dataclass

from .tokenizer import Token


@dataclass
class Span:
    """A labelled stretch of the user's text.

    ``start``/``end`` are character offsets into the text (end exclusive), ``first``/``last`` the
    token indices it covers (inclusive); ``confidence`` is the least confident token's probability;
    ``kind`` is "date", "time" or "place" for a fine ATIS entity once mapped to a frame slot
    (:mod:`engine.frame`), else None.
    """

    label: str
    start: int
    end: int
    confidence: float = 1.0
    first: int = 0
    last: int = 0
    kind: str | None = None


def tags_to_spans(tokens: list[Token], tags: list[str], probs: list[float] | None = None) -> list[Span]:
    """Spans from BIO tags; with ``probs`` (each token's tag probability) a span's confidence is its
    least confident token's. An ``I-`` tag that does not continue a span of its label starts one."""
    spans: list[Span] = []
    current: Span | None = None
    for i, (tok, tag) in enumerate(zip(tokens, tags)):
        if tag == "O":
            current = None
            continue
        prefix, label = tag.split("-", 1)
        p = 1.0 if probs is None else probs[i]
        if prefix == "I" and current is not None and current.label == label:
            current.end = max(current.end, tok.end)
            current.last = i
            current.confidence = min(current.confidence, p)
        else:
            current = Span(label, tok.start, tok.end, p, i, i)
            spans.append(current)
    return spans


def frame_span(text: str, start: int, end: int, confidence: float) -> dict:
    """A frame slot's span as the answer holds it before its value is resolved: ``text[start:end]`` and where."""
    return {"text": text[start:end], "start": start, "end": end, "confidence": confidence}
