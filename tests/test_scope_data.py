"""Out-of-scope training data (sgd-other), held-out dialogue splits and the lexicon inputs."""
from dataclasses import replace

import numpy as np

from model.data import (OUT_OF_SCOPE, UNSUPERVISED, clearly_non_travel, dialogue_split, read_other, read_sgd)
from engine.lexicon import GAZ_IN, GAZ_OUT, Gazetteer, lexicon_ids
from engine.vocab import Vocab

from conftest import FIXTURES

OTHER = FIXTURES / "data" / "sgd-other" / "train.jsonl"


def test_other_turns_are_out_of_scope_with_no_frame_slot():
    ex = read_other(OTHER)
    assert len(ex) == 5
    for e in ex:
        assert e.intent == OUT_OF_SCOPE and e.tags is None and e.spans == []
        assert e.frame_tags == ["O"] * len(e.tokens)
    assert [clearly_non_travel(e) for e in ex] == [True, True, True, False, True]  # Hotels_ is travel-adjacent


def test_other_dates_can_be_left_unsupervised():
    weather = read_other(OTHER, skip_dates=True)[1]  # "What's the weather in Boston on the 5th?"
    masked = [t.text for t, tag in zip(weather.tokens, weather.frame_tags) if tag == UNSUPERVISED]
    assert masked == ["the", "fifth"]
    assert weather.frame_tags[weather.words.index("boston")] == "O"  # places stay taught as O


def test_dialogue_split_holds_out_whole_dialogues_deterministically():
    base = read_sgd(FIXTURES / "data" / "sgd-travel" / "train.jsonl")
    ex = [replace(base[i % 3], id=f"{i // 4}_x:{i % 4}") for i in range(120)]  # 30 dialogues of 4 turns
    kept, held = dialogue_split(ex, 0.3)
    assert len(kept) + len(held) == len(ex) and 0 < len(held) < len(ex)
    assert not {e.id.split(":")[0] for e in kept} & {e.id.split(":")[0] for e in held}
    assert [e.id for e in dialogue_split(ex, 0.3)[1]] == [e.id for e in held]


def test_gazetteer_marks_the_longest_known_place_name():
    gaz = Gazetteer(["New York", "York", "San Jose", "Paris"])
    words = "fly from new york to san jose not paris texas".split()
    assert gaz.ids(words) == [GAZ_OUT, GAZ_OUT, GAZ_IN, GAZ_IN, GAZ_OUT, GAZ_IN, GAZ_IN, GAZ_OUT, GAZ_IN, GAZ_OUT]


def test_lexicon_ids_are_padded_like_the_words():
    glove = Vocab(["<pad>", "<unk>", "luggage", "boston"])
    ids = lexicon_ids([["my", "luggage"], ["boston"]], glove, Gazetteer(["boston"]))
    assert ids["glove"].tolist() == [[1, 2], [3, 0]]
    assert ids["gaz"].tolist() == [[GAZ_OUT, GAZ_OUT], [GAZ_IN, 0]]
    assert ids["glove"].dtype == np.int64
