"""Score the Chinese reader as ``POST /parse`` answers, in-process: per slot exact-span F1 and scope.

    python -m model.zh_evaluate [--zh model/artifacts/zh] [--data ../shared/data] [--show]

Sets:
* the project's written requests (``tests/fixtures/zh/travel.jsonl``: 150 flight, train and bus requests,
  Simplified and Traditional, typed as people type), as written, all in Simplified and all in Traditional
  (OpenCC ``s2tw``/``t2s``, character for character: the spans keep their offsets);
* the project's written non-travel turns (``tests/fixtures/zh/other.jsonl``: restaurants, hotels, sights,
  chat, taxi and metro rides): the share answered with a departure or destination;
* with ``--data``: CrossWOZ dev (never trained on or selected on): its taxi/metro turns' departure and
  destination spans as tagged (those turns are then answered out of scope, by the ride rule: scored before
  it), and its restaurant/hotel/sight turns, the share given a place.
"""
from __future__ import annotations

import argparse
import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from engine import load_parser
from engine.artifact import COMMITTED_DIR, COMMITTED_ZH_DIR
from engine.labels import OUT_OF_SCOPE

from .metrics import span_scores
from .zh_data import crosswoz_path, read_crosswoz, unmark

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "zh"
REFERENCE = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
SLOTS = ("departure", "destination", "time", "return_time")


def converted(marked: str, profile: str) -> str:
    """The marked request in the other script, character for character (the markup kept)."""
    import opencc

    out = opencc.OpenCC(profile).convert(marked)
    return out if len(out) == len(marked) else marked


def answered_spans(answer: dict) -> list[tuple[str, int, int]]:
    """The answer's spans per slot: a slot's pieces where it has several, an arrival constraint counted as time
    (the sets mark every time a traveller states as ``time``)."""
    slots = dict(answer["slots"]) | {"return_time": answer["return_time"], "arrival_time": answer.get("arrival_time")}
    out = []
    for k, v in slots.items():
        for piece in (v.get("pieces") or [v]) if v is not None else []:
            out.append(("time" if k == "arrival_time" else k, piece["start"], piece["end"]))
    return [s for s in out if s[0] in SLOTS]


def score_marked(parser, rows: list[str], show: bool = False) -> dict:
    gold, pred = [], []
    texts = [unmark(m) for m in rows]
    for (text, spans), answer in zip(texts, parser.parse([t for t, _ in texts], REFERENCE)):
        g = [(s["slot"], s["start"], s["end"]) for s in spans]
        p = answered_spans(answer)
        gold.append(g)
        pred.append(p)
        if show and sorted(g) != sorted(p):
            print(f"  MISS {text}: gold {[(s, text[a:b]) for s, a, b in g]} got {[(s, text[a:b]) for s, a, b in p]}"
                  f"{'' if answer['in_scope'] else ' (out of scope: ' + answer['out_of_scope']['reason'] + ')'}")
    return span_scores(gold, pred, SLOTS)


def with_place(parser, texts: list[str], show: bool = False) -> dict:
    answers = parser.parse(texts, REFERENCE)
    placed = [a for a in answers if a["slots"]["departure"] or a["slots"]["destination"]]
    if show:
        for a in placed:
            print(f"  PLACE {a['text']}")
    return {"n": len(texts), "with_place": round(100 * len(placed) / max(1, len(texts)), 2),
            "in_scope": round(100 * sum(a["in_scope"] for a in answers) / max(1, len(texts)), 2)}


def crosswoz_dev(parser, data: Path) -> dict:
    dev = read_crosswoz(crosswoz_path(data, "dev"))
    travel = [e for e in dev if e.intent != OUT_OF_SCOPE and e.spans]
    preds = parser.predict_batch([e.text for e in travel])
    gold = [[(s["slot"], s["start"], s["end"]) for s in e.spans] for e in travel]
    pred = [[(s.label, s.start, s.end) for s in p.slot_entities if s.label in SLOTS] for p in preds]
    other = [e.text for e in dev if e.intent == OUT_OF_SCOPE]
    return {"travel_tagger": span_scores(gold, pred, ("departure", "destination")),
            "other": with_place(parser, other)}


def summary(scores: dict) -> str:
    return " ".join(f"{k} {scores[k]['f1']:.1f}" for k in ("departure", "destination", "time", "return_time")
                    if k in scores) + f" | micro {scores['micro']['f1']:.1f}"


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--zh", type=Path, default=COMMITTED_ZH_DIR, help="the Chinese artifact")
    ap.add_argument("--backend", default="onnx", choices=("onnx", "onnx-int8"))
    ap.add_argument("--data", type=Path, default=None, help="corpus root holding crosswoz/ (dev is scored)")
    ap.add_argument("--show", action="store_true", help="print every miss")
    args = ap.parse_args(argv)
    parser = load_parser(COMMITTED_DIR, args.backend, zh_model_dir=args.zh)
    rows = [json.loads(line) for line in (FIXTURES / "travel.jsonl").read_text(encoding="utf-8").splitlines() if line]
    marked = [r["marked"] for r in rows]
    out = {"written": score_marked(parser, marked, args.show),
           "simplified": score_marked(parser, [converted(m, "t2s") for m in marked]),
           "traditional": score_marked(parser, [converted(m, "s2tw") for m in marked], args.show)}
    others = [json.loads(line) for line in (FIXTURES / "other.jsonl").read_text(encoding="utf-8").splitlines() if line]
    out["other"] = with_place(parser, [r["text"] for r in others], args.show)
    if args.data:
        out["crosswoz_dev"] = crosswoz_dev(parser, args.data)
    print(f"Chinese reader {args.zh} ({args.backend}), reference {REFERENCE.isoformat()}")
    for k in ("written", "simplified", "traditional"):
        print(f"  {k:<12} ({len(marked)} requests) exact-span F1: {summary(out[k])}")
    print(f"  non-travel   ({out['other']['n']} turns): {out['other']['with_place']}% given a place, "
          f"{out['other']['in_scope']}% in scope")
    if args.data:
        cw = out["crosswoz_dev"]
        print(f"  CrossWOZ dev taxi/metro spans (tagger): dep {cw['travel_tagger']['departure']['f1']:.1f} "
              f"dest {cw['travel_tagger']['destination']['f1']:.1f}; non-travel ({cw['other']['n']}): "
              f"{cw['other']['with_place']}% given a place")
    return out


if __name__ == "__main__":
    main()
