"""How the served frame does on typed requests the corpora do not contain.

    python -m model.typed_probe [--model DIR] [--file tests/fixtures/typed_requests.jsonl] [--show]

The file holds requests written for this project (one JSON object per line: ``text`` and the
expected ``departure``, ``destination`` and ``time`` surface strings, or null). Each goes
through the engine's parser that ``POST /parse`` serves (``engine.Parser``), so the score is what a caller gets:
the served frame, after date/time merging. A place counts when the served span equals the
expected one (a ", ST" suffix may be left out, as in "Portland" for "Portland, ME"); a time when
one of the two spans contains the other ("next Friday" for "on next Friday"); a null when
nothing is served. The probe is small and written by the team that wrote ``model.synth``: it
checks for regressions on users' kinds of text, it is not an independent test set.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from engine.artifact import default_dir

SLOTS = ("departure", "destination", "time")
DEFAULT_FILE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "typed_requests.jsonl"


def correct(slot: str, expected: str | None, served: str | None) -> bool:
    if expected is None or served is None:
        return expected is served
    if slot == "time":
        a, b = expected.lower(), served.lower()
        return a in b or b in a
    return served == expected or served == expected.split(",")[0]


def run(model_dir: Path, path: Path, backend: str = "onnx") -> dict:
    from datetime import datetime

    from engine import load_parser

    parser = load_parser(model_dir, backend)
    reference = datetime.fromisoformat("2026-10-15T09:00:00+00:00")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    hits = {s: 0 for s in SLOTS}
    misses = []
    for row in rows:
        slots = parser.parse([row["text"]], reference)[0]["slots"]  # the body POST /parse answers
        served = {s: (slots[s]["text"] if slots[s] else None) for s in SLOTS}
        ok = {s: correct(s, row[s], served[s]) for s in SLOTS}
        for s in SLOTS:
            hits[s] += ok[s]
        if not all(ok.values()):
            misses.append({"text": row["text"], "expected": {s: row[s] for s in SLOTS}, "served": served})
    n = len(rows)
    return {"n": n, "accuracy": {s: round(100 * hits[s] / n, 1) for s in SLOTS},
            "all_three": round(100 * (n - len(misses)) / n, 1), "misses": misses}


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", type=Path, default=default_dir())
    p.add_argument("--file", type=Path, default=DEFAULT_FILE)
    p.add_argument("--backend", default="onnx")
    p.add_argument("--show", action="store_true", help="list the requests with a wrong slot")
    args = p.parse_args(argv)
    result = run(args.model, args.file, args.backend)
    acc = result["accuracy"]
    print(f"{result['n']} typed requests: departure {acc['departure']}, destination {acc['destination']}, "
          f"time {acc['time']}, all three right {result['all_three']} (%)")
    if args.show:
        for m in result["misses"]:
            print(f"{m['text']!r}\n    expected {m['expected']}\n    served   {m['served']}")
    return result


if __name__ == "__main__":
    main()
