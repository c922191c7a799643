"""The intent /parse answers on ATIS test, against ATIS's labels: what a bot sees, after the service's rules.

    python -m model.served_intents --data ../shared/data [--model DIR]

``model.evaluate`` scores the network's intent head; this scores the answer's ``intent`` (the question
intents held to the questions the text asks, taxi requests and turns with nothing of travel out of scope),
and counts the turns answered out of scope.
"""
from __future__ import annotations

import argparse
from datetime import datetime, timezone
from pathlib import Path

from engine import load_parser
from engine.artifact import COMMITTED_DIR
from engine.parser import intent_name

from .data import atis_dir


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--model", type=Path, default=COMMITTED_DIR)
    args = p.parse_args(argv)
    split = atis_dir(args.data) / "test"
    texts = (split / "seq.in").read_text(encoding="utf-8").splitlines()
    labels = (split / "label").read_text(encoding="utf-8").splitlines()
    answers = load_parser(args.model).parse(texts, datetime(2026, 11, 25, tzinfo=timezone.utc))
    right = sum(a["intent"]["name"] == intent_name(label) for a, label in zip(answers, labels))
    out = {"n": len(texts), "intent_acc": round(100 * right / len(texts), 2),
           "out_of_scope": sum(not a["in_scope"] for a in answers)}
    print(f"ATIS test, the served intent: {out['intent_acc']:.2f}% right ({right}/{len(texts)}); "
          f"{out['out_of_scope']} answered out of scope")
    return out


if __name__ == "__main__":
    main()
