"""Saved queries: a named SQL text and how to chart its result, per project."""

from __future__ import annotations

from sqlalchemy.orm import Session

from mlplane.catalog import service as catalog
from mlplane.core.artifacts import ArtifactStore
from mlplane.core.clock import utcnow
from mlplane.core.db import Database
from mlplane.core.errors import Conflict, NotFound
from mlplane.core.ids import new_id
from mlplane.core.pagination import Page, check_max_results, decode_page_token, encode_page_token
from mlplane.data.schemas.sql import (
    ChartSpec,
    QueryOptions,
    SavedQuery,
    SavedQueryCreate,
    SavedQueryUpdate,
)
from mlplane.data.service.sql import QueryOutcome, run_query
from mlplane.data.store import queries as store
from mlplane.data.tables import SavedQueryRow
from mlplane.governance.schemas import Principal, Role


def _view(row: SavedQueryRow, project: str) -> SavedQuery:
    return SavedQuery(
        id=row.id,
        project=project,
        name=row.name,
        description=row.description,
        sql=row.sql,
        chart=ChartSpec.model_validate(row.chart) if row.chart else None,
        created_at=row.created_at,
        created_by=row.created_by,
        updated_at=row.updated_at,
    )


def _get_row(session: Session, project_id: str, project: str, name: str) -> SavedQueryRow:
    row = store.get_saved_query(session, project_id, name)
    if row is None:
        raise NotFound(f"project {project!r} has no saved query named {name!r}")
    return row


def create_saved_query(
    session: Session, principal: Principal, project: str, data: SavedQueryCreate
) -> SavedQuery:
    access = catalog.access_project(session, principal, project, Role.EDITOR, for_write=True)
    if store.get_saved_query(session, access.id, data.name) is not None:
        raise Conflict(f"project {project!r} already has a saved query named {data.name!r}")
    now = utcnow()
    row = SavedQueryRow(
        id=new_id(),
        project_id=access.id,
        name=data.name,
        description=data.description,
        sql=data.sql,
        chart=data.chart.model_dump(mode="json") if data.chart else None,
        created_at=now,
        created_by=principal.name,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    return _view(row, access.name)


def get_saved_query(session: Session, principal: Principal, project: str, name: str) -> SavedQuery:
    access = catalog.access_project(session, principal, project)
    return _view(_get_row(session, access.id, access.name, name), access.name)


def list_saved_queries(
    session: Session,
    principal: Principal,
    project: str,
    page_token: str | None = None,
    max_results: int | None = None,
) -> Page[SavedQuery]:
    access = catalog.access_project(session, principal, project)
    limit = check_max_results(max_results)
    after = decode_page_token(page_token).get("after")
    rows = store.list_saved_queries(session, access.id, after, limit + 1)
    items = [_view(row, access.name) for row in rows[:limit]]
    next_token = encode_page_token({"after": items[-1].name}) if len(rows) > limit else None
    return Page(items=items, next_page_token=next_token)


def update_saved_query(
    session: Session, principal: Principal, project: str, name: str, data: SavedQueryUpdate
) -> SavedQuery:
    access = catalog.access_project(session, principal, project, Role.EDITOR, for_write=True)
    row = _get_row(session, access.id, access.name, name)
    changes = data.model_dump(exclude_unset=True, exclude_none=True, mode="json")
    for key, value in changes.items():
        setattr(row, key, value)
    row.updated_at = utcnow()
    session.flush()
    return _view(row, access.name)


def delete_saved_query(session: Session, principal: Principal, project: str, name: str) -> None:
    access = catalog.access_project(session, principal, project, Role.EDITOR, for_write=True)
    session.delete(_get_row(session, access.id, access.name, name))
    session.flush()


def run_saved_query(
    db: Database,
    artifacts: ArtifactStore,
    principal: Principal,
    project: str,
    name: str,
    options: QueryOptions,
) -> QueryOutcome:
    with db.read() as session:
        saved = get_saved_query(session, principal, project, name)
    return run_query(db, artifacts, principal, project, saved.sql, options)
