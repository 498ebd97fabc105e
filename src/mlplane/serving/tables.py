"""Rows for what the gateway serves and what it answered."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from mlplane.core.db import Base, UtcDateTime


class ServedModelRow(Base):
    """One version served under a name: the gateway's desired state.

    `mlplane serve add` writes these; deployments write one row per version they route to,
    with the share of traffic in `weight`, the share of calls copied to a shadow version in
    `mirror_percent`, and the name's payload capture settings on each of its rows.
    """

    __tablename__ = "serving_models"
    __table_args__ = (UniqueConstraint("name", "version", name="uq_serving_models_name_version"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    project_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(63))
    version: Mapped[str] = mapped_column(String(63))
    source: Mapped[str] = mapped_column(Text)
    uri: Mapped[str] = mapped_column(Text)
    deployment: Mapped[str | None] = mapped_column(String(63), index=True)
    weight: Mapped[int] = mapped_column(Integer, default=100)
    mirror_percent: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    payload_sample_rate: Mapped[float | None] = mapped_column(Float)
    redact: Mapped[list[str] | None] = mapped_column(JSON)
    max_batch_size: Mapped[int] = mapped_column(Integer, default=32)
    max_wait_ms: Mapped[float] = mapped_column(Float, default=2.0)
    max_queue: Mapped[int] = mapped_column(Integer, default=256)
    max_concurrency: Mapped[int] = mapped_column(Integer, default=1)
    timeout_s: Mapped[float] = mapped_column(Float, default=30.0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(63))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class InferenceLogRow(Base):
    """One answered inference call; the payload only for the sampled ones.

    A `shadow` call is a copy of a caller's call answered by a shadow version: its answer
    went to the log only, never to the caller.
    """

    __tablename__ = "serving_inference_log"
    __table_args__ = (Index("ix_serving_inference_log_model_time", "model", "created_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    project: Mapped[str] = mapped_column(String(63))
    model: Mapped[str] = mapped_column(String(63))
    version: Mapped[str] = mapped_column(String(63))
    caller: Mapped[str] = mapped_column(String(63))
    protocol: Mapped[str] = mapped_column(String(16))
    status: Mapped[int] = mapped_column(Integer)
    latency_ms: Mapped[float] = mapped_column(Float)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[dict[str, object] | None] = mapped_column(JSON)
    shadow: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
