"""Wire models for a deployment's traffic and latency over time."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class MetricPoint(BaseModel):
    """One minute of one served version's calls."""

    minute: datetime = Field(description="The start of the minute.")
    seconds: float = Field(description="How much of the minute had passed when it was counted.")
    partial: bool = Field(description="Counted from the raw log: the minute is not summed yet.")
    requests: int
    errors: int = Field(description="Calls answered with a server error (5xx).")
    client_errors: int = Field(description="Calls refused as the caller's mistake (4xx).")
    rows: int = Field(description="Input rows scored.")
    requests_per_second: float
    error_rate: float | None = Field(description="Share of calls with a server error.")
    latency_mean_ms: float | None
    latency_p50_ms: float | None
    latency_p95_ms: float | None
    latency_p99_ms: float | None


class VersionSeries(BaseModel):
    version: str = Field(description="The served version (a deployment's revision).")
    target: str | None = Field(
        description="What the version is to the deployment now: stable, candidate, previous."
    )
    points: list[MetricPoint] = Field(description="Minutes with calls, oldest first.")


class DeploymentMetrics(BaseModel):
    deployment: str
    project: str
    window: str
    start: datetime
    end: datetime
    rolled_until: datetime | None = Field(
        description="Minutes before this come from the rollups; later ones from the raw log."
    )
    versions: list[VersionSeries]


class RecentTraffic(BaseModel):
    """A served version's calls over the last few minutes."""

    model: str
    version: str
    requests: int
    errors: int
    requests_per_second: float
