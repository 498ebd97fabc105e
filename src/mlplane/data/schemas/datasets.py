"""Wire models for datasets."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from mlplane.core.names import Description, Name

TagKey = Annotated[str, StringConstraints(min_length=1, max_length=250)]
TagValue = Annotated[str, StringConstraints(max_length=5000)]
Tags = Annotated[dict[TagKey, TagValue], Field(max_length=100)]


class DatasetKind(StrEnum):
    TABLE = "table"
    FILES = "files"


class DatasetCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    description: Description = ""
    kind: DatasetKind = DatasetKind.TABLE
    tags: Tags = Field(default_factory=dict)


class DatasetUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: Description | None = None
    tags: Tags | None = None


class Dataset(BaseModel):
    id: str
    project: str
    name: str
    description: str
    kind: DatasetKind
    tags: dict[str, str]
    version_count: int = Field(description="How many versions were ever created.")
    latest_version: int | None = Field(
        description="The newest version that passed validation: what `name` without a version "
        "resolves to."
    )
    created_at: datetime
    created_by: str
    updated_at: datetime
