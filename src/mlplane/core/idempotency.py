"""Stored answers to requests that carried an `Idempotency-Key`, so a retry never duplicates."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Integer, LargeBinary, String, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from mlplane.core.clock import utcnow
from mlplane.core.db import Base, Database, UtcDateTime

RETENTION = timedelta(hours=24)
PENDING = 0


class IdempotencyRow(Base):
    __tablename__ = "idempotency_records"

    scope: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    request: Mapped[str] = mapped_column(String(600))
    status: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


def claim(db: Database, scope: str, key: str, request: str) -> IdempotencyRow | None:
    """Reserve a key for a request; returns the earlier record when the key is taken."""
    try:
        with db.write() as session:
            session.add(
                IdempotencyRow(
                    scope=scope, key=key, request=request, status=PENDING, created_at=utcnow()
                )
            )
        return None
    except IntegrityError:
        with db.read() as session:
            return session.get(IdempotencyRow, (scope, key))


def complete(
    db: Database, scope: str, key: str, status: int, content_type: str | None, body: bytes
) -> None:
    with db.write() as session:
        row = session.get(IdempotencyRow, (scope, key))
        if row is not None:
            row.status, row.content_type, row.body = status, content_type, body


def release(db: Database, scope: str, key: str) -> None:
    """Forget a key whose request failed on the server's side, so a retry runs again."""
    with db.write() as session:
        session.execute(
            delete(IdempotencyRow).where(IdempotencyRow.scope == scope, IdempotencyRow.key == key)
        )


def delete_expired(db: Database) -> int:
    with db.write() as session:
        expired = session.scalars(
            select(IdempotencyRow.key).where(IdempotencyRow.created_at < utcnow() - RETENTION)
        ).all()
        session.execute(
            delete(IdempotencyRow).where(IdempotencyRow.created_at < utcnow() - RETENTION)
        )
        return len(expired)
