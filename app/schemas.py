"""Request and response bodies of the HTTP API, as pydantic models."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_TEXT_CHARS = 1000  # longest utterance accepted by /parse, in characters


class ParseRequest(BaseModel):
    """``POST /parse`` body. Unknown fields are ignored (clients may send more)."""

    model_config = ConfigDict(extra="ignore", strict=True)

    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS,
                      description=f"The user's utterance: 1 to {MAX_TEXT_CHARS} characters, not only whitespace.",
                      examples=["leave Taipei on November 2nd"])

    @field_validator("text")
    @classmethod
    def not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("text must contain more than whitespace")
        return v


class Span(BaseModel):
    text: str = Field(description="Exactly request_text[start:end].")
    start: int = Field(description="Character offset into the request's text (inclusive).")
    end: int = Field(description="Character offset into the request's text (exclusive).")
    confidence: float = Field(ge=0, le=1, description="Model probability.")


class Entity(BaseModel):
    entity: str = Field(description="Fine ATIS label, e.g. fromloc.city_name.")
    text: str
    start: int
    end: int
    confidence: float = Field(ge=0, le=1)


class Slots(BaseModel):
    departure: Span | None
    destination: Span | None
    time: Span | None


class Intent(BaseModel):
    name: str
    confidence: float = Field(ge=0, le=1)


class ModelInfo(BaseModel):
    name: str
    version: str = Field(description="First 8 hex digits of the SHA-256 of the weights.")


class ParseResponse(BaseModel):
    text: str
    intent: Intent
    slots: Slots
    entities: list[Entity]
    model: ModelInfo


class Problem(BaseModel):
    """Every error: JSON with the HTTP status, a title, a detail and, where there is one, the field."""

    status: int
    title: str
    detail: str
    field: str | None = None
