"""The recurrent families side by side on ATIS, with a CRF peer and a gradient plot.

    python -m model.research.compare --data ../shared/data --out model/comparison

Trains, on ATIS train with dev for early stopping (``model.train``, word
embeddings only: no char CNN, no casing feature, so the encoder is what
differs), each of Elman, Jordan, GRU and LSTM, unidirectional and
bidirectional, the bidirectional LSTM at 1, 2 and 3 layers, and Elman, Jordan
and bidirectional Jordan with Mesnil et al.'s word-context window (one word
either side); each with ``--seeds`` seeds. Every network gets the same embedding size, and its hidden
size is chosen so that its parameter count is as close as it can be to the
one-layer bidirectional LSTM's. A linear-chain CRF (``model.crf_baseline``) is
trained on the same split. Test figures are reported as mean ± std over seeds,
beside parameters, seconds per training epoch and single-utterance latency.

Writes ``results.json``, ``RESULTS.md`` (the table) and
``vanishing_gradients.png`` (the seed-1 unidirectional Elman, GRU and LSTM,
trained and at initialisation) to ``--out``. Runs ``--jobs`` trainings at a time, one torch thread each.
"""
from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import multiprocessing as mp
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import torch

from ..data import read_atis
from ..network import JointTagger, TaggerConfig
from engine.vocab import Vocab

# (label, cell, bidirectional, layers, context words either side)
FAMILIES = [
    ("Elman", "elman", False, 1, 0), ("bi-Elman", "elman", True, 1, 0),
    ("Jordan", "jordan", False, 1, 0), ("bi-Jordan", "jordan", True, 1, 0),
    ("GRU", "gru", False, 1, 0), ("bi-GRU", "gru", True, 1, 0),
    ("LSTM", "lstm", False, 1, 0), ("bi-LSTM", "lstm", True, 1, 0),
    ("bi-LSTM, 2 layers", "lstm", True, 2, 0), ("bi-LSTM, 3 layers", "lstm", True, 3, 0),
    # Mesnil et al. fed every network a window of words; their setting, with one word either side
    ("Elman, window ±1", "elman", False, 1, 1), ("Jordan, window ±1", "jordan", False, 1, 1),
    ("bi-Jordan, window ±1", "jordan", True, 1, 1),
]
GRADIENT_RUNS = ("Elman", "GRU", "LSTM")  # unidirectional, one layer: the plot's curves


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", type=Path, required=True, help="corpus root holding atis/")
    p.add_argument("--out", type=Path, default=Path("model/comparison"))
    p.add_argument("--seeds", type=int, default=3)
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--patience", type=int, default=5)
    p.add_argument("--emb-dim", type=int, default=100)
    p.add_argument("--lstm-hidden", type=int, default=100,
                   help="hidden size of the 1-layer bi-LSTM whose parameter count every network matches")
    p.add_argument("--jobs", type=int, default=2, help="trainings run at once (one torch thread each)")
    p.add_argument("--only", nargs="*", default=None, help="train only these family labels (and the CRF)")
    p.add_argument("--no-crf", action="store_true")
    p.add_argument("--latency-utterances", type=int, default=300)
    return p.parse_args(argv)


def matched_hidden(base: dict, cell: str, bidirectional: bool, layers: int, target: int,
                   context: int = 0) -> tuple[int, int]:
    """The hidden size whose parameter count is closest to ``target`` (and that count)."""
    def count(h: int) -> int:
        return JointTagger(TaggerConfig(**base, cell=cell, bidirectional=bidirectional, layers=layers,
                                        hidden=h, context=context)).num_parameters()
    lo, hi = 8, 1024
    while hi - lo > 1:  # parameter count grows with hidden size
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if count(mid) <= target else (lo, mid)
    best = min((lo, hi), key=lambda h: abs(count(h) - target))
    return best, count(best)


def predict_latencies_ms(predictor, texts: list[str], warm: int = 20) -> list[float]:
    """Milliseconds of one ``predict`` call (tokenize, encode, network, decode) per text, after ``warm`` calls."""
    for t in texts[:warm]:
        predictor.predict(t)
    times = []
    for t in texts:
        t0 = time.perf_counter()
        predictor.predict(t)
        times.append(1000 * (time.perf_counter() - t0))
    return times


def run_one(job: dict) -> dict:
    """One training run in a worker process: train, then time single-utterance prediction."""
    from .. import train as train_mod
    from ..artifact import load
    from ..torch_backend import TorchPredictor as Predictor

    torch.set_num_threads(1)
    log = Path(job["workdir"]) / f"{job['slug']}.log"
    with open(log, "w") as f, contextlib.redirect_stderr(f), contextlib.redirect_stdout(f):
        args = train_mod.options(
            job["data"], job["artifact"], cell=job["cell"], layers=job["layers"], hidden=job["hidden"],
            emb_dim=job["emb_dim"], char_filters=0, no_shape=True, context=job["context"], epochs=job["epochs"],
            patience=job["patience"], seed=job["seed"], threads=1, quiet=True, unidirectional=not job["bidirectional"])
        metrics = train_mod.train(args)
    predictor = Predictor(load(job["artifact"]))
    texts = [e.text for e in read_atis(Path(job["atis"]) / "test")][: job["latency_utterances"]]
    return {"label": job["label"], "seed": job["seed"], "parameters": metrics["training"]["parameters"],
            "hidden": job["hidden"], "seconds_per_epoch": metrics["training"]["seconds_per_epoch"],
            "epochs_run": metrics["training"]["epochs_run"], "best_epoch": metrics["training"]["best_epoch"],
            "latency_ms": statistics.median(predict_latencies_ms(predictor, texts)),
            "dev": {k: metrics["dev"][k] for k in ("slot_f1", "intent_acc", "sentence_acc")},
            "test": {k: metrics["test"][k] for k in ("slot_f1", "intent_acc", "sentence_acc")}}


def run_crf(atis: Path, n_latency: int) -> dict:
    from ..crf_baseline import CRFTagger, sentence_features
    from ..metrics import score
    from engine.tokenizer import tokenize

    train, dev, test = (read_atis(atis / s) for s in ("train", "dev", "test"))
    t0 = time.perf_counter()
    crf = CRFTagger().fit(train)
    fit_s = time.perf_counter() - t0
    out = {"label": "CRF (python-crfsuite)", "seed": 0, "parameters": None, "hidden": None,
           "fit_seconds": fit_s, "features_per_token": len(sentence_features(["a", "b", "c"])[1])}
    for name, split in (("dev", dev), ("test", test)):
        preds = [crf.predict(e.words) for e in split]
        m = score([e.tags for e in split], [p[0] for p in preds], [e.intent for e in split], [p[1] for p in preds])
        out[name] = {k: m[k] for k in ("slot_f1", "intent_acc", "sentence_acc")}
    times = []
    for e in test[:n_latency]:  # the same path as the networks': raw text in, tags out
        t0 = time.perf_counter()
        crf.predict([t.text for t in tokenize(e.text)])
        times.append(time.perf_counter() - t0)
    out["latency_ms"] = 1000 * statistics.median(times)
    return out


def mean_std(xs: list[float]) -> str:
    if len(xs) == 1:
        return f"{xs[0]:.2f}"
    return f"{statistics.mean(xs):.2f} ± {statistics.stdev(xs):.2f}"


def summarise(runs: list[dict], crf: dict | None) -> list[dict]:
    rows = []
    for label, *_ in FAMILIES:
        rs = [r for r in runs if r["label"] == label]
        if not rs:
            continue
        rows.append({"label": label, "seeds": len(rs), "hidden": rs[0]["hidden"], "parameters": rs[0]["parameters"],
                     **{f"{split}_{k}": [r[split][k] for r in rs] for split in ("dev", "test")
                        for k in ("slot_f1", "intent_acc", "sentence_acc")},
                     "seconds_per_epoch": statistics.mean(r["seconds_per_epoch"] for r in rs),
                     "epochs_run": [r["epochs_run"] for r in rs],
                     "latency_ms": statistics.median(r["latency_ms"] for r in rs)})
    if crf is not None:
        rows.append({"label": crf["label"], "seeds": 1, "hidden": None, "parameters": None,
                     **{f"{split}_{k}": [crf[split][k]] for split in ("dev", "test")
                        for k in ("slot_f1", "intent_acc", "sentence_acc")},
                     "fit_seconds": crf["fit_seconds"], "latency_ms": crf["latency_ms"]})
    return rows


def markdown_table(rows: list[dict]) -> str:
    head = ("| model | hidden | parameters | test slot F1 | test intent acc | test sentence acc | dev slot F1 "
            "| s / training epoch | ms / utterance |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
    lines = []
    for r in rows:
        cost = (f"{r['seconds_per_epoch']:.1f}" if "seconds_per_epoch" in r
                else f"{r['fit_seconds']:.0f} s to fit")
        params = f"{r['parameters']:,}" if r["parameters"] else "–"
        lines.append(f"| {r['label']} | {r['hidden'] or '–'} | {params} "
                     f"| {mean_std(r['test_slot_f1'])} | {mean_std(r['test_intent_acc'])} "
                     f"| {mean_std(r['test_sentence_acc'])} | {mean_std(r['dev_slot_f1'])} | {cost} "
                     f"| {r['latency_ms']:.2f} |")
    return head + "\n".join(lines) + "\n"


def plan_jobs(args, atis: Path, workdir: Path) -> tuple[list[dict], int]:
    """One training job per family and seed, each family's width matched to the LSTM's parameter count."""
    train = read_atis(atis / "train")
    base = {"vocab_size": len(Vocab.build(e.words for e in train)),
            "n_tags": len({t for e in train for t in e.tags}), "n_intents": len({e.intent for e in train}),
            "emb_dim": args.emb_dim}
    target = JointTagger(TaggerConfig(**base, cell="lstm", hidden=args.lstm_hidden)).num_parameters()
    families = [f for f in FAMILIES if args.only is None or f[0] in args.only]
    jobs = []
    for seed in range(1, args.seeds + 1):
        for label, cell, bi, layers, context in families:
            hidden, _ = matched_hidden(base, cell, bi, layers, target, context)
            slug = "".join(ch for ch in label if ch.isalnum() or ch == "-") + f"-s{seed}"
            jobs.append({"label": label, "cell": cell, "bidirectional": bi, "layers": layers, "hidden": hidden,
                         "context": context,
                         "seed": seed, "slug": slug, "artifact": str(workdir / slug), "workdir": str(workdir),
                         "data": str(args.data), "atis": str(atis), "emb_dim": args.emb_dim,
                         "epochs": args.epochs, "patience": args.patience,
                         "latency_utterances": args.latency_utterances})
    return jobs, target


def run_jobs(args, atis: Path, jobs: list[dict], started: float) -> tuple[list[dict], dict | None]:
    """The trainings, ``args.jobs`` at a time (and the CRF peer beside them), in the order they finish."""
    runs, crf = [], None
    with mp.get_context("spawn").Pool(args.jobs) as pool:
        crf_async = None if args.no_crf else pool.apply_async(run_crf, (atis, args.latency_utterances))
        for r in pool.imap_unordered(run_one, jobs):
            runs.append(r)
            print(f"[{len(runs)}/{len(jobs)}] {r['label']} seed {r['seed']}: test slot F1 {r['test']['slot_f1']:.2f}"
                  f", intent {r['test']['intent_acc']:.2f} ({r['epochs_run']} epochs, "
                  f"{r['seconds_per_epoch']:.1f} s/epoch, {time.perf_counter() - started:.0f} s so far)",
                  file=sys.stderr)
        if crf_async is not None:
            crf = crf_async.get()
    return runs, crf


def gradient_profiles(args, atis: Path, jobs: list[dict]) -> dict:
    """Gradient norms by distance for the first seed of ``GRADIENT_RUNS``, trained and at initialisation."""
    from ..artifact import load
    from .gradients import gradient_profile, plot_profiles

    torch.set_num_threads(1)
    test = read_atis(atis / "test")
    profiles = {}
    for label in GRADIENT_RUNS:
        job = next((j for j in jobs if j["label"] == label and j["seed"] == 1), None)
        if job is not None and any(len(e.tokens) >= 20 for e in test):
            art = load(job["artifact"])
            profiles[f"{label}, trained"] = gradient_profile(art, test, min_len=20)
            torch.manual_seed(1)  # the same network at initialisation: the architecture alone
            fresh = dataclasses.replace(art, model=JointTagger(art.model.config))
            profiles[f"{label}, at initialisation"] = gradient_profile(fresh, test, min_len=20)
    if profiles:
        plot_profiles(profiles, args.out / "vanishing_gradients.png")
    return profiles


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    from ..data import atis_dir

    started = time.perf_counter()
    atis = atis_dir(args.data)
    args.out.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="compare-"))
    jobs, target = plan_jobs(args, atis, workdir)
    print(f"{len(jobs)} trainings, {args.jobs} at a time; parameter target {target:,}; logs in {workdir}",
          file=sys.stderr)
    runs, crf = run_jobs(args, atis, jobs, started)
    profiles = gradient_profiles(args, atis, jobs)
    rows = summarise(runs, crf)
    total = time.perf_counter() - started
    result = {"command": "python -m model.research.compare " + " ".join(argv if argv is not None else sys.argv[1:]),
              "machine": {"cpus": mp.cpu_count(), "jobs": args.jobs, "torch_threads_per_job": 1,
                          "python": platform.python_version(), "torch": torch.__version__},
              "wall_seconds": total, "parameter_target": target, "rows": rows, "runs": runs,
              "crf": crf, "gradients": profiles}
    (args.out / "results.json").write_text(json.dumps(result, indent=2) + "\n")
    table = markdown_table(rows)
    (args.out / "table.md").write_text(table)
    print(table)
    print(f"done in {total / 60:.1f} min; wrote {args.out}/results.json, table.md, vanishing_gradients.png",
          file=sys.stderr)


if __name__ == "__main__":
    main()
