"""Answers that say what the service does not understand: other languages and non-travel turns."""
import json
from dataclasses import replace

import pytest

from app.schemas import RasaParseResponse
from engine.result import ANSWER
from engine.parser import reference_moment

from conftest import FIXTURES

LANGUAGES = [json.loads(line) for line in (FIXTURES / "heldout" / "languages.jsonl").read_text(encoding="utf-8").splitlines()]
EMPTY = {"departure": None, "destination": None, "time": None}


def test_there_are_at_least_twenty_probes_in_eight_languages():
    assert len(LANGUAGES) >= 20 and len({r["language"] for r in LANGUAGES}) == 8


@pytest.mark.parametrize("row", LANGUAGES, ids=[r["language"] + str(i) for i, r in enumerate(LANGUAGES)])
def test_non_english_text_answers_its_language_and_no_frame(http, live_url, row):
    r = http.post(f"{live_url}/parse", json={"text": row["text"]}, timeout=10)
    assert r.status_code == 200
    body = r.json()
    ANSWER.validate_python(body)
    assert body["language"]["code"] == row["language"] and body["language"]["confidence"] >= 0.7
    if row["language"] == "zh":  # Chinese has its own reader (engine.chinese): these are travel requests
        assert body["in_scope"] is True and body["slots"]["destination"] is not None
        return
    assert body["in_scope"] is False and body["out_of_scope"]["reason"] == "language"
    assert body["slots"] == EMPTY and body["return_time"] is None and body["entities"] == []
    assert body["missing"] == ["departure", "destination", "time"] and body["intent"]["name"] == "out_of_scope"


@pytest.mark.parametrize("text", ["fly from boston to denver tomorrow", "I'd like to fly to Zürich on Friday",
                                  "Boston.", "ok", "Check Glen Ellen.", "São Paulo to Montréal, Dec 5"])
def test_english_text_is_read_as_english(http, live_url, text):
    body = http.post(f"{live_url}/parse", json={"text": text}, timeout=10).json()
    assert body["language"]["code"] == "en"
    assert body["out_of_scope"] is None or body["out_of_scope"]["reason"] != "language"


def test_known_words_skip_the_detector(http, live_url):
    body = http.post(f"{live_url}/parse", json={"text": "fly from boston to denver tomorrow"}, timeout=10).json()
    assert body["language"] == {"code": "en", "confidence": None}


def test_rasa_gets_nlu_fallback_for_another_language(http, live_url):
    r = http.post(f"{live_url}/model/parse", json={"text": "Quiero volar de Madrid a Barcelona mañana"}, timeout=10)
    body = r.json()
    RasaParseResponse.model_validate(body)
    assert body["intent"]["name"] == "nlu_fallback" and body["intent_ranking"][0] == body["intent"]
    assert body["entities"] == [] and body["language"]["code"] == "es"


def test_a_turn_judged_out_of_scope_answers_an_empty_frame(predictor):
    """The service's rule, whatever the model: out of scope empties the frame and the entities."""
    from app import create_app

    parser = create_app(predictor=predictor).extensions["parser"]
    pred = predictor.predict("fly from Boston to Denver tomorrow")
    assert parser.result(pred, reference_moment(None, None))["slots"]["departure"] is not None
    judged = replace(pred, out_of_scope=True, out_of_scope_probability=0.93, intent="out_of_scope")
    body = parser.result(judged, reference_moment(None, None))
    ANSWER.validate_python(body)
    assert body["in_scope"] is False and body["out_of_scope"] == {"reason": "not_travel", "confidence": 0.93}
    assert body["slots"] == EMPTY and body["entities"] == [] and body["intent"] == {"name": "out_of_scope",
                                                                                   "confidence": 0.93}
    # a bot that just asked for a slot is in a travel dialogue: the answer is not judged out of scope
    answered = parser.result(judged, reference_moment(None, None), expected_slot="departure")
    assert answered["in_scope"] is True and answered["slots"]["departure"]["text"] == "Boston"
    assert answered["intent"]["name"] != "out_of_scope"


@pytest.mark.parametrize("text,code", [("我想從台北飛到東京", "zh"), ("東京から大阪まで", "ja"), ("明日の朝", "ja"),
                                       ("서울에서 부산까지", "ko"), ("Flight to 東京 tomorrow", None), ("Zürich", None)])
def test_script_decides_chinese_japanese_and_korean(text, code):
    from engine.language import script_language

    assert script_language(text) == code


@pytest.mark.parametrize("text", ["Book a table for four at an Italian place in San Jose tonight",
                                  "What's the weather going to be like in Chicago tomorrow?",
                                  "I'd like to see Star Wars at the AMC in Berkeley this Friday",
                                  "Transfer $200 from savings to checking"])
def test_the_committed_model_answers_non_travel_turns_out_of_scope(http, live_url, text):
    """Turns of tests/fixtures/heldout/other.jsonl the committed model answers out of scope (a regression check)."""
    body = http.post(f"{live_url}/parse", json={"text": text}, timeout=10).json()
    assert body["in_scope"] is False and body["out_of_scope"]["reason"] == "not_travel"
    assert body["intent"]["name"] == "out_of_scope" and body["slots"] == EMPTY and body["entities"] == []


def test_rasa_gets_out_of_scope_with_its_probability_in_the_ranking(http, live_url):
    body = http.post(f"{live_url}/model/parse", json={"text": "Play some jazz by Miles Davis"}, timeout=10).json()
    assert body["intent"]["name"] == "out_of_scope" and body["entities"] == []
    assert body["intent_ranking"][0] == body["intent"]
