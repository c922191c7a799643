"""Calibrate the served spans' confidence: the probability that a departure, destination or time span is
exactly right, fitted on held-out dialogues, with a reliability table.

    python -m model.calibration --data ../shared/data [--model DIR] [--write]

A span's raw confidence is its least confident token's probability: it ranks spans, but correct spans sit
as low as 0.005, useless as a threshold. This fits a monotone map from it to the share of spans that are
exactly right (isotonic regression by pooling adjacent violators), per slot kind (place, time), on the
SGD-travel dev turns -- dialogues held out of training -- split by dialogue: the map is fitted on one half and
its reliability table printed for the other half (mean confidence against the share right, per band, and
the expected calibration error before and after). ``--write`` stores the map fitted on all of dev in the
artifact as ``calibration.json`` (JSON, tied to the model's version: the service applies it only to that
model, :mod:`engine.calibration`).
"""
from __future__ import annotations

import argparse
import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path

from engine import load_parser
from engine.artifact import COMMITTED_DIR
from engine.calibration import CALIBRATION, Calibration, fit

KINDS = {"departure": "place", "destination": "place", "time": "time"}
BANDS = (0.0, 0.2, 0.4, 0.6, 0.8, 0.9, 0.95, 1.0001)


def observations(data: Path, model: Path) -> list[tuple[str, str, float, bool]]:
    """(dialogue, kind, raw confidence, exactly right) for every served frame span on SGD-travel dev."""
    rows = [json.loads(line) for line in (data / "sgd-travel" / "dev.jsonl").read_text(encoding="utf-8").splitlines()]
    parser = load_parser(model)
    parser.calibration = None  # the raw confidences
    answers = parser.parse([r["text"] for r in rows], datetime(2026, 11, 25, tzinfo=timezone.utc))
    out = []
    for row, ans in zip(rows, answers):
        gold = {(s["slot"], s["start"], s["end"]) for s in row["spans"]}
        for slot, kind in KINDS.items():
            span = ans["slots"][slot]
            if span is not None:
                out.append((row["id"].split(":")[0], kind, span["confidence"], (slot, span["start"], span["end"]) in gold))
    return out


def half(dialogue: str) -> int:
    return hashlib.sha256(dialogue.encode()).digest()[0] % 2


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
    p.add_argument("--write", action="store_true", help="store the map fitted on all of dev in the artifact")
    args = p.parse_args(argv)
    obs = observations(args.data, args.model)
    for kind in ("place", "time"):
        fit_on = [(c, y) for d, k, c, y in obs if k == kind and half(d) == 0]
        held = [(c, y) for d, k, c, y in obs if k == kind and half(d) == 1]
        cal = Calibration({kind: fit(fit_on)}, "")
        after = [(cal.apply(kind, c), y) for c, y in held]
        print(f"{kind} spans: fitted on {len(fit_on)}, reliability on the other {len(held)} (held-out dialogues)")
        print(f"  {'band':11} {'spans':>6} {'raw conf':>9} {'right':>6}   |   {'calibrated':>10} {'right':>6}")
        raw_t, cal_t = reliability(held), {b: (n, c, r) for b, n, c, r in reliability(after)}
        for band, n, conf, right in raw_t:
            print(f"  {band:11} {n:6d} {conf:9.3f} {right:6.3f}")
        for band, (n, conf, right) in cal_t.items():
            print(f"  {'':11} {'':6} {'':9} {'':6}   |   {band:>10} {n:5d} {conf:6.3f}->{right:.3f}")
        print(f"  expected calibration error: raw {ece(held):.3f}, calibrated {ece(after):.3f}")
    if args.write:
        from engine.artifact import read_config

        version = read_config(args.model)[1].version
        cal = Calibration({k: fit([(c, y) for _, kk, c, y in obs if kk == k]) for k in ("place", "time")}, version)
        (args.model / CALIBRATION).write_text(json.dumps(cal.to_json(), indent=1) + "\n", encoding="utf-8")
        print(f"wrote {args.model / CALIBRATION} for model {version}")


if __name__ == "__main__":
    main()
