"""``POST /model/parse`` with ``SLOT_RASA_ENTITIES=roles``: the frame as Rasa entity roles, read the way a
Rasa assistant reads them (slot mappings ``from_entity`` with ``entity`` and ``role``)."""
from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict

from app import create_app
from app.schemas import RasaParseResponse
from app.settings import Settings


class RasaEntity(BaseModel):
    """An entity as Rasa's NLU message holds it (rasa.shared.nlu.constants: entity, start, end, value,
    confidence_entity, role, confidence_role, group, extractor, additional_info)."""

    model_config = ConfigDict(extra="forbid")
    entity: str
    start: int
    end: int
    value: Any
    confidence_entity: float | None = None
    role: str | None = None
    confidence_role: float | None = None
    group: str | None = None
    extractor: str
    additional_info: Any = None


# A domain's slot mappings, as a booking assistant would write them in domain.yml
DOMAIN_SLOTS = {
    "origin": {"type": "from_entity", "entity": "city", "role": "from"},
    "destination": {"type": "from_entity", "entity": "city", "role": "to"},
    "depart_on": {"type": "from_entity", "entity": "time", "role": "depart"},
    "return_on": {"type": "from_entity", "entity": "time", "role": "return"},
}


def fill_slots(entities: list[dict]) -> dict[str, Any]:
    """Rasa's from_entity mapping: the value of the last entity with that name (and role, where given)."""
    slots: dict[str, Any] = {}
    for name, mapping in DOMAIN_SLOTS.items():
        for e in entities:
            if e["entity"] == mapping["entity"] and mapping.get("role") in (None, e.get("role")):
                slots[name] = e["value"]
    return slots


@pytest.fixture(scope="module")
def client(predictor):
    app = create_app(predictor=predictor, settings=Settings(rasa_entities="roles"), config={"ACCESS_LOG": False})
    return app.test_client()


def parse(client, text: str) -> dict:
    res = client.post("/model/parse", json={"text": text, "reference_time": "2026-11-25T10:00:00-05:00",
                                             "timezone": "America/New_York"})
    assert res.status_code == 200
    return res.get_json()


def test_a_rasa_assistant_fills_its_slots_from_roles(client):
    body = parse(client, "round trip from bostn to Montréal dec 5 to dec 9")
    RasaParseResponse.model_validate(body)  # what /openapi.json documents
    for e in body["entities"]:
        RasaEntity.model_validate(e)
    assert fill_slots(body["entities"]) == {
        "origin": "Boston", "destination": "Montréal",
        "depart_on": "2026-12-05T00:00:00.000-05:00", "return_on": "2026-12-09T00:00:00.000-05:00",
    }
    city = next(e for e in body["entities"] if e.get("role") == "from")
    assert city["additional_info"]["airports"][0] == "BOS"
    assert city["confidence_role"] == city["confidence_entity"]


def test_time_comes_in_ducklings_shapes(client):
    body = parse(client, "fly from boston to denver tomorrow morning")
    when = next(e for e in body["entities"] if e["entity"] == "time")
    assert when["value"] == {"from": "2026-11-26T00:00:00.000-05:00", "to": "2026-11-26T12:00:00.000-05:00"}
    info = when["additional_info"]
    assert info["type"] == "interval" and info["from"] == {"value": when["value"]["from"], "grain": "hour"}
    assert info["values"][0]["to"]["value"] == when["value"]["to"]
    body = parse(client, "fly from boston to denver on christmas")
    when = next(e for e in body["entities"] if e["entity"] == "time")
    assert when["value"] == "2026-12-25T00:00:00.000-05:00"
    assert when["additional_info"]["grain"] == "day" and when["additional_info"]["type"] == "value"


def test_an_unresolved_place_keeps_its_text(client):
    body = parse(client, "I want to fly from Boston to Zzyzxville tomorrow")
    to = next(e for e in body["entities"] if e.get("role") == "to")
    assert to["value"] == "Zzyzxville" and "additional_info" not in to


def test_the_default_shape_is_the_frame(predictor):
    client = create_app(predictor=predictor, config={"ACCESS_LOG": False}).test_client()
    body = client.post("/model/parse", json={"text": "fly from boston to denver tomorrow"}).get_json()
    assert {e["entity"] for e in body["entities"]} >= {"departure", "destination", "time"}
    assert not any("role" in e for e in body["entities"])
