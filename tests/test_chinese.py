"""Chinese requests (engine.chinese): the seed's example in its own language, dates, places, scope, routing."""
from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from conftest import FIXTURES
from engine.resolve.places import PlaceIndex
from engine.resolve.zh_places import ChinesePlaces
from engine.resolve.zh_time import cn_int, locale_of, resolve_zh

REF = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Asia/Taipei"))  # a Wednesday


def parse(client, text, **extra):
    r = client.post("/parse", json={"text": text, "reference_time": REF.isoformat(), "timezone": "Asia/Taipei", **extra})
    assert r.status_code == 200, r.get_json()
    return r.get_json()


@pytest.mark.parametrize("text,slot,place", [
    ("11月2日到台北", "destination", "台北"), ("11月2日离开台北", "departure", "台北"),
    ("11月2日到臺北", "destination", "臺北"), ("11月2日離開臺北", "departure", "臺北"),
    ("arrive Taipei on November 2nd", "destination", "Taipei"), ("leave Taipei on November 2nd", "departure", "Taipei"),
])
def test_the_seed_example_the_verb_decides_departure_or_destination(client, text, slot, place):
    body = parse(client, text)
    other = "departure" if slot == "destination" else "destination"
    assert body["in_scope"] and body["slots"][slot]["text"] == place and body["slots"][other] is None
    assert body["slots"][slot]["value"]["airports"][0] == "TPE"
    assert body["slots"]["time"]["value"] == "2027-11-02"  # the next November 2nd after the reference
    assert body["language"]["code"] == ("en" if text.isascii() else "zh")


def test_a_chinese_answer_has_the_english_shape_with_offsets_into_the_text_as_sent(client):
    text = "请帮我订下周五下午三点从北京南站到上海虹桥的高铁票"
    body = parse(client, text)
    dep, dest, when = body["slots"]["departure"], body["slots"]["destination"], body["slots"]["time"]
    assert text[dep["start"]:dep["end"]] == dep["text"] == "北京南站"
    assert dep["value"]["city"] == "Beijing" and dep["value"]["station"] == "北京南站"
    assert dest["value"]["city"] == "Shanghai"
    assert when["value"] == "2026-12-04T15:00+08:00"  # 下周五: next week's Friday
    assert body["mode"] == "train" and body["intent"]["name"] == "flight" and body["missing"] == []


def test_traditional_reads_as_simplified(client):
    simple, traditional = parse(client, "下周五从台北飞高雄的机票"), parse(client, "下週五從臺北飛高雄的機票")
    for slot in ("departure", "destination", "time"):
        a, b = simple["slots"][slot], traditional["slots"][slot]
        assert (a["start"], a["end"], a["value"]) == (b["start"], b["end"], b["value"])


@pytest.mark.parametrize("text", ["附近有什么好吃的川菜馆", "帮我叫一辆出租车去机场", "坐地铁从王府井到西单怎么走",
                                  "這家餐廳要排隊嗎", "今天天气怎么样"])
def test_chinese_turns_that_are_not_trips_get_no_frame(client, text):
    body = parse(client, text)
    assert not body["in_scope"] and body["out_of_scope"]["reason"] == "not_travel"
    assert body["slots"] == {"departure": None, "destination": None, "time": None} and body["language"]["code"] == "zh"


def test_a_day_and_a_clock_time_said_apart_are_one_value_with_both_pieces(client):
    body = parse(client, "帮我订一张后天去广州的机票 下午三点以后")  # the day after tomorrow, from 15:00
    time = body["slots"]["time"]
    assert time["value"] == {"from": "2026-11-27T15:00+08:00", "to": None}
    assert [p["text"] for p in time["pieces"]] == ["后天", "下午三点"]


@pytest.mark.parametrize("text,arrival,time", [
    ("明天上午9点前到北京", {"from": None, "to": "2026-11-26T09:00+08:00"}, None),  # arrive by 9
    ("11月2日到台北", None, "2027-11-02"),  # a day and a destination: the seed's example, no arrival constraint
])
def test_a_clock_time_before_an_arrival_verb_is_the_arrival_constraint(client, text, arrival, time):
    body = parse(client, text)
    assert (body["arrival_time"] or {}).get("value") == arrival
    assert (body["slots"]["time"] or {}).get("value") == time


def test_expected_slot_settles_a_bare_chinese_answer(client):
    body = parse(client, "上海", expected_slot="departure")
    assert body["in_scope"] and body["slots"]["departure"]["text"] == "上海"


def test_without_the_chinese_model_chinese_is_another_language(tmp_path):
    from app import create_app
    from app.settings import Settings

    app = create_app(settings=Settings(zh_model_dir=""))
    body = app.test_client().post("/parse", json={"text": "11月2日到台北"}).get_json()
    assert body["language"]["code"] == "zh" and body["out_of_scope"]["reason"] == "language"


@pytest.mark.parametrize("phrase,value", [
    ("下周五", "2026-12-04"), ("下週五", "2026-12-04"), ("周五", "2026-11-27"), ("11月2日", "2027-11-02"),
    ("十二月五日", "2026-12-05"), ("12/5", "2026-12-05"), ("明天早上8点", "2026-11-26T08:00+08:00"),
    ("三点半", "2026-11-25T15:30+08:00"), ("中秋节", "2027-09-15"),
])
def test_chinese_dates_follow_the_future_rule(phrase, value):
    assert resolve_zh(phrase, REF)["value"] == value


def test_holidays_by_locale_and_windows():
    assert locale_of("國慶節") == "ZH_TW" and locale_of("国庆节") == "ZH_CN"
    assert resolve_zh("國慶節", REF, locale="ZH_TW")["value"] == "2027-10-10"
    assert resolve_zh("国庆节", REF, locale="ZH_CN")["value"] == "2027-10-01"
    assert resolve_zh("下午3点", REF, following="以后")["value"] == {"from": "2026-11-25T15:00+08:00", "to": None}
    assert resolve_zh("晚上", REF) is None  # a part of the day names no day
    assert [cn_int(s) for s in ("十二", "二十五", "三", "两", "12")] == [12, 25, 3, 2, 12]


@pytest.fixture(scope="module")
def zh_places():
    return ChinesePlaces(PlaceIndex())


@pytest.mark.parametrize("name,first,city", [
    ("北京", "PEK", "Beijing"), ("上海", "PVG", "Shanghai"), ("臺北市", "TPE", "Taipei"), ("高雄", "KHH", None),
    ("香港", "HKG", "Hong Kong"), ("浦东机场", "PVG", "Shanghai"), ("桃園機場", "TPE", None), ("左營", "KHH", None),
])
def test_chinese_place_names_resolve_to_their_airports(zh_places, name, first, city):
    found = zh_places.resolve(name)
    assert found["airports"][0] == first and (city is None or found["city"] == city)


def test_a_place_with_no_airport_keeps_its_place_and_says_so(zh_places):
    assert zh_places.resolve("宜兰") == {"city": "Yilan", "country": "TW", "airports": []}
    assert zh_places.resolve("某某地方") is None


def test_the_chinese_values_set_scores_at_least_95_percent():
    from model.values import VALUES_SET, score

    rows = [json.loads(x) for x in (VALUES_SET.parent / "values_zh.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 80
    per_kind, misses, _ = score(rows, PlaceIndex())
    assert sum(r for r, _ in per_kind.values()) >= 0.95 * len(rows), misses


def test_the_written_chinese_set_holds_150_requests_in_both_scripts():
    rows = [json.loads(x) for x in (FIXTURES / "zh" / "travel.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 150 and {r["script"] for r in rows} == {"simplified", "traditional"}


def test_the_committed_chinese_model_reads_the_written_set(client):
    from engine import load_parser
    from engine.artifact import COMMITTED_DIR, COMMITTED_ZH_DIR
    from model.zh_evaluate import converted, score_marked

    parser = load_parser(COMMITTED_DIR, zh_model_dir=COMMITTED_ZH_DIR)
    marked = [json.loads(x)["marked"] for x in (FIXTURES / "zh" / "travel.jsonl").read_text(encoding="utf-8").splitlines()]
    written, traditional = score_marked(parser, marked), score_marked(parser, [converted(m, "s2tw") for m in marked])
    assert written["micro"]["f1"] >= 88 and abs(written["micro"]["f1"] - traditional["micro"]["f1"]) <= 2
