"""Wire models of compute: pools, job specs, jobs, their logs, quotas and cost."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from mlplane.core.names import NAME_PATTERN

PoolName = Annotated[str, StringConstraints(pattern=NAME_PATTERN, max_length=63)]
EnvName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", max_length=200)]
EntryPoint = Annotated[
    str,
    StringConstraints(
        pattern=r"^[A-Za-z_][A-Za-z0-9_.]*(:[A-Za-z_][A-Za-z0-9_]*)?$", max_length=500
    ),
]
SecretReference = Annotated[str, StringConstraints(pattern=r"^(env|file):.+$", max_length=1000)]

_MEMORY_UNITS = {
    "": 1,
    "k": 1000,
    "ki": 1024,
    "m": 1000**2,
    "mi": 1024**2,
    "g": 1000**3,
    "gi": 1024**3,
    "t": 1000**4,
    "ti": 1024**4,
}
_MEMORY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kKmMgGtT]i?)?[bB]?\s*$")


def parse_memory(value: str | int | float) -> int:
    """Bytes from `512Mi`, `2G`, `1.5Gi` or a plain number of bytes."""
    if isinstance(value, int | float):
        if value < 0:
            raise ValueError("memory cannot be negative")
        return int(value)
    match = _MEMORY.match(value)
    if match is None:
        raise ValueError(f"{value!r} is not a memory size such as 512Mi or 2G")
    number, unit = match.groups()
    return int(float(number) * _MEMORY_UNITS[(unit or "").lower()])


class PoolKind(StrEnum):
    LOCAL = "local"
    RAY = "ray"


class Prices(BaseModel):
    """Unit prices of a pool, in the platform's currency."""

    model_config = ConfigDict(extra="forbid")

    cpu_hour: float = Field(default=0.0, ge=0)
    gb_hour: float = Field(default=0.0, ge=0, description="Per GB of memory per hour.")
    gpu_hour: float = Field(default=0.0, ge=0)
    spot_factor: float | None = Field(
        default=None,
        gt=0,
        le=1,
        description="Multiplier for jobs that accept spot capacity; none = no spot offered.",
    )


class PoolCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: PoolName
    kind: PoolKind
    description: str = Field(default="", max_length=2000)
    address: str | None = Field(
        default=None, max_length=500, description="Ray dashboard address (ray pools)."
    )
    cpus: float | None = Field(
        default=None, gt=0, description="Capacity; local pools default to this machine's."
    )
    memory: str | int | None = Field(default=None, description="Capacity, e.g. 16Gi.")
    gpus: int | None = Field(default=None, ge=0)
    custom: dict[str, float] = Field(default_factory=dict)
    prices: Prices = Field(default_factory=Prices)


class PoolUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: str | None = Field(default=None, max_length=2000)
    address: str | None = Field(default=None, max_length=500)
    cpus: float | None = Field(default=None, gt=0)
    memory: str | int | None = None
    gpus: int | None = Field(default=None, ge=0)
    custom: dict[str, float] | None = None
    prices: Prices | None = None


class ResourceAmounts(BaseModel):
    cpus: float
    memory_bytes: int
    gpus: int
    jobs: int = 0
    custom: dict[str, float] = Field(default_factory=dict)


class Pool(BaseModel):
    name: str
    kind: PoolKind
    description: str
    address: str | None
    capacity: ResourceAmounts
    used: ResourceAmounts
    free: ResourceAmounts
    prices: Prices
    queued_jobs: int
    created_at: datetime


class Resources(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cpu: float = Field(default=1.0, gt=0, le=4096)
    memory: str | int = Field(default="512Mi", description="e.g. 512Mi, 2Gi or bytes.")
    gpu: int = Field(default=0, ge=0, le=64)
    custom: dict[str, float] = Field(default_factory=dict)

    @field_validator("memory")
    @classmethod
    def _memory_parses(cls, value: str | int) -> str | int:
        if parse_memory(value) <= 0:
            raise ValueError("memory must be more than 0")
        return value

    @property
    def memory_bytes(self) -> int:
        return parse_memory(self.memory)


class Environment(BaseModel):
    """What the job runs in: this platform's Python, a fresh environment with requirements,
    or an existing virtual environment. `image` is recorded for cluster backends."""

    model_config = ConfigDict(extra="forbid")

    requirements: list[Annotated[str, StringConstraints(min_length=1, max_length=500)]] = Field(
        default_factory=list, max_length=200
    )
    venv: str | None = Field(default=None, max_length=1000, description="Path of a virtualenv.")
    image: str | None = Field(default=None, max_length=500)


class Retry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_retries: int = Field(default=0, ge=0, le=20)
    backoff_seconds: float = Field(default=10.0, ge=0, le=86400)
    backoff_multiplier: float = Field(default=2.0, ge=1, le=10)


class JobSpec(BaseModel):
    """A workload: what to run, where, with what, and for how long."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None
    command: list[Annotated[str, StringConstraints(max_length=10000)]] | str | None = Field(
        default=None, description="A program and its arguments (a string runs in a shell)."
    )
    entry_point: EntryPoint | None = Field(
        default=None, description="`package.module:function` or `package.module` to run."
    )
    args: list[str] = Field(default_factory=list, max_length=1000)
    working_dir: str | None = Field(default=None, max_length=1000)
    environment: Environment = Field(default_factory=Environment)
    resources: Resources = Field(default_factory=Resources)
    timeout_seconds: float | None = Field(default=None, gt=0, le=30 * 86400)
    retry: Retry = Field(default_factory=Retry)
    env: dict[EnvName, Annotated[str, StringConstraints(max_length=100000)]] = Field(
        default_factory=dict
    )
    secrets: dict[EnvName, SecretReference] = Field(
        default_factory=dict,
        description="Variables resolved by the worker at launch: `env:NAME` or `file:PATH`.",
    )
    pool: PoolName = "local"
    priority: int = Field(default=0, ge=-100, le=100)
    spot: bool = False
    experiment: Annotated[str, StringConstraints(min_length=1, max_length=500)] | None = None
    params: dict[str, Any] = Field(default_factory=dict, description="Logged on the job's run.")


class JobStatus(StrEnum):
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"

    @property
    def is_terminal(self) -> bool:
        return self in (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)


class Usage(BaseModel):
    cpu_seconds: float
    gb_seconds: float
    gpu_seconds: float
    cost: float


class Job(BaseModel):
    id: str
    project: str
    name: str
    pool: str
    status: JobStatus
    reason: str | None = Field(description="Why it waits, or why it ended as it did.")
    priority: int
    attempt: int
    spec: JobSpec
    run_id: str | None
    experiment: str
    exit_code: int | None
    usage: Usage
    created_by: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    cancel_requested: bool


class LogLine(BaseModel):
    seq: int
    attempt: int
    stream: str
    text: str
    created_at: datetime


class JobLogs(BaseModel):
    job_id: str
    status: JobStatus
    lines: list[LogLine]
    next_seq: int = Field(description="Pass as `after` to read what comes next.")


class Quota(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_cpus: float | None = Field(default=None, gt=0)
    max_gpus: int | None = Field(default=None, ge=0)
    max_jobs: int | None = Field(default=None, ge=1)


class ProjectQuota(Quota):
    project: str
    used: ResourceAmounts


class CostDay(BaseModel):
    day: date
    cost: float
    cpu_hours: float
    gb_hours: float
    gpu_hours: float
    jobs: int


class CostReport(BaseModel):
    project: str | None
    since: date
    total: float
    jobs: int
    days: list[CostDay]
    by_project: dict[str, float] = Field(default_factory=dict)


# A hyper-parameter search's trial jobs carry these variables, so the platform knows its
# studies from the jobs alone (the Optuna storage stays with whoever runs the search).
STUDY_VARIABLE = "MLPLANE_STUDY"
STUDY_METRIC_VARIABLE = "MLPLANE_STUDY_METRIC"
STUDY_DIRECTION_VARIABLE = "MLPLANE_STUDY_DIRECTION"
TRIAL_NUMBER_VARIABLE = "MLPLANE_TRIAL_NUMBER"
TRIAL_PARAMS_VARIABLE = "MLPLANE_TRIAL_PARAMS"


class StudyTrial(BaseModel):
    number: int
    job_id: str
    run_id: str | None
    status: JobStatus
    params: dict[str, Any]
    value: float | None = Field(description="The metric the trial's run logged last, if any.")
    created_at: datetime
    finished_at: datetime | None


class Study(BaseModel):
    """A hyper-parameter search: its trials, as the platform saw them run."""

    name: str
    project: str
    metric: str
    direction: str = Field(description="minimize or maximize")
    trials: list[StudyTrial]
    best: StudyTrial | None
    created_at: datetime
    updated_at: datetime
