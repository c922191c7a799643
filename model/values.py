"""Score the value resolvers on the project's values set: share right per kind.

    python -m model.values [--show] [--set tests/fixtures/values/values.jsonl]
    python -m model.values --set tests/fixtures/values/values_zh.jsonl   # the Chinese set

The set (``tests/fixtures/values/values.jsonl``, written for this project before the resolvers were
changed against it) holds phrases a traveller types, each with the value expected at the reference
moment below. Kinds: ``date``, ``relative``, ``range``, ``time_of_day``, ``holiday`` (a time
phrase: ``value`` and ``grain`` as the answer's time slot carries them, ``null`` where the phrase
names no bookable day), ``place``, ``city_code``, ``typo`` (``airport``: the first airport the
answer must list) and ``non_place`` (``airport: null``: the answer must not invent a place). Rows with
``"lang": "zh"`` (``values_zh.jsonl``) are Chinese phrases, resolved as the Chinese reader resolves them
(:mod:`engine.resolve.zh_time`, :mod:`engine.resolve.zh_places`; kinds also ``airport_name``, ``station``).

``--show`` prints every miss. Resolution cost per phrase (p50 over the set, after one warm-up
pass) is printed with the scores.

``--url http://localhost:8000`` scores the set through a running service's ``POST /parse`` instead:
each phrase said in a request ("I want to fly from Boston to Denver <time>", "I want to fly from
<place> to Denver tomorrow"), the answer's time slot or departure read back -- the model's span and
the resolvers together, as a bot sees them.
"""
from __future__ import annotations

import argparse
import json
import statistics
import urllib.request
import sys
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from engine.artifact import COMMITTED_DIR, read_config
from engine.resolve.dates import resolve_time
from engine.resolve.places import PlaceIndex
from engine.resolve.zh_places import ChinesePlaces
from engine.resolve.zh_time import locale_of, resolve_zh

VALUES_SET = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "values" / "values.jsonl"
REFERENCE = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("America/New_York"))  # a Wednesday
TIME_KINDS = ("date", "relative", "range", "time_of_day", "holiday")


def load_rows(path: Path = VALUES_SET) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def known_words(artifact_dir: Path = COMMITTED_DIR) -> frozenset[str]:
    """The committed model's words: what the place index treats as ordinary words, never as typos."""
    return read_config(artifact_dir)[1].known_words()


def answer(row: dict, places: PlaceIndex, reference: datetime = REFERENCE):
    """What the resolvers answer for one row, in the row's own terms."""
    chinese = row.get("lang") == "zh"
    if row["kind"] in TIME_KINDS:
        found = resolve_zh(row["text"], reference, locale=locale_of(row["text"])) if chinese else \
            resolve_time(row["text"], reference)
        return {"value": found["value"], "grain": found["grain"]} if found else {"value": None, "grain": None}
    found = _chinese(places).resolve(row["text"]) if chinese else places.resolve(row["text"])
    return {"airport": found["airports"][0] if found and found["airports"] else None}


_zh_places: dict[int, ChinesePlaces] = {}


def _chinese(places: PlaceIndex) -> ChinesePlaces:
    if id(places) not in _zh_places:
        _zh_places[id(places)] = ChinesePlaces(places)
    return _zh_places[id(places)]


def expected(row: dict) -> dict:
    if row["kind"] in TIME_KINDS:
        return {"value": row["value"], "grain": row["grain"]}
    return {"airport": row["airport"]}


def carrier(row: dict) -> str:
    """The request a phrase is said in, through the API."""
    if row["kind"] in TIME_KINDS:
        return f"I want to fly from Boston to Denver {row['text']}"
    return f"I want to fly from {row['text']} to Denver tomorrow"


def answer_via_api(row: dict, url: str) -> dict:
    body = json.dumps({"text": carrier(row), "reference_time": REFERENCE.isoformat(),
                       "timezone": str(REFERENCE.tzinfo)}).encode()
    req = urllib.request.Request(url.rstrip("/") + "/parse", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as res:
        got = json.load(res)
    if row["kind"] in TIME_KINDS:
        slot = got["slots"]["time"]
        return {"value": slot["value"], "grain": slot["grain"]} if slot else {"value": None, "grain": None}
    place = (got["slots"]["departure"] or {}).get("value")
    return {"airport": place["airports"][0] if place and place["airports"] else None}


def score_via_api(rows: list[dict], url: str) -> tuple[dict[str, list[int]], list[tuple[dict, dict]]]:
    per_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses = []
    for row in rows:
        got = answer_via_api(row, url)
        ok = got == expected(row)
        per_kind[row["kind"]][0] += ok
        per_kind[row["kind"]][1] += 1
        if not ok:
            misses.append((row, got))
    return dict(per_kind), misses


def score(rows: list[dict], places: PlaceIndex) -> tuple[dict[str, list[int]], list[tuple[dict, dict]], list[float]]:
    """Per kind [right, total]; the misses (row, answer); the cost of each resolution in ms."""
    for row in rows:  # warm-up: first-use costs (dateparser's data, caches) are start-up work
        answer(row, places, REFERENCE.replace(minute=1))
    PlaceIndex.resolve.cache_clear()
    per_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses, costs = [], []
    for row in rows:
        t0 = time.perf_counter()
        got = answer(row, places)
        costs.append((time.perf_counter() - t0) * 1000)
        ok = got == expected(row)
        per_kind[row["kind"]][0] += ok
        per_kind[row["kind"]][1] += 1
        if not ok:
            misses.append((row, got))
    return dict(per_kind), misses, costs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--set", type=Path, default=VALUES_SET, help="a values set (JSON lines)")
    ap.add_argument("--show", action="store_true", help="print every miss")
    ap.add_argument("--url", default=None, help="score through this running service's POST /parse")
    args = ap.parse_args(argv)
    rows = load_rows(args.set)
    costs: list[float] = []
    if args.url:
        per_kind, misses = score_via_api(rows, args.url)
    else:
        per_kind, misses, costs = score(rows, PlaceIndex(known_words=known_words()))
    right = sum(r for r, _ in per_kind.values())
    how = f"through {args.url}/parse" if args.url else "resolvers in-process"
    print(f"values set {args.set.name} ({how}): reference {REFERENCE.isoformat()} ({REFERENCE.tzinfo})")
    for kind, (r, n) in per_kind.items():
        print(f"  {kind:<12} {r:>3}/{n:<3} {100 * r / n:6.1f}%")
    print(f"  {'all':<12} {right:>3}/{len(rows):<3} {100 * right / len(rows):6.1f}%")
    invented = sum(1 for row, got in misses if row["kind"] == "non_place")
    print(f"  non-places given an airport: {invented}")
    if costs:
        print(f"  cost per phrase: p50 {statistics.median(costs):.3f} ms, p99 "
              f"{sorted(costs)[int(0.99 * (len(costs) - 1))]:.3f} ms (caches cold: each phrase resolved once)")
    if args.show:
        for row, got in misses:
            print(f"  MISS {row['kind']:<12} {row['text']!r}: expected {expected(row)}, got {got}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
