"""Request and response bodies of the HTTP API, as pydantic models (the OpenAPI spec is built from these)."""
from __future__ import annotations

from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictStr, field_validator

MAX_TEXT_CHARS = 1000  # longest utterance accepted, in characters
MAX_BATCH = 64  # most texts in one /parse/batch request

SlotName = Literal["departure", "destination", "time", "return_time"]

Text = Annotated[StrictStr, Field(min_length=1, max_length=MAX_TEXT_CHARS,
                                  description=f"An utterance: 1 to {MAX_TEXT_CHARS} characters, not only whitespace.")]


def _not_blank(v: str) -> str:
    if not v.strip():
        raise ValueError("text must contain more than whitespace")
    return v


class ResolveOptions(BaseModel):
    """How relative dates are resolved."""

    model_config = ConfigDict(extra="ignore")

    reference_time: AwareDatetime | None = Field(
        None, description="When the user spoke, ISO 8601 with a UTC offset; default: the server's current time.",
        examples=["2026-10-15T09:00:00+08:00"])
    timezone: StrictStr | None = Field(
        None, description="The user's IANA timezone (e.g. Asia/Taipei); default: reference_time's offset, else UTC.",
        examples=["Asia/Taipei"])

    @field_validator("reference_time", mode="before")
    @classmethod
    def iso_string(cls, v):
        if v is not None and not isinstance(v, str):
            raise ValueError("reference_time must be an ISO 8601 string with a UTC offset")
        return v

    @field_validator("timezone")
    @classmethod
    def known_timezone(cls, v: str | None) -> str | None:
        if v is not None:
            try:
                ZoneInfo(v)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"unknown IANA timezone: {v!r}") from None
        return v


class ParseRequest(ResolveOptions):
    """``POST /parse`` body. Unknown fields are ignored (clients may send more)."""

    text: Text
    expected_slot: SlotName | None = Field(
        None, description="The slot the bot just asked for; a short answer such as 'Boston.' fills it.")

    _blank = field_validator("text")(_not_blank)


class BatchRequest(ResolveOptions):
    """``POST /parse/batch`` body."""

    texts: list[Text] = Field(min_length=1, max_length=MAX_BATCH,
                              description=f"1 to {MAX_BATCH} utterances, answered in the same order.")

    @field_validator("texts")
    @classmethod
    def none_blank(cls, v: list[str]) -> list[str]:
        return [_not_blank(t) for t in v]


class RasaParseRequest(BaseModel):
    """What Rasa's HTTP interpreter sends to ``<url>/model/parse``."""

    model_config = ConfigDict(extra="ignore")

    text: Text
    message_id: StrictStr | None = None
    token: StrictStr | None = Field(None, description="The API key, when the service requires one.")

    _blank = field_validator("text")(_not_blank)


class Place(BaseModel):
    city: str
    country: str = Field(description="ISO 3166-1 alpha-2 code.")
    airports: list[str] = Field(description="IATA codes, international airports first.")


class Slot(BaseModel):
    text: str = Field(description="Exactly request_text[start:end].")
    start: int = Field(description="Character offset into the request's text (inclusive).")
    end: int = Field(description="Character offset into the request's text (exclusive).")
    confidence: float = Field(ge=0, le=1, description="Model probability.")
    value: str | Place | None = Field(
        description="Resolved value: an ISO 8601 date or date-time for times, a place with airports for "
                    "departure/destination; null when it cannot be resolved.")


class Entity(BaseModel):
    entity: str = Field(description="Fine ATIS label, e.g. fromloc.city_name.")
    text: str
    start: int
    end: int
    confidence: float = Field(ge=0, le=1)


class Slots(BaseModel):
    departure: Slot | None
    destination: Slot | None
    time: Slot | None


class Intent(BaseModel):
    name: str
    confidence: float = Field(ge=0, le=1)


class OutOfScope(BaseModel):
    """Why a turn is not answered with a frame."""

    reason: Literal["not_travel", "language"] = Field(
        description="not_travel: the model judged it not a flight, bus or train request (P(out_of_scope) at or "
                    "over SLOT_SCOPE_THRESHOLD); language: not in English, the language the model reads.")
    confidence: float = Field(ge=0, le=1, description="P(out_of_scope) from the model, or the language detector's "
                                                      "confidence in the detected language.")


class Language(BaseModel):
    code: str = Field(description="ISO 639-1 code of the detected language (en, es, fr, de, it, pt, zh, ja, ko).",
                      examples=["en"])
    confidence: float | None = Field(
        ge=0, le=1, description="The detector's confidence; null when every word is one the model was trained on "
                                "and the text is ASCII (read as English without running the detector).")


class ModelInfo(BaseModel):
    name: str
    version: str = Field(description="First 8 hex digits of the SHA-256 of the weights.")


class ParseResponse(BaseModel):
    text: str
    in_scope: bool = Field(description="false: not a travel request, or not in English; the frame is then empty.")
    out_of_scope: OutOfScope | None = Field(description="Why the turn is out of scope; null when in scope.")
    language: Language
    intent: Intent = Field(description="The travel intent (ATIS's, without the atis_ prefix), or out_of_scope.")
    slots: Slots
    return_time: Slot | None = Field(description="When the return trip happens, if said.")
    missing: list[Literal["departure", "destination", "time"]] = Field(
        description="Frame slots still unfilled, in frame order: what the bot should ask next.")
    entities: list[Entity]
    model: ModelInfo


class RasaEntity(BaseModel):
    entity: str
    start: int
    end: int
    value: str | Place | None
    confidence_entity: float
    extractor: str


class RasaParseResponse(BaseModel):
    text: str
    intent: Intent = Field(description="out_of_scope for a turn that is not a travel request; nlu_fallback for "
                                       "one not in English (Rasa's fallback intent).")
    intent_ranking: list[Intent] = Field(description="The answered intent first, then the model's ranking "
                                                     "(out_of_scope among them).")
    entities: list[RasaEntity]
    language: Language


class VersionInfo(BaseModel):
    name: str
    version: str
    trained_on: dict[str, str]
    metrics: dict
    out_of_scope_threshold: float | None = Field(
        description="P(out_of_scope) at or over which a turn is answered out of scope; null for a model "
                    "without an out_of_scope intent.")
    languages: list[str] = Field(description="The languages the detector tells apart (ISO 639-1); the model "
                                             "reads English only.")


class Problem(BaseModel):
    """Every error: JSON with the HTTP status, a title, a detail and, where there is one, the field."""

    status: int
    title: str
    detail: str
    field: str | None = None


class Health(BaseModel):
    status: Literal["ok"]


class Ready(BaseModel):
    status: Literal["ready"]
    model: ModelInfo
