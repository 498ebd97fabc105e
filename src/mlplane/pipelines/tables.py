"""Pipeline runs, their step runs, schedules and event triggers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from mlplane.core.db import Base, UtcDateTime


class PipelineRunRow(Base):
    __tablename__ = "pipeline_runs"
    __table_args__ = (Index("ix_pipeline_runs_project_id_created_at", "project_id", "created_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    project_id: Mapped[str] = mapped_column(String(32))
    pipeline: Mapped[str] = mapped_column(String(63), index=True)
    source: Mapped[str] = mapped_column(String(1000))
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(16), index=True)
    error: Mapped[str | None] = mapped_column(Text)
    # manual, schedule or trigger; origin_id names the schedule or trigger.
    origin: Mapped[str] = mapped_column(String(16))
    origin_id: Mapped[str | None] = mapped_column(String(32), index=True)
    tracking_run_id: Mapped[str | None] = mapped_column(String(32))
    resumed_from: Mapped[str | None] = mapped_column(String(32))
    # Where the steps execute (RunOptions); null on runs recorded before it existed: local.
    run_options: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(63))


class StepRunRow(Base):
    __tablename__ = "pipeline_step_runs"
    __table_args__ = (UniqueConstraint("run_id", "name"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("pipeline_runs.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    step: Mapped[str] = mapped_column(String(200))
    function: Mapped[str] = mapped_column(String(1000))
    upstream: Mapped[list[str]] = mapped_column(JSON)
    options: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(16))
    attempt: Mapped[int] = mapped_column(Integer)
    cache_key: Mapped[str | None] = mapped_column(String(64), index=True)
    output_uri: Mapped[str | None] = mapped_column(String(1000))
    output_digest: Mapped[str | None] = mapped_column(String(64))
    output_format: Mapped[str | None] = mapped_column(String(16))
    output_type: Mapped[str | None] = mapped_column(String(300))
    output_size: Mapped[int | None] = mapped_column(BigInteger)
    source_run_id: Mapped[str | None] = mapped_column(String(32))
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    duration_ms: Mapped[float | None] = mapped_column(Float)


class ScheduleRow(Base):
    __tablename__ = "pipeline_schedules"
    __table_args__ = (UniqueConstraint("project_id", "name"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    project_id: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(63))
    source: Mapped[str] = mapped_column(String(1000))
    cron: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    catch_up: Mapped[str] = mapped_column(String(16))
    no_overlap: Mapped[bool] = mapped_column(Boolean)
    enabled: Mapped[bool] = mapped_column(Boolean)
    run_options: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    next_run_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    last_run_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_run_id: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(63))


class TriggerRow(Base):
    __tablename__ = "pipeline_triggers"
    __table_args__ = (UniqueConstraint("project_id", "name"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    project_id: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(63))
    source: Mapped[str] = mapped_column(String(1000))
    event: Mapped[str] = mapped_column(String(100), index=True)
    match: Mapped[dict[str, Any]] = mapped_column(JSON)
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    param_map: Mapped[dict[str, str]] = mapped_column(JSON)
    enabled: Mapped[bool] = mapped_column(Boolean)
    run_options: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The newest event this trigger has looked at; it starts at the newest when created.
    last_event_id: Mapped[int] = mapped_column(BigInteger)
    last_run_id: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(63))
