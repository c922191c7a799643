"""What one /parse answer costs in-process, this checkout against a git revision, side by side in one run.

    python -m benchmarks.answer_cost --before REV [--data ../shared/data] [--repeats 3]

Each side is a fresh Python process in its own tree (a ``git worktree`` of REV, and this checkout) with one
thread, answering single utterances through ``engine.load_parser(...).parse`` -- the network, the frame, the
time constraints, value resolution, the language and scope checks: everything ``POST /parse`` does but HTTP.
Utterances: the SGD-travel dev turns with spans (the constraints set without ``--data``) and the constraints
set. Each run answers every utterance once with the resolution caches cleared (cold: a phrase first heard)
and once more (warm); prints the p50 and mean per utterance, per side and the difference. The sides
alternate ``--repeats`` times; the best run of each is reported (a shared machine drifts between runs).
"""
from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CONSTRAINTS = ROOT / "tests" / "fixtures" / "constraints" / "requests.jsonl"

SIDE = r"""
import json, statistics, sys, time
sys.path.insert(0, sys.argv[1])
from datetime import datetime
from zoneinfo import ZoneInfo
from engine import load_parser
from engine.artifact import COMMITTED_DIR
from engine.resolve import dates, duckling_time
texts = json.load(open(sys.argv[2]))
parser = load_parser(COMMITTED_DIR)
ref = datetime(2026, 11, 25, 9, tzinfo=ZoneInfo("America/New_York"))
duckling_time.warm_up()
for t in texts[:50]:
    parser.parse([t], ref)
out = {}
for label in ("cold", "warm"):
    if label == "cold":
        dates._resolve.cache_clear(); duckling_time.readings.cache_clear(); parser.places.resolve.cache_clear()
    took = []
    for t in texts:
        t0 = time.perf_counter()
        parser.parse([t], ref)
        took.append(1000 * (time.perf_counter() - t0))
    out[label] = {"p50_ms": statistics.median(took), "mean_ms": statistics.fmean(took)}
print(json.dumps(out))
"""


def utterances(data: Path | None) -> list[str]:
    texts = [json.loads(line)["text"] for line in CONSTRAINTS.read_text(encoding="utf-8").splitlines()]
    if data:
        sgd = data / "sgd-travel" / "dev.jsonl"
        texts += [r["text"] for r in map(json.loads, sgd.read_text(encoding="utf-8").splitlines()) if r["spans"]]
    return texts


def run_side(tree: Path, texts_file: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", SIDE, str(tree), str(texts_file)], capture_output=True, text=True,
                          cwd=tree, timeout=3600)
    if done.returncode:
        raise RuntimeError(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--before", required=True)
    p.add_argument("--data", type=Path, default=None)
    p.add_argument("--repeats", type=int, default=3)
    args = p.parse_args(argv)
    texts = utterances(args.data)
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "before"
        subprocess.run(["git", "worktree", "add", "--detach", "-q", str(tree), args.before], cwd=ROOT, check=True)
        try:
            texts_file = Path(tmp) / "texts.json"
            texts_file.write_text(json.dumps(texts))
            runs: dict[str, list[dict]] = {"before": [], "after": []}
            for _ in range(args.repeats):
                runs["before"].append(run_side(tree, texts_file))
                runs["after"].append(run_side(ROOT, texts_file))
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False)
    report = {"utterances": len(texts), "before": args.before}
    print(f"{len(texts)} utterances, one at a time, in-process (best of {args.repeats} alternating runs per side)")
    for label in ("cold", "warm"):
        best = {side: min(r[label]["p50_ms"] for r in runs[side]) for side in runs}
        means = {side: min(r[label]["mean_ms"] for r in runs[side]) for side in runs}
        report[label] = {"p50_before_ms": round(best["before"], 3), "p50_after_ms": round(best["after"], 3),
                         "mean_before_ms": round(means["before"], 3), "mean_after_ms": round(means["after"], 3)}
        print(f"  {label}: p50 {best['before']:.3f} -> {best['after']:.3f} ms ({best['after'] - best['before']:+.3f}), "
              f"mean {means['before']:.3f} -> {means['after']:.3f} ms")
    print(json.dumps(report))
    return report


if __name__ == "__main__":
    main()
