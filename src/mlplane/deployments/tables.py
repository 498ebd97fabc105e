"""Rows for deployments, their rollout state, and what happened to them.

The rollout's whole state (weights, failed checks, when the next check is due) lives in
the deployment row, so a restarted worker carries on where the last one stopped.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mlplane.core.db import Base, UtcDateTime


class DeploymentRow(Base):
    """A named endpoint: the stable version, and while a rollout runs, its candidate.

    A target is stored as its source (`models:/name@alias` as given), the registry version
    it resolved to, the storage location the gateway loads, and the revision it is served
    under (the deployment's own counter, so two targets never share a served version).
    """

    __tablename__ = "deployments"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    project_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(63), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    strategy: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str | None] = mapped_column(String(16))
    revision: Mapped[int] = mapped_column(Integer)
    stable_revision: Mapped[str | None] = mapped_column(String(63))
    stable_source: Mapped[str | None] = mapped_column(Text)
    stable_model_version: Mapped[int | None] = mapped_column(Integer)
    stable_uri: Mapped[str | None] = mapped_column(Text)
    candidate_revision: Mapped[str | None] = mapped_column(String(63))
    candidate_source: Mapped[str | None] = mapped_column(Text)
    candidate_model_version: Mapped[int | None] = mapped_column(Integer)
    candidate_uri: Mapped[str | None] = mapped_column(Text)
    candidate_weight: Mapped[int] = mapped_column(Integer, default=0)
    previous_revision: Mapped[str | None] = mapped_column(String(63))
    previous_source: Mapped[str | None] = mapped_column(Text)
    previous_model_version: Mapped[int | None] = mapped_column(Integer)
    previous_uri: Mapped[str | None] = mapped_column(Text)
    failed_checks: Mapped[int] = mapped_column(Integer, default=0)
    next_check_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    scale_down_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Payload capture: None keeps the gateway's default rate; no list redacts nothing.
    payload_sample_rate: Mapped[float | None] = mapped_column(Float)
    redact: Mapped[list[str] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(63))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class DeploymentEventRow(Base):
    """One step or decision of a deployment, with the numbers that drove it."""

    __tablename__ = "deployment_events"
    __table_args__ = (Index("ix_deployment_events_deployment_time", "deployment_id", "created_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    deployment_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("deployments.id", ondelete="CASCADE")
    )
    seq: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    kind: Mapped[str] = mapped_column(String(32))
    message: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    actor: Mapped[str] = mapped_column(String(63))
