"""Queries on saved SQL queries."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from mlplane.data.tables import SavedQueryRow


def get_saved_query(session: Session, project_id: str, name: str) -> SavedQueryRow | None:
    query = select(SavedQueryRow).where(
        SavedQueryRow.project_id == project_id, SavedQueryRow.name == name
    )
    return session.scalars(query).first()


def list_saved_queries(
    session: Session, project_id: str, after_name: str | None, limit: int
) -> Sequence[SavedQueryRow]:
    query = select(SavedQueryRow).where(SavedQueryRow.project_id == project_id)
    if after_name is not None:
        query = query.where(SavedQueryRow.name > after_name)
    return session.scalars(query.order_by(SavedQueryRow.name).limit(limit)).all()
