"""Rows for the per-minute rollups of the inference log the control panel charts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mlplane.core.db import Base, UtcDateTime
from mlplane.serving.tables import InferenceLogRow


class InferenceRollupRow(Base):
    """One served version's calls during one minute: counts and latency percentiles."""

    __tablename__ = "serving_inference_rollups"
    __table_args__ = (
        UniqueConstraint(
            "project", "model", "version", "minute", name="uq_serving_inference_rollups_minute"
        ),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    project: Mapped[str] = mapped_column(String(63))
    model: Mapped[str] = mapped_column(String(63))
    version: Mapped[str] = mapped_column(String(63))
    minute: Mapped[datetime] = mapped_column(UtcDateTime)
    requests: Mapped[int] = mapped_column(Integer)
    errors: Mapped[int] = mapped_column(Integer, doc="Calls answered with a 5xx status.")
    client_errors: Mapped[int] = mapped_column(Integer, doc="Calls answered with a 4xx status.")
    rows: Mapped[int] = mapped_column(Integer)
    latency_mean_ms: Mapped[float] = mapped_column(Float)
    latency_p50_ms: Mapped[float] = mapped_column(Float)
    latency_p95_ms: Mapped[float] = mapped_column(Float)
    latency_p99_ms: Mapped[float] = mapped_column(Float)


class RollupWatermarkRow(Base):
    """How far a rollup has gone: every minute before `rolled_until` is summed, once."""

    __tablename__ = "serving_rollup_watermarks"

    name: Mapped[str] = mapped_column(String(63), primary_key=True)
    rolled_until: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


# The rollup reads the log by time across every model; the log's own index starts with the
# model, so the rollup brings the index it needs.
INFERENCE_LOG_TIME_INDEX = Index(
    "ix_serving_inference_log_created_at", InferenceLogRow.__table__.c.created_at
)
