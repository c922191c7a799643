"""What knowing its limits costs: a single utterance before and after the out-of-scope and language checks.

    python -m benchmarks.scope --baseline DIR [--model DIR] [--data ../shared/data] [--repeats 5]

In one process, one thread, interleaved utterance by utterance (so that both sides see the same
machine load), p50 and p99 over the ATIS test utterances and 1,000 typed SGD-travel dev turns (the
test fixtures without ``--data``) plus the project's non-English probes:

* ``baseline predict``: ``Predictor.predict`` of ``--baseline`` (e.g. the previous default model,
  ``git worktree add /tmp/prev <commit>``) on ONNX Runtime;
* ``predict + scope``: ``Predictor.predict`` of ``--model`` (its out-of-scope probability comes
  from the same intent head) plus the language check the service runs (``engine.language``);
* ``language check`` alone, and the share of texts the vocabulary fast path answered.
"""
from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def texts(data: Path | None) -> list[str]:
    """ATIS test (lowercase), the first 1,000 SGD-travel dev turns (typed), the non-English probes."""
    atis = (data / "atis" / "test" / "seq.in") if data else ROOT / "tests" / "fixtures" / "data" / "atis" / "test" / "seq.in"
    sgd = (data / "sgd-travel" / "dev.jsonl") if data else ROOT / "tests" / "fixtures" / "data" / "sgd-travel" / "dev.jsonl"
    probes = ROOT / "tests" / "fixtures" / "heldout" / "languages.jsonl"
    return (atis.read_text().splitlines() + [json.loads(line)["text"] for line in sgd.read_text().splitlines()[:1000]]
            + [json.loads(line)["text"] for line in probes.read_text().splitlines()])


def main(argv: list[str] | None = None) -> dict:
    from engine.artifact import default_dir
    from engine.language import LanguageDetector
    from engine.predict import Predictor

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--baseline", type=Path, required=True, help="artifact to compare against")
    p.add_argument("--model", type=Path, default=default_dir())
    p.add_argument("--data", type=Path, default=None)
    p.add_argument("--repeats", type=int, default=5)
    args = p.parse_args(argv)

    base, new = Predictor.from_dir(args.baseline, "onnx"), Predictor.from_dir(args.model, "onnx")
    t0 = time.perf_counter()
    language = LanguageDetector(set(new.artifact.words.items), lexicon=new.artifact.known_words())
    load_s = time.perf_counter() - t0
    sample = texts(args.data)
    for t in sample[:50]:  # warm up sessions and caches on both sides
        base.predict(t), new.predict(t)

    def timed(fn, *a) -> float:
        t = time.perf_counter()
        fn(*a)
        return time.perf_counter() - t

    def scoped(text: str) -> None:
        pred = new.predict(text)
        language.detect(text, [tok.text for tok in pred.tokens])

    times: dict[str, list[float]] = {"baseline predict": [], "predict + scope": [], "language check": []}
    fast = 0
    for r in range(args.repeats):
        for i, text in enumerate(sample):
            words = [tok.text for tok in new.predict(text).tokens]
            pair = [("baseline predict", base.predict), ("predict + scope", scoped)]
            for name, fn in (pair if (i + r) % 2 else pair[::-1]):
                times[name].append(timed(fn, text))
            times["language check"].append(timed(language.detect, text, words))
            fast += r == 0 and language.detect(text, words).confidence is None
    out = {"n": len(sample), "repeats": args.repeats, "detector_load_s": round(load_s, 2),
           "fast_path_share": round(100 * fast / len(sample), 1)}
    for name, ts in times.items():
        ts = sorted(ts)
        out[name] = {"p50_ms": round(1e3 * statistics.median(ts), 3), "p99_ms": round(1e3 * ts[int(0.99 * len(ts))], 3)}
    out["p50_added_ms"] = round(out["predict + scope"]["p50_ms"] - out["baseline predict"]["p50_ms"], 3)
    print(f"{len(sample)} utterances x {args.repeats}, one thread, interleaved; "
          f"baseline {base.name} ({base.version}), model {new.name} ({new.version})")
    for name in times:
        print(f"  {name:<18} p50 {out[name]['p50_ms']:.3f} ms   p99 {out[name]['p99_ms']:.3f} ms")
    print(f"  p50 added: {out['p50_added_ms']:+.3f} ms; vocabulary fast path on {out['fast_path_share']}% of the texts; "
          f"language models load in {out['detector_load_s']} s")
    return out


if __name__ == "__main__":
    main()
