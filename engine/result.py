"""The answer's type: what :class:`engine.parser.Parser` returns for each text, and ``POST /parse`` serves.

Typed dictionaries (PEP 589): the parser builds its answers as dict literals annotated with these
types (for a type checker; at run time a plain dict, so the answer costs what it cost before and
encodes straight to JSON), and the OpenAPI schema of the HTTP layer is generated from the same classes (pydantic reads their fields,
``Annotated`` constraints and descriptions). One definition; the JSON and the spec cannot drift.
:data:`ANSWER` validates an answer against it (the tests run every answer they see through it).
"""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, TypeAdapter
from typing_extensions import TypedDict

_CLOSED = ConfigDict(extra="forbid")  # an answer holds exactly these keys

Probability = Annotated[float, Field(ge=0, le=1)]


class Place(TypedDict):
    """An airport city: what departure/destination resolve to (airportsdata)."""

    __pydantic_config__ = _CLOSED  # type: ignore[misc]
    city: str
    country: Annotated[str, Field(description="ISO 3166-1 alpha-2 code.")]
    airports: Annotated[list[str], Field(description="IATA codes, international airports first.")]


class Slot(TypedDict):
    """A frame slot's span in the user's text and its resolved value."""

    __pydantic_config__ = _CLOSED  # type: ignore[misc]
    text: Annotated[str, Field(description="Exactly request_text[start:end].")]
    start: Annotated[int, Field(description="Character offset into the request's text (inclusive).")]
    end: Annotated[int, Field(description="Character offset into the request's text (exclusive).")]
    confidence: Annotated[float, Field(ge=0, le=1, description="Model probability.")]
    value: Annotated[str | Place | None, Field(
        description="Resolved value: an ISO 8601 date or date-time for times, a place with airports for "
                    "departure/destination; null when it cannot be resolved.")]


class Entity(TypedDict):
    """A fine ATIS entity."""

    __pydantic_config__ = _CLOSED  # type: ignore[misc]
    entity: Annotated[str, Field(description="Fine ATIS label, e.g. fromloc.city_name.")]
    text: str
    start: int
    end: int
    confidence: Probability


class Slots(TypedDict):
    __pydantic_config__ = _CLOSED  # type: ignore[misc]
    departure: Slot | None
    destination: Slot | None
    time: Slot | None


class Intent(TypedDict):
    __pydantic_config__ = _CLOSED  # type: ignore[misc]
    name: str
    confidence: Probability


class OutOfScope(TypedDict):
    """Why a turn is not answered with a frame."""

    __pydantic_config__ = _CLOSED  # type: ignore[misc]
    reason: Annotated[Literal["not_travel", "language"], Field(
        description="not_travel: the model judged it not a flight, bus or train request (P(out_of_scope) at or "
                    "over SLOT_SCOPE_THRESHOLD); language: not in English, the language the model reads.")]
    confidence: Annotated[float, Field(ge=0, le=1, description="P(out_of_scope) from the model, or the language "
                                                               "detector's confidence in the detected language.")]


class Language(TypedDict):
    __pydantic_config__ = _CLOSED  # type: ignore[misc]
    code: Annotated[str, Field(description="ISO 639-1 code of the detected language (en, es, fr, de, it, pt, zh, "
                                           "ja, ko).", examples=["en"])]
    confidence: Annotated[float | None, Field(
        ge=0, le=1, description="The detector's confidence; null when every word is one the model was trained on "
                                "and the text is ASCII (read as English without running the detector).")]


class ModelInfo(TypedDict):
    __pydantic_config__ = _CLOSED  # type: ignore[misc]
    name: str
    version: Annotated[str, Field(description="First 8 hex digits of the SHA-256 of the weights.")]


class ParseResult(TypedDict):
    """The answer for one text: the booking frame with resolved values, what is missing, the fine
    entities, the intent, and whether the turn is in scope at all."""

    __pydantic_config__ = _CLOSED  # type: ignore[misc]
    text: str
    in_scope: Annotated[bool, Field(description="false: not a travel request, or not in English; the frame is "
                                                "then empty.")]
    out_of_scope: Annotated[OutOfScope | None, Field(description="Why the turn is out of scope; null when in scope.")]
    language: Language
    intent: Annotated[Intent, Field(description="The travel intent (ATIS's, without the atis_ prefix), or "
                                                "out_of_scope.")]
    slots: Slots
    return_time: Annotated[Slot | None, Field(description="When the return trip happens, if said.")]
    missing: Annotated[list[Literal["departure", "destination", "time"]], Field(
        description="Frame slots still unfilled, in frame order: what the bot should ask next.")]
    entities: list[Entity]
    model: ModelInfo


ANSWER = TypeAdapter(ParseResult)
