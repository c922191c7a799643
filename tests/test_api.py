"""The HTTP API, through real HTTP on the running app with the committed default model."""
import json

import pytest

from app.schemas import MAX_TEXT_CHARS, Problem
from engine.result import ANSWER


def parse(http, live_url, text):
    r = http.post(f"{live_url}/parse", json={"text": text}, timeout=10)
    assert r.status_code == 200, r.text
    body = r.json()
    ANSWER.validate_python(body)  # the documented shape
    return body


def check_offsets(body):
    text = body["text"]
    for slot in body["slots"].values():
        if slot is not None:
            assert text[slot["start"]:slot["end"]] == slot["text"]
    for e in body["entities"]:
        assert text[e["start"]:e["end"]] == e["text"]
        assert 0 < e["confidence"] <= 1


def slot_text(body, name):
    slot = body["slots"][name]
    return None if slot is None else slot["text"]


def test_arrive_means_destination(http, live_url):
    body = parse(http, live_url, "arrive Taipei on November 2nd")
    check_offsets(body)
    assert slot_text(body, "destination") == "Taipei"
    assert slot_text(body, "time") == "November 2nd"
    assert body["slots"]["departure"] is None


def test_leave_means_departure(http, live_url):
    body = parse(http, live_url, "leave Taipei on November 2nd")
    check_offsets(body)
    assert slot_text(body, "departure") == "Taipei"
    assert body["slots"]["departure"]["start"] == 6 and body["slots"]["departure"]["end"] == 12
    assert slot_text(body, "time") == "November 2nd"
    assert body["slots"]["destination"] is None
    assert body["intent"]["name"] == "flight"
    assert list(body) == ["text", "in_scope", "out_of_scope", "language", "intent", "slots", "return_time", "arrival_time", "mode", "missing",
                          "entities", "model"]
    assert body["in_scope"] is True and body["out_of_scope"] is None and body["language"]["code"] == "en"
    assert list(body["slots"]) == ["departure", "destination", "time"]
    assert len(body["model"]["version"]) == 8


def test_case_and_punctuation_keep_offsets_into_the_original(http, live_url):
    text = "Leave Taipei on November 2nd!"
    body = parse(http, live_url, text)
    check_offsets(body)
    assert body["text"] == text
    assert slot_text(body, "departure") == "Taipei"
    assert slot_text(body, "time") == "November 2nd"
    assert body["slots"]["time"]["start"] == 16 and body["slots"]["time"]["end"] == 28
    assert body["slots"]["destination"] is None


def test_round_trip_between_two_cities(http, live_url):
    body = parse(http, live_url, "i want to fly from baltimore to dallas round trip")
    check_offsets(body)
    assert slot_text(body, "departure") == "baltimore"
    assert slot_text(body, "destination") == "dallas"
    assert "round_trip" in [e["entity"] for e in body["entities"]]


def test_confidences_are_model_probabilities(http, live_url, predictor):
    texts = ["show me flights from boston to denver", "Dallas.", "arrive Taipei on November 2nd",
             "what about the one at 7 instead"]
    seen = set()
    for text in texts:
        body = parse(http, live_url, text)
        pred = predictor.predict(text)
        assert body["intent"]["confidence"] == round(pred.intent_confidence, 4)
        if body["in_scope"]:
            assert [e["confidence"] for e in body["entities"]] == [round(e.confidence, 4) for e in pred.entities]
        else:  # judged out of scope: no entities, the intent's confidence is P(out_of_scope)
            assert body["entities"] == [] and pred.out_of_scope_probability >= predictor.scope_threshold
        seen |= {e["confidence"] for e in body["entities"]} | {body["intent"]["confidence"]}
    assert all(0 < c <= 1 for c in seen)
    assert min(seen) < 0.99  # not a constant


@pytest.mark.parametrize("text", ["?!", "飞往台北 ✈️", "x" * MAX_TEXT_CHARS, "a\u0000b", "שלום"])
def test_odd_but_valid_text_answers_200(http, live_url, text):
    check_offsets(parse(http, live_url, text))


def problem(r, status):
    assert r.status_code == status, r.text
    assert r.headers["Content-Type"].startswith("application/problem+json")
    body = r.json()
    Problem.model_validate(body)
    assert body["status"] == status
    return body


@pytest.mark.parametrize("data", [b'{"text": "hi"', b"{text: 1}", b"", b'{"text": "\xff\xfe"}'])
def test_malformed_json_is_400(http, live_url, data):
    r = http.post(f"{live_url}/parse", data=data, headers={"Content-Type": "application/json"})
    problem(r, 400)


def test_wrong_content_type_is_415(http, live_url):
    problem(http.post(f"{live_url}/parse", data={"text": "hi"}), 415)
    problem(http.post(f"{live_url}/parse", data="text=hi", headers={"Content-Type": "text/plain"}), 415)


@pytest.mark.parametrize("body,field", [
    ({}, "text"),
    ({"txt": "hello"}, "text"),
    ({"text": 42}, "text"),
    ({"text": None}, "text"),
    ({"text": ["a"]}, "text"),
    ({"text": ""}, "text"),
    ({"text": "   \n\t"}, "text"),
    ({"text": "x" * (MAX_TEXT_CHARS + 1)}, "text"),
])
def test_invalid_text_is_422_naming_the_field(http, live_url, body, field):
    out = problem(http.post(f"{live_url}/parse", json=body), 422)
    assert out["field"] == field


@pytest.mark.parametrize("body", [[{"text": "hi"}], "hi", 3, None])
def test_non_object_body_is_422(http, live_url, body):
    problem(http.post(f"{live_url}/parse", data=json.dumps(body), headers={"Content-Type": "application/json"}), 422)


def test_extra_fields_are_ignored(http, live_url):
    r = http.post(f"{live_url}/parse", json={"text": "flights to boston", "lang": "en"})
    assert r.status_code == 200


def test_oversized_body_is_413(http, live_url):
    big = json.dumps({"text": "a" * (200 * 1024)})
    problem(http.post(f"{live_url}/parse", data=big, headers={"Content-Type": "application/json"}), 413)


def test_unknown_path_is_404_json(http, live_url):
    problem(http.get(f"{live_url}/nope"), 404)


@pytest.mark.parametrize("method,path", [("GET", "/parse"), ("PUT", "/parse"), ("DELETE", "/parse"),
                                         ("POST", "/healthz"), ("POST", "/readyz")])
def test_wrong_method_is_405_json(http, live_url, method, path):
    r = http.request(method, f"{live_url}{path}")
    problem(r, 405)
    assert r.headers["Allow"]


def test_health_and_readiness(http, live_url, predictor):
    assert http.get(f"{live_url}/healthz").json() == {"status": "ok"}
    ready = http.get(f"{live_url}/readyz").json()
    assert ready["status"] == "ready" and ready["model"]["version"] == predictor.version


def test_security_headers_and_no_cors_by_default(http, live_url):
    r = http.post(f"{live_url}/parse", json={"text": "hi"}, headers={"Origin": "https://evil.example"})
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert "Access-Control-Allow-Origin" not in r.headers


def test_cors_allow_list(predictor):
    from app import create_app

    client = create_app(predictor=predictor, config={"CORS_ORIGINS": ["https://bot.example"],
                                                     "ACCESS_LOG": False}).test_client()
    ok = client.post("/parse", json={"text": "hi"}, headers={"Origin": "https://bot.example"})
    assert ok.headers["Access-Control-Allow-Origin"] == "https://bot.example"
    other = client.post("/parse", json={"text": "hi"}, headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers


def test_ten_megabyte_body_is_413(http, live_url):
    body = b'{"text": "' + b"a" * (10 * 1024 * 1024) + b'"}'
    problem(http.post(f"{live_url}/parse", data=body, headers={"Content-Type": "application/json"}), 413)


@pytest.mark.parametrize("depth", [50, 100_000])
def test_deeply_nested_json_is_a_clean_4xx(http, live_url, depth):
    body = '{"text": "hi", "x": ' + "[" * depth + "]" * depth + "}"
    r = http.post(f"{live_url}/parse", data=body, headers={"Content-Type": "application/json"})
    if len(body) > 64 * 1024:
        problem(r, 413)
    else:
        assert r.status_code == 200  # extra fields are ignored, however nested
    deep = "[" * 20_000 + "]" * 20_000  # under the size limit, over the parser's recursion limit
    problem(http.post(f"{live_url}/parse", data=deep, headers={"Content-Type": "application/json"}), 400)


def test_form_encoded_body_is_415(http, live_url):
    problem(http.post(f"{live_url}/parse", data={"text": "fly to boston"}), 415)


@pytest.mark.parametrize("text", ["fly\u0000to\u0007boston\u001b", "\u202etsop\u202c from Boston",
                                  "\u05d8\u05d9\u05e1\u05d4 \u05dc\u05ea\u05dc \u05d0\u05d1\u05d9\u05d1 to Paris",
                                  "Bogota\u0301 to Z\u00fcrich", "\u2708\ufe0f\U0001F1F9\U0001F1FC from Taipei",
                                  "从台北飞往东京 on Nov 2nd"])
def test_odd_characters_keep_exact_offsets(http, live_url, text):
    check_offsets(parse(http, live_url, text))


@pytest.mark.parametrize("method,path", [("GET", "/parse/batch"), ("GET", "/model/parse"), ("POST", "/version"),
                                         ("POST", "/metrics"), ("PUT", "/openapi.json"), ("DELETE", "/docs")])
def test_every_endpoint_refuses_the_wrong_method(http, live_url, method, path):
    problem(http.request(method, f"{live_url}{path}"), 405)


def test_worst_case_request_answers_well_inside_the_worker_timeout(http, live_url):
    import time

    from app.schemas import MAX_BATCH, MAX_BATCH_TOKENS
    from engine.tokenizer import tokenize

    worker_timeout = 30  # app/gunicorn.conf.py default
    longest = ("fly from boston to denver on june 2nd " * 40)[:MAX_TEXT_CHARS]
    texts = [longest] * MAX_BATCH  # over the token budget: refused before the network runs
    assert http.post(f"{live_url}/parse/batch", json={"texts": texts}, timeout=worker_timeout).status_code == 422
    texts = texts[: MAX_BATCH_TOKENS // len(tokenize(longest))]  # the largest batch of longest texts accepted
    t0 = time.monotonic()
    r = http.post(f"{live_url}/parse/batch", json={"texts": texts}, timeout=worker_timeout)
    elapsed = time.monotonic() - t0
    assert r.status_code == 200 and len(r.json()) == len(texts)
    assert elapsed < worker_timeout / 2, f"worst-case batch took {elapsed:.1f} s"


def test_a_backend_that_cannot_run_stops_start_up_with_a_message(monkeypatch):
    from app import StartupError, create_app

    for backend in ("tensorrt", "torch"):  # the PyTorch reference is the training lab's, not the service's
        monkeypatch.setenv("SLOT_BACKEND", backend)
        with pytest.raises(StartupError, match="SLOT_BACKEND: Input should be 'onnx' or 'onnx-int8'"):
            create_app()


def test_metrics_content_type_names_its_charset_once(http, live_url):
    r = http.get(f"{live_url}/metrics", timeout=10)
    assert r.status_code == 200 and r.headers["Content-Type"].count("charset") == 1
    assert r.headers["Content-Type"].startswith("text/plain")
