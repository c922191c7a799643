"""Inputs that used to answer 500 (issue 18): each is a 4xx now, or a null value."""
import pytest

from conftest import API_KEY as KEY


@pytest.mark.parametrize("ref", ["9999-12-31T23:00:00+00:00", "0001-01-01T00:30:00+01:00", "1899-12-31T23:00:00+00:00"])
@pytest.mark.parametrize("path", ["/parse", "/parse/batch", "/model/parse"])
def test_a_reference_time_off_the_calendar_is_a_422(client, ref, path):
    body = {"reference_time": ref, **({"texts": ["fly tomorrow at 9 pm"]} if path.endswith("batch")
                                       else {"text": "fly tomorrow at 9 pm"})}
    res = client.post(path, json=body)
    assert res.status_code == 422 and res.get_json()["field"] == "reference_time"


def test_dates_at_the_ends_of_the_allowed_years_resolve_or_are_null(client):
    for ref in ["2999-12-31T23:59:00-12:00", "1900-01-01T00:00:00+14:00"]:
        res = client.post("/parse", json={"text": "fly from boston to denver tomorrow at 9 pm", "reference_time": ref,
                                          "timezone": "Pacific/Kiritimati"})
        assert res.status_code == 200


@pytest.mark.parametrize("path", ["/parse", "/model/parse"])
def test_an_integer_past_pythons_digit_limit_is_a_400(client, path):
    raw = '{"text": "to Boston", "n": ' + "9" * 5000 + "}"
    res = client.post(path, data=raw, content_type="application/json")
    assert res.status_code == 400 and res.is_json


def test_a_lone_surrogate_token_is_a_401_not_a_500(keyed):
    res = keyed.post("/model/parse", data='{"text": "to Boston", "token": "\\ud800"}', content_type="application/json")
    assert res.status_code == 401 and res.is_json


def test_the_key_in_the_url_is_only_taken_where_rasa_sends_it(keyed):
    assert keyed.post(f"/parse?token={KEY}", json={"text": "to Boston"}).status_code == 401
    assert keyed.post(f"/parse/batch?token={KEY}", json={"texts": ["to Boston"]}).status_code == 401
    assert keyed.post(f"/model/parse?token={KEY}", json={"text": "to Boston"}).status_code == 200
    assert keyed.post("/parse", json={"text": "to Boston"}, headers={"X-API-Key": KEY}).status_code == 200


def test_made_up_methods_share_one_metrics_label(client):
    for i in range(20):
        client.open("/parse", method=f"FOO{i}")
    metrics = client.get("/metrics").get_data(as_text=True)
    assert "FOO" not in metrics


def test_a_body_without_a_length_is_held_to_the_cap(client):
    """A chunked body (no Content-Length) over the cap is a 413, even when its first 64 KiB parse."""
    import io
    import json

    valid = json.dumps({"text": "to Boston", "pad": "x" * 65000}).encode()
    for body, status in [(valid + b" " * 100_000, 413), (json.dumps({"text": "to Boston"}).encode(), 200)]:
        res = client.post("/parse", input_stream=io.BytesIO(body),
                          headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"})
        assert res.status_code == status and res.is_json


def test_a_batch_over_its_token_budget_is_a_422_naming_it(client):
    from app.schemas import MAX_BATCH_TOKENS

    worst = ["1 " * 499 + "1"] * 64  # 64 x 1,000 characters: 32,000 tokens
    res = client.post("/parse/batch", json={"texts": worst})
    assert res.status_code == 422 and res.get_json()["field"] == "texts"
    assert str(MAX_BATCH_TOKENS) in res.get_json()["detail"]
    fits = ["1 " * 39 + "1"] * 64  # 64 x 40 tokens
    assert client.post("/parse/batch", json={"texts": fits}).status_code == 200
