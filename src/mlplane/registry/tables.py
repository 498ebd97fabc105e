"""Rows for registered models, their versions and aliases, approvals and webhooks.

A version keeps the id of the run it came from as a plain column, not a foreign key: a run
may be deleted while the version it produced stays registered, as in MLflow.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
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


class RegisteredModelRow(Base):
    __tablename__ = "registry_models"
    __table_args__ = (UniqueConstraint("project_id", "name"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    project_id: Mapped[str] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(250))
    description: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(63))
    tags: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    latest_version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(63))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ModelVersionRow(Base):
    __tablename__ = "registry_versions"
    __table_args__ = (
        UniqueConstraint("model_id", "version"),
        Index("ix_registry_versions_project_created", "project_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    model_id: Mapped[str] = mapped_column(ForeignKey("registry_models.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(2000))
    storage_path: Mapped[str | None] = mapped_column(String(1000))
    run_id: Mapped[str | None] = mapped_column(String(32), index=True)
    logged_model_id: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(32))
    status_message: Mapped[str] = mapped_column(Text, default="")
    stage: Mapped[str] = mapped_column(String(20), default="None")
    description: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(63))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ModelAliasRow(Base):
    __tablename__ = "registry_aliases"
    __table_args__ = (PrimaryKeyConstraint("model_id", "alias"),)

    model_id: Mapped[str] = mapped_column(ForeignKey("registry_models.id", ondelete="CASCADE"))
    alias: Mapped[str] = mapped_column(String(255))
    version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_by: Mapped[str] = mapped_column(String(63))


class AliasEventRow(Base):
    """One move of an alias: which version it left and reached, when, by whose decision."""

    __tablename__ = "registry_alias_events"
    __table_args__ = (Index("ix_registry_alias_events_model_at", "model_id", "at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    model_id: Mapped[str] = mapped_column(ForeignKey("registry_models.id", ondelete="CASCADE"))
    alias: Mapped[str] = mapped_column(String(255))
    version: Mapped[int | None] = mapped_column(Integer)
    previous_version: Mapped[int | None] = mapped_column(Integer)
    moved_by: Mapped[str] = mapped_column(String(63))
    decided_by: Mapped[str] = mapped_column(String(63))
    reason: Mapped[str] = mapped_column(String(32))
    approval_id: Mapped[str | None] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UtcDateTime)


class ProtectedAliasRow(Base):
    """An alias name a project guards: moving it needs an approval or a passing gate."""

    __tablename__ = "registry_protected_aliases"
    __table_args__ = (PrimaryKeyConstraint("project_id", "alias"),)

    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    alias: Mapped[str] = mapped_column(String(255))
    gate: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(63))


class ApprovalRow(Base):
    __tablename__ = "registry_approvals"
    __table_args__ = (Index("ix_registry_approvals_model_state", "model_id", "state"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    model_id: Mapped[str] = mapped_column(ForeignKey("registry_models.id", ondelete="CASCADE"))
    alias: Mapped[str] = mapped_column(String(255))
    version: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text, default="")
    requested_by: Mapped[str] = mapped_column(String(63))
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(63))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decision_comment: Mapped[str] = mapped_column(Text, default="")
    gate_checks: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class WebhookRow(Base):
    __tablename__ = "registry_webhooks"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    project_id: Mapped[str] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Kept readable, not hashed: the worker signs every delivery with it (HMAC-SHA256).
    secret: Mapped[str] = mapped_column(String(128))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(63))


class WebhookDeliveryRow(Base):
    __tablename__ = "registry_webhook_deliveries"
    __table_args__ = (
        Index("ix_registry_webhook_deliveries_due", "state", "next_attempt_at"),
        Index("ix_registry_webhook_deliveries_hook", "webhook_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    webhook_id: Mapped[str] = mapped_column(ForeignKey("registry_webhooks.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
