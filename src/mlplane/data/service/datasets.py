"""Datasets: named, typed collections of versions inside a project."""

from __future__ import annotations

from sqlalchemy.orm import Session

from mlplane.catalog import service as catalog
from mlplane.catalog.schemas import ProjectAccess
from mlplane.core.clock import utcnow
from mlplane.core.errors import Conflict, NotFound
from mlplane.core.ids import new_id
from mlplane.core.pagination import Page, check_max_results, decode_page_token, encode_page_token
from mlplane.data.schemas.datasets import Dataset, DatasetCreate, DatasetKind, DatasetUpdate
from mlplane.data.storage import dataset_root
from mlplane.data.store import datasets as store
from mlplane.data.tables import DatasetRow
from mlplane.governance.schemas import Principal, Role


def dataset_view(row: DatasetRow, project: str) -> Dataset:
    return Dataset(
        id=row.id,
        project=project,
        name=row.name,
        description=row.description,
        kind=DatasetKind(row.kind),
        tags=dict(row.tags),
        version_count=row.version_count,
        latest_version=row.latest_version,
        created_at=row.created_at,
        created_by=row.created_by,
        updated_at=row.updated_at,
    )


def get_dataset_row(
    session: Session, access: ProjectAccess, name: str, *, for_update: bool = False
) -> DatasetRow:
    row = store.get_dataset(session, access.id, name, for_update=for_update)
    if row is None:
        raise NotFound(f"dataset {name!r} does not exist in project {access.name!r}")
    return row


def resolve_dataset(
    session: Session,
    principal: Principal,
    project: str,
    name: str,
    minimum: Role = Role.VIEWER,
    *,
    for_write: bool = False,
    for_update: bool = False,
) -> tuple[ProjectAccess, DatasetRow]:
    access = catalog.access_project(session, principal, project, minimum, for_write=for_write)
    return access, get_dataset_row(session, access, name, for_update=for_update)


def create_dataset(
    session: Session, principal: Principal, project: str, data: DatasetCreate
) -> Dataset:
    access = catalog.access_project(session, principal, project, Role.EDITOR, for_write=True)
    if store.get_dataset(session, access.id, data.name) is not None:
        raise Conflict(f"dataset {data.name!r} already exists in project {project!r}")
    now = utcnow()
    row = DatasetRow(
        id=new_id(),
        project_id=access.id,
        name=data.name,
        description=data.description,
        kind=data.kind.value,
        tags=dict(data.tags),
        version_count=0,
        latest_version=None,
        created_at=now,
        created_by=principal.name,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    return dataset_view(row, access.name)


def get_dataset(session: Session, principal: Principal, project: str, name: str) -> Dataset:
    access, row = resolve_dataset(session, principal, project, name)
    return dataset_view(row, access.name)


def list_datasets(
    session: Session,
    principal: Principal,
    project: str,
    page_token: str | None = None,
    max_results: int | None = None,
) -> Page[Dataset]:
    access = catalog.access_project(session, principal, project)
    limit = check_max_results(max_results)
    after = decode_page_token(page_token).get("after")
    rows = store.list_datasets(session, access.id, after, limit + 1)
    items = [dataset_view(row, access.name) for row in rows[:limit]]
    next_token = encode_page_token({"after": items[-1].name}) if len(rows) > limit else None
    return Page(items=items, next_page_token=next_token)


def update_dataset(
    session: Session, principal: Principal, project: str, name: str, data: DatasetUpdate
) -> Dataset:
    access, row = resolve_dataset(session, principal, project, name, Role.EDITOR, for_write=True)
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    for key, value in changes.items():
        setattr(row, key, value)
    row.updated_at = utcnow()
    session.flush()
    return dataset_view(row, access.name)


def delete_dataset(session: Session, principal: Principal, project: str, name: str) -> str:
    """Delete a dataset with all its versions; returns the storage folder to remove once the
    deletion is committed (its bytes are unreachable from then on)."""
    access, row = resolve_dataset(session, principal, project, name, Role.ADMIN, for_write=True)
    session.delete(row)
    session.flush()
    return dataset_root(access.name, row.name)
