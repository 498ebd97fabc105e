"""The platform's processes report in here, so the panel and `mlplane status` can show them."""

from __future__ import annotations

import os
import socket
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, mapped_column

from mlplane.core.clock import utcnow
from mlplane.core.db import Base, Database, UtcDateTime

STALE_AFTER = timedelta(seconds=30)


class ProcessRow(Base):
    __tablename__ = "processes"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    host: Mapped[str] = mapped_column(String(200))
    pid: Mapped[int]
    address: Mapped[str | None] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    heartbeat_at: Mapped[datetime] = mapped_column(UtcDateTime)


def process_id(kind: str) -> str:
    return f"{kind}@{socket.gethostname()}:{os.getpid()}"


def heartbeat(db: Database, kind: str, address: str | None, started_at: datetime) -> None:
    now = utcnow()
    with db.write() as session:
        row = session.get(ProcessRow, process_id(kind))
        if row is None:
            session.add(
                ProcessRow(
                    id=process_id(kind),
                    kind=kind,
                    host=socket.gethostname(),
                    pid=os.getpid(),
                    address=address,
                    started_at=started_at,
                    heartbeat_at=now,
                )
            )
        else:
            row.heartbeat_at = now
        for stale in session.scalars(
            select(ProcessRow).where(ProcessRow.heartbeat_at < now - STALE_AFTER * 10)
        ):
            session.delete(stale)


def list_processes(db: Database) -> Sequence[ProcessRow]:
    with db.read() as session:
        return session.scalars(select(ProcessRow).order_by(ProcessRow.kind, ProcessRow.id)).all()


def is_alive(row: ProcessRow) -> bool:
    return utcnow() - row.heartbeat_at < STALE_AFTER
