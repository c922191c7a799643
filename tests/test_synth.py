import random

from model import synth
from engine.spans import tags_to_spans

PLACES = ["Boston", "Ciudad de Mexico", "Portland, OR", "São Paulo", "nyc", "Las Vegas"]
CODES = ["SFO", "JFK", "LHR", "NRT"]


def test_generated_spans_are_where_the_tags_put_them():
    rng = random.Random(0)
    for e in synth.sample(500, PLACES, CODES, rng):
        assert e.tags is None and e.intent is None  # frame supervision only, like SGD-travel turns
        assert len(e.frame_tags) == len(e.tokens)
        gold = [(s["slot"], e.text[s["start"]:s["end"]]) for s in e.spans]
        tagged = tags_to_spans(e.tokens, e.frame_tags)
        assert len(tagged) == len(e.spans), e.text
        for t, g in zip(tagged, e.spans):  # same slot and start; the end differs at most by a dot ("p.m.")
            assert (t.label, t.start) == (g["slot"], g["start"]) and e.text[t.end:g["end"]] in ("", "."), e.text
        for slot, surface in gold:
            assert surface == surface.strip() and surface
            if slot in ("departure", "destination"):
                assert surface.lower() in {p.lower() for p in PLACES + CODES}


def test_requests_name_a_place_and_a_share_are_negatives():
    rng = random.Random(1)
    seen, negatives = set(), 0
    examples = synth.sample(1000, PLACES, CODES, rng)
    for e in examples:
        slots = {s["slot"] for s in e.spans}
        if not slots:  # a request without a frame slot ("could you check my balance please")
            negatives += 1
            assert set(e.frame_tags) == {"O"}
            continue
        assert slots & {"departure", "destination"}, e.text
        seen |= slots
    assert seen == {"departure", "destination", "time", "return_time"}
    assert 0.18 < negatives / len(examples) < 0.32


def test_same_seed_same_sentences():
    a = [e.text for e in synth.sample(50, PLACES, CODES, random.Random(7))]
    b = [e.text for e in synth.sample(50, PLACES, CODES, random.Random(7))]
    c = [e.text for e in synth.sample(50, PLACES, CODES, random.Random(8))]
    assert a == b and a != c


def test_dates_follow_the_corpus_convention():
    rng = random.Random(3)
    pairs = [synth.date_phrase(rng) for _ in range(2000)]
    for before, date in pairs:
        assert before in ("", "the ")
        assert not date.startswith(("on ", "at ", "by "))
        if before == "the ":  # "the 11th of March": "the" outside the span
            assert not date.startswith("the ")
    assert ("", "tomorrow") in pairs and any(d.startswith("the ") for _, d in pairs)  # "the 11th" alone keeps it
    assert synth.ordinal(1) == "1st" and synth.ordinal(12) == "12th" and synth.ordinal(22) == "22nd"


def test_place_names_include_airport_cities_and_codes():
    names, codes = synth.place_names(["Sacramento, CA"])
    assert "Sacramento, CA" in names and "Taipei" in names
    assert "TPE" in codes and all(len(c) == 3 and c.isupper() for c in codes)
