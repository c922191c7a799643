"""In-process throughput of this checkout against a git revision, measured side by side in one run.

    python -m benchmarks.versus --before REV [--data ../shared/data] [--repeats 3] [--backends onnx onnx-int8]

Each side is a fresh Python process in its own tree (a ``git worktree`` of REV, and this checkout),
serving that tree's committed model through ``engine.predict.Predictor`` with one thread; the
sides alternate, ``--repeats`` times. Each run times ``predict_batch`` over the ATIS test
utterances (the test fixture without ``--data``) in batches of 1, 8, 64 and 256: at least 2,000
utterances or one second per batch size. Prints utterances/s per side (the best run, then all runs)
and after ÷ before: the way to tell whether a change to the predictor or its graphs paid off on a
shared machine, where absolute figures drift by ±20% between runs.
"""
from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BATCH_SIZES = (1, 8, 64, 256)


def texts(data: Path | None) -> list[str]:
    split = data / "atis" / "test" if data else ROOT / "tests" / "fixtures" / "data" / "atis" / "test"
    return (split / "seq.in").read_text(encoding="utf-8").splitlines()


def batch_rate(predictor, utterances: list[str], bs: int) -> float:
    """Utterances/s of ``predictor.predict_batch`` over ``utterances`` in batches of ``bs``: at least 2,000
    utterances or one second. (Also what ``benchmarks.perf`` reports; self-contained here, since a side runs
    in a tree that may not have this module's siblings.)"""
    chunks = [utterances[i: i + bs] for i in range(0, len(utterances) - bs + 1, bs)] or [utterances]
    n, t0 = 0, time.perf_counter()
    while n < 2000 or time.perf_counter() - t0 < 1.0:
        for c in chunks:
            predictor.predict_batch(c)
            n += len(c)
    return n / (time.perf_counter() - t0)


def one_side(backends: list[str], data: Path | None) -> dict:
    """Run in the tree being measured (its engine first on sys.path): utterances/s per backend and batch size."""
    from engine.artifact import default_dir
    from engine.predict import Predictor

    utterances = texts(data)
    out = {}
    for backend in backends:
        predictor = Predictor.from_dir(default_dir(), backend)
        predictor.predict_batch(utterances[:256])  # sessions built, caches warm
        out[backend] = {str(bs): batch_rate(predictor, utterances, bs) for bs in BATCH_SIZES}
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--before", help="git revision to compare this checkout with")
    p.add_argument("--data", type=Path, default=None, help="corpus root holding atis/test")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--backends", nargs="+", default=["onnx", "onnx-int8"])
    p.add_argument("--side", action="store_true", help="(internal) measure the tree this runs in, print JSON")
    args = p.parse_args()
    data = args.data.resolve() if args.data else None
    if args.side:
        print(json.dumps(one_side(args.backends, data)))
        return 0
    if not args.before:
        p.error("--before REV is required")
    runs: dict[str, list[dict]] = {"before": [], "after": []}
    with tempfile.TemporaryDirectory() as tmp:
        before = Path(tmp) / "before"
        subprocess.run(["git", "worktree", "add", "--detach", str(before), args.before], cwd=ROOT, check=True,
                       capture_output=True)
        try:
            for r in range(args.repeats):
                for side, root in (("before", before), ("after", ROOT)):
                    # this file, run with the measured tree first on the path (REV may not have this file)
                    cmd = [sys.executable, __file__, "--side", "--backends", *args.backends]
                    if data:
                        cmd += ["--data", str(data)]
                    env = dict(os.environ, PYTHONPATH=str(root))
                    done = subprocess.run(cmd, cwd=root, env=env, check=True, capture_output=True, text=True)
                    runs[side].append(json.loads(done.stdout.strip().splitlines()[-1]))
                    print(f"  repeat {r + 1} {side} done", file=sys.stderr)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(before)], cwd=ROOT, capture_output=True)
    print(f"utterances/s, one thread, best of {args.repeats} (all runs); {args.before} vs this checkout")
    for backend in args.backends:
        for bs in map(str, BATCH_SIZES):
            b = [run[backend][bs] for run in runs["before"]]
            a = [run[backend][bs] for run in runs["after"]]
            print(f"  {backend:10s} batch {bs:>3s}: before {max(b):7.0f} ({', '.join(f'{x:.0f}' for x in b)})  "
                  f"after {max(a):7.0f} ({', '.join(f'{x:.0f}' for x in a)})  after/before {max(a) / max(b):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
