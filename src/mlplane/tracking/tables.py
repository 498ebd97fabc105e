"""Rows for experiments, runs and everything logged to a run.

Run times are epoch milliseconds (as the MLflow protocol has them); experiment times are
timezone-aware datetimes like every other resource. A metric value of NULL means NaN:
SQLite cannot store NaN, and NULL gives NaN its IEEE meaning in comparisons (never true).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Double,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from mlplane.core.db import Base, UtcDateTime

# SQLite only auto-increments an INTEGER PRIMARY KEY (the rowid), the fastest insert path.
AutoIncrementId = BigInteger().with_variant(Integer(), "sqlite")


class ExperimentRow(Base):
    __tablename__ = "tracking_experiments"
    __table_args__ = (UniqueConstraint("project_id", "name"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    project_id: Mapped[str] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    artifact_location: Mapped[str] = mapped_column(String(1000))
    lifecycle: Mapped[str] = mapped_column(String(16), default="active")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(63))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ExperimentTagRow(Base):
    __tablename__ = "tracking_experiment_tags"
    __table_args__ = (PrimaryKeyConstraint("experiment_id", "key"),)

    experiment_id: Mapped[str] = mapped_column(
        ForeignKey("tracking_experiments.id", ondelete="CASCADE")
    )
    key: Mapped[str] = mapped_column(String(250))
    value: Mapped[str] = mapped_column(Text)


class RunRow(Base):
    __tablename__ = "tracking_runs"
    __table_args__ = (
        Index("ix_tracking_runs_experiment_start", "experiment_id", "lifecycle", "start_time"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    experiment_id: Mapped[str] = mapped_column(
        ForeignKey("tracking_experiments.id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(String(250), default="")
    status: Mapped[str] = mapped_column(String(16))
    start_time: Mapped[int] = mapped_column(BigInteger)
    end_time: Mapped[int | None] = mapped_column(BigInteger)
    user_name: Mapped[str] = mapped_column(String(63))
    source_name: Mapped[str] = mapped_column(String(500), default="")
    source_type: Mapped[str] = mapped_column(String(20), default="UNKNOWN")
    git_commit: Mapped[str | None] = mapped_column(String(64))
    git_dirty: Mapped[bool | None] = mapped_column(Boolean)
    parent_run_id: Mapped[str | None] = mapped_column(String(32), index=True)
    lifecycle: Mapped[str] = mapped_column(String(16), default="active")
    # When the run was deleted; runs deleted with their experiment share its moment.
    deleted_time: Mapped[int | None] = mapped_column(BigInteger)
    artifact_uri: Mapped[str] = mapped_column(String(1000))


class ParamRow(Base):
    __tablename__ = "tracking_params"
    __table_args__ = (PrimaryKeyConstraint("run_id", "key"),)

    run_id: Mapped[str] = mapped_column(ForeignKey("tracking_runs.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(250))
    value: Mapped[str] = mapped_column(Text)


class RunTagRow(Base):
    __tablename__ = "tracking_run_tags"
    __table_args__ = (PrimaryKeyConstraint("run_id", "key"),)

    run_id: Mapped[str] = mapped_column(ForeignKey("tracking_runs.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(250))
    value: Mapped[str] = mapped_column(Text)


class MetricRow(Base):
    """Every logged point: the history charts draw."""

    __tablename__ = "tracking_metrics"
    __table_args__ = (Index("ix_tracking_metrics_run_key_step", "run_id", "key", "step"),)

    id: Mapped[int] = mapped_column(AutoIncrementId, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("tracking_runs.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(250))
    value: Mapped[float | None] = mapped_column(Double)
    step: Mapped[int] = mapped_column(BigInteger)
    timestamp: Mapped[int] = mapped_column(BigInteger)


class LatestMetricRow(Base):
    """Each run's latest point per key (highest step, then newest timestamp), for search."""

    __tablename__ = "tracking_latest_metrics"
    __table_args__ = (
        PrimaryKeyConstraint("run_id", "key"),
        Index("ix_tracking_latest_metrics_key_value", "key", "value"),
    )

    run_id: Mapped[str] = mapped_column(ForeignKey("tracking_runs.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(250))
    value: Mapped[float | None] = mapped_column(Double)
    step: Mapped[int] = mapped_column(BigInteger)
    timestamp: Mapped[int] = mapped_column(BigInteger)


class RunInputRow(Base):
    """A dataset a run used, and in which role (its context: training, evaluation...)."""

    __tablename__ = "tracking_run_inputs"
    __table_args__ = (PrimaryKeyConstraint("run_id", "name", "digest"),)

    run_id: Mapped[str] = mapped_column(ForeignKey("tracking_runs.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(500))
    digest: Mapped[str] = mapped_column(String(64))
    source_type: Mapped[str] = mapped_column(String(64), default="")
    source: Mapped[str] = mapped_column(Text, default="")
    dataset_schema: Mapped[str | None] = mapped_column(Text)
    profile: Mapped[str | None] = mapped_column(Text)
    context: Mapped[str | None] = mapped_column(String(250))
    tags: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
