"""The platform's event log: an append-only table that subsystems write and consumers follow.

A producer calls `emit` inside the transaction that makes the change, so an event exists
exactly when its change committed. Consumers (pipeline triggers, notifiers) remember the
last id they handled and ask for what came after with `list_since`.

Kinds are dotted names, subsystem first: `data.version.created`,
`registry.model_version.created`, `monitoring.alert.fired`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from mlplane.core.clock import utcnow
from mlplane.core.db import Base, UtcDateTime

DATA_VERSION_CREATED = "data.version.created"
MODEL_VERSION_CREATED = "registry.model_version.created"
ALERT_FIRED = "monitoring.alert.fired"

DEFAULT_BATCH = 500


class EventRow(Base):
    __tablename__ = "events"

    # BigInteger on PostgreSQL, INTEGER PRIMARY KEY (the rowid, so autoincrementing) on SQLite.
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    kind: Mapped[str] = mapped_column(String(100), index=True)
    # The project's id (stable across renames); empty for platform-wide events.
    project: Mapped[str] = mapped_column(String(32), index=True)
    # What the event is about, in the producer's words: "dataset:orders@3", "model:churn@2".
    subject: Mapped[str] = mapped_column(String(300))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


def emit(
    session: Session,
    kind: str,
    *,
    project: str,
    subject: str,
    payload: dict[str, Any] | None = None,
) -> EventRow:
    """Record an event in the caller's transaction; it becomes visible when that commits."""
    row = EventRow(
        kind=kind, project=project, subject=subject, payload=payload or {}, created_at=utcnow()
    )
    session.add(row)
    session.flush()
    return row


def list_since(
    session: Session,
    after_id: int,
    kinds: Iterable[str] | None = None,
    *,
    limit: int = DEFAULT_BATCH,
) -> Sequence[EventRow]:
    """Events with an id above `after_id`, oldest first, optionally only of some kinds."""
    query = select(EventRow).where(EventRow.id > after_id)
    if kinds is not None:
        query = query.where(EventRow.kind.in_(list(kinds)))
    return session.scalars(query.order_by(EventRow.id).limit(limit)).all()


def latest_id(session: Session) -> int:
    """The newest event's id (0 when there is none), where a new consumer starts following."""
    newest = session.scalar(select(EventRow.id).order_by(EventRow.id.desc()).limit(1))
    return newest or 0
