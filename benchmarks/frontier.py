"""The accuracy–cost frontier: for each artifact, its held-out figures beside what one utterance costs.

    python -m benchmarks.frontier DIR [DIR ...] [--png model/comparison/frontier.png] [--repeats 3]

Accuracy is read from each artifact's ``metrics.json`` as training wrote it: span F1 on the SGD-travel train
dialogues held out of training (``holdout.sgd.micro``) and ATIS dev slot F1 -- the figures a default is
chosen by, never dev or test. Cost is measured here, side by side in one process with one thread: the
network and decoding (``Predictor.predict_batch``, no value resolution) over the constraints set's
requests, at batch 1 and batch 8, float and int8 weights; the artifacts alternate ``--repeats`` times and
the best run of each is kept (a shared machine drifts). Prints a table; ``--png`` plots micro F1 against
µs per utterance at batch 1.
"""
from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TEXTS = ROOT / "tests" / "fixtures" / "constraints" / "requests.jsonl"


def accuracy(art_dir: Path) -> dict:
    m = json.loads((art_dir / "metrics.json").read_text(encoding="utf-8"))
    cfg = json.loads((art_dir / "config.json").read_text(encoding="utf-8"))["model"]
    hyper = json.loads((art_dir / "config.json").read_text(encoding="utf-8"))["meta"]["hyperparameters"]
    return {"cell": cfg["cell"], "hidden": cfg["hidden"], "atis_dev": round(m["dev"]["slot_f1"], 2),
            "heldout_micro": m["holdout"]["sgd"]["micro"]["f1"], "distilled": bool(hyper.get("teacher")),
            "epochs": hyper.get("epochs")}


def cost_us(predictor, texts: list[str], batch: int) -> float:
    """µs per utterance over ``texts`` in batches of ``batch``."""
    t0 = time.perf_counter()
    for i in range(0, len(texts), batch):
        predictor.predict_batch(texts[i:i + batch])
    return 1e6 * (time.perf_counter() - t0) / len(texts)


def main(argv: list[str] | None = None) -> list[dict]:
    from engine.predict import Predictor

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("artifacts", nargs="+", type=Path)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--png", type=Path, default=None)
    args = ap.parse_args(argv)
    texts = [json.loads(line)["text"] for line in TEXTS.read_text(encoding="utf-8").splitlines() if line.strip()]
    preds = {(d, b): Predictor.from_dir(d, b) for d in args.artifacts for b in ("onnx", "onnx-int8")}
    for p in preds.values():
        p.predict_batch(texts[:16])  # sessions built, caches warm
    best: dict = {}
    for _ in range(args.repeats):
        for (d, b), p in preds.items():
            for batch in (1, 8):
                us = cost_us(p, texts, batch)
                best[(d, b, batch)] = min(us, best.get((d, b, batch), us))
    rows = []
    print(f"{'artifact':<34}{'cell':>5}{'units':>6}{'dist.':>6}{'epochs':>7}{'held-out':>10}{'ATIS dev':>9}"
          f"{'fp32 b1':>9}{'fp32 b8':>9}{'int8 b1':>9}{'int8 b8':>9}  (µs per utterance)")
    for d in args.artifacts:
        a = accuracy(d)
        row = {"artifact": str(d), **a, **{f"{b}_b{n}_us": round(best[(d, b, n)], 1)
                                           for b in ("onnx", "onnx-int8") for n in (1, 8)}}
        rows.append(row)
        print(f"{str(d)[-34:]:<34}{a['cell']:>5}{a['hidden']:>6}{'yes' if a['distilled'] else 'no':>6}{a['epochs']:>7}"
              f"{a['heldout_micro']:>10.2f}{a['atis_dev']:>9.2f}{row['onnx_b1_us']:>9.0f}{row['onnx_b8_us']:>9.0f}"
              f"{row['onnx-int8_b1_us']:>9.0f}{row['onnx-int8_b8_us']:>9.0f}")
    if args.png:
        plot(rows, args.png)
    return rows


def plot(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for r in rows:  # each network: its float point, a line to its int8 point, one label
        xs, y = (r["onnx_b1_us"], r["onnx-int8_b1_us"]), r["heldout_micro"]
        ax.plot(xs, (y, y), color="0.8", zorder=1)
        ax.annotate(f"{r['cell']}{r['hidden']}{' +KD' if r['distilled'] else ''}, {r['epochs']} ep",
                    (xs[0], y), xytext=(4, 4), textcoords="offset points", fontsize=7)
    for backend, marker in (("onnx", "o"), ("onnx-int8", "s")):
        ax.scatter([r[f"{backend}_b1_us"] for r in rows], [r["heldout_micro"] for r in rows], marker=marker,
                   label="float" if backend == "onnx" else "int8", zorder=2)
    ax.set(xlabel="µs per utterance, batch 1 (network and decoding, one thread)",
           ylabel="held-out SGD-travel span F1 (micro)", title="Accuracy–cost frontier (KD: distilled)")
    ax.legend(loc="lower right")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)


if __name__ == "__main__":
    main()
