"""Evaluate a model artifact on ATIS: slot F1 (conlleval / seqeval default mode),
intent accuracy and sentence-level frame accuracy.

    python -m model.evaluate --data ../shared/data [--model DIR] [--splits dev test] [--json]
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from .artifact import default_dir
from .data import read_atis
from .metrics import evaluate
from .predict import Predictor
from .train import atis_dir


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", type=Path, required=True, help="corpus root (holding atis/) or an ATIS split dir")
    p.add_argument("--model", type=Path, default=default_dir(), help="artifact directory")
    p.add_argument("--splits", nargs="+", default=["dev", "test"])
    p.add_argument("--json", action="store_true", help="print the full metrics as JSON")
    p.add_argument("--per-slot", action="store_true", help="also print per-slot F1")
    args = p.parse_args(argv)

    predictor = Predictor.from_dir(args.model)
    root = atis_dir(args.data)
    results = {}
    for split in args.splits:
        results[f"atis_{split}"] = evaluate(predictor, read_atis(root / split))
    if args.json:
        print(json.dumps(results, indent=2))
        return results
    print(f"model {predictor.name} ({predictor.version}) from {args.model}")
    print(f"{'set':<12}{'n':>6}{'slot F1':>10}{'intent acc':>12}{'sentence acc':>14}")
    for name, m in results.items():
        print(f"{name:<12}{m['n']:>6}{m['slot_f1']:>10.2f}{m['intent_acc']:>12.2f}{m['sentence_acc']:>14.2f}")
        if args.per_slot:
            for slot, f1 in m["per_slot_f1"].items():
                print(f"    {slot:<34}{f1:>7.2f}")
    return results


if __name__ == "__main__":
    main()
