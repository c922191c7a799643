"""Score the served frame on the project's travel constraints set: per slot, spans exact and values right.

    python -m model.constraints [--show] [--url http://localhost:8000] [--set tests/fixtures/constraints/requests.jsonl]

The set (``tests/fixtures/constraints/requests.jsonl``, written for this project; its README gives the
format) holds train, bus and flight requests with every constraint a traveller states: the departure's
day and clock time said together or apart, windows ("after 5", "between 9 and 11 am"), arrival
constraints ("gets in by 8:15"), returns, stations and airports by name, the mode of travel. Each request
is answered as ``POST /parse`` answers it (in-process by the engine with the committed model, or through
``--url``'s service) at the set's reference time, and per slot are printed:

* **span F1**: the answer's spans (a slot's ``pieces`` when it has several, else its one span) against
  the expected ones, matched exactly;
* **value**: the share of expected slots answered with the expected value (a place: the same city, and
  the airport first where one is expected; a time: the same ISO value or interval);
* **mode**: the share of requests answered with the expected mode (``null`` where none is said).

``--show`` prints every miss.
"""
from __future__ import annotations

import argparse
import json
import urllib.request
from collections import defaultdict
from pathlib import Path

from engine.resolve.places import fold

SET = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "constraints" / "requests.jsonl"
REFERENCE = "2026-11-25T09:00:00-05:00"
TIMEZONE = "America/New_York"
PLACE_SLOTS = ("departure", "destination")
TIME_SLOTS = ("time", "arrival_time", "return_time")
SLOTS = PLACE_SLOTS + TIME_SLOTS


def load(path: Path = SET) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def served_slot(answer: dict, slot: str) -> dict | None:
    """A slot of a /parse answer: departure, destination and time in ``slots``, the others beside them."""
    return answer["slots"].get(slot) if slot in answer["slots"] else answer.get(slot)


def spans_of(span: dict | None) -> list[str]:
    if span is None:
        return []
    return [p["text"] for p in span["pieces"]] if span.get("pieces") else [span["text"]]


def value_right(slot: str, want, span: dict | None) -> bool:
    if span is None or span.get("value") is None:
        return False
    got = span["value"]
    if slot in PLACE_SLOTS:
        city, airport = want[1], (want[2] if len(want) > 2 else None)
        if fold(got["city"]) != fold(city) and fold(got.get("station") or "") != fold(want[0]):
            return False
        return airport is None or (got["airports"] or [None])[0] == airport
    return got == want[1]


def parse_all(rows: list[dict], url: str | None) -> list[dict]:
    bodies = [{"text": r["text"], "reference_time": REFERENCE, "timezone": TIMEZONE} for r in rows]
    if url:
        out = []
        for body in bodies:
            req = urllib.request.Request(url.rstrip("/") + "/parse", json.dumps(body).encode(),
                                         {"Content-Type": "application/json"})
            with urllib.request.urlopen(req, timeout=30) as res:
                out.append(json.load(res))
        return out
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from engine import load_parser  # in-process: the engine that answers POST /parse, with the committed model
    from engine.artifact import COMMITTED_DIR

    parser = load_parser(COMMITTED_DIR)
    reference = datetime.fromisoformat(REFERENCE).astimezone(ZoneInfo(TIMEZONE))
    return [json.loads(json.dumps(parser.parse([r["text"]], reference)[0])) for r in rows]


def score(rows: list[dict], answers: list[dict], show: bool = False) -> dict:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row, ans in zip(rows, answers):
        for slot in SLOTS:
            want, span = row.get(slot), served_slot(ans, slot)
            expected = ([want[0]] if slot in PLACE_SLOTS else want[0]) if want else []
            got = spans_of(span)
            c = counts[slot]
            matched = sum(1 for e in expected if e in got)
            c["tp"] += matched
            c["expected"] += len(expected)
            c["answered"] += len(got)
            if want:
                c["values"] += 1
                right = value_right(slot, want, span)
                c["values_right"] += right
            if show and (matched != len(expected) or len(got) != len(expected) or (want and not right)):
                print(f"  {slot:12} {row['text']!r}\n{'':16}want {want}\n{'':16}got  {got} "
                      f"{span and span.get('value')}")
        mode_right = ans.get("mode") == row["mode"]
        counts["mode"]["right"] += mode_right
        counts["mode"]["n"] += 1
        if show and not mode_right:
            print(f"  {'mode':12} {row['text']!r}: want {row['mode']}, got {ans.get('mode')}")
    report = {}
    for slot in SLOTS:
        c = counts[slot]
        p = c["tp"] / c["answered"] if c["answered"] else 0.0
        r = c["tp"] / c["expected"] if c["expected"] else 0.0
        report[slot] = {"span_f1": round(100 * (2 * p * r / (p + r) if p + r else 0.0), 1),
                        "value": round(100 * c["values_right"] / c["values"], 1) if c["values"] else None,
                        "expected": c["expected"]}
    report["mode"] = round(100 * counts["mode"]["right"] / counts["mode"]["n"], 1)
    return report


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--set", type=Path, default=SET)
    p.add_argument("--url", default=None, help="score a running service instead of the committed model in-process")
    p.add_argument("--show", action="store_true", help="print every miss")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    rows = load(args.set)
    report = score(rows, parse_all(rows, args.url), args.show)
    if args.json:
        print(json.dumps(report))
        return report
    print(f"constraints set {args.set.name}: {len(rows)} requests at {REFERENCE} ({TIMEZONE})")
    print(f"  {'slot':13} {'spans':>6} {'span F1':>8} {'value':>7}")
    for slot in SLOTS:
        r = report[slot]
        value = "-" if r["value"] is None else f"{r['value']:.1f}"
        print(f"  {slot:13} {r['expected']:6d} {r['span_f1']:8.1f} {value:>7}")
    print(f"  mode right: {report['mode']:.1f}%")
    return report


if __name__ == "__main__":
    main()
