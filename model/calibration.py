"""Calibrate the served spans' confidence: the probability that a departure, destination or time span is
exactly right, fitted on held-out dialogues, with a reliability table.

    python -m model.calibration --data ../shared/data [--model DIR] [--write]

A span's raw confidence is its least confident token's probability: it ranks spans, but correct spans sit
as low as 0.005, useless as a threshold. This fits a monotone map from it to the share of spans that are
exactly right (isotonic regression by pooling adjacent violators), per slot kind (place, time). It is fitted
on the SGD-travel train dialogues the shipped recipe held out of training (``--holdout``'s share, the same
dialogues by the same hash: :func:`model.data.dialogue_split`), and its reliability table is printed once on
SGD-travel dev (mean confidence against the share right, per band, and the expected calibration error before
and after). ``--write`` stores the map in the artifact as ``calibration.json`` (JSON, tied to the model's
version: the service applies it only to that model, :mod:`engine.calibration`).
"""
from __future__ import annotations

import argparse
import json
from datetime import datetime, timezone
from pathlib import Path

from engine import load_parser
from engine.artifact import COMMITTED_DIR
from engine.calibration import CALIBRATION, Calibration, fit

from .data import dialogue_split, read_sgd, sgd_path

KINDS = {"departure": "place", "destination": "place", "time": "time"}
BANDS = (0.0, 0.2, 0.4, 0.6, 0.8, 0.9, 0.95, 1.0001)


def observations(rows: list[dict], model: Path) -> list[tuple[str, float, bool]]:
    """(kind, raw confidence, exactly right) for every served frame span of ``rows`` (SGD-travel turns)."""
    parser = load_parser(model)
    parser.calibration = None  # the raw confidences
    answers = parser.parse([r["text"] for r in rows], datetime(2026, 11, 25, tzinfo=timezone.utc))
    out = []
    for row, ans in zip(rows, answers):
        gold = {(s["slot"], s["start"], s["end"]) for s in row["spans"]}
        for slot, kind in KINDS.items():
            span = ans["slots"][slot]
            if span is not None:
                out.append((kind, span["confidence"], (slot, span["start"], span["end"]) in gold))
    return out


def held_out_train(data: Path, share: float) -> list[dict]:
    """The SGD-travel train turns of the dialogues the recipe held out of training."""
    _, held = dialogue_split(read_sgd(sgd_path(data, "train")), share)
    return [{"text": e.text, "spans": e.spans} for e in held]


def reliability(obs: list[tuple[float, bool]]) -> list[tuple[str, int, float, float]]:
    table = []
    for lo, hi in zip(BANDS, BANDS[1:]):
        inside = [(p, y) for p, y in obs if lo <= p < hi]
        if inside:
            table.append((f"{lo:.2f}-{min(hi, 1):.2f}", len(inside), sum(p for p, _ in inside) / len(inside),
                          sum(y for _, y in inside) / len(inside)))
    return table


def ece(obs: list[tuple[float, bool]]) -> float:
    return sum(n * abs(conf - right) for _, n, conf, right in reliability(obs)) / max(1, len(obs))


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--model", type=Path, default=COMMITTED_DIR)
    p.add_argument("--holdout", type=float, default=None,
                   help="share of SGD-travel train dialogues held out of training (default: the model's recipe's)")
    p.add_argument("--write", action="store_true", help="store the map in the artifact")
    args = p.parse_args(argv)
    from engine.artifact import read_config

    cfg, art, _ = read_config(args.model)
    share = args.holdout if args.holdout is not None else art.meta.get("hyperparameters", {}).get("holdout")
    if not share:
        raise SystemExit("the model held no SGD-travel train dialogues out of training: give --holdout")
    fit_obs = observations(held_out_train(args.data, share), args.model)
    dev_rows = [json.loads(line) for line in sgd_path(args.data, "dev").read_text(encoding="utf-8").splitlines()]
    dev_obs = observations(dev_rows, args.model)
    cal = Calibration({k: fit([(c, y) for kk, c, y in fit_obs if kk == k]) for k in ("place", "time")}, art.version)
    for kind in ("place", "time"):
        fitted = sum(1 for k, _, _ in fit_obs if k == kind)
        held = [(c, y) for k, c, y in dev_obs if k == kind]
        after = [(cal.apply(kind, c), y) for c, y in held]
        print(f"{kind} spans: fitted on {fitted} of the held-out train dialogues; reliability on SGD-travel dev "
              f"({len(held)} spans)")
        print(f"  {'band':11} {'spans':>6} {'mean conf':>9} {'right':>6}")
        for label, rows in (("raw", held), ("calibrated", after)):
            print(f"  {label}")
            for band, n, conf, right in reliability(rows):
                print(f"  {band:11} {n:6d} {conf:9.3f} {right:6.3f}")
        print(f"  expected calibration error: raw {ece(held):.3f}, calibrated {ece(after):.3f}")
    if args.write:
        (args.model / CALIBRATION).write_text(json.dumps(cal.to_json(), indent=1) + "\n", encoding="utf-8")
        print(f"wrote {args.model / CALIBRATION} for model {art.version}")


if __name__ == "__main__":
    main()
