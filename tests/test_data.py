from engine.spans import tags_to_spans
from engine.tokenizer import tokenize
from model.data import read_atis, read_sgd, spans_to_tags

from conftest import FIXTURES


def test_read_atis_fixture():
    ex = read_atis(FIXTURES / "data" / "atis" / "train")
    assert len(ex) == 8
    assert ex[0].words[:3] == ["i", "want", "to"]
    assert ex[0].tags[5] == "B-fromloc.city_name"
    assert ex[0].intent == "atis_flight"


def test_read_sgd_aligns_spans_to_tokens_exactly():
    ex = read_sgd(FIXTURES / "data" / "sgd-travel" / "train.jsonl")
    assert len(ex) == 3
    first = ex[0]
    assert first.tags == ["O", "O", "O", "B-time", "I-time", "I-time", "O", "B-departure", "I-departure", "O",
                          "B-destination"]
    spans = tags_to_spans(first.tokens, first.tags)
    assert [(s.label, first.text[s.start:s.end]) for s in spans] == [
        ("time", "the 21st"), ("departure", "Portland, OR"), ("destination", "Seattle")]
    assert all(t == "O" for t in ex[1].tags)
    assert ex[2].text[12:18] == "Nov. 2"
    assert [(s.label, ex[2].text[s.start:s.end]) for s in tags_to_spans(ex[2].tokens, ex[2].tags)] == [
        ("return_time", "Nov. 2")]


def test_stray_inside_tag_starts_a_new_span():
    toks = tokenize("from new york")
    spans = tags_to_spans(toks, ["O", "I-fromloc.city_name", "I-fromloc.city_name"])
    assert [(s.label, s.start, s.end) for s in spans] == [("fromloc.city_name", 5, 13)]


def test_spans_to_tags_round_trip():
    text = "fly from San Francisco to Ciudad de Mexico"
    toks = tokenize(text)
    spans = [{"slot": "departure", "start": 9, "end": 22}, {"slot": "destination", "start": 26, "end": 42}]
    tags = spans_to_tags(toks, spans)
    back = tags_to_spans(toks, tags)
    assert [(s.label, s.start, s.end) for s in back] == [(s["slot"], s["start"], s["end"]) for s in spans]
