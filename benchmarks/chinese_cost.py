"""What the Chinese reader costs: a Chinese answer beside an English one, memory and start-up with and without it.

    python -m benchmarks.chinese_cost [--repeats 3]

Two fresh Python processes with one thread each, side by side in one run: one loads the parser as served
(English and Chinese models, ``engine.load_parser(..., zh_model_dir=...)``), the other without the Chinese
model. Each reports its start-up (loading the parser), its resident memory after start-up, and -- the one
with Chinese -- the p50 and mean of single-utterance ``parse`` over the written Chinese requests
(``tests/fixtures/zh/travel.jsonl``) and over the English constraints set, caches cleared (cold) and again
(warm). The sides alternate ``--repeats`` times; the fastest of each is reported, and the median memory
(resident set after start-up, from /proc).
"""
from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]

SIDE = r"""
import json, statistics, sys, time
from datetime import datetime
from zoneinfo import ZoneInfo
t0 = time.perf_counter()
from engine import load_parser
from engine.artifact import COMMITTED_DIR, COMMITTED_ZH_DIR
from engine.resolve import duckling_time
from model.zh_data import unmark
chinese = sys.argv[1] == "zh"
parser = load_parser(COMMITTED_DIR, zh_model_dir=COMMITTED_ZH_DIR if chinese else None)
ref = datetime(2026, 11, 25, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
parser.parse(["warm up 11月2日到台北" if chinese else "warm up"], ref)
startup = time.perf_counter() - t0
rss = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmRSS:")) / 1024
out = {"startup_s": startup, "rss_mib": rss}
if chinese:
    sets = {"zh": [unmark(json.loads(l)["marked"])[0] for l in open(sys.argv[2], encoding="utf-8") if l.strip()],
            "en": [json.loads(l)["text"] for l in open(sys.argv[3], encoding="utf-8") if l.strip()]}
    for name, texts in sets.items():
        for temp in ("cold", "warm"):
            if temp == "cold":
                duckling_time.readings.cache_clear()
            costs = []
            for t in texts:
                s = time.perf_counter()
                parser.parse([t], ref)
                costs.append((time.perf_counter() - s) * 1000)
            out[f"{name}_{temp}_p50_ms"] = statistics.median(costs)
            out[f"{name}_{temp}_mean_ms"] = statistics.mean(costs)
print(json.dumps(out))
"""


def side(kind: str) -> dict:
    env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONPATH=str(ROOT))
    res = subprocess.run([sys.executable, "-c", SIDE, kind, str(ROOT / "tests/fixtures/zh/travel.jsonl"),
                          str(ROOT / "tests/fixtures/constraints/requests.jsonl")],
                         capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args(argv)
    runs: dict[str, list[dict]] = {"zh": [], "en": []}
    for _ in range(args.repeats):
        for kind in ("zh", "en"):
            runs[kind].append(side(kind))
    best = {k: {m: (statistics.median if m == "rss_mib" else min)(r[m] for r in v) for m in v[0]}
            for k, v in runs.items()}  # the fastest run of each; the median resident memory
    zh, en = best["zh"], best["en"]
    print(f"start-up (load the parser, first answer): with Chinese {zh['startup_s']:.2f} s, without "
          f"{en['startup_s']:.2f} s (+{zh['startup_s'] - en['startup_s']:.2f} s)")
    print(f"resident memory after start-up: with Chinese {zh['rss_mib']:.0f} MiB, without {en['rss_mib']:.0f} MiB "
          f"(+{zh['rss_mib'] - en['rss_mib']:.0f} MiB)")
    for lang, label in (("zh", "Chinese (150 written requests)"), ("en", "English (constraints set)")):
        print(f"{label}: p50 cold {zh[f'{lang}_cold_p50_ms']:.3f} ms, warm {zh[f'{lang}_warm_p50_ms']:.3f} ms; "
              f"mean cold {zh[f'{lang}_cold_mean_ms']:.3f} ms")


if __name__ == "__main__":
    main()
