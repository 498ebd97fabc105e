"""Queries on projects."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mlplane.catalog.tables import ProjectRow


def get_project_by_name(session: Session, name: str) -> ProjectRow | None:
    return session.scalars(select(ProjectRow).where(ProjectRow.name == name)).first()


def list_projects(
    session: Session,
    project_ids: Sequence[str] | None,
    include_archived: bool,
    after_name: str | None,
    limit: int,
) -> Sequence[ProjectRow]:
    query = select(ProjectRow)
    if project_ids is not None:
        query = query.where(ProjectRow.id.in_(project_ids))
    if not include_archived:
        query = query.where(ProjectRow.archived.is_(False))
    if after_name is not None:
        query = query.where(ProjectRow.name > after_name)
    return session.scalars(query.order_by(ProjectRow.name).limit(limit)).all()


def project_names(session: Session, project_ids: Sequence[str]) -> list[str]:
    query = select(ProjectRow.name).where(ProjectRow.id.in_(project_ids))
    return list(session.scalars(query).all())


def count_projects(session: Session, project_ids: Sequence[str] | None) -> int:
    query = select(func.count()).select_from(ProjectRow).where(ProjectRow.archived.is_(False))
    if project_ids is not None:
        query = query.where(ProjectRow.id.in_(project_ids))
    return int(session.scalar(query) or 0)
