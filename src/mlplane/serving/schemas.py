"""Wire models for served models."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

NAME_PATTERN = r"^[a-z0-9]([a-z0-9_.-]{0,61}[a-z0-9])?$"


class ServedModelCreate(BaseModel):
    name: str = Field(pattern=NAME_PATTERN, description="The name callers use: /v2/models/NAME.")
    uri: str = Field(
        min_length=1,
        description="A model folder: a local path, a storage URL, `runs:/<run id>/<path>`, "
        "or `models:/<name>/<version>` / `models:/<name>@<alias>`.",
    )
    version: str | None = Field(
        default=None,
        pattern=NAME_PATTERN,
        description="The version served under the name; by default the next number.",
    )
    max_batch_size: int = Field(default=32, ge=1, le=4096)
    max_wait_ms: float = Field(default=2.0, ge=0, le=10_000)
    max_queue: int = Field(default=256, ge=1, le=100_000)
    max_concurrency: int = Field(default=1, ge=1, le=64)
    timeout_s: float = Field(default=30.0, gt=0, le=3600)


class ServedModel(BaseModel):
    name: str
    version: str
    project: str
    source: str = Field(description="The URI as given.")
    uri: str = Field(description="Where the gateway loads the model folder from.")
    deployment: str | None = None
    weight: int
    max_batch_size: int
    max_wait_ms: float
    max_queue: int
    max_concurrency: int
    timeout_s: float
    created_at: datetime
    created_by: str
