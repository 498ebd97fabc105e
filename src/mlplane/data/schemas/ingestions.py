"""Wire models for ingestions: each run of a connector into a dataset, kept as history."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints


class IngestionStatus(StrEnum):
    SUCCEEDED = "succeeded"
    UNCHANGED = "unchanged"
    FAILED = "failed"


class IngestionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source_kind: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,31}$")]
    source: dict[str, Any] = Field(
        default_factory=dict, description="The source described without any secret."
    )
    status: IngestionStatus
    error: Annotated[str, StringConstraints(max_length=20_000)] | None = None
    cursor: Any = Field(
        default=None, description="Where an incremental source got to; the next run resumes there."
    )
    version: int | None = None
    started_at: datetime
    finished_at: datetime


class Ingestion(BaseModel):
    id: str
    dataset: str
    source_kind: str
    source: dict[str, Any]
    status: IngestionStatus
    error: str | None
    cursor: Any
    version: int | None
    started_at: datetime
    finished_at: datetime
    created_by: str
