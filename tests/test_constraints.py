"""Issue 25: what the traveller said -- time as constraints, the mode, stations and airports by name, places in
their own spelling read as English, typed date words, answers a bot can act on. Each example of the issue is
here, with wording of our own beside it."""
import json

import pytest

from app import create_app
from app.settings import Settings
from conftest import FIXTURES
from engine.tokenizer import words
from model import constraints

REF = {"reference_time": "2026-11-25T09:00:00-05:00", "timezone": "America/New_York"}  # a Wednesday


def parse(client, text: str) -> dict:
    res = client.post("/parse", json={"text": text, **REF})
    assert res.status_code == 200
    return res.get_json()


def spans(slot: dict | None) -> list[str]:
    return constraints.spans_of(slot)


# -- time as constraints -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text,day,arrive_by", [
    ("I need a train to York on Tuesday that gets in by 8:15", "2026-12-01", "2026-12-01T08:15-05:00"),
    ("need the Thursday train to Leeds, it has to get in before 9:30", "2026-11-26", "2026-11-26T09:30-05:00"),
])
def test_a_day_and_an_arrival_constraint_are_both_answered(client, text, day, arrive_by):
    body = parse(client, text)
    assert body["slots"]["time"]["value"] == day
    assert body["arrival_time"]["value"] == {"from": None, "to": arrive_by}
    assert body["mode"] == "train"


@pytest.mark.parametrize("text,span,to", [("It should arrive by 14:30.", "14:30", "2026-11-25T14:30-05:00"),
                                          ("We have to land before 6 pm.", "6 pm", "2026-11-25T18:00-05:00")])
def test_an_arrival_constraint_alone_is_its_own_slot(client, text, span, to):
    body = parse(client, text)
    assert body["arrival_time"]["text"] == span and body["arrival_time"]["value"] == {"from": None, "to": to}
    assert body["slots"]["time"] is None


@pytest.mark.parametrize("text,pieces,value", [
    ("I'm in Atlanta for a meeting on Thursday at 9, flying from Charlotte", ["Thursday", "9"], "2026-11-26T09:00-05:00"),
    ("book me on the 7:30 am amtrak from washington to new york friday", ["7:30 am", "friday"], "2026-11-27T07:30-05:00"),
    ("the 6:15 pm bus from Austin to Dallas on Saturday please", ["6:15 pm", "Saturday"], "2026-11-28T18:15-05:00"),
])
def test_a_day_and_a_clock_time_said_apart_combine(client, text, pieces, value):
    when = parse(client, text)["slots"]["time"]
    assert spans(when) == pieces and when["value"] == value and when["text"] == pieces[0]


@pytest.mark.parametrize("text,pieces,value,destination", [
    ("Wednesday please, leaving after half past two", ["Wednesday", "half past two"],
     {"from": "2026-11-25T14:30-05:00", "to": None}, None),
    ("a train to Leeds at a quarter to eight on friday", ["quarter to eight", "friday"], "2026-11-27T07:45-05:00",
     "Leeds"),  # the tagger reads "eight" as a place
    ("bus to Bristol on Sunday, leaving about ten past six in the evening", ["Sunday", "ten past six in the evening"],
     "2026-11-29T18:10-05:00", "Bristol"),
])
def test_a_clock_time_said_in_words_is_a_piece_of_the_time(client, text, pieces, value, destination):
    body = parse(client, text)
    assert spans(body["slots"]["time"]) == pieces and body["slots"]["time"]["value"] == value
    assert (body["slots"]["destination"] or {}).get("text") == destination


@pytest.mark.parametrize("text,value", [
    ("a train from boston to new york leaving after 5 pm tomorrow", {"from": "2026-11-26T17:00-05:00", "to": None}),
    ("bus from Phoenix to Tucson on Friday before 8 am", {"from": None, "to": "2026-11-27T08:00-05:00"}),
    ("train from San Diego to LA on December 10th between 9 and 11 am",
     {"from": "2026-12-10T09:00-05:00", "to": "2026-12-10T11:00-05:00"}),
])
def test_window_words_are_interval_ends_outside_the_spans(client, text, value):
    when = parse(client, text)["slots"]["time"]
    assert when["value"] == value
    assert not any(s.split()[0].lower() in ("after", "before", "between") for s in spans(when))


@pytest.mark.parametrize("text,back", [
    ("I need a train from Philly to DC next friday at 9 pm, back sunday", "2026-12-06"),
    ("fly to Denver next Thursday and come back on Tuesday", "2026-12-08"),
])
def test_a_return_is_never_before_the_departure(client, text, back):
    body = parse(client, text)
    assert body["return_time"]["value"] == back
    assert body["return_time"]["value"] > str(body["slots"]["time"]["value"])[:10]


# -- mode and intent -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text,mode", [("a train from Boston to New York", "train"), ("amtrak to philly on friday", "train"),
                                       ("greyhound from dallas to houston", "bus"), ("a coach to Oxford", "bus"),
                                       ("flying out of O'Hare", "flight"), ("from boston to denver tomorrow", None),
                                       ("from Penn Station to Boston on Monday", "train")])
def test_the_mode_said_is_in_the_answer(client, text, mode):
    assert parse(client, text)["mode"] == mode


@pytest.mark.parametrize("text", ["I need a train from Cambridge to London on Friday", "train to Ely leaving at 9",
                                  "a bus from Leeds to York tomorrow afternoon"])
def test_train_and_bus_requests_get_no_atis_question_intent(client, text):
    assert parse(client, text)["intent"]["name"] in ("flight", "airfare", "flight#airfare")


TAXI = ["a cab from the hotel to the station at 5", "get me an uber to the airport", "I need a taxi to Penn Station",
        "book a lyft from my place to downtown at 7 pm", "call me a cab please", "can you get me a ride to JFK",
        "a taxi from the airport to my hotel tonight", "limo from Boston Logan to Cambridge at noon",
        "I want an uber from Midtown to Brooklyn", "taxi to the Marriott tomorrow at 6 am",
        "Book me a cab from 5th Avenue to Central Park", "need a ride from the station to the office at 9",
        "order a taxi for 4 people to the airport", "rideshare from SFO to Palo Alto", "get a cab to Union Station",
        "a car service from Newark airport to Manhattan", "uber to the convention center please",
        "I need a cab at 8 tomorrow morning", "send a taxi to 221 Baker Street", "a lyft to the train station"]


def test_taxi_and_ride_requests_are_out_of_scope(client):
    """The documented rule: a taxi or ride-hailing car is not a trip the service books (>= 95 % of these)."""
    outside = sum(not parse(client, t)["in_scope"] for t in TAXI)
    assert outside >= 0.95 * len(TAXI), outside


@pytest.mark.parametrize("text,in_scope", [
    ("Is it going to snow in Denver on Friday?", False),
    ("How's the traffic from Oakland to San Jose right now", False),
    ("Send a package from New York to LA by Friday", False),
    ("flights to Denver, it might snow so morning please", True),  # a mode said: a trip
    ("is there a train to Denver on Friday, snow is forecast", True),
])
def test_the_weather_the_traffic_or_a_parcel_without_a_trip_is_out_of_scope(client, text, in_scope):
    body = parse(client, text)
    assert body["in_scope"] is in_scope
    assert in_scope or body["slots"] == {"departure": None, "destination": None, "time": None}


@pytest.mark.parametrize("text", ["book a table for two", "reserve a table for four at 7"])
def test_a_turn_with_nothing_of_travel_is_out_of_scope(client, text):
    body = parse(client, text)
    assert not body["in_scope"] and body["intent"]["name"] == "out_of_scope"


def test_a_day_of_the_return_gives_the_departure_no_clock_time(client):
    body = parse(client, "round trip from nyc to miami dec 20 returning jan 3")  # the tagger reads "3" as a clock
    assert body["slots"]["time"]["value"] == "2026-12-20" and body["return_time"]["value"] == "2027-01-03"


# -- stations and airports by name ---------------------------------------------------------------------------

@pytest.mark.parametrize("text,slot,span,city,station", [
    ("from birmingham new street to london euston", "departure", "birmingham new street", "Birmingham", "New Street"),
    ("Boston South Station to Penn Station tomorrow", "departure", "Boston South Station", "Boston", "South Station"),
    ("Boston South Station to Penn Station tomorrow", "destination", "Penn Station", "New York", "Penn Station"),
    ("train from cambridge to london kings cross on friday", "destination", "london kings cross", "London", "King's Cross"),
    ("coach from London Victoria to Oxford", "departure", "London Victoria", "London", "Victoria"),
    # a name that is also a town elsewhere (Waterloo, Ontario): the other leg's country makes it the station
    ("I'm travelling from Waterloo to Southampton tomorrow", "departure", "Waterloo", "London", "Waterloo"),
])
def test_a_station_is_its_whole_name_its_city_and_keeps_its_name(client, text, slot, span, city, station):
    place = parse(client, text)["slots"][slot]
    assert place["text"] == span and place["value"]["city"] == city and place["value"]["station"] == station


@pytest.mark.parametrize("text,slot,station,time", [
    ("the 7:15 from Kings Cross", "departure", "King's Cross", "7:15"),  # the model leans out of scope on these
    ("I'd like the 10:30 from Euston please", "departure", "Euston", "10:30"),
    ("Going to Edinburgh Waverley", "destination", "Waverley", None),
])
def test_a_turn_naming_a_station_is_travel(client, text, slot, station, time):
    body = parse(client, text)
    assert body["in_scope"] and body["mode"] == "train"
    assert body["slots"][slot]["value"]["station"] == station
    assert (body["slots"]["time"] or {}).get("text") == time


@pytest.mark.parametrize("text,dep,dest", [("flying out of O'Hare to Heathrow", "ORD", "LHR"),
                                            ("flights from Dulles to Chicago Midway on Friday", "IAD", "MDW")])
def test_airports_by_name_resolve_to_their_code(client, text, dep, dest):
    slots = parse(client, text)["slots"]
    assert slots["departure"]["value"]["airports"] == [dep] and slots["destination"]["value"]["airports"] == [dest]


# -- language from the words, not the places --------------------------------------------------------------

def rows_of(name: str) -> list[dict]:
    return [json.loads(line) for line in (FIXTURES / "language" / name).read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("row", rows_of("english_native_places.jsonl"), ids=lambda r: r["text"][:30])
def test_english_with_places_in_their_own_spelling_is_english(client, row):
    assert parse(client, row["text"])["language"]["code"] == "en"


@pytest.mark.parametrize("row", rows_of("other_languages.jsonl"), ids=lambda r: r["text"][:30])
def test_other_languages_are_still_answered_as_such(client, row):
    body = parse(client, row["text"])
    assert body["language"]["code"] == row["language"]
    # Chinese has a reader of its own (engine.chinese): its travel requests are answered; the rest are not
    assert body["in_scope"] == (row["language"] == "zh")


FAMILY = {"ms": "id", "nn": "nb", "da": "nb", "sk": "cs", "sl": "hr"}  # read for each other (engine.language.FAMILIES)


def test_more_languages_are_answered_as_not_english(client):
    """Requests in 22 languages beyond the six lingua's first detector knows (written for the project): every one
    answered out of scope for its language, never as English; the code right for at least 90 %."""
    rows = rows_of("more_languages.jsonl")
    answers = [parse(client, row["text"]) for row in rows]
    assert all(not a["in_scope"] and a["out_of_scope"]["reason"] == "language" for a in answers)
    right = sum(FAMILY.get(a["language"]["code"], a["language"]["code"]) == FAMILY.get(r["language"], r["language"])
                for a, r in zip(answers, rows))
    assert right >= 0.9 * len(rows), right


# -- typed date words -------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed,meant", [("tommorow", "tomorrow"), ("wensday", "wednesday"), ("thurs", "thursday"),
                                         ("nxt", "next"), ("2moro", "tomorrow"), ("thrusday", "thursday"),
                                         ("febuary", "february"), ("saterday", "saturday")])
def test_typed_date_words_are_read_as_meant(typed, meant):
    assert words(f"fly to boston {typed}") == ["fly", "to", "boston", meant]


@pytest.mark.parametrize("word", ["tom", "wendy", "sunny", "satin", "monday", "tomorrowland", "sun", "may", "weds",
                                  "thursdays", "fryday", "wedding", "saturn", "marching", "tomorrows"])
def test_words_that_must_not_be_corrected(word):
    """Real words (and forms too far from a date word to be one): left as typed ("weds" excepted: Wednesday)."""
    assert words(word) == [word if word != "weds" else "wednesday"]


def test_text_speak_legs_and_days(client):
    body = parse(client, "flight frm nyc 2 la on fri")  # "2" for "to"
    assert body["slots"]["departure"]["text"] == "nyc" and body["slots"]["destination"]["text"] == "la"
    assert parse(client, "need tix to chicago nxt weds")["slots"]["time"]["value"] == "2026-12-02"


def test_a_typed_date_word_ends_no_place_and_resolves(client):
    body = parse(client, "flight from mumbai to delhi tommorow")
    assert body["slots"]["destination"]["text"] == "delhi" and body["slots"]["time"]["value"] == "2026-11-26"


# -- answers a bot can act on -----------------------------------------------------------------------------

def test_a_bare_place_gets_no_role_on_model_parse(predictor):
    client = create_app(predictor=predictor, settings=Settings(rasa_entities="roles"),
                        config={"ACCESS_LOG": False}).test_client()
    city = [e for e in client.post("/model/parse", json={"text": "Boston."}).get_json()["entities"] if e["entity"] == "city"]
    assert city and city[0]["role"] is None
    said = client.post("/model/parse", json={"text": "I want to go to Boston"}).get_json()["entities"]
    assert [e["role"] for e in said if e["entity"] == "city"] == ["to"]


def test_batch_items_carry_their_own_expected_slot(client):
    res = client.post("/parse/batch", json={"texts": ["Boston.", {"text": "Boston.", "expected_slot": "departure"}],
                                            **REF}).get_json()
    assert res[0]["slots"]["departure"] is None and res[1]["slots"]["departure"]["text"] == "Boston"


# -- the constraints set ----------------------------------------------------------------------------------

def test_the_constraints_set_scores_as_measured():
    """The project's set (tests/fixtures/constraints): a guard against regressions, floors under the measured
    figures (python -m model.constraints)."""
    rows_ = constraints.load()
    report = constraints.score(rows_, constraints.parse_all(rows_, None))
    assert len(rows_) >= 120
    floors = {"departure": (97, 93), "destination": (96, 89), "time": (94, 94), "arrival_time": (95, 95),
              "return_time": (90, 90)}
    for slot, (span_f1, value) in floors.items():
        assert report[slot]["span_f1"] >= span_f1 and report[slot]["value"] >= value, (slot, report[slot])
    assert report["mode"] >= 97


def test_calibration_is_monotone_and_only_for_its_model(tmp_path):
    from engine.calibration import CALIBRATION, Calibration, fit

    steps = fit([(0.1, False), (0.2, True), (0.3, False), (0.5, True), (0.6, True), (0.9, True)])
    values = [v for _, v in steps]
    assert values == sorted(values) and 0 < values[0] and values[-1] < 1
    cal = Calibration({"time": steps}, "abc")
    assert cal.apply("time", 0.05) == values[0] and cal.apply("time", 0.99) == values[-1]
    assert cal.apply("place", 0.42) == 0.42  # no map for the kind: the raw confidence
    (tmp_path / CALIBRATION).write_text(json.dumps(cal.to_json()))
    assert Calibration.read(tmp_path, "abc") is not None and Calibration.read(tmp_path, "other") is None


def test_the_served_confidence_is_the_calibrated_one(client, predictor):
    from engine.calibration import Calibration
    from engine.artifact import default_dir

    cal = Calibration.read(default_dir(), predictor.artifact.version)
    assert cal is not None  # the committed model carries its calibration
    dest = parse(client, "fly from boston to denver on friday")["slots"]["destination"]
    assert dest["confidence"] in [v for _, v in cal.steps["place"]]
