"""The request examples of the README and of docs/, replayed against the app: the answers they show are the answers
served."""
import json
import re
from datetime import datetime, timezone

import pytest

from conftest import ROOT

# The README's examples without a reference_time were recorded on this day (it says so beside them).
RECORDED = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)


def examples() -> list[tuple[str, dict, dict, dict]]:
    """(path, request body, answer shown, app config) for each curl example followed by a JSON answer block
    (an example whose shell block sets ``SLOT_RASA_ENTITIES=roles`` is replayed with that setting)."""
    text = "\n".join(p.read_text(encoding="utf-8") for p in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))])
    blocks = re.findall(r"```(\w*)\n(.*?)```", text, re.S)
    out = []
    for (lang, code), (next_lang, answer) in zip(blocks, blocks[1:]):
        m = re.search(r"curl -s localhost:8000(/\S+) .*?-d '(\{.*?\})'", code, re.S)
        if lang == "bash" and next_lang == "json" and m:
            config = {"RASA_ENTITIES": "roles"} if "SLOT_RASA_ENTITIES=roles" in code else {}
            out.append((m.group(1), json.loads(m.group(2)), json.loads(answer), config))
    return out


def test_the_readme_has_its_examples():
    assert {path for path, _, _, _ in examples()} >= {"/parse", "/model/parse"}
    assert any(config for _, _, _, config in examples())


@pytest.mark.parametrize("path,body,shown,config", examples(),
                         ids=[p + ("-roles" if c else "") for p, _, _, c in examples()])
def test_readme_example_answers_as_shown(predictor, monkeypatch, path, body, shown, config):
    from app import create_app
    from engine import parser as parser_mod

    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):
            return RECORDED.astimezone(tz) if tz else RECORDED

    monkeypatch.setattr(parser_mod, "datetime", Clock)
    client = create_app(predictor=predictor, config={"ACCESS_LOG": False, **config}).test_client()
    got = client.post(path, json=body).get_json()
    if "intent_ranking" in shown:  # the README cuts the ranking short
        assert got["intent_ranking"][: len(shown["intent_ranking"])] == shown["intent_ranking"]
        got["intent_ranking"] = shown["intent_ranking"]
    assert _close(got, shown), (got, shown)


def _close(got, shown) -> bool:
    """The same answer, confidences within 0.002: the int8 graph's kernels differ by CPU in the last digit."""
    if isinstance(shown, float) and isinstance(got, (int, float)) and not isinstance(got, bool):
        return abs(got - shown) <= 2e-3
    if isinstance(shown, dict):
        return isinstance(got, dict) and got.keys() == shown.keys() and all(_close(got[k], shown[k]) for k in shown)
    if isinstance(shown, list):
        return isinstance(got, list) and len(got) == len(shown) and all(map(_close, got, shown))
    return got == shown


def test_answers_differing_beyond_the_last_digit_are_told_apart():
    assert _close({"a": [0.9812, "x"]}, {"a": [0.9813, "x"]})
    assert not _close({"a": [0.90, "x"]}, {"a": [0.95, "x"]})
    assert not _close({"a": "x"}, {"a": "y"}) and not _close({"a": 1.0}, {"a": 1.0, "b": None})
