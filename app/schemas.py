"""Request and response bodies of the HTTP API: pydantic models for requests and the HTTP layer's own
answers, the engine's :class:`engine.result.ParseResult` for /parse (the OpenAPI spec is built from these)."""
from __future__ import annotations

import re
from typing import Annotated, Literal
from zoneinfo import available_timezones

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictStr, field_validator

MAX_TEXT_CHARS = 1000  # longest utterance accepted, in characters
MAX_BATCH = 64  # most texts in one /parse/batch request
MAX_BATCH_TOKENS = 2560  # most tokens in one /parse/batch request: ~2.6x the CPU of 64 typical ATIS turns (744 tokens)

SlotName = Literal["departure", "destination", "time", "return_time"]

Text = Annotated[StrictStr, Field(min_length=1, max_length=MAX_TEXT_CHARS, pattern=r"\S",
                                  description=f"An utterance: 1 to {MAX_TEXT_CHARS} characters, not only whitespace.")]
EARLIEST_YEAR, LATEST_YEAR = 1900, 2999  # reference_time's years: dates are resolved around it
# The IANA zone names, read once: a name is checked against this list before anything opens a file by it
# ("America" is a directory, 256 letters a name too long for the file system).
TIMEZONES = frozenset(available_timezones())
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")


def _not_blank(v: str) -> str:
    if not v.strip():
        raise ValueError("text must contain more than whitespace")
    return v


class ResolveOptions(BaseModel):
    """How relative dates are resolved."""

    model_config = ConfigDict(extra="ignore")

    reference_time: AwareDatetime | None = Field(
        None, description=f"When the user spoke, ISO 8601 with a UTC offset, in the years {EARLIEST_YEAR} to "
                          f"{LATEST_YEAR}; default: the server's current time.",
        examples=["2026-10-15T09:00:00+08:00"], json_schema_extra={"pattern": r"^(19|2[0-9])[0-9]{2}-"})
    timezone: Annotated[StrictStr, Field(json_schema_extra={"enum": sorted(TIMEZONES)})] | None = Field(
        None, description="The user's IANA timezone (e.g. Asia/Taipei); default: reference_time's offset, else UTC.",
        examples=["Asia/Taipei"])

    @field_validator("reference_time", mode="before")
    @classmethod
    def iso_string(cls, v):
        if v is not None and not (isinstance(v, str) and _ISO_DATETIME.match(v)):
            # pydantic would read "1764000000" as seconds since 1970: only ISO 8601 date-times are taken
            raise ValueError("reference_time must be an ISO 8601 date-time string with a UTC offset")
        return v

    @field_validator("reference_time")
    @classmethod
    def within_the_calendar(cls, v):
        if v is not None and not EARLIEST_YEAR <= v.year <= LATEST_YEAR:
            raise ValueError(f"reference_time must be in the years {EARLIEST_YEAR} to {LATEST_YEAR}")
        return v

    @field_validator("timezone")
    @classmethod
    def known_timezone(cls, v: str | None) -> str | None:
        if v is not None and v not in TIMEZONES:
            raise ValueError(f"unknown IANA timezone: {v[:64]!r}")
        return v


class ParseRequest(ResolveOptions):
    """``POST /parse`` body. Unknown fields are ignored (clients may send more)."""

    text: Text
    expected_slot: SlotName | None = Field(
        None, description="The slot the bot just asked for; a short answer such as 'Boston.' fills it.")

    _blank = field_validator("text")(_not_blank)


class BatchItem(BaseModel):
    """One utterance of a batch with the slot the bot just asked for in that conversation."""

    model_config = ConfigDict(extra="ignore")

    text: Text
    expected_slot: SlotName | None = None

    _blank = field_validator("text")(_not_blank)


class BatchRequest(ResolveOptions):
    """``POST /parse/batch`` body."""

    texts: list[Text | BatchItem] = Field(
        min_length=1, max_length=MAX_BATCH,
        description=f"1 to {MAX_BATCH} utterances, answered in the same order, holding at most {MAX_BATCH_TOKENS} "
                    "tokens together (words and punctuation marks, as the service's tokenizer splits them; a larger "
                    "batch is a 422: split it). Each a string, or {text, expected_slot} where the bot just asked "
                    "that conversation for a slot.")

    @field_validator("texts")
    @classmethod
    def none_blank(cls, v: list) -> list:
        return [_not_blank(t) if isinstance(t, str) else t for t in v]

    @property
    def plain_texts(self) -> list[str]:
        return [t if isinstance(t, str) else t.text for t in self.texts]

    @property
    def expected_slots(self) -> list[str | None]:
        return [None if isinstance(t, str) else t.expected_slot for t in self.texts]


class RasaParseRequest(ResolveOptions):
    """What Rasa's HTTP interpreter sends to ``<url>/model/parse`` (``reference_time`` and ``timezone`` as for
    /parse: Rasa does not send them, so its dates resolve against the server's time, in UTC)."""

    text: Text
    message_id: StrictStr | None = None
    token: StrictStr | None = Field(None, description="The API key, when the service requires one.")

    _blank = field_validator("text")(_not_blank)


# The /parse answer's type lives with the code that builds it (engine/result.py: typed dictionaries);
# the OpenAPI spec is generated from it, so the two cannot drift.
from engine.result import Intent, Language, ModelInfo, ParseResult, Place  # noqa: E402, F401

class RasaEntity(BaseModel):
    """An entity as Rasa reads it. The frame (SLOT_RASA_ENTITIES=frame): entity departure / destination / time /
    return_time with the resolved value. Roles (SLOT_RASA_ENTITIES=roles): entity city with role from / to (value:
    the city's name; additional_info: the place), entity time with role depart / return (value and additional_info
    in Duckling's shapes). Fine ATIS entities follow with their text as value."""

    entity: str
    start: int
    end: int
    value: str | Place | dict[str, str | None] | None
    confidence_entity: float
    role: str | None = Field(None, description="roles shape only: from, to, depart, return, arrive; null for a place "
                                               "the text gives no role to (a bare \"Boston.\": the form's "
                                               "requested_slot decides)")
    confidence_role: float | None = Field(None, description="roles shape only")
    extractor: str
    additional_info: dict | None = Field(None, description="roles shape only: the resolved place, or Duckling's "
                                                           "{type, value | from/to, grain, values}")


class RasaParseResponse(BaseModel):
    text: str
    intent: Intent = Field(description="out_of_scope for a turn that is not a travel request; nlu_fallback for "
                                       "one in a language the service does not read (Rasa's fallback intent).")
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
    backend: str = Field(description="What runs the network: onnx-int8 (int8 weights, the default) or onnx (float).")
    languages: list[str] = Field(description="The languages the detector tells apart (ISO 639-1).")
    reads: list[str] = Field(description="The languages answered with a frame: en, and zh when the Chinese model "
                                         "is loaded (SLOT_ZH_MODEL_DIR); the others are answered out of scope.")
    chinese_model: dict[str, str] | None = Field(description="The Chinese model's name and version; null when "
                                                             "none is loaded.")


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
