from model.frame import frame_tags_from_fine
from model.metrics import score, span_scores
from model.tokenizer import tokenize


def test_exact_and_overlap_span_scores():
    gold = [[("departure", 0, 8), ("time", 20, 28)], [("return_time", 5, 11)]]
    pred = [[("departure", 0, 12), ("time", 20, 28)], [("time", 5, 11)]]
    s = span_scores(gold, pred, ("departure", "destination", "time"))
    assert s["departure"]["f1"] == 0.0 and s["departure"]["overlap_f1"] == 100.0
    # the return date predicted as time: a false positive for time, gold return_time not found
    assert s["time"]["precision"] == 50.0 and s["time"]["recall"] == 100.0
    r = span_scores(gold, pred, ("return_time",))
    assert r["return_time"]["recall"] == 0.0
    assert s["micro"]["f1"] == round(2 * (1 / 3) * (1 / 2) / (1 / 3 + 1 / 2) * 100, 2)


def test_conlleval_style_scores():
    gold = [["B-a", "I-a", "O"], ["B-b", "O", "O"]]
    pred = [["B-a", "I-a", "O"], ["B-a", "O", "O"]]
    m = score(gold, pred, ["x", "y"], ["x", "z"])
    assert m["slot_f1"] == 50.0
    assert m["intent_acc"] == 50.0 and m["sentence_acc"] == 50.0


def test_atis_frame_tags_follow_sgd_date_convention():
    toks = tokenize("from boston on the twenty first")
    tags = frame_tags_from_fine(toks, ["O", "B-fromloc.city_name", "O", "O", "B-depart_date.day_number",
                                       "I-depart_date.day_number"])
    assert tags == ["O", "B-departure", "O", "B-time", "I-time", "I-time"]
