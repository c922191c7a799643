import pytest

from engine.tokenizer import ordinal_words, tokenize, words


def pairs(text):
    return [(t.text, text[t.start:t.end]) for t in tokenize(text)]


def test_lowercases_and_splits_punctuation_with_exact_offsets():
    text = "Leave Taipei on November 2nd!"
    assert pairs(text) == [("leave", "Leave"), ("taipei", "Taipei"), ("on", "on"),
                           ("november", "November"), ("second", "2nd")]


@pytest.mark.parametrize("text,expected", [
    ("9pm", [("9", "9"), ("pm", "pm")]),
    ("at 2:45pm", [("at", "at"), ("245", "2:45"), ("pm", "pm")]),
    ("8:38 am", [("838", "8:38"), ("am", "am")]),
    ("the 21st", [("the", "the"), ("twenty", "21st"), ("first", "21st")]),
    ("March 10th", [("march", "March"), ("tenth", "10th")]),
    ("Nov. 2", [("november", "Nov"), ("2", "2")]),
    ("round-trip", [("round", "round"), ("trip", "trip")]),
    ("I\u2019d like St. Louis", [("i'd", "I\u2019d"), ("like", "like"), ("st.", "St."), ("louis", "Louis")]),
    ("Portland, OR", [("portland", "Portland"), ("or", "OR")]),
    ("11/02", [("11", "11"), ("02", "02")]),
])
def test_normalises_what_people_type(text, expected):
    assert pairs(text) == expected


def test_other_scripts_and_emoji_do_not_break_offsets():
    text = "飞往台北 ✈️ cafe\u0301 \u05e9\u05dc\u05d5\u05dd"
    toks = tokenize(text)
    # Chinese is read a character at a time (the Chinese tagger is character-level)
    assert [text[t.start:t.end] for t in toks] == ["飞", "往", "台", "北", "cafe\u0301", "\u05e9\u05dc\u05d5\u05dd"]
    assert toks[4].text == "café"


def test_chinese_characters_are_tokens_read_as_simplified_with_exact_offsets():
    text = "我要從臺北到高雄 明天8:30"
    toks = tokenize(text)
    assert [t.text for t in toks] == ["我", "要", "从", "台", "北", "到", "高", "雄", "明", "天", "830"]
    assert all(text[t.start:t.end] in (t.text, "從", "臺", "8:30") for t in toks)
    assert [t.text for t in tokenize("fly to 台北 tomorrow")] == ["fly", "to", "台", "北", "tomorrow"]


def test_empty_and_punctuation_only():
    assert tokenize("") == []
    assert tokenize("?!... \u2014") == []


def test_ordinal_words():
    assert ordinal_words(2) == ["second"]
    assert ordinal_words(12) == ["twelfth"]
    assert ordinal_words(30) == ["thirtieth"]
    assert ordinal_words(31) == ["thirty", "first"]


def test_atis_text_round_trips():
    line = "what is american's last flight from boston to washington dc on july twenty first at 838 am"
    assert words(line) == line.split()


def test_shapes_record_what_the_user_typed():
    from engine.tokenizer import SHAPES

    toks = tokenize("Fly SFO to McAllen on the 2nd")
    assert [SHAPES[t.shape] for t in toks] == ["title", "upper", "lower", "mixed", "lower", "lower", "digit"]


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_offsets_always_point_into_the_text(text):
    prev_start = 0
    for tok in tokenize(text):
        assert 0 <= tok.start < tok.end <= len(text)
        assert tok.start >= prev_start  # in order
        prev_start = tok.start
        assert tok.text  # never an empty token
        assert not text[tok.start:tok.end].isspace()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["fly", "Boston", "2nd", "9pm", "2:45", "St.", "I\u2019m", "台北", "\U0001F600",
                                 "e\u0301", ",", "--", "\u05e9\u05dc\u05d5\u05dd", "\u0000", "Nov."]), max_size=12),
       st.sampled_from([" ", "  ", "\t", "\n"]))
def test_words_slice_back_to_their_surface(parts, sep):
    text = sep.join(parts)
    for tok in tokenize(text):
        surface = text[tok.start:tok.end]
        assert surface in parts or any(surface in p for p in parts)


def test_typed_shorthand_maps_to_known_words():
    assert words("flts to denver tmrw pls") == ["flights", "to", "denver", "tomorrow", "please"]
    assert words("Wed. or Thurs") == ["wednesday", "or", "thursday"]


@pytest.mark.parametrize("text", ["Boston -> NYC", "Boston > NYC", "Boston \u2192 NYC", "Boston \u27a1\ufe0f NYC",
                                  "Boston-->NYC", "Boston => NYC"])
def test_an_arrow_between_places_reads_as_to(text):
    toks = tokenize(text)
    assert [t.text for t in toks] == ["boston", "to", "nyc"]
    assert text[toks[1].start:toks[1].end].strip() not in ("", "Boston", "NYC")
    assert text[toks[2].start:toks[2].end] == "NYC"
