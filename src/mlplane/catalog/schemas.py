"""Wire models for projects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from mlplane.core.names import Description, DisplayName, Name
from mlplane.governance.schemas import Role

TagKey = Annotated[str, StringConstraints(min_length=1, max_length=250)]
TagValue = Annotated[str, StringConstraints(max_length=5000)]
Tags = Annotated[dict[TagKey, TagValue], Field(max_length=100)]


class ProjectCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    display_name: DisplayName = ""
    description: Description = ""
    owner: Name | None = Field(default=None, description="Defaults to the caller.")
    tags: Tags = Field(default_factory=dict)


class ProjectUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    display_name: DisplayName | None = None
    description: Description | None = None
    owner: Name | None = None
    tags: Tags | None = None


class Project(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    display_name: str
    description: str
    owner: str
    tags: dict[str, str]
    archived: bool
    archived_at: datetime | None
    created_at: datetime
    created_by: str
    updated_at: datetime
    role: Role | None = Field(default=None, description="The caller's role in the project.")


@dataclass(frozen=True)
class ProjectAccess:
    """A project resolved for a caller, with the role they hold in it."""

    id: str
    name: str
    archived: bool
    role: Role
