"""Resolution rules for dates and places (against the documented rules, not a library's output)."""
from datetime import datetime, timedelta, timezone

import pytest

from engine.resolve.dates import resolve_time
from engine.resolve.places import PlaceIndex

TPE = timezone(timedelta(hours=8))
REF = datetime(2026, 10, 15, 9, 0, tzinfo=TPE)  # a Thursday


@pytest.mark.parametrize("text,expected", [
    ("November 2nd", "2026-11-02"),
    ("november second", "2026-11-02"),
    ("Nov. 2", "2026-11-02"),
    ("11/02", "2026-11-02"),
    ("june fourteenth", "2027-06-14"),  # no year: the next June 14th on or after the reference
    ("October 15th", "2026-10-15"),  # on the reference day itself
    ("the 5th", "2026-11-05"),  # the next 5th on or after the reference
    ("the 20th", "2026-10-20"),
    ("the 11th of this month", "2026-10-11"),
    ("13th of next month", "2026-11-13"),
    ("twenty first of november", "2026-11-21"),
    ("2nd of March", "2027-03-02"),
    ("tomorrow", "2026-10-16"),
    ("tomorrow morning", "2026-10-16"),  # a period of day is no time of day
    ("day after tomorrow", "2026-10-17"),
    ("friday", "2026-10-16"),
    ("this Sunday", "2026-10-18"),
    ("thursday", "2026-10-15"),
    ("next friday", "2026-10-23"),  # the Friday of next week
    ("Thursday next week", "2026-10-22"),
    ("in 3 days", "2026-10-18"),
    ("9 pm", "2026-10-15T21:00+08:00"),
    ("838 am", "2026-10-16T08:38+08:00"),  # already past today: tomorrow's
    ("next friday at 9 pm", "2026-10-23T21:00+08:00"),
    ("November 2nd at 2:45pm", "2026-11-02T14:45+08:00"),
    ("noon tomorrow", "2026-10-16T12:00+08:00"),
])
def test_time_rules(text, expected):
    assert resolve_time(text, REF) == expected


@pytest.mark.parametrize("text", ["morning", "the weekend", "next month", "soon", "February 30th", "the 45th"])
def test_unresolvable_time_is_none_not_a_guess(text):
    assert resolve_time(text, REF) is None


@pytest.fixture(scope="module")
def places():
    return PlaceIndex()


@pytest.mark.parametrize("text,city,country,first", [
    ("Taipei", "Taipei", "TW", "TPE"),
    ("Portland, OR", "Portland", "US", "PDX"),
    ("Portland, Maine", "Portland", "US", "PWM"),
    ("Seattle, WA", "Seattle", "US", None),
    ("SF", "San Francisco", "US", "SFO"),
    ("NYC", "New York", "US", "JFK"),
    ("LA", "Los Angeles", "US", "LAX"),
    ("Ciudad de Mexico", "Mexico City", "MX", "MEX"),
    ("Paris, France", "Paris", "FR", "CDG"),
    ("SFO", "San Francisco", "US", "SFO"),
    ("boston", "Boston", "US", "BOS"),
    ("Dallas", "Dallas", "US", "DFW"),
    ("toronto", "Toronto", "CA", "YYZ"),
    ("London", "London", "GB", "LHR"),
    ("London, Ontario", "London", "CA", "YXU"),
])
def test_places(places, text, city, country, first):
    v = places.resolve(text)
    assert v["city"] == city and v["country"] == country
    if first:
        assert v["airports"][0] == first


def test_taipei_has_both_airports(places):
    assert set(places.resolve("Taipei")["airports"]) >= {"TPE", "TSA"}


def test_portland_without_state_lists_both_portlands(places):
    assert {"PDX", "PWM"} <= set(places.resolve("Portland")["airports"])


@pytest.mark.parametrize("text", ["Atlantis", "the moon", "check", "Springfield, XY"])
def test_unknown_places_are_none(places, text):
    assert places.resolve(text) is None
