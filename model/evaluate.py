"""Evaluate a model artifact, beside the CRF peer trained in the same run.

ATIS: slot F1 (conlleval / seqeval default mode), intent accuracy and sentence-level frame
accuracy. SGD-travel dev (when ``--data`` holds ``sgd-travel/``): exact-span precision/recall/F1
per frame slot and an overlap-match F1 (``return_time`` on its own), as served (a turn judged out
of scope answers no span), beside a linear-chain CRF (``model.crf_baseline``) trained here on
SGD-travel train. sgd-other dev (when present): of the clearly non-travel turns, the share
answered with a departure or destination, with any frame slot, and judged out of scope — for
the model and the CRF peer.

    python -m model.evaluate --data ../shared/data [--model DIR] [--backend onnx-int8] [--beside onnx] [--no-crf]

The network runs as served (int8 weights, ``--backend onnx-int8``, the service's default) and, beside it,
with float weights (``--beside onnx``; ``--beside none`` to skip): every set's headline figures side by side.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from engine.artifact import default_dir
from engine.frame import FRAME_SLOTS
from engine.spans import tags_to_spans

from .data import atis_dir, clearly_non_travel, other_path, read_atis, read_other, read_sgd, sgd_path
from .metrics import evaluate, evaluate_frames, out_of_scope_scores, span_scores


def _show(text: str, spans: list[tuple[str, int, int]]) -> str:
    return ", ".join(f"{lab}={text[s:e]!r}" for lab, s, e in spans) or "-"


def crf_peer(sgd_train, sgd_dev, other_dev, surface: bool) -> dict:
    """The CRF trained on SGD-travel train frame tags (``surface``: features from the words as typed,
    else from the normalised tokens): exact spans on SGD-travel dev; shares on sgd-other."""
    from .crf_baseline import CRFTagger, surface_words

    for e in sgd_train:
        e.frame_tags = e.tags
    crf = CRFTagger().fit(sgd_train, attr="frame_tags", surface=surface)

    def spans(e):
        tags = crf.predict(surface_words(e.text, e.tokens) if surface else e.words)[0]
        return [(s.label, s.start, s.end) for s in tags_to_spans(e.tokens, tags)]

    out = {}
    if sgd_dev:
        gold = [[(s["slot"], s["start"], s["end"]) for s in e.spans] for e in sgd_dev]
        out["sgd_dev"] = span_scores(gold, [spans(e) for e in sgd_dev], FRAME_SLOTS)
    if other_dev:
        labels = [{s[0] for s in spans(e)} for e in other_dev]
        n = max(1, len(labels))
        out["other_dev"] = {"n": len(labels),
                            "with_place": round(100 * sum(bool(ls & {"departure", "destination"}) for ls in labels) / n, 2),
                            "with_slot": round(100 * sum(bool(ls) for ls in labels) / n, 2), "out_of_scope": None}
    return out


def record(model_dir: Path, results: dict, backend: str) -> None:
    """Store the report in the artifact's metrics.json beside training's own figures (atomically)."""
    path = Path(model_dir) / "metrics.json"
    metrics = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    for key, value in results.items():
        metrics[key.removeprefix("atis_") if key in ("atis_dev", "atis_test") else key] = value
    metrics["evaluated_with"] = f"python -m model.evaluate --backend {backend}"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(metrics, indent=2), encoding="utf-8")
    tmp.replace(path)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", type=Path, required=True, help="corpus root (holding atis/) or an ATIS split dir")
    p.add_argument("--model", type=Path, default=default_dir(), help="artifact directory")
    p.add_argument("--splits", nargs="+", default=["dev", "test"])
    p.add_argument("--backend", choices=("onnx", "onnx-int8", "torch"), default="onnx-int8",
                   help="run the network with int8 weights (as served by default), float weights in ONNX Runtime, "
                        "or in PyTorch (the reference)")
    p.add_argument("--beside", choices=("onnx", "onnx-int8", "torch", "none"), default="onnx",
                   help="also score this backend and print the headline figures side by side (none: skip)")
    p.add_argument("--json", action="store_true", help="print the full metrics as JSON")
    p.add_argument("--per-slot", action="store_true", help="also print per-slot F1")
    p.add_argument("--no-sgd", action="store_true", help="skip SGD-travel and sgd-other dev even when present")
    p.add_argument("--no-crf", action="store_true", help="skip training the CRF peer")
    p.add_argument("--errors", type=int, default=0, metavar="N", help="print N SGD-travel dev turns it got wrong")
    p.add_argument("--record", action="store_true",
                   help="write these figures into the artifact's metrics.json (what /version reports): "
                        "done once for a shipped model")
    return p.parse_args(argv)


def load_predictor(model: Path, backend: str):
    if backend == "torch":  # the PyTorch reference (the training lab's)
        from .torch_backend import TorchPredictor

        return TorchPredictor.from_dir(model)
    from engine.predict import Predictor  # as served: the artifact's graphs, no PyTorch

    return Predictor.from_dir(model, backend)


def score_all(args: argparse.Namespace, predictor) -> dict:
    """ATIS splits; SGD-travel dev frame spans and sgd-other dev non-travel turns, with the CRF peer beside."""
    root = atis_dir(args.data)
    results = {f"atis_{split}": evaluate(predictor, read_atis(root / split)) for split in args.splits}
    sgd_dev_path, other_dev_path = sgd_path(args.data, "dev"), other_path(args.data, "dev")
    sgd_dev = read_sgd(sgd_dev_path) if sgd_dev_path.is_file() and not args.no_sgd else None
    other_dev = ([e for e in read_other(other_dev_path) if clearly_non_travel(e)]
                 if other_dev_path.is_file() and not args.no_sgd else None)
    if sgd_dev:
        errors: list = []
        results["sgd_dev"] = evaluate_frames(predictor, sgd_dev, errors=errors)
        for text, gold, pred in errors[: args.errors]:
            print(f"{text!r}\n    gold: {_show(text, gold)}\n    pred: {_show(text, pred)}")
    if other_dev:
        results["other_dev"] = out_of_scope_scores(predictor, other_dev)
    train_path = sgd_path(args.data, "train")
    if (sgd_dev or other_dev) and not args.no_crf and train_path.is_file():
        train = read_sgd(train_path)
        results["crf_typed"] = crf_peer(train, sgd_dev, other_dev, surface=True)
        results["crf_normalised"] = crf_peer(train, sgd_dev, other_dev, surface=False)
    return results


def print_atis(results: dict, per_slot: bool) -> None:
    print(f"{'set':<12}{'n':>6}{'slot F1':>10}{'intent acc':>12}{'sentence acc':>14}")
    for name, m in results.items():
        if not name.startswith("atis_"):
            continue
        print(f"{name:<12}{m['n']:>6}{m['slot_f1']:>10.2f}{m['intent_acc']:>12.2f}{m['sentence_acc']:>14.2f}")
        if per_slot:
            for slot, f1 in m["per_slot_f1"].items():
                print(f"    {slot:<34}{f1:>7.2f}")


def print_sgd(m: dict, peers: dict) -> None:
    print(f"\nSGD-travel dev ({m['n']} turns): frame spans as annotated (a date and a time are two spans);"
          "\nserved F1: date and time merged into one span on both sides, as /parse serves them;"
          "\nCRF typed / normalised: the linear-chain CRF peer trained in this run on SGD-travel train, features"
          "\nfrom the words as typed / as normalised (exact F1); lead: over the better of the two")
    print(f"{'slot':<14}{'gold':>6}{'P':>8}{'R':>8}{'exact F1':>10}{'overlap F1':>12}{'served F1':>11}"
          + (f"{'CRF typed':>11}{'CRF norm.':>11}{'lead':>7}" if peers else ""))
    for slot in ("departure", "destination", "time", "micro", "return_time"):
        r = m[slot]
        served = f"{m['served'][slot]['f1']:>11.2f}" if slot in m["served"] else f"{'':>11}"
        f1s = [p["sgd_dev"][slot]["f1"] for p in peers.values() if slot in p.get("sgd_dev", {})]
        peer = "".join(f"{f:>11.2f}" for f in f1s) + f"{r['f1'] - max(f1s):>+7.2f}" if f1s else ""
        print(f"{slot:<14}{r.get('gold', ''):>6}{r['precision']:>8.2f}{r['recall']:>8.2f}{r['f1']:>10.2f}"
              f"{r['overlap_f1']:>12.2f}{served}{peer}")


def print_other(m: dict, peers: dict) -> None:
    print(f"\nsgd-other dev, clearly non-travel turns ({m['n']}): share answered with")
    print(f"{'':<16}{'dep/dest':>10}{'any slot':>10}{'out of scope':>14}")
    print(f"{'model':<16}{m['with_place']:>9.2f}%{m['with_slot']:>9.2f}%{m['out_of_scope']:>13.2f}%")
    for name, p in peers.items():
        if "other_dev" in p:
            c = p["other_dev"]
            print(f"{name.replace('_', ' '):<16}{c['with_place']:>9.2f}%{c['with_slot']:>9.2f}%{'-':>14}")


HEADLINES = (("atis_dev", "ATIS dev slot F1", ("slot_f1",)), ("atis_test", "ATIS test slot F1", ("slot_f1",)),
             ("atis_test", "ATIS test intent acc", ("intent_acc",)),
             ("sgd_dev", "SGD-travel dev departure F1", ("departure", "f1")),
             ("sgd_dev", "SGD-travel dev destination F1", ("destination", "f1")),
             ("sgd_dev", "SGD-travel dev time F1", ("time", "f1")), ("sgd_dev", "SGD-travel dev micro F1", ("micro", "f1")),
             ("other_dev", "sgd-other dev with dep/dest %", ("with_place",)))


def headlines(results: dict) -> dict[str, float]:
    out = {}
    for key, label, path in HEADLINES:
        value = results.get(key)
        for k in path:
            value = value.get(k) if isinstance(value, dict) else None
        if value is not None:
            out[label] = value
    return out


def print_beside(name: str, results: dict, other_name: str, other: dict) -> None:
    a, b = headlines(results), headlines(other)
    print(f"\n{'side by side':<32}{name:>12}{other_name:>12}{'diff':>8}")
    for label in a:
        if label in b:
            print(f"{label:<32}{a[label]:>12.2f}{b[label]:>12.2f}{a[label] - b[label]:>+8.2f}")


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    predictor = load_predictor(args.model, args.backend)
    results = score_all(args, predictor)
    beside = None
    if args.beside not in ("none", args.backend):
        beside = score_all(argparse.Namespace(**{**vars(args), "no_crf": True, "errors": 0}),
                           load_predictor(args.model, args.beside))
    if args.record:
        record(args.model, results, args.backend)
    if args.json:
        print(json.dumps(results, indent=2))
        return results
    print(f"model {predictor.name} ({predictor.version}) from {args.model}, run by {predictor.backend}")
    print_atis(results, args.per_slot)
    peers = {k: results[k] for k in ("crf_typed", "crf_normalised") if k in results}
    if "sgd_dev" in results:
        print_sgd(results["sgd_dev"], peers)
    if "other_dev" in results:
        print_other(results["other_dev"], peers)
    if beside is not None:
        print_beside(args.backend, results, args.beside, beside)
    return results


if __name__ == "__main__":
    main()
