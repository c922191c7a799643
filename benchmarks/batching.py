"""Choosing the batcher's defaults: /parse under the image's gunicorn command (2 gevent workers) for several
SLOT_MAX_BATCH x SLOT_MAX_WAIT_US settings, measured side by side in one run.

    python -m benchmarks.batching --data ../shared/data [--seconds 8] [--repeats 2]

For each setting: req/s and p50/p99 latency (wrk, ATIS test utterances) at 1, 16 and 64 connections,
and the utterances per network call the batchers reached. Runs alternate between settings per repeat.
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from .faults import free_port, start_server
from .perf import batching, stop, test_texts, wrk, write_lua

SETTINGS = [(1, 0), (8, 0), (32, 0), (64, 0), (32, 200), (32, 1000)]  # (max batch, max wait in microseconds)
CONNECTIONS = (1, 16, 64)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", type=Path, default=Path("../shared/data"))
    p.add_argument("--seconds", type=int, default=8)
    p.add_argument("--repeats", type=int, default=2)
    args = p.parse_args(argv)
    texts, _ = test_texts(args.data)
    tmp = Path(tempfile.mkdtemp(prefix="batching-"))
    script = write_lua(texts, tmp / "parse.lua")
    runs: dict = {s: {c: [] for c in CONNECTIONS} for s in SETTINGS}
    calls: dict = {}
    try:
        for r in range(args.repeats):
            for s in SETTINGS:
                port = free_port()
                proc = start_server(port, extra_env={"SLOT_MAX_BATCH": str(s[0]), "SLOT_MAX_WAIT_US": str(s[1])})
                try:
                    wrk(port, 16, 2, script)  # warm-up
                    for c in CONNECTIONS:
                        before = batching(port)
                        runs[s][c].append(wrk(port, c, args.seconds, script))
                        after = batching(port)
                        calls.setdefault((s, c), []).append((after["texts"] - before["texts"],
                                                             after["calls"] - before["calls"]))
                finally:
                    stop(proc)
                print(f"  repeat {r + 1} {s}: " + ", ".join(f"c={c} {runs[s][c][-1]['requests_per_s']:.0f}/s"
                                                           for c in CONNECTIONS), file=sys.stderr)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    out = {}
    print("max_batch max_wait_us  conns   req/s   p50 ms   p99 ms   utterances per call")
    for s in SETTINGS:
        for c in CONNECTIONS:
            texts_n, calls_n = sum(t for t, _ in calls[(s, c)]), sum(n for _, n in calls[(s, c)])
            per_call = texts_n / calls_n if calls_n else 1.0  # max batch 1: no batcher, no counts
            rs = runs[s][c]
            row = {"requests_per_s": statistics.median(x["requests_per_s"] for x in rs),
                   "p50_ms": statistics.median(x["p50_us"] for x in rs) / 1000,
                   "p99_ms": statistics.median(x["p99_us"] for x in rs) / 1000,
                   "errors": sum(x["non_2xx"] + x["socket_errors"] for x in rs)}
            row["utterances_per_call"] = per_call
            out[f"{s[0]}/{s[1]}/{c}"] = row
            print(f"{s[0]:>9} {s[1]:>11} {c:>6} {row['requests_per_s']:7.0f} {row['p50_ms']:8.2f} {row['p99_ms']:8.2f}"
                  f"   {per_call:6.2f}" + (f"   errors {row['errors']}" if row["errors"] else ""))
    Path("benchmarks/results").mkdir(parents=True, exist_ok=True)
    Path("benchmarks/results/batching.json").write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
