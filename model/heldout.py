"""Held-out sets written for the project (not in the corpora), scored on the service's answers.

    python -m model.heldout [--model DIR] [--data ../shared/data] [--show]

``tests/fixtures/heldout/`` holds three small sets, written before any model was run on them
and never used to choose a recipe:

* ``travel.jsonl`` — 50 typed travel requests with the expected departure, destination and time
  surface strings (null when absent); a slot counts when the served span's text equals the
  expected one exactly. Exact-span precision, recall and F1 per slot, beside the CRF peer
  (``model.crf_baseline``, trained here on SGD-travel train when ``--data`` is given), whose
  spans are merged into served form by the same rule (``engine.frame.build_frame``).
* ``other.jsonl`` — 50 non-travel turns (restaurants, weather, media, banking, small talk):
  the share answered with a departure or destination, with any frame slot, and out of scope.
* ``languages.jsonl`` — 24 turns in Spanish, French, German, Italian, Portuguese, Chinese,
  Japanese and Korean: the share answered with the right ``language`` and no frame slot, by the English
  model alone (the parser is loaded without the Chinese reader; Chinese is scored by ``model.zh_evaluate``).
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from engine.artifact import default_dir

SLOTS = ("departure", "destination", "time")
FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "heldout"
REFERENCE = "2026-11-25T09:00:00-05:00"


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def slot_f1(rows: list[dict], served: list[dict]) -> dict:
    """Exact-match precision/recall/F1 (percent) per slot and micro, from expected and served surface strings."""
    out, tot = {}, [0, 0, 0]
    for slot in SLOTS:
        tp = sum(r[slot] is not None and s[slot] == r[slot] for r, s in zip(rows, served))
        n_pred = sum(s[slot] is not None for s in served)
        n_gold = sum(r[slot] is not None for r in rows)
        out[slot] = _prf(tp, n_pred, n_gold)
        tot = [tot[0] + tp, tot[1] + n_pred, tot[2] + n_gold]
    out["micro"] = _prf(*tot)
    return out


def _prf(tp: int, n_pred: int, n_gold: int) -> dict:
    p = 100 * tp / n_pred if n_pred else 0.0
    r = 100 * tp / n_gold if n_gold else 0.0
    return {"precision": round(p, 1), "recall": round(r, 1), "f1": round(2 * p * r / (p + r) if p + r else 0.0, 1)}


def crf_served(texts: list[str], data: Path, surface: bool = True) -> list[dict]:
    """The CRF peer's frame on ``texts``: trained on SGD-travel train (features from the words as typed,
    or normalised), spans merged as /parse serves them."""
    from engine.frame import build_frame
    from engine.spans import tags_to_spans
    from engine.tokenizer import tokenize

    from .crf_baseline import CRFTagger, surface_words
    from .data import read_sgd, sgd_path

    train = read_sgd(sgd_path(data, "train"))
    for e in train:
        e.frame_tags = e.tags
    crf = CRFTagger().fit(train, attr="frame_tags", surface=surface)
    out = []
    for text in texts:
        tokens = tokenize(text)
        tags, _ = crf.predict(surface_words(text, tokens) if surface else [t.text for t in tokens])
        frame = build_frame(text, tokens, tags_to_spans(tokens, tags))
        out.append({s: (frame[s]["text"] if frame[s] else None) for s in SLOTS})
    return out


def run(model_dir: Path, data: Path | None = None, backend: str = "onnx") -> dict:
    from datetime import datetime

    from engine import load_parser

    parser = load_parser(model_dir, backend)
    reference = datetime.fromisoformat(REFERENCE)

    def parse(text: str) -> dict:  # the body POST /parse answers (app/api.py serialises this dict)
        return parser.parse([text], reference)[0]

    travel, other, langs = (_rows(FIXTURES / f) for f in ("travel.jsonl", "other.jsonl", "languages.jsonl"))
    answers = [parse(r["text"]) for r in travel]
    served = [{s: (a["slots"][s]["text"] if a["slots"][s] else None) for s in SLOTS} for a in answers]
    result = {"travel": {"n": len(travel), "model": slot_f1(travel, served),
                         "out_of_scope": sum(not a["in_scope"] for a in answers)},
              "misses": [{"text": r["text"], "expected": {s: r[s] for s in SLOTS}, "served": s}
                         for r, s in zip(travel, served) if any(r[k] != s[k] for k in SLOTS)]}
    if data is not None:
        for surface, name in ((True, "crf_typed"), (False, "crf_normalised")):
            result["travel"][name] = slot_f1(travel, crf_served([r["text"] for r in travel], data, surface))
    answers = [parse(r["text"]) for r in other]
    n = len(other)
    result["other"] = {
        "n": n,
        "with_place": round(100 * sum(bool(a["slots"]["departure"] or a["slots"]["destination"]) for a in answers) / n, 1),
        "with_slot": round(100 * sum(bool(any(a["slots"].values()) or a["return_time"]) for a in answers) / n, 1),
        "out_of_scope": round(100 * sum(not a["in_scope"] for a in answers) / n, 1),
        "slotted": [a["text"] for a in answers if any(a["slots"].values()) or a["return_time"]],
    }
    answers = [parse(r["text"]) for r in langs]
    right = [a["language"]["code"] == r["language"] and not any(a["slots"].values()) for r, a in zip(langs, answers)]
    result["languages"] = {"n": len(langs), "right": round(100 * sum(right) / len(langs), 1),
                           "wrong": [a["text"] for a, ok in zip(answers, right) if not ok]}
    return result


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", type=Path, default=default_dir())
    p.add_argument("--data", type=Path, default=None, help="corpus root: train the CRF peer on SGD-travel train")
    p.add_argument("--backend", default="onnx")
    p.add_argument("--show", action="store_true", help="list the travel requests with a wrong slot")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    r = run(args.model, args.data, args.backend)
    if args.json:
        print(json.dumps(r, indent=2, ensure_ascii=False))
        return r
    t = r["travel"]
    print(f"held-out typed travel requests ({t['n']}, as POST /parse answers; {t['out_of_scope']} judged out of scope): "
          "exact-span F1")
    peers = [k for k in ("crf_typed", "crf_normalised") if k in t]
    print(f"{'slot':<13}{'model P/R/F1':>20}" + "".join(f"{k.replace('_', ' ') + ' P/R/F1':>24}" for k in peers)
          + (f"{'lead':>7}" if peers else ""))
    for slot in SLOTS + ("micro",):
        m = t["model"][slot]
        line = f"{slot:<13}{m['precision']:>8}{m['recall']:>6}{m['f1']:>6}"
        for k in peers:
            c = t[k][slot]
            line += f"{c['precision']:>12}{c['recall']:>6}{c['f1']:>6}"
        if peers:
            line += f"{m['f1'] - max(t[k][slot]['f1'] for k in peers):>+7.1f}"
        print(line)
    o = r["other"]
    print(f"held-out non-travel turns ({o['n']}): dep/dest {o['with_place']}%, any slot {o['with_slot']}%, "
          f"out of scope {o['out_of_scope']}%")
    lg = r["languages"]
    print(f"non-English turns ({lg['n']}): language right and no slot {lg['right']}%")
    if args.show:
        for m in r["misses"]:
            print(f"{m['text']!r}\n    expected {m['expected']}\n    served   {m['served']}")
        for text in o["slotted"]:
            print(f"non-travel with a slot: {text!r}")
        for text in lg["wrong"]:
            print(f"language wrong or slotted: {text!r}")
    return r


if __name__ == "__main__":
    main()
