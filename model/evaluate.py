"""Evaluate a model artifact.

ATIS: slot F1 (conlleval / seqeval default mode), intent accuracy and
sentence-level frame accuracy. SGD-travel dev (when ``--data`` holds
``sgd-travel/``): exact-span precision/recall/F1 per frame slot and an
overlap-match F1, with ``return_time`` scored on its own.

    python -m model.evaluate --data ../shared/data [--model DIR] [--splits dev test] [--json]
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from .artifact import default_dir
from .data import read_atis, read_sgd
from .metrics import evaluate, evaluate_frames
from .predict import BACKENDS, Predictor
from .train import atis_dir, sgd_path


def _show(text: str, spans: list[tuple[str, int, int]]) -> str:
    return ", ".join(f"{lab}={text[s:e]!r}" for lab, s, e in spans) or "-"


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", type=Path, required=True, help="corpus root (holding atis/) or an ATIS split dir")
    p.add_argument("--model", type=Path, default=default_dir(), help="artifact directory")
    p.add_argument("--splits", nargs="+", default=["dev", "test"])
    p.add_argument("--backend", choices=BACKENDS, default="torch",
                   help="run the network in PyTorch (the reference), ONNX Runtime, or ONNX Runtime with int8 weights")
    p.add_argument("--json", action="store_true", help="print the full metrics as JSON")
    p.add_argument("--per-slot", action="store_true", help="also print per-slot F1")
    p.add_argument("--no-sgd", action="store_true", help="skip SGD-travel dev even when present")
    p.add_argument("--errors", type=int, default=0, metavar="N", help="print N SGD-travel dev turns it got wrong")
    args = p.parse_args(argv)

    predictor = Predictor.from_dir(args.model, args.backend)
    root = atis_dir(args.data)
    results = {}
    for split in args.splits:
        results[f"atis_{split}"] = evaluate(predictor, read_atis(root / split))
    sgd_dev = sgd_path(args.data, "dev")
    if sgd_dev.is_file() and not args.no_sgd:
        errors: list = []
        results["sgd_dev"] = evaluate_frames(predictor, read_sgd(sgd_dev), errors=errors)
        for text, gold, pred in errors[: args.errors]:
            print(f"{text!r}\n    gold: {_show(text, gold)}\n    pred: {_show(text, pred)}")
    if args.json:
        print(json.dumps(results, indent=2))
        return results
    print(f"model {predictor.name} ({predictor.version}) from {args.model}, run by {predictor.backend}")
    print(f"{'set':<12}{'n':>6}{'slot F1':>10}{'intent acc':>12}{'sentence acc':>14}")
    for name, m in results.items():
        if name == "sgd_dev":
            continue
        print(f"{name:<12}{m['n']:>6}{m['slot_f1']:>10.2f}{m['intent_acc']:>12.2f}{m['sentence_acc']:>14.2f}")
        if args.per_slot:
            for slot, f1 in m["per_slot_f1"].items():
                print(f"    {slot:<34}{f1:>7.2f}")
    if "sgd_dev" in results:
        m = results["sgd_dev"]
        print(f"\nSGD-travel dev ({m['n']} turns): frame spans as annotated (a date and a time are two spans);"
              "\nserved F1: date and time merged into one span on both sides, as /parse serves them")
        print(f"{'slot':<14}{'gold':>6}{'P':>8}{'R':>8}{'exact F1':>10}{'overlap F1':>12}{'served F1':>11}")
        for slot in ("departure", "destination", "time", "micro", "return_time"):
            r = m[slot]
            served = f"{m['served'][slot]['f1']:>11.2f}" if slot in m["served"] else ""
            print(f"{slot:<14}{r.get('gold', ''):>6}{r['precision']:>8.2f}{r['recall']:>8.2f}{r['f1']:>10.2f}"
                  f"{r['overlap_f1']:>12.2f}{served}")
    return results


if __name__ == "__main__":
    main()
