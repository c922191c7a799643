"""What value resolution adds to a /parse call, measured side by side in one run.

    python -m benchmarks.resolution [--data ../shared/data] [--repeat 3]

Times, per utterance: the model call (tokenize, network, decode), building the frame
without values, and resolving the values (dates and airports) with caches cold (first
sight of each phrase) and warm; per span without any cache (p50, p99; Duckling's own
cache cleared too); and the start-up costs: the airport index, Duckling's load in a
process (what each gunicorn worker pays in post_fork). Utterances: the SGD-travel dev
turns that have spans when --data is given, else the small built-in list.
"""
from __future__ import annotations

import argparse
import statistics
import time
from datetime import datetime, timedelta, timezone

from engine.artifact import default_dir
from engine.parser import Parser
from engine.predict import Predictor
from engine.resolve import dates, duckling_time
from engine.resolve.places import PlaceIndex

BUILT_IN = [
    "leave Taipei on November 2nd", "fly from boston to denver tomorrow morning",
    "I'm leaving on the 11th from Portland, OR to Seattle, WA.", "next friday at 9 pm from NYC to LA",
    "I need a flight on the 11th of this month from SD to Ciudad de Mexico.", "Paris, France to London on March 10th",
    "show me flights from dallas to baltimore on june fourteenth", "day after tomorrow from Chicago to Atlanta",
]


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", default=None)
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args(argv)
    texts = BUILT_IN
    if args.data:
        from model.data import read_sgd
        from model.data import sgd_path
        from pathlib import Path
        texts = [e.text for e in read_sgd(sgd_path(Path(args.data), "dev")) if e.spans]
    t0 = time.perf_counter()
    duckling_time.warm_up()
    duckling_ms = 1000 * (time.perf_counter() - t0)
    predictor = Predictor.from_dir(default_dir())
    t0 = time.perf_counter()
    places = PlaceIndex(known_words=predictor.artifact.known_words())
    index_ms = 1000 * (time.perf_counter() - t0)
    parser = Parser(predictor, places)
    ref = datetime(2026, 10, 15, 9, 0, tzinfo=timezone(timedelta(hours=8)))
    preds = [parser.predictor.predict(t) for t in texts[:20]]  # warm-up
    model_ms, frame_ms, cold_ms, warm_ms, uncached_ms, span_ms = [], [], [], [], [], []
    for _ in range(args.repeat):
        dates._resolve.cache_clear()
        duckling_time.readings.cache_clear()
        places.resolve.cache_clear()
        t0 = time.perf_counter()
        preds = [parser.predictor.predict(t) for t in texts]
        model_ms.append(1000 * (time.perf_counter() - t0) / len(texts))
        frames = []
        t0 = time.perf_counter()
        for pr in preds:
            frames.append(parser.frame(pr, None))
        frame_ms.append(1000 * (time.perf_counter() - t0) / len(texts))
        for bucket in (cold_ms, warm_ms):
            t0 = time.perf_counter()
            for fr in frames:
                for slot, span in fr.items():
                    if span is not None:
                        parser.slot(slot, span, ref)
            bucket.append(1000 * (time.perf_counter() - t0) / len(texts))
        duckling_time.readings.cache_clear()
        total = 0.0
        for fr in frames:  # no cache at all: every phrase parsed from scratch
            for slot, span in fr.items():
                if span is not None:
                    t0 = time.perf_counter()
                    if slot in ("departure", "destination"):
                        places.resolve.__wrapped__(places, span["text"])
                    else:
                        duckling_time.readings.cache_clear()
                        dates._resolve.__wrapped__(span["text"], ref)
                    span_ms.append(1000 * (time.perf_counter() - t0))
                    total += span_ms[-1]
        uncached_ms.append(total / len(texts))
    med = statistics.median
    print(f"{len(texts)} utterances, median of {args.repeat} runs, ms per utterance (1 torch thread)")
    print(f"  Duckling's load in this process (each worker, post_fork): {duckling_ms:.1f} ms")
    print(f"  airport index build (once at start-up): {index_ms:.1f} ms")
    ordered = sorted(span_ms)
    print(f"  one span, no caching ({len(span_ms)} spans): p50 {med(span_ms):.3f} ms, "
          f"p99 {ordered[int(0.99 * (len(ordered) - 1))]:.3f} ms")
    print(f"  model call (tokenize + network + decode): {med(model_ms):.3f}")
    print(f"  frame building:                           {med(frame_ms):.3f}")
    print(f"  value resolution, caches just cleared:    {med(cold_ms):.3f}  "
          f"({100 * med(cold_ms) / med(model_ms):.1f}% of the model call)")
    print(f"  value resolution, no caching:             {med(uncached_ms):.3f}  "
          f"({100 * med(uncached_ms) / med(model_ms):.1f}% of the model call)")
    print(f"  value resolution, caches warm:            {med(warm_ms):.3f}  "
          f"({100 * med(warm_ms) / med(model_ms):.1f}% of the model call)")


if __name__ == "__main__":
    main()
