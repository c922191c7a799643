"""The Chinese corpora: CrossWOZ user turns (``--data``/crosswoz) and the project's own written sets.

CrossWOZ (Zhu et al. 2020, TACL; thu-coai/CrossWOZ, Apache-2.0): Beijing taxi and metro turns with their
出发地/目的地 spans (``departure``/``destination``), and restaurant, hotel and sight turns that are not
travel. A taxi or metro ride is not a trip this service books (the English rule, :mod:`engine.mode`): those
turns teach the tagger where a ride starts and ends ("从A到B"), under their own intent
(``atis_ground_service``), which the service answers out of scope; the rest are ``out_of_scope``.

The written sets (``tests/fixtures/zh/*.jsonl``) mark spans inline: ``[11月2日](time)到[台北](destination)``.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from engine.labels import OUT_OF_SCOPE
from engine.tokenizer import tokenize

from .data import DataError, Example, spans_to_tags
from .zh_synth import BOOKING, GROUND

_MARK = re.compile(r"\[([^\]]+)\]\((departure|destination|time|return_time)\)")


def crosswoz_path(data: Path, split: str) -> Path:
    return Path(data) / "crosswoz" / f"{split}.jsonl"


def read_crosswoz(path: str | Path) -> list[Example]:
    """CrossWOZ user turns as examples: taxi/metro turns (``travel``) tagged with their spans, the rest
    out of scope with no span."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"missing corpus file: {path}")
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            text, kind = row["text"], row["kind"]
            spans = [{"slot": s["slot"], "start": s["start"], "end": s["end"]} for s in row["spans"]] \
                if kind == "travel" else []
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise DataError(f"{path} line {n}: {exc}") from exc
        tokens = tokenize(text)
        out.append(Example(text, tokens, spans_to_tags(tokens, spans), GROUND if kind == "travel" else OUT_OF_SCOPE,
                           spans, id=str(row.get("id", ""))))
    return out


def unmark(marked: str) -> tuple[str, list[dict]]:
    """``[11月2日](time)到[台北](destination)`` -> ("11月2日到台北", its spans)."""
    text, spans, pos = [], [], 0
    for m in _MARK.finditer(marked):
        text.append(marked[pos:m.start()])
        start = sum(map(len, text))
        text.append(m.group(1))
        spans.append({"slot": m.group(2), "start": start, "end": start + len(m.group(1))})
        pos = m.end()
    text.append(marked[pos:])
    return "".join(text), spans


def read_marked(path: str | Path) -> list[Example]:
    """A written set: one JSON object per line, ``{"marked", "intent"?}`` (intent: travel by default)."""
    out = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        text, spans = unmark(row["marked"])
        tokens = tokenize(text)
        out.append(Example(text, tokens, spans_to_tags(tokens, spans), row.get("intent", BOOKING), spans,
                           id=row.get("id", "")))
    return out
