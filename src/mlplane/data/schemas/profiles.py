"""Wire models for profiles: per-column statistics computed when a table version is made."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class Histogram(BaseModel):
    """Equal-width bins: `edges` has one more item than `counts`."""

    edges: list[float]
    counts: list[int]


class ValueCount(BaseModel):
    value: Any
    count: int


class ColumnProfile(BaseModel):
    name: str
    type: str = Field(description="The DuckDB type.")
    count: int = Field(description="Non-null values.")
    nulls: int
    distinct_approx: int
    min: Any = None
    max: Any = None
    mean: float | None = None
    std: float | None = None
    quantiles: dict[str, float] | None = Field(
        default=None, description="`p05`, `p25`, `p50`, `p75`, `p95` for numbers."
    )
    histogram: Histogram | None = None
    top_values: list[ValueCount] | None = Field(
        default=None, description="The most frequent values of text and boolean columns."
    )


class Profile(BaseModel):
    row_count: int
    columns: list[ColumnProfile]
