"""Wire models for dataset versions, their manifests and who produced or used them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from mlplane.core.names import Description
from mlplane.data.schemas.checks import CheckResult
from mlplane.data.schemas.datasets import DatasetKind, Tags

Digest = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
"""A sha256 digest in lowercase hex: the address of a blob."""

RelativePath = Annotated[str, StringConstraints(min_length=1, max_length=1024)]


class VersionStatus(StrEnum):
    READY = "ready"
    FAILED = "failed"


class ManifestEntry(BaseModel):
    """One file of a version. `mtime_ns` is the client's, kept so an unchanged file is not
    hashed again when the next version is made from the same folder."""

    model_config = ConfigDict(extra="forbid")

    path: RelativePath
    size: int = Field(ge=0)
    hash: Digest
    mtime_ns: int | None = None


class Manifest(BaseModel):
    hash_algorithm: str = "sha256"
    files: list[ManifestEntry]


class Lineage(BaseModel):
    """What produced a version: a run, a job, a pipeline, or any free-form reference."""

    model_config = ConfigDict(extra="forbid")

    run_id: str | None = Field(default=None, max_length=64)
    job: str | None = Field(default=None, max_length=200)
    pipeline: str | None = Field(default=None, max_length=200)
    reference: str | None = Field(default=None, max_length=2000)
    sources: list[Annotated[str, StringConstraints(max_length=2000)]] = Field(
        default_factory=list, max_length=100, description="Inputs: dataset refs, URLs, queries."
    )


class VersionCreate(BaseModel):
    """Commit a version whose blobs are all uploaded already."""

    model_config = ConfigDict(extra="forbid")

    files: list[ManifestEntry] = Field(max_length=5_000_000)
    message: Description = ""
    tags: Tags = Field(default_factory=dict)
    lineage: Lineage = Field(default_factory=Lineage)


class VersionUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    message: Description | None = None
    tags: Tags | None = None


class ColumnSchema(BaseModel):
    name: str
    type: str = Field(description="The Arrow type, e.g. `int64`, `string`, `timestamp[us]`.")
    nullable: bool = True


class DatasetVersion(BaseModel):
    id: str
    project: str
    dataset: str
    kind: DatasetKind
    number: int
    digest: str = Field(description="sha256 over the manifest's paths, sizes and hashes.")
    status: VersionStatus
    message: str
    file_count: int
    total_bytes: int
    row_count: int | None
    columns: list[ColumnSchema] | None
    statistics: dict[str, Any]
    validation: list[CheckResult]
    tags: dict[str, str]
    lineage: Lineage
    created_at: datetime
    created_by: str

    @property
    def ref(self) -> str:
        return f"{self.dataset}@{self.number}"


class VersionCreated(BaseModel):
    version: DatasetVersion
    created: bool = Field(
        description="False when the content equals the newest version's, which is returned."
    )


class ConsumerCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    run_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]


class Consumer(BaseModel):
    dataset: str
    version: int
    run_id: str
    created_at: datetime
    created_by: str


class BlobHashes(BaseModel):
    model_config = ConfigDict(extra="forbid")

    hashes: list[Digest] = Field(max_length=1_000_000)


class BlobsStored(BaseModel):
    stored: int
    bytes: int
