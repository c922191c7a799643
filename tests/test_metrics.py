from engine.frame import frame_tags_from_fine
from model.metrics import score, span_scores
from engine.tokenizer import tokenize


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


def test_atis_frame_tags_keep_a_date_and_a_clock_time_apart():
    # SGD-travel annotates "the 7th" and "5 pm" as two time spans; ATIS supervision must agree
    toks = tokenize("from boston on the 7th at 5 pm")
    tags = frame_tags_from_fine(toks, ["O", "B-fromloc.city_name", "O", "O", "B-depart_date.day_number",
                                       "O", "B-depart_time.time", "I-depart_time.time"])
    assert tags == ["O", "B-departure", "O", "B-time", "I-time", "O", "B-time", "I-time"]
    # pieces of one kind still form one span: "november second" is one date
    toks = tokenize("on november second")
    tags = frame_tags_from_fine(toks, ["O", "B-depart_date.month_name", "B-depart_date.day_number"])
    assert tags == ["O", "B-time", "I-time"]


def test_atis_frame_tags_keep_arrival_apart_from_departure():
    # ATIS's fine tags say which times are arrival constraints; the frame head learns them as their own label
    toks = tokenize("leave boston at 9 am arriving by 5 pm on monday")
    fine = ["O", "B-fromloc.city_name", "O", "B-depart_time.time", "I-depart_time.time", "O",
            "B-arrive_time.time_relative", "B-arrive_time.time", "I-arrive_time.time", "O", "B-arrive_date.day_name"]
    assert frame_tags_from_fine(toks, fine) == ["O", "B-departure", "O", "B-time", "I-time", "O", "B-arrival_time",
                                                "I-arrival_time", "I-arrival_time", "O", "B-arrival_time"]


def test_without_the_arrival_label_an_arrival_constraint_is_a_time_span():
    # the committed default's supervision (model.train without --arrival-label): the recipe still trains it
    from engine.frame import head_tags

    toks = tokenize("arriving by 5 pm")
    fine = ["O", "B-arrive_time.time_relative", "B-arrive_time.time", "I-arrive_time.time"]
    assert frame_tags_from_fine(toks, fine, arrival=False) == ["O", "B-time", "I-time", "I-time"]
    assert not [t for t in head_tags(arrival=False) if "arrival" in t] and len(head_tags(arrival=False)) == 9


class _StubPredictor:
    """Returns fixed frame-head entities: the metric's own logic is what is under test."""

    def __init__(self, entities):
        self.entities = entities

    def predict_batch(self, texts):
        from engine.predict import Prediction

        return [Prediction(t, tokenize(t), [], [], [], "x", 1.0, [], frame_entities=self.entities[t]) for t in texts]


def test_frame_spans_are_scored_as_annotated_and_as_served():
    from model.data import Example
    from model.metrics import evaluate_frames
    from engine.spans import Span as Entity

    text = "Leaving on March 7th at 5:30 pm."
    toks = tokenize(text)

    def ent(label, first, last):
        return Entity(label, toks[first].start, toks[last].end, 0.9, first, last)

    words = [t.text for t in toks]
    march, pm = words.index("march"), words.index("pm")
    five = pm - 1
    gold = [{"slot": "time", "start": 11, "end": 20}, {"slot": "time", "start": 24, "end": 31}]
    assert text[11:20] == "March 7th" and text[24:31] == "5:30 pm"
    example = Example(text, toks, [], None, gold)
    # the tagger found both annotated spans: exact on both counts
    right = _StubPredictor({text: [ent("time", march, march + 1), ent("time", five, pm)]})
    m = evaluate_frames(right, [example])
    assert m["time"]["f1"] == 100.0 and m["served"]["time"]["f1"] == 100.0
    # one span across both: wrong as annotated (1 false positive, 2 misses), right as served
    merged = _StubPredictor({text: [ent("time", march, pm)]})
    m = evaluate_frames(merged, [example])
    assert m["time"]["precision"] == 0.0 and m["time"]["recall"] == 0.0
    assert m["served"]["time"]["f1"] == 100.0
