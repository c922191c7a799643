"""The answer's type: what :class:`engine.parser.Parser` returns for each text, and ``POST /parse`` serves.

Typed dictionaries (PEP 589): the parser builds its answers as dict literals annotated with these
types (for a type checker; at run time a plain dict, so the answer costs what it cost before and
encodes straight to JSON), and the OpenAPI schema of the HTTP layer is generated from the same classes (pydantic reads their fields,
``Annotated`` constraints and descriptions). One definition; the JSON and the spec cannot drift.
:data:`ANSWER` validates an answer against it (the tests run every answer they see through it).
"""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, TypeAdapter, with_config
from typing_extensions import NotRequired, TypedDict

_CLOSED = ConfigDict(extra="forbid")  # an answer holds exactly these keys

Probability = Annotated[float, Field(ge=0, le=1)]


class Place(TypedDict):
    """An airport city: what departure/destination resolve to (airportsdata)."""

    __pydantic_config__ = _CLOSED  # type: ignore[misc]
    city: str
    country: Annotated[str, Field(description="ISO 3166-1 alpha-2 code.")]
    airports: Annotated[list[str], Field(description="IATA codes, international airports first; an airport said by "
                                                     "its name (\"O'Hare\", \"Chicago Midway\") is that one only.")]
    station: NotRequired[Annotated[str, Field(description="Present when the text names a railway or coach station "
                                                          "(\"Penn Station\", \"Birmingham New Street\"): its name; "
                                                          "city and airports are its city's.")]]


Instant = Annotated[str, Field(description="ISO 8601: a date (2026-12-05) when the grain is a day or longer, "
                                            "else a date-time with the user's UTC offset (2026-12-04T21:00-05:00).")]
Interval = with_config(_CLOSED)(TypedDict("Interval", {
    "from": Annotated[Instant | None, Field(description="Start (inclusive); null: open (\"before noon\").")],
    "to": Annotated[Instant | None, Field(description="End (exclusive, Duckling's convention); null: open.")],
}))
Interval.__doc__ = "A span of time: dec 5 to dec 9 is from 2026-12-05 to 2026-12-10."


class SlotSpan(TypedDict):
    """Where a frame slot is in the user's text."""

    __pydantic_config__ = _CLOSED  # type: ignore[misc]
    text: Annotated[str, Field(description="Exactly request_text[start:end].")]
    start: Annotated[int, Field(description="Character offset into the request's text (inclusive).")]
    end: Annotated[int, Field(description="Character offset into the request's text (exclusive).")]
    confidence: Annotated[float, Field(ge=0, le=1, description="Model probability.")]


class PlaceSlot(SlotSpan):
    """A place slot's span in the user's text and the place it resolves to."""

    __pydantic_config__ = _CLOSED  # type: ignore[misc]
    value: Annotated[Place | None, Field(
        description="The city and its airports (main international airport first); null when no airport "
                    "matches the text (an unknown place, or a place without an airport of its own).")]


class TimeSlot(SlotSpan):
    """A time slot's span in the user's text and the time it resolves to."""

    __pydantic_config__ = _CLOSED  # type: ignore[misc]
    value: Annotated[Instant | Interval | None, Field(
        description="An ISO 8601 date or date-time, or an interval {from, to}; relative phrases resolve against "
                    "reference_time, ambiguous ones to the next such time (never a past date); null when the "
                    "phrase names no bookable day (\"in the morning\").")]
    grain: Annotated[Literal["minute", "hour", "day", "week", "month", "quarter", "year"] | None, Field(
        description="The value's precision (a week or month value names the period starting there); null with "
                    "a null value.")]
    pieces: NotRequired[Annotated[list[SlotSpan], Field(
        description="Present when the traveller said this time in several places (\"on Thursday ... at 9\", "
                    "\"Tuesday after 12:30\"): every span, in text order; text/start/end are the first's, and "
                    "value combines them.")]]
    unresolved: NotRequired[Annotated[Literal["deadline"], Field(
        description="Present only when the value is null because resolving it ran past the request's time "
                    "budget (SLOT_RESOLVE_BUDGET_MS): the phrase may name a time; ask the user again.")]]


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
    departure: PlaceSlot | None
    destination: PlaceSlot | None
    time: TimeSlot | None


class Intent(TypedDict):
    __pydantic_config__ = _CLOSED  # type: ignore[misc]
    name: str
    confidence: Probability


class OutOfScope(TypedDict):
    """Why a turn is not answered with a frame."""

    __pydantic_config__ = _CLOSED  # type: ignore[misc]
    reason: Annotated[Literal["not_travel", "language"], Field(
        description="not_travel: the model judged it not a flight, bus or train request (P(out_of_scope) at or "
                    "over SLOT_SCOPE_THRESHOLD); language: not in a language the service reads (English; Chinese with the Chinese model).")]
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
    in_scope: Annotated[bool, Field(description="false: not a travel request, or not in English or Chinese; the frame is "
                                                "then empty.")]
    out_of_scope: Annotated[OutOfScope | None, Field(description="Why the turn is out of scope; null when in scope.")]
    language: Language
    intent: Annotated[Intent, Field(description="The travel intent (ATIS's, without the atis_ prefix), or "
                                                "out_of_scope.")]
    slots: Slots
    return_time: Annotated[TimeSlot | None, Field(
        description="When the return trip happens, if said (a round trip's range of days in one phrase, "
                    "\"dec 5 to dec 9\", fills time with its first day and return_time with its last).")]
    arrival_time: Annotated[TimeSlot | None, Field(
        description="An arrival constraint, if said (\"gets in by 8:15\", \"arrive before noon\"): by and before "
                    "are an interval open at its start, {from: null, to}; on the departure's day.")]
    mode: Annotated[Literal["flight", "train", "bus"] | None, Field(
        description="The mode of travel the text names (flight, train or bus); null when it names none.")]
    missing: Annotated[list[Literal["departure", "destination", "time"]], Field(
        description="Frame slots still unfilled, in frame order: what the bot should ask next.")]
    entities: list[Entity]
    model: ModelInfo


ANSWER = TypeAdapter(ParseResult)
