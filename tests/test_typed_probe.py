"""The typed-request probe (model.typed_probe): its scoring rules, and the committed model on it."""
import json

import pytest

from model import typed_probe
from model.artifact import default_dir

pytestmark = pytest.mark.slow  # trains, starts servers or scores whole sets: not in the fast lane


@pytest.mark.parametrize("slot,expected,served,ok", [
    ("departure", "Portland, ME", "Portland, ME", True),
    ("departure", "Portland, ME", "Portland", True),  # the state may be left out
    ("departure", "Portland", "Portland, ME", False),
    ("destination", "Ho Chi Minh City", "Chi Minh City", False),
    ("time", "next Friday", "on next Friday", True),
    ("time", "Monday morning", "Monday", True),
    ("time", "the 3rd", None, False),
    ("time", None, None, True),
    ("destination", None, "Boise", False),
])
def test_scoring_rules(slot, expected, served, ok):
    assert typed_probe.correct(slot, expected, served) is ok


def test_the_fixture_is_well_formed():
    rows = [json.loads(line) for line in typed_probe.DEFAULT_FILE.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 40
    for row in rows:
        for slot in typed_probe.SLOTS:
            assert row[slot] is None or row[slot] in row["text"], row


def test_committed_model_on_typed_requests():
    """A regression floor a little under what the committed model measures (see the model card)."""
    result = typed_probe.run(default_dir(), typed_probe.DEFAULT_FILE)
    assert result["n"] == len(typed_probe.DEFAULT_FILE.read_text(encoding="utf-8").splitlines())
    for slot in typed_probe.SLOTS:
        assert result["accuracy"][slot] >= 85.0, result
