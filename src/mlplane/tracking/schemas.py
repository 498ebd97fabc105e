"""Wire models for experiments, runs and what is logged to them.

Metric values may be ±Infinity or NaN; JSON has no such numbers, so they travel as the
strings "Infinity", "-Infinity" and "NaN" (protobuf's JSON convention, which MLflow uses).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from mlplane.tracking.limits import (
    MAX_EXPERIMENT_NAME_LENGTH,
    MAX_KEY_LENGTH,
    MAX_PARAM_VALUE_LENGTH,
    MAX_PARAMS_PER_BATCH,
    MAX_RUN_NAME_LENGTH,
    MAX_TAG_VALUE_LENGTH,
    MAX_TAGS_PER_BATCH,
)

ExperimentName = Annotated[
    str, StringConstraints(min_length=1, max_length=MAX_EXPERIMENT_NAME_LENGTH, pattern=r"\S")
]
RunName = Annotated[str, StringConstraints(max_length=MAX_RUN_NAME_LENGTH)]
TagKey = Annotated[str, StringConstraints(min_length=1, max_length=MAX_KEY_LENGTH)]
TagValue = Annotated[str, StringConstraints(max_length=MAX_TAG_VALUE_LENGTH)]
Tags = Annotated[dict[TagKey, TagValue], Field(max_length=MAX_TAGS_PER_BATCH)]
ArtifactLocation = Annotated[str, StringConstraints(max_length=900)]

_FLOATS_AS_STRINGS = ConfigDict(ser_json_inf_nan="strings", from_attributes=True)


class RunStatus(StrEnum):
    RUNNING = "RUNNING"
    SCHEDULED = "SCHEDULED"
    FINISHED = "FINISHED"
    FAILED = "FAILED"
    KILLED = "KILLED"

    @property
    def is_terminal(self) -> bool:
        return self in (RunStatus.FINISHED, RunStatus.FAILED, RunStatus.KILLED)


class Lifecycle(StrEnum):
    ACTIVE = "active"
    DELETED = "deleted"


class ViewType(StrEnum):
    """Which runs or experiments a list shows, by lifecycle."""

    ACTIVE_ONLY = "ACTIVE_ONLY"
    DELETED_ONLY = "DELETED_ONLY"
    ALL = "ALL"


class SourceType(StrEnum):
    NOTEBOOK = "NOTEBOOK"
    JOB = "JOB"
    PROJECT = "PROJECT"
    LOCAL = "LOCAL"
    UNKNOWN = "UNKNOWN"


# Experiments


class ExperimentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: ExperimentName
    description: Annotated[str, StringConstraints(max_length=5000)] = ""
    tags: Tags = Field(default_factory=dict)
    artifact_location: ArtifactLocation | None = Field(
        default=None,
        description="A folder in the platform's artifact store; defaults to one per experiment.",
    )


class ExperimentUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: ExperimentName | None = None
    description: Annotated[str, StringConstraints(max_length=5000)] | None = None
    tags: Tags | None = Field(default=None, description="Replaces all tags.")


class Experiment(BaseModel):
    id: str
    project: str
    name: str
    description: str
    tags: dict[str, str]
    artifact_location: str
    lifecycle: Lifecycle
    created_at: datetime
    created_by: str
    updated_at: datetime
    deleted_at: datetime | None


class ExperimentSearch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    filter: str = Field(
        default="", description="e.g. \"attributes.name LIKE 'fraud%' AND tags.team = 'risk'\""
    )
    order_by: list[str] = Field(default_factory=list, description='e.g. ["attributes.name"]')
    view: ViewType = ViewType.ACTIVE_ONLY
    max_results: int | None = Field(default=None, ge=1, le=1000)
    page_token: str | None = None


# Runs


class RunCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    experiment: str = Field(description="Experiment id or name.")
    create_experiment: bool = Field(
        default=False, description="Create the experiment (by name) when it does not exist."
    )
    name: RunName | None = Field(default=None, description="Generated when left out.")
    status: RunStatus = RunStatus.RUNNING
    start_time: int | None = Field(default=None, ge=0, description="Epoch ms; defaults to now.")
    parent_run_id: str | None = None
    source_name: Annotated[str, StringConstraints(max_length=500)] = ""
    source_type: SourceType = SourceType.UNKNOWN
    git_commit: Annotated[str, StringConstraints(max_length=64)] | None = None
    git_dirty: bool | None = None
    tags: Tags = Field(default_factory=dict)


class RunUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: RunStatus | None = None
    end_time: int | None = Field(default=None, ge=0, description="Epoch ms.")
    name: RunName | None = None


class MetricValue(BaseModel):
    """A run's latest value of one metric."""

    model_config = _FLOATS_AS_STRINGS

    value: float
    step: int
    timestamp: int


class DatasetInput(BaseModel):
    model_config = ConfigDict(extra="forbid", from_attributes=True)

    name: Annotated[str, StringConstraints(min_length=1, max_length=500)]
    digest: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    source_type: Annotated[str, StringConstraints(max_length=64)] = ""
    source: Annotated[str, StringConstraints(max_length=65535)] = ""
    dataset_schema: Annotated[str, StringConstraints(max_length=1_048_576)] | None = Field(
        default=None, description="The dataset's schema, usually as JSON."
    )
    profile: Annotated[str, StringConstraints(max_length=65535)] | None = None
    context: Annotated[str, StringConstraints(max_length=250)] | None = Field(
        default=None, description="The dataset's role in the run: training, evaluation..."
    )
    tags: Tags = Field(default_factory=dict)


class LogInputs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    datasets: Annotated[list[DatasetInput], Field(min_length=1, max_length=100)]


class Run(BaseModel):
    model_config = _FLOATS_AS_STRINGS

    id: str
    experiment_id: str
    name: str
    status: RunStatus
    start_time: int
    end_time: int | None
    user: str
    source_name: str
    source_type: str
    git_commit: str | None
    git_dirty: bool | None
    parent_run_id: str | None
    lifecycle: Lifecycle
    artifact_uri: str
    params: dict[str, str] = Field(default_factory=dict)
    metrics: dict[str, MetricValue] = Field(default_factory=dict)
    tags: dict[str, str] = Field(default_factory=dict)
    inputs: list[DatasetInput] = Field(default_factory=list)


class RunSearch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    experiments: list[str] = Field(
        default_factory=list, description="Experiment ids or names; all of the project's if empty."
    )
    filter: str = Field(default="", description="e.g. \"metrics.acc > 0.9 and params.lr = '0.01'\"")
    order_by: list[str] = Field(
        default_factory=list, description='e.g. ["metrics.acc DESC", "attributes.start_time"]'
    )
    view: ViewType = ViewType.ACTIVE_ONLY
    max_results: int | None = Field(default=None, ge=1, le=1000)
    page_token: str | None = None


# Logging


class MetricIn(BaseModel):
    """One metric point. `value` may be "NaN", "Infinity" or "-Infinity"."""

    key: str
    value: float | str
    step: int = 0
    timestamp: int | None = Field(default=None, description="Epoch ms; defaults to now.")


class ParamIn(BaseModel):
    key: str
    value: Annotated[str, StringConstraints(max_length=MAX_PARAM_VALUE_LENGTH)]


class TagIn(BaseModel):
    key: str
    value: TagValue


class LogBatch(BaseModel):
    """The body of `log-batch`. Documented here; validated by hand for speed."""

    metrics: list[MetricIn] = Field(default_factory=list)
    params: list[ParamIn] = Field(default_factory=list, max_length=MAX_PARAMS_PER_BATCH)
    tags: list[TagIn] = Field(default_factory=list, max_length=MAX_TAGS_PER_BATCH)


class LoggedBatch(BaseModel):
    metrics: int
    params: int
    tags: int


class MetricPoint(BaseModel):
    model_config = _FLOATS_AS_STRINGS

    step: int
    timestamp: int
    value: float


class MetricHistory(BaseModel):
    """One series. `downsampled` says whether `points` keeps only some of `total` points."""

    model_config = _FLOATS_AS_STRINGS

    run_id: str
    key: str
    points: list[MetricPoint]
    total: int
    downsampled: bool


class MetricHistories(BaseModel):
    model_config = _FLOATS_AS_STRINGS

    series: list[MetricHistory]


class MetricHistoryQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    run_ids: Annotated[list[str], Field(min_length=1, max_length=100)]
    keys: Annotated[list[str], Field(min_length=1, max_length=100)]
    max_points: int | None = Field(default=None, ge=2, le=100_000)


# Artifacts


class ArtifactEntry(BaseModel):
    path: str = Field(description="Relative to the run's artifact root.")
    is_dir: bool
    size: int | None


class ArtifactWritten(BaseModel):
    path: str
    size: int
