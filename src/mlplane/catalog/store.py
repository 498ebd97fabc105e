"""Queries on projects."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from mlplane.catalog.tables import ProjectRow

# Access checks run on every request: they read three columns, not a whole row object.
_KEY_COLUMNS = (ProjectRow.id, ProjectRow.name, ProjectRow.archived)
_KEY_BY_NAME = select(*_KEY_COLUMNS).where(ProjectRow.name == bindparam("name"))
_KEY_BY_ID = select(*_KEY_COLUMNS).where(ProjectRow.id == bindparam("id"))


class ProjectKey(NamedTuple):
    id: str
    name: str
    archived: bool


def get_project_key_by_name(session: Session, name: str) -> ProjectKey | None:
    row = session.connection().execute(_KEY_BY_NAME, {"name": name}).first()
    return ProjectKey(*row) if row else None


def get_project_key_by_id(session: Session, project_id: str) -> ProjectKey | None:
    row = session.connection().execute(_KEY_BY_ID, {"id": project_id}).first()
    return ProjectKey(*row) if row else None


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
