"""The figures the papers report: conlleval-style slot F1 (seqeval's default
mode), intent accuracy and sentence-level frame accuracy (every tag and the
intent right)."""
from __future__ import annotations

from seqeval.metrics import classification_report, f1_score

from .data import Example
from .predict import Predictor


def score(gold_tags: list[list[str]], pred_tags: list[list[str]],
          gold_intents: list[str] | None = None, pred_intents: list[str] | None = None) -> dict:
    """Slot F1 (percent), per-slot F1, and with intents, intent and sentence accuracy."""
    n = len(gold_tags)
    out: dict = {"n": n, "slot_f1": 100 * f1_score(gold_tags, pred_tags)}
    report = classification_report(gold_tags, pred_tags, output_dict=True, zero_division=0)
    out["per_slot_f1"] = {k: round(100 * v["f1-score"], 2) for k, v in sorted(report.items())
                          if isinstance(v, dict) and "avg" not in k}
    if gold_intents is not None and pred_intents is not None:
        intent_ok = [g == p for g, p in zip(gold_intents, pred_intents)]
        out["intent_acc"] = 100 * sum(intent_ok) / max(1, n)
        sent_ok = [i and g == p for i, g, p in zip(intent_ok, gold_tags, pred_tags)]
        out["sentence_acc"] = 100 * sum(sent_ok) / max(1, n)
    return out


def evaluate(predictor: Predictor, examples: list[Example], batch_size: int = 256) -> dict:
    """Run ``predictor`` on each example's text through the serving path and score it."""
    preds = []
    for i in range(0, len(examples), batch_size):
        preds += predictor.predict_batch([e.text for e in examples[i: i + batch_size]])
    for e, p in zip(examples, preds):
        if [t.text for t in p.tokens] != e.words:  # the serving tokenizer must see what training saw
            raise ValueError(f"tokenization mismatch on {e.text!r}")
    gold_int = [e.intent for e in examples] if all(e.intent is not None for e in examples) else None
    return score([e.tags for e in examples], [p.tags for p in preds],
                 gold_int, [p.intent for p in preds] if gold_int else None)


def headline(m: dict) -> str:
    parts = [f"slot F1 {m['slot_f1']:.2f}"]
    if "intent_acc" in m:
        parts += [f"intent acc {m['intent_acc']:.2f}", f"sentence acc {m['sentence_acc']:.2f}"]
    return ", ".join(parts)
