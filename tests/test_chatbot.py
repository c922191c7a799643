"""Chatbot integration through HTTP: resolved values, missing slots, expected_slot, Rasa, batch,
OpenAPI (with schemathesis), API key, request ids, /version."""
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings

from app import create_app
from app.openapi import build_spec
from app.schemas import MAX_BATCH

REF = {"reference_time": "2026-10-15T09:00:00+08:00"}


def post(http, url, body, **kw):
    r = http.post(url, json=body, timeout=30, **kw)
    assert r.status_code == 200, r.text
    return r.json()


def test_taipei_resolves_to_a_date_and_airports(http, live_url):
    body = post(http, f"{live_url}/parse", {"text": "leave Taipei on November 2nd", **REF})
    assert body["slots"]["time"]["value"] == "2026-11-02"
    assert "TPE" in body["slots"]["departure"]["value"]["airports"]
    assert body["slots"]["departure"]["value"]["country"] == "TW"
    assert body["missing"] == ["destination"]


def test_tomorrow_morning_is_the_next_days_morning(http, live_url):
    body = post(http, f"{live_url}/parse", {"text": "fly from boston to denver tomorrow morning",
                                            "reference_time": "2026-03-31T22:30:00-04:00"})
    assert body["slots"]["time"]["value"] == {"from": "2026-04-01T00:00-04:00", "to": "2026-04-01T12:00-04:00"}
    assert body["slots"]["time"]["grain"] == "hour"
    assert body["slots"]["departure"]["value"]["airports"] == ["BOS"]
    assert "DEN" in body["slots"]["destination"]["value"]["airports"]
    assert body["missing"] == []


def test_timezone_moves_the_reference_day(http, live_url):
    # 20:00 UTC on Oct 15 is already Oct 16 in Taipei
    body = post(http, f"{live_url}/parse", {"text": "fly to boston tomorrow",
                                            "reference_time": "2026-10-15T20:00:00+00:00",
                                            "timezone": "Asia/Taipei"})
    assert body["slots"]["time"]["value"] == "2026-10-17"


def test_missing_lists_unfilled_slots(http, live_url):
    assert post(http, f"{live_url}/parse", {"text": "I want to fly to Boston"})["missing"] == ["departure", "time"]
    assert post(http, f"{live_url}/parse", {"text": "hello"})["missing"] == ["departure", "destination", "time"]


def test_unknown_place_keeps_its_span_with_null_value(http, live_url):
    body = post(http, f"{live_url}/parse", {"text": "fly from boston to Zzyzxville tomorrow"})
    dest = body["slots"]["destination"]
    assert dest is not None and dest["text"] == "Zzyzxville" and dest["value"] is None


@pytest.mark.parametrize("asked,other", [("departure", "destination"), ("destination", "departure")])
def test_expected_slot_settles_a_short_answer(http, live_url, asked, other):
    body = post(http, f"{live_url}/parse", {"text": "Boston.", "expected_slot": asked})
    assert body["slots"][asked]["text"] == "Boston"
    assert body["slots"][other] is None


def test_expected_return_time(http, live_url):
    body = post(http, f"{live_url}/parse", {"text": "On the 11th.", "expected_slot": "return_time", **REF})
    assert body["return_time"]["text"].endswith("11th")
    assert body["return_time"]["value"] == "2026-11-11"
    assert body["slots"]["time"] is None


def test_bad_resolution_options_are_422(http, live_url):
    for extra, field in [({"reference_time": "2026-10-15T09:00:00"}, "reference_time"),
                         ({"reference_time": "yesterday"}, "reference_time"),
                         ({"timezone": "Mars/Olympus"}, "timezone"),
                         ({"expected_slot": "airline"}, "expected_slot")]:
        r = http.post(f"{live_url}/parse", json={"text": "hi", **extra})
        assert r.status_code == 422 and r.json()["field"] == field


def test_rasa_request_gets_a_rasa_answer(http, live_url):
    # exactly what Rasa's RasaNLUHttpInterpreter sends
    r = http.post(f"{live_url}/model/parse", json={"text": "leave Taipei on November 2nd",
                                                   "message_id": "a1b2", "token": None})
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"text", "intent", "intent_ranking", "entities", "language"}
    assert body["intent"]["name"] == "flight" and 0 < body["intent"]["confidence"] <= 1
    assert body["intent_ranking"][0] == body["intent"] and len(body["intent_ranking"]) > 1
    names = [e["entity"] for e in body["entities"]]
    assert names[:2] == ["departure", "time"]
    for e in body["entities"]:
        assert set(e) == {"entity", "start", "end", "value", "confidence_entity", "extractor"}
    dep = body["entities"][0]
    assert (dep["start"], dep["end"]) == (6, 12) and "TPE" in dep["value"]["airports"]
    assert any(n.startswith("fromloc") for n in names[2:])


def test_batch_of_64_matches_64_singles(http, live_url):
    texts = [f"flights from boston to denver on june {d}th" if d % 2 else f"leave Taipei on November {d}"
             for d in range(4, 4 + MAX_BATCH)]
    batch = post(http, f"{live_url}/parse/batch", {"texts": texts, **REF})
    assert isinstance(batch, list) and len(batch) == MAX_BATCH
    singles = [post(http, f"{live_url}/parse", {"text": t, **REF}) for t in texts]
    def without_conf(x):  # padded batches sum floats in another order: confidences differ by ~1e-4
        if isinstance(x, dict):
            return {k: without_conf(v) for k, v in x.items() if k != "confidence"}
        return [without_conf(v) for v in x] if isinstance(x, list) else x

    def confs(x):
        if isinstance(x, dict):
            own = [x["confidence"]] if "confidence" in x else []
            return own + [c for k, v in x.items() if k != "confidence" for c in confs(v)]
        return [c for v in x for c in confs(v)] if isinstance(x, list) else []

    for b, s in zip(batch, singles):
        assert without_conf(b) == without_conf(s)
        # int8 (the default backend) quantizes activations per network call, on the call's own scale: a batch's
        # confidences differ from a single's by up to ~0.02 (float: ~1e-4)
        assert confs(b) == pytest.approx(confs(s), abs=0.03)


def test_batch_limits(http, live_url):
    assert http.post(f"{live_url}/parse/batch", json={"texts": []}).status_code == 422
    r = http.post(f"{live_url}/parse/batch", json={"texts": ["hi"] * (MAX_BATCH + 1)})
    assert r.status_code == 422 and r.json()["field"] == "texts"
    r = http.post(f"{live_url}/parse/batch", json={"texts": ["hi", 3]})
    assert r.status_code == 422 and r.json()["field"] == "texts.1"


def test_request_id_is_echoed_or_generated(http, live_url):
    r = http.post(f"{live_url}/parse", json={"text": "hi"}, headers={"X-Request-ID": "abc-123"})
    assert r.headers["X-Request-ID"] == "abc-123"
    r = http.get(f"{live_url}/healthz")
    assert len(r.headers["X-Request-ID"]) == 32


def test_version_says_what_the_model_is(http, live_url, predictor):
    body = http.get(f"{live_url}/version").json()
    assert body["version"] == predictor.version and body["name"] == predictor.name
    assert "atis" in body["trained_on"]
    assert body["metrics"]["atis_test"] == {k: round(predictor.artifact.metrics["test"][k], 2)
                                            for k in ("slot_f1", "intent_acc", "sentence_acc")}
    assert set(body["metrics"]["sgd_travel_dev_span_f1"]) == {"departure", "destination", "time", "micro"}


def test_docs_page_and_spec(http, live_url):
    spec = http.get(f"{live_url}/openapi.json").json()
    assert spec["openapi"].startswith("3.") and "/parse" in spec["paths"] and "/model/parse" in spec["paths"]
    assert "ParseResult" in spec["components"]["schemas"]
    page = http.get(f"{live_url}/docs")
    assert page.status_code == 200 and "/parse/batch" in page.text


@pytest.fixture(scope="module")
def keyed_url(predictor):
    import threading

    from werkzeug.serving import make_server

    app = create_app(predictor=predictor, config={"API_KEY": "s3cret-key", "ACCESS_LOG": False})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_api_key(keyed_url):
    body = {"text": "fly to boston"}
    r = requests.post(f"{keyed_url}/parse", json=body)
    assert r.status_code == 401 and r.json()["status"] == 401
    r = requests.post(f"{keyed_url}/parse", json=body, headers={"Authorization": "Bearer wrong"})
    assert r.status_code == 401 and r.headers["Content-Type"].startswith("application/problem+json")
    assert requests.post(f"{keyed_url}/parse", json=body, headers={"Authorization": "Bearer s3cret-key"}).ok
    assert requests.post(f"{keyed_url}/parse/batch", json={"texts": ["a"]}, headers={"X-API-Key": "s3cret-key"}).ok
    assert requests.post(f"{keyed_url}/model/parse", json={"text": "a", "token": "s3cret-key"}).ok
    assert requests.post(f"{keyed_url}/model/parse", json={"text": "a", "token": "nope"}).status_code == 401
    for path in ("/healthz", "/readyz", "/metrics", "/docs", "/openapi.json", "/version"):
        assert requests.get(f"{keyed_url}{path}").status_code == 200


schema = schemathesis.openapi.from_dict(build_spec())


@schema.parametrize()
@settings(max_examples=int(__import__("os").environ.get("SLOT_ST_EXAMPLES", "25")), deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.slow
def test_schemathesis_no_5xx_and_responses_match_spec(case, live_url):
    # Every built-in check: the spec states every rule a body is held to (text not only whitespace,
    # IANA timezones as an enum, reference_time's years as a pattern), so schema-valid bodies are accepted.
    case.call_and_validate(base_url=live_url)


def test_a_round_trips_range_of_days_fills_time_and_return_time(http, live_url):
    body = post(http, f"{live_url}/parse", {"text": "round trip SEA-ORD dec 5 to dec 9",
                                            "reference_time": "2026-11-25T10:00:00-05:00"})
    when, back = body["slots"]["time"], body["return_time"]
    assert (when["value"], when["grain"], back["value"], back["grain"]) == ("2026-12-05", "day", "2026-12-09", "day")
    assert when["text"] == back["text"] == "dec 5 to dec 9"
    assert body["slots"]["departure"]["value"]["airports"] == ["SEA"]
    assert body["slots"]["destination"]["value"]["airports"][0] == "ORD"


def test_a_one_way_range_of_days_is_a_window_to_leave_in(http, live_url):
    body = post(http, f"{live_url}/parse", {"text": "one way from boston to denver between dec 1 and dec 4",
                                            "reference_time": "2026-11-25T10:00:00-05:00"})
    assert body["slots"]["time"]["value"] == {"from": "2026-12-01", "to": "2026-12-05"}
    assert body["return_time"] is None
