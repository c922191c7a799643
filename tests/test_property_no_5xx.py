"""Property (issues 18, 24): whatever JSON a client sends to the three parsing endpoints, the answer is never a
5xx — a 200 or a JSON 4xx. Hypothesis draws reference times, timezones (any string: directories of the zone
database, names too long for a file system, paths), texts (NUL and control characters, lone surrogates,
zero-width characters, other scripts, chained time intervals) and arbitrary JSON."""
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import create_app

pytestmark = pytest.mark.slow  # thousands of requests: not in the fast lane

EXAMPLES = 2000

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12)
PIECES = ["next friday", "at 9 pm", "until", "noon", "dec 5", "tonight", "at 9:30", "afternoon", "tomorrow", "to",
          "and", "between", "\u0000", "\u0007", "\u200b", "\u00ad", "\ud800", "\x85", "Москва", "東京"]
chains = st.lists(st.sampled_from(PIECES), min_size=1, max_size=14).map(lambda p: "fly to denver " + " ".join(p))
texts = st.text(max_size=60) | st.sampled_from(["fly from boston to denver tomorrow at 9 pm", "christmas",
                                                "dec 5 to dec 9", "\u000b", " ", "to Zürich next weekend",
                                                "fly to denver tomorrow\u0000morning"]) | chains
times = st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()) | st.text(max_size=30) | st.integers()
zones = st.sampled_from(["UTC", "Asia/Taipei", "America/New_York", "Pacific/Kiritimati", "", "Mars/Olympus", "America",
                         "Etc", "a" * 256, "../../etc/passwd", "/dev/zero", "America/\u0000", "posixrules"]) \
    | st.text(max_size=300) | st.none()
bodies = st.fixed_dictionaries({"text": texts}, optional={
    "reference_time": times, "timezone": zones, "expected_slot": st.sampled_from(["time", "departure", "x", None]),
    "texts": st.lists(texts, max_size=5), "token": st.text(max_size=10) | st.none()}) | json_values


@pytest.fixture(scope="module")
def client(predictor):
    return create_app(predictor=predictor, config={"ACCESS_LOG": False}).test_client()


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=bodies, path=st.sampled_from(["/parse", "/parse/batch", "/model/parse"]))
def test_never_a_5xx(client, body, path):
    if path == "/parse/batch" and isinstance(body, dict) and "texts" not in body and "text" in body:
        body = {**body, "texts": [body["text"]]}
    res = client.post(path, data=json.dumps(body), content_type="application/json")
    assert res.status_code < 500, (path, body, res.get_data(as_text=True)[:300])
    assert res.is_json
