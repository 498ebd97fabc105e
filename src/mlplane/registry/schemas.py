"""Wire models for the registry: models, versions, aliases, approvals, webhooks."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from mlplane.catalog.schemas import Tags
from mlplane.core.names import Description, Name

ModelName = Annotated[
    str, StringConstraints(min_length=1, max_length=250, pattern=r"^[^/@:\s][^/@:]*$")
]
AliasName = Annotated[
    str, StringConstraints(min_length=1, max_length=255, pattern=r"^[A-Za-z_][A-Za-z0-9_\-]*$")
]
GateRule = Annotated[str, StringConstraints(min_length=3, max_length=500)]


class VersionStatus(StrEnum):
    PENDING_REGISTRATION = "PENDING_REGISTRATION"
    FAILED_REGISTRATION = "FAILED_REGISTRATION"
    READY = "READY"


class Stage(StrEnum):
    """MLflow's stages, kept for clients that still use them; aliases replace them."""

    NONE = "None"
    STAGING = "Staging"
    PRODUCTION = "Production"
    ARCHIVED = "Archived"


class ApprovalState(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class RegistryEvent(StrEnum):
    VERSION_CREATED = "version.created"
    ALIAS_MOVED = "alias.moved"
    APPROVAL_REQUESTED = "approval.requested"
    APPROVAL_GRANTED = "approval.granted"
    APPROVAL_REJECTED = "approval.rejected"


class RegisteredModelCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: ModelName
    description: Description = ""
    owner: Name | None = Field(default=None, description="Defaults to the caller.")
    tags: Tags = Field(default_factory=dict)


class RegisteredModelUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: ModelName | None = Field(default=None, description="Renames the model.")
    description: Description | None = None
    owner: Name | None = None
    tags: Tags | None = Field(default=None, description="Replaces all tags.")


class RegisteredModel(BaseModel):
    id: str
    project: str
    name: str
    description: str
    owner: str
    tags: dict[str, str]
    latest_version: int
    aliases: dict[str, int] = Field(default_factory=dict)
    created_at: datetime
    created_by: str
    updated_at: datetime


class ModelVersionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: Annotated[str, StringConstraints(max_length=2000)] | None = Field(
        default=None,
        description="`runs:/<run_id>/<path>`, `models:/<name>/<version>`, any URI; "
        "left out, the version waits for its files to be uploaded, then `finalize`.",
    )
    run_id: str | None = Field(default=None, description="The run it came from, if known.")
    model_id: str | None = Field(
        default=None, description="The MLflow 3 logged model it came from, if any."
    )
    description: Description = ""
    tags: Tags = Field(default_factory=dict)


class ModelVersionUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: Description | None = None
    tags: Tags | None = Field(default=None, description="Replaces all tags.")
    stage: Stage | None = None


class ModelVersion(BaseModel):
    id: str
    project: str
    model: str
    version: int
    source: str
    storage_path: str | None
    run_id: str | None
    logged_model_id: str | None
    status: VersionStatus
    status_message: str
    stage: Stage
    description: str
    tags: dict[str, str]
    aliases: list[str] = Field(default_factory=list)
    created_at: datetime
    created_by: str
    updated_at: datetime


class VersionSearch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model: str | None = Field(default=None, description="Only this model's versions.")
    run_id: str | None = Field(default=None, description="Only versions made from this run.")
    tags: dict[str, str] = Field(default_factory=dict, description="Exact tag values.")
    status: VersionStatus | None = None
    max_results: int | None = Field(default=None, ge=1, le=1000)
    page_token: str | None = None


class AliasSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1)


class Alias(BaseModel):
    model: str
    alias: str
    version: int
    updated_at: datetime
    updated_by: str


class AliasEvent(BaseModel):
    id: str
    model: str
    alias: str
    version: int | None = Field(description="None when the alias was removed.")
    previous_version: int | None
    moved_by: str
    decided_by: str = Field(description="The caller, the approving admin, or `gate`.")
    reason: str = Field(description="`direct`, `approval`, `gate` or `removed`.")
    approval_id: str | None
    at: datetime


class ProtectedAliasSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    gate: Annotated[list[GateRule], Field(max_length=50)] = Field(
        default_factory=list,
        description="Rules on the version's run, all of which must pass for the alias to "
        "move without an approval: `accuracy >= 0.9`, `accuracy >= @champion` (the run of "
        "the version the alias `champion` points at), `loss < 0.2`. Empty: always approval.",
    )


class ProtectedAlias(BaseModel):
    project: str
    alias: str
    gate: list[str]
    created_at: datetime
    created_by: str


class GateCheck(BaseModel):
    rule: str
    passed: bool
    detail: str


class ApprovalCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    alias: AliasName
    version: int = Field(ge=1)
    comment: Description = ""


class ApprovalDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    comment: Description = ""


class Approval(BaseModel):
    id: str
    model: str
    alias: str
    version: int
    state: ApprovalState
    comment: str
    requested_by: str
    requested_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision_comment: str
    gate_checks: list[GateCheck]


class Lineage(BaseModel):
    """Where a version came from: its run, the datasets the run read, the code commit."""

    version: int
    run_id: str | None
    run_name: str | None = None
    experiment_id: str | None = None
    git_commit: str | None = None
    datasets: list[dict[str, Any]] = Field(default_factory=list)
    metrics: dict[str, float] = Field(default_factory=dict)
    params: dict[str, str] = Field(default_factory=dict)


class WebhookCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: Annotated[str, StringConstraints(min_length=8, max_length=2000, pattern=r"^https?://")]
    events: list[RegistryEvent] = Field(
        default_factory=lambda: list(RegistryEvent), description="Defaults to every event."
    )
    description: Description = ""


class Webhook(BaseModel):
    id: str
    project: str
    url: str
    events: list[RegistryEvent]
    active: bool
    description: str
    created_at: datetime
    created_by: str
    secret: str | None = Field(default=None, description="Shown once, when the webhook is created.")


class WebhookDelivery(BaseModel):
    id: str
    webhook_id: str
    event: str
    payload: dict[str, Any]
    state: str = Field(description="`pending`, `delivered` or `failed` (retries spent).")
    attempts: int
    next_attempt_at: datetime | None
    last_status: int | None
    last_error: str
    created_at: datetime
    delivered_at: datetime | None


class FileEntry(BaseModel):
    path: str = Field(description="Relative to the version's folder.")
    is_dir: bool
    size: int | None


class FileWritten(BaseModel):
    path: str
    size: int


class SignatureColumn(BaseModel):
    name: str | None
    type: str
    shape: list[int] | None = None


class ModelCard(BaseModel):
    """What a version's folder says about itself: its format, flavor and signature."""

    format: str = Field(description="`mlplane`, `mlflow`, or `unknown`.")
    flavor: str | None = None
    inputs: list[SignatureColumn] = Field(default_factory=list)
    outputs: list[SignatureColumn] = Field(default_factory=list)
    file_digests: dict[str, str] = Field(default_factory=dict, description="path → sha256")
