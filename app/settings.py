"""The service's settings: every environment variable it reads, in one object (pydantic-settings).

Each field is read from ``SLOT_<NAME>`` (``SLOT_WORKERS``, ``SLOT_API_KEY``, …); docs/api.md's
settings table lists the same names and defaults (a test checks that they agree). gunicorn's
configuration (``app/gunicorn.conf.py``) and the app factory (``app.create_app``) both read this
object; a bad value stops start-up with a message naming the variable.
"""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from engine.artifact import COMMITTED_DIR, COMMITTED_ZH_DIR
from engine.predict import BACKENDS

Backend = Literal[BACKENDS]  # type: ignore[valid-type]


class StartupError(RuntimeError):
    """The service cannot start as configured (the message says why, naming the variable)."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SLOT_", extra="ignore", frozen=True)

    bind: str = Field("0.0.0.0:8000", description="address gunicorn listens on")
    workers: int = Field(2, ge=1, description="gunicorn worker processes (the model loads once before forking)")
    model_dir: Path = Field(COMMITTED_DIR, description="model artifact to serve")
    zh_model_dir: Path | None = Field(COMMITTED_ZH_DIR, description="Chinese model artifact (empty: Chinese is "
                                                                    "answered as another language)")
    backend: Backend = Field("onnx-int8", description="what runs the network: onnx-int8 (int8 weights, the default: "
                                                      "accuracy equal to float's on every set measured) or onnx "
                                                      "(float weights)")
    api_key: str | None = Field(None, description="require this key on the parsing endpoints")
    worker_timeout: int = Field(30, ge=1, description="seconds before a stuck worker is replaced")
    max_body_bytes: int = Field(65536, ge=1024, description="largest request body")
    log_level: str = Field("info", description="gunicorn log level")
    cors_origins: str = Field("", description="comma-separated browser origins allowed to call the API")
    graceful_timeout: int = Field(20, ge=0, description="seconds a SIGTERM'd server waits for in-flight requests")
    scope_threshold: float | None = Field(None, gt=0, le=1, description="P(out_of_scope) at or over which a turn "
                                                                        "is out of scope (default: the artifact's)")
    worker_class: Literal["gevent", "gthread", "sync"] = Field(
        "gevent", description="gunicorn worker model: gevent (many connections per worker, none pinned by a slow "
                              "client; requests batched), gthread (threads per worker, batched) or sync (one "
                              "request at a time per worker)")
    worker_connections: int = Field(4000, ge=1, description="open connections per gevent worker (a tenth kept "
                                                            "for new ones: past the rest, the longest-waiting "
                                                            "connection is shed)")
    threads: int = Field(16, ge=1, description="request threads per gthread worker")
    max_batch: int = Field(64, ge=1, description="most utterances in one network call gathered from concurrent "
                                                 "requests (1: no batching)")
    max_wait_us: int = Field(0, ge=0, le=100000, description="microseconds a batch waits for more requests once "
                                                              "the queue is empty (0: runs at once)")
    model_sha256: str | None = Field(None, pattern=r"^[0-9a-f]{64}$",
                                     description="serve the model only if its config.json (which holds the "
                                                 "SHA-256 of the weights and of every graph) has this SHA-256")
    rasa_entities: Literal["frame", "roles"] = Field(
        "frame", description="what POST /model/parse answers as entities: frame (departure, destination, time, "
                             "return_time) or roles (Rasa entity roles: city from/to, Duckling-shaped time)")
    body_timeout: float = Field(10.0, gt=0, le=300, description="seconds a request body may take to arrive "
                                                                "whole (later: 408)")
    resolve_budget_ms: int = Field(500, ge=10, le=10000, description="milliseconds one request may spend "
                                                                     "resolving time values in Duckling (later: "
                                                                     "value null, unresolved: deadline)")
    language_threshold: float = Field(0.7, gt=0, le=1, description="confidence at or over which a text is read "
                                                                  "as another language than English")

    @field_validator("zh_model_dir", mode="before")
    @classmethod
    def _no_chinese(cls, v):
        return None if isinstance(v, str) and v.strip().lower() in ("", "none", "off") else v

    @field_validator("api_key")
    @classmethod
    def _empty_is_unset(cls, v: str | None) -> str | None:
        return v or None

    @property
    def cors_origin_list(self) -> list[str]:
        return [o.strip() for o in self.cors_origins.split(",") if o.strip()]


def load_settings() -> Settings:
    """The settings from the environment; :class:`StartupError` naming the variable when one is invalid."""
    try:
        return Settings()
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        name = "SLOT_" + str(err["loc"][0]).upper() if err["loc"] else "a setting"
        raise StartupError(f"{name}: {err['msg']}, not {err.get('input')!r}") from None
