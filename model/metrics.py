"""The figures the papers report: conlleval-style slot F1 (seqeval's default
mode), intent accuracy and sentence-level frame accuracy (every tag and the
intent right)."""
from __future__ import annotations

from seqeval.metrics import classification_report, f1_score

from engine.frame import FRAME_SLOTS, frame_spans
from engine.predict import Prediction, Predictor
from engine.spans import Span

from .data import Example


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


def predict_all(predictor: Predictor, examples: list[Example], batch_size: int = 256) -> list[Prediction]:
    """The serving path's predictions for each example's text, in batches."""
    preds: list[Prediction] = []
    for i in range(0, len(examples), batch_size):
        preds += predictor.predict_batch([e.text for e in examples[i: i + batch_size]])
    return preds


def evaluate(predictor: Predictor, examples: list[Example], batch_size: int = 256) -> dict:
    """Run ``predictor`` on each example's text through the serving path and score it."""
    preds = predict_all(predictor, examples, batch_size)
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


def _prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = 100 * tp / n_pred if n_pred else 0.0
    r = 100 * tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def span_scores(gold: list[list[tuple[str, int, int]]], pred: list[list[tuple[str, int, int]]],
                slots: tuple[str, ...]) -> dict:
    """Exact-span and overlap-match precision/recall/F1 per slot, and micro over ``slots``.

    A predicted span counts (exact) when its slot, start and end equal a gold span's; for the
    overlap figure it counts when it overlaps a not yet matched gold span of the same slot.
    A span predicted with the wrong slot is a false positive for that slot and leaves the gold
    span unfound (e.g. a return date predicted as ``time``).
    """
    out: dict = {}
    totals = {"tp": 0, "otp": 0, "pred": 0, "gold": 0}
    for slot in slots:
        tp = otp = n_pred = n_gold = 0
        for g_all, p_all in zip(gold, pred):
            g = [(s, e) for lab, s, e in g_all if lab == slot]
            p = [(s, e) for lab, s, e in p_all if lab == slot]
            n_gold, n_pred = n_gold + len(g), n_pred + len(p)
            tp += len(set(g) & set(p))
            unmatched = list(g)
            for ps, pe in p:
                hit = next((x for x in unmatched if x[0] < pe and ps < x[1]), None)
                if hit is not None:
                    unmatched.remove(hit)
                    otp += 1
        p_, r_, f_ = _prf(tp, n_pred, n_gold)
        out[slot] = {"precision": round(p_, 2), "recall": round(r_, 2), "f1": round(f_, 2),
                     "overlap_f1": round(_prf(otp, n_pred, n_gold)[2], 2), "gold": n_gold, "predicted": n_pred}
        for k, v in (("tp", tp), ("otp", otp), ("pred", n_pred), ("gold", n_gold)):
            totals[k] += v
    p_, r_, f_ = _prf(totals["tp"], totals["pred"], totals["gold"])
    out["micro"] = {"precision": round(p_, 2), "recall": round(r_, 2), "f1": round(f_, 2),
                    "overlap_f1": round(_prf(totals["otp"], totals["pred"], totals["gold"])[2], 2)}
    return out


def out_of_scope_scores(predictor: Predictor, examples: list[Example], batch_size: int = 256) -> dict:
    """On turns that hold no frame slot (sgd-other): the share (percent) answered with a departure or
    destination, with any frame slot (return_time included), and judged out of scope — the frame as
    served (:meth:`engine.predict.Prediction.served_entities`: empty when judged out of scope)."""
    preds = predict_all(predictor, examples, batch_size)
    place = slot = oos = 0
    for p in preds:
        labels = {s.label for s in frame_spans(p.tokens, p.served_entities(), p.text)}
        place += bool(labels & {"departure", "destination"})
        slot += bool(labels)
        oos += p.out_of_scope
    n = max(1, len(preds))
    return {"n": len(preds), "with_place": round(100 * place / n, 2), "with_slot": round(100 * slot / n, 2),
            "out_of_scope": round(100 * oos / n, 2)}


def _gold_pieces(e: Example, tokens) -> list[Span]:
    """An example's gold character spans as pieces with the token extent they cover."""
    out = []
    for s in e.spans:
        inside = [i for i, t in enumerate(tokens) if t.start < s["end"] and s["start"] < t.end] or [0]
        out.append(Span(s["slot"], s["start"], s["end"], 1.0, inside[0], inside[-1]))
    return out


def evaluate_frames(predictor: Predictor, examples: list[Example], batch_size: int = 256,
                    errors: list | None = None) -> dict:
    """Frame-span scores on examples with gold character spans (SGD-travel).

    Spans are scored as annotated: from the model's frame head as it tagged them (else from its
    fine entities mapped through ``engine.frame``), a date and a clock time being two spans as in
    the gold ("March 7th" | "5:30 pm"); the head's arrival constraints count as ``time`` (the corpora's time
    slots do not tell arrival apart). ``return_time`` is scored on its own, outside the micro
    average. ``served`` scores the frame as ``/parse`` serves it, date and time pieces merged into
    one span, against the gold merged by the same rule.
    """
    gold, pred, gold_served, pred_served = [], [], [], []
    for e, p in zip(examples, predict_all(predictor, examples, batch_size)):
        spans = p.served_entities()
        pred.append([(s.label, s.start, s.end) for s in frame_spans(p.tokens, spans, p.text, split=True)])
        gold.append([(s["slot"], s["start"], s["end"]) for s in e.spans])
        pred_served.append([(s.label, s.start, s.end) for s in frame_spans(p.tokens, spans, p.text)])
        gold_served.append([(s.label, s.start, s.end) for s in frame_spans(p.tokens, _gold_pieces(e, p.tokens), p.text)])
        if errors is not None and set(pred[-1]) != set(gold[-1]):
            errors.append((e.text, gold[-1], pred[-1]))
    scores = span_scores(gold, pred, FRAME_SLOTS)
    scores["return_time"] = span_scores(gold, pred, ("return_time",))["return_time"]
    scores["served"] = span_scores(gold_served, pred_served, FRAME_SLOTS)
    scores["n"] = len(examples)
    return scores
