"""Wire models for deployments, their rollout strategies, and their events."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, model_validator

NAME_PATTERN = r"^[a-z0-9]([a-z0-9_.-]{0,61}[a-z0-9])?$"
MODEL_URI_DESCRIPTION = (
    "A registry version: `models:/<name>/<version>` or `models:/<name>@<alias>`."
)


class Analysis(BaseModel):
    """How a candidate is judged: its inference-log rows over the last `interval` seconds."""

    interval: float = Field(default=60.0, gt=0, le=86_400, description="Seconds between checks.")
    threshold: int = Field(default=2, ge=1, le=100, description="Failed checks before rollback.")
    min_success_rate: float = Field(
        default=0.99, ge=0, le=1, description="Share of calls answered without a server error."
    )
    max_p99_ms: float | None = Field(
        default=None, gt=0, description="Highest acceptable 99th-percentile latency."
    )
    min_requests: int = Field(
        default=1, ge=0, description="Fewer calls than this make a check inconclusive."
    )


class DirectStrategy(BaseModel):
    """A new version replaces the old one at once."""

    type: Literal["direct"] = "direct"


class CanaryStrategy(Analysis):
    """The new version takes `step_weight` more traffic after each passing check."""

    type: Literal["canary"] = "canary"
    step_weight: int = Field(default=10, ge=1, le=100)
    max_weight: int = Field(default=50, ge=1, le=100)

    @model_validator(mode="after")
    def _steps_fit(self) -> CanaryStrategy:
        if self.step_weight > self.max_weight:
            raise ValueError("step_weight must not exceed max_weight")
        return self


class BlueGreenStrategy(Analysis):
    """The new version loads beside the old one, then takes all traffic at once."""

    type: Literal["blue_green"] = "blue_green"
    analysis: bool = Field(
        default=False, description="Check the new version's calls before switching."
    )
    auto_promote: bool = Field(default=True, description="Switch without a manual promote.")
    scale_down_delay: float = Field(
        default=30.0, ge=0, le=86_400, description="Seconds the old version stays loaded."
    )


class ShadowStrategy(Analysis):
    """The new version answers a copy of `percent` of the calls; callers get the stable answer.

    Its answers are only logged (marked as shadow calls) and checked every `interval`;
    `threshold` failed checks remove it, and only a manual promote puts it in front.
    """

    type: Literal["shadow"] = "shadow"
    percent: int = Field(default=10, ge=0, le=100, description="Share of calls mirrored to it.")


Strategy = Annotated[
    DirectStrategy | CanaryStrategy | BlueGreenStrategy | ShadowStrategy,
    Field(discriminator="type"),
]

PAYLOAD_SAMPLE_RATE_DESCRIPTION = (
    "Share of calls (0 to 1) whose inputs and outputs the inference log keeps; "
    "unset: the gateway's default."
)
REDACT_DESCRIPTION = (
    "Field or column names (any case) whose values a kept payload replaces by `[redacted]`, "
    "in inputs and outputs."
)
RedactedField = Annotated[str, Field(min_length=1, max_length=255)]


class DeploymentCreate(BaseModel):
    name: str = Field(pattern=NAME_PATTERN, description="The name callers use: /v2/models/NAME.")
    model: str = Field(min_length=1, description=MODEL_URI_DESCRIPTION)
    strategy: Strategy = Field(default_factory=DirectStrategy)
    description: str = Field(default="", max_length=10_000)
    payload_sample_rate: float | None = Field(
        default=None, ge=0, le=1, description=PAYLOAD_SAMPLE_RATE_DESCRIPTION
    )
    redact: list[RedactedField] = Field(
        default_factory=list, max_length=100, description=REDACT_DESCRIPTION
    )


class DeploymentUpdate(BaseModel):
    model: str | None = Field(
        default=None, min_length=1, description="A new version: starts a rollout."
    )
    strategy: Strategy | None = None
    description: str | None = Field(default=None, max_length=10_000)
    payload_sample_rate: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description=PAYLOAD_SAMPLE_RATE_DESCRIPTION + " Send null to return to the default.",
    )
    redact: list[RedactedField] | None = Field(
        default=None, max_length=100, description=REDACT_DESCRIPTION + " An empty list: none."
    )


class Target(BaseModel):
    revision: str = Field(description="The version the gateway serves it as.")
    source: str = Field(description="The model URI as given.")
    model_version: int = Field(description="The registry version it resolved to.")
    weight: int
    mirror_percent: int = Field(
        default=0, description="Share of the calls copied to it as a shadow (answers unseen)."
    )

    def __str__(self) -> str:
        return f"{self.source} (version {self.model_version}) as {self.revision} at {self.weight}"


class Deployment(BaseModel):
    name: str
    project: str
    description: str
    strategy: Strategy
    status: Literal["stable", "progressing", "paused", "scaling_down"]
    outcome: str | None = Field(description="How the last rollout ended.")
    stable: Target | None
    candidate: Target | None
    previous: Target | None = Field(description="What a rollback returns to.")
    payload_sample_rate: float | None = Field(description=PAYLOAD_SAMPLE_RATE_DESCRIPTION)
    redact: list[str] = Field(description=REDACT_DESCRIPTION)
    failed_checks: int
    next_check_at: datetime | None
    scale_down_at: datetime | None
    created_at: datetime
    created_by: str
    updated_at: datetime


class DeploymentEvent(BaseModel):
    seq: int
    created_at: datetime
    kind: str
    message: str
    details: dict[str, Any]
    actor: str
