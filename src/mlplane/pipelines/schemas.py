"""Wire models for pipeline runs, step runs, the step cache, schedules and triggers."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from mlplane.core.names import Name

Source = Annotated[str, StringConstraints(max_length=1000)]
StepName = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class RunState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"

    @property
    def is_terminal(self) -> bool:
        return self in (RunState.SUCCEEDED, RunState.FAILED)


class StepState(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CACHED = "cached"  # output taken from an earlier run with the same cache key
    REUSED = "reused"  # output taken from the run this one resumes
    SKIPPED = "skipped"  # an upstream step failed

    @property
    def has_output(self) -> bool:
        return self in (StepState.SUCCEEDED, StepState.CACHED, StepState.REUSED)


class ExecutorKind(StrEnum):
    LOCAL = "local"  # warm worker processes next to the runner
    RAY = "ray"  # Ray tasks on a Ray cluster


class RunOptions(BaseModel):
    """Where a run's steps execute; schedules and triggers keep these for the runs they start."""

    model_config = ConfigDict(extra="forbid")

    executor: ExecutorKind = ExecutorKind.LOCAL
    address: Annotated[str, StringConstraints(min_length=1, max_length=500)] | None = Field(
        default=None,
        description="Ray cluster for the ray executor: HOST:6379 or ray://HOST:10001 "
        "(default: the runner's RAY_ADDRESS).",
    )

    @model_validator(mode="after")
    def _address_only_for_ray(self) -> RunOptions:
        if self.address is not None and self.executor != ExecutorKind.RAY:
            raise ValueError("address: only the ray executor takes an address")
        return self


class StepSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: StepName
    step: StepName = Field(description="The step's name; several nodes may call one step.")
    function: Source = Field(description="module:qualname of the step's function.")
    upstream: list[StepName] = Field(default_factory=list)
    cache: bool = True
    retries: int = Field(default=0, ge=0, le=100)
    timeout: float | None = Field(default=None, gt=0)
    resources: dict[str, Any] = Field(default_factory=dict)
    fan_out: bool = False


class PipelineRunCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pipeline: Name
    source: Source = Field(default="", description="FILE.py:name, module:name or FILE.yaml.")
    params: dict[str, Any] = Field(default_factory=dict)
    steps: list[StepSpec] = Field(default_factory=list)
    resumed_from: str | None = None
    queued: bool = Field(default=False, description="Queue it for the worker to start.")
    run_options: RunOptions = Field(default_factory=RunOptions)


class StepReport(BaseModel):
    """A step's new state, sent by the runner as the step moves along."""

    model_config = ConfigDict(extra="forbid")

    name: StepName
    state: StepState
    attempt: int = Field(default=1, ge=1)
    started_at: datetime | None = None
    finished_at: datetime | None = None
    cache_key: Annotated[str, StringConstraints(max_length=64)] | None = None
    output: str | None = Field(default=None, description="The output, base64.")
    output_format: Annotated[str, StringConstraints(max_length=16)] | None = None
    output_type: Annotated[str, StringConstraints(max_length=300)] | None = None
    source_run_id: str | None = Field(default=None, description="Run whose output was reused.")
    error: Annotated[str, StringConstraints(max_length=20000)] | None = None


class StepReports(BaseModel):
    model_config = ConfigDict(extra="forbid")

    steps: list[StepReport] = Field(max_length=10000)


class PipelineRunFinish(BaseModel):
    model_config = ConfigDict(extra="forbid")

    state: RunState
    error: Annotated[str, StringConstraints(max_length=20000)] | None = None


class StepRun(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    name: str
    step: str
    function: str
    upstream: list[str]
    options: dict[str, Any]
    state: StepState
    attempt: int
    cache_key: str | None
    output_digest: str | None
    output_format: str | None
    output_type: str | None
    output_size: int | None
    source_run_id: str | None
    error: str | None
    started_at: datetime | None
    finished_at: datetime | None
    duration_ms: float | None


class PipelineRun(BaseModel):
    id: str
    project: str
    pipeline: str
    source: str
    params: dict[str, Any]
    state: RunState
    error: str | None
    origin: str
    origin_id: str | None
    tracking_run_id: str | None
    resumed_from: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    created_by: str
    run_options: RunOptions = Field(default_factory=RunOptions)
    steps: list[StepRun] = Field(default_factory=list)


class CacheLookup(BaseModel):
    model_config = ConfigDict(extra="forbid")

    keys: list[Annotated[str, StringConstraints(max_length=64)]] = Field(max_length=10000)


class CachedKeysQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    steps: list[StepName] = Field(max_length=10000)


class CachedKeys(BaseModel):
    keys: list[str]


class StepOutput(BaseModel):
    """A stored step output, base64."""

    name: str
    run_id: str
    cache_key: str | None
    output: str
    output_format: str
    output_type: str | None
    output_digest: str


class CacheHits(BaseModel):
    hits: dict[str, StepOutput]


class CatchUp(StrEnum):
    NONE = "none"  # missed times are dropped; the next one on the clock runs
    LATEST = "latest"  # one run for everything missed
    ALL = "all"  # one run per missed time (at most MAX_CATCH_UP)


class ScheduleCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    source: Source = Field(min_length=1)
    cron: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    timezone: Annotated[str, StringConstraints(max_length=64)] = "UTC"
    params: dict[str, Any] = Field(default_factory=dict)
    catch_up: CatchUp = CatchUp.NONE
    no_overlap: bool = True
    enabled: bool = True
    run_options: RunOptions = Field(default_factory=RunOptions)


class Schedule(BaseModel):
    id: str
    project: str
    name: str
    source: str
    cron: str
    timezone: str
    params: dict[str, Any]
    catch_up: CatchUp
    no_overlap: bool
    enabled: bool
    run_options: RunOptions
    next_run_at: datetime
    last_run_at: datetime | None
    last_run_id: str | None
    created_at: datetime
    created_by: str


class TriggerCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    source: Source = Field(min_length=1)
    event: Annotated[str, StringConstraints(pattern=r"^[a-z0-9_.]+$", max_length=100)]
    match: dict[str, Any] = Field(
        default_factory=dict, description="Payload fields the event must have, e.g. dataset."
    )
    params: dict[str, Any] = Field(default_factory=dict)
    param_map: dict[str, str] = Field(
        default_factory=dict, description="Pipeline parameter <- event payload field."
    )
    enabled: bool = True
    run_options: RunOptions = Field(default_factory=RunOptions)


class Trigger(BaseModel):
    id: str
    project: str
    name: str
    source: str
    event: str
    match: dict[str, Any]
    params: dict[str, Any]
    param_map: dict[str, str]
    enabled: bool
    run_options: RunOptions
    last_event_id: int
    last_run_id: str | None
    created_at: datetime
    created_by: str
