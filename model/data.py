"""Corpus readers: ATIS (seq.in/seq.out/label) and SGD-travel (JSONL character spans).

Both produce :class:`Example` objects whose tokens come from the shared
tokenizer, so training sees exactly what serving sees.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from engine.labels import OUT_OF_SCOPE
from engine.tokenizer import Token, tokenize


@dataclass
class Example:
    text: str
    tokens: list[Token]
    tags: list[str] | None  # one BIO tag per token (None: no fine labels)
    intent: str | None = None  # None where the corpus has no intent (SGD)
    spans: list[dict] = field(default_factory=list)  # gold character spans, if any
    frame_tags: list[str] | None = None  # BIO over the frame slots, for the frame head
    id: str = ""  # the corpus's turn id ("2_00091:2": dialogue 2_00091, turn 2), where it has one
    service: str = ""  # SGD's active service ("Flights_4", "Movies_1"), where it has one

    @property
    def words(self) -> list[str]:
        return [t.text for t in self.tokens]


class DataError(ValueError):
    """A corpus file is missing or malformed."""


def atis_dir(data: Path) -> Path:
    """The ATIS corpus under a ``--data`` root (or the root itself, an ATIS-format directory)."""
    return data / "atis" if (data / "atis" / "train").is_dir() else data


def sgd_path(data: Path, split: str) -> Path:
    return (data / "sgd-travel" if (data / "sgd-travel").is_dir() else data) / f"{split}.jsonl"


def other_path(data: Path, split: str) -> Path:
    return data / "sgd-other" / f"{split}.jsonl"


def _read_lines(path: Path) -> list[str]:
    if not path.is_file():
        raise DataError(f"missing corpus file: {path}")
    return path.read_text(encoding="utf-8").splitlines()


def read_atis(split_dir: str | Path) -> list[Example]:
    """Read one ATIS split directory holding ``seq.in``, ``seq.out`` and ``label``.

    The corpus is already tokenized and lowercased; the text is rebuilt by
    joining tokens with spaces and re-tokenized with the shared tokenizer,
    which must reproduce the corpus tokens exactly.
    """
    split_dir = Path(split_dir)
    seq_in = _read_lines(split_dir / "seq.in")
    seq_out = _read_lines(split_dir / "seq.out")
    labels = _read_lines(split_dir / "label")
    if not len(seq_in) == len(seq_out) == len(labels):
        raise DataError(f"{split_dir}: seq.in, seq.out and label differ in length")
    examples = []
    for n, (line, tag_line, label) in enumerate(zip(seq_in, seq_out, labels), 1):
        words, tags = line.split(), tag_line.split()
        if len(words) != len(tags):
            raise DataError(f"{split_dir}/seq.out line {n}: {len(tags)} tags for {len(words)} words")
        text = " ".join(words)
        tokens = tokenize(text)
        if [t.text for t in tokens] != words:
            raise DataError(f"{split_dir}/seq.in line {n}: tokenizer does not reproduce {words}")
        examples.append(Example(text, tokens, tags, label.strip()))
    return examples


def spans_to_tags(tokens: list[Token], spans: list[dict]) -> list[str]:
    """BIO tags for ``tokens`` from character spans ``{"slot", "start", "end"}``.

    A token belongs to a span when it overlaps it; the first such token gets
    ``B-``, the rest ``I-``. Tokens sharing offsets (e.g. "21st" -> "twenty"
    "first") continue the span.
    """
    tags = ["O"] * len(tokens)
    for span in sorted(spans, key=lambda s: s["start"]):
        inside = [i for i, t in enumerate(tokens) if t.start < span["end"] and t.end > span["start"]]
        for k, i in enumerate(inside):
            if tags[i] == "O":
                tags[i] = ("B-" if k == 0 else "I-") + span["slot"]
    return tags


def read_sgd(path: str | Path) -> list[Example]:
    """Read SGD-travel JSONL turns into examples tagged with frame labels."""
    path = Path(path)
    examples = []
    for n, line in enumerate(_read_lines(path), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            text, spans = row["text"], row["spans"]
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise DataError(f"{path} line {n}: {exc}") from exc
        tokens = tokenize(text)
        examples.append(Example(text, tokens, spans_to_tags(tokens, spans), None, spans,
                                id=str(row.get("id", "")), service=str(row.get("service", ""))))
    return examples


# SGD services next to travel: a hotel, a rental car, a ride or an attraction is not a flight, bus or
# train trip, so the service answers them out of scope too; "clearly non-travel" (the bar) excludes them
TRAVEL_ADJACENT = ("Hotels_", "RentalCars_", "RideSharing_", "Travel_")


def clearly_non_travel(e: Example) -> bool:
    return not e.service.startswith(TRAVEL_ADJACENT)


UNSUPERVISED = "-"  # a frame tag that trains nothing (not in the tag inventory: masked out of the loss)


def read_other(path: str | Path, skip_dates: bool = False) -> list[Example]:
    """Read sgd-other JSONL turns (services that are not flights, buses or trains) as out-of-scope
    examples: no frame slot anywhere (their spans are other services' slots, kept off the tags).

    ``skip_dates``: the tokens of their date and time spans ("a table on the 5th") are left
    unsupervised instead of taught as outside any slot, so that the frame head does not learn
    "a date is not a trip time" from them; the out-of-scope intent still empties such a frame.
    """
    examples = []
    for e in read_sgd(path):
        tags = ["O"] * len(e.tokens)
        if skip_dates:
            dated = [s for s in e.spans if s["slot"].endswith(("date", "time"))]
            for i, t in enumerate(e.tokens):
                if any(t.start < s["end"] and s["start"] < t.end for s in dated):
                    tags[i] = UNSUPERVISED
        e.spans, e.intent = [], OUT_OF_SCOPE
        e.frame_tags, e.tags = tags, None
        examples.append(e)
    return examples


def dialogue_split(examples: list[Example], share: float, salt: str = "holdout") -> tuple[list[Example], list[Example]]:
    """(kept, held out): about ``share`` of the dialogues held out whole, chosen by a hash of the
    dialogue id (the same dialogues in every run and corpus; no turn of a held-out dialogue trains)."""
    import hashlib

    kept, held = [], []
    for e in examples:
        dialogue = e.id.split(":", 1)[0]
        h = int.from_bytes(hashlib.sha256(f"{salt}:{dialogue}".encode()).digest()[:8], "big") / 2**64
        (held if h < share else kept).append(e)
    return kept, held
