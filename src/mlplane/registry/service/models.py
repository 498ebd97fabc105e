"""Registered models: create, read, list, update (rename, tags), delete."""

from __future__ import annotations

from sqlalchemy.orm import Session

from mlplane.catalog import service as catalog
from mlplane.core.clock import utcnow
from mlplane.core.errors import Conflict, InvalidInput
from mlplane.core.ids import new_id
from mlplane.core.pagination import Page, check_max_results, decode_page_token, encode_page_token
from mlplane.governance.schemas import Principal, Role
from mlplane.registry import store
from mlplane.registry.schemas import RegisteredModel, RegisteredModelCreate, RegisteredModelUpdate
from mlplane.registry.service.access import access_model
from mlplane.registry.service.views import model_views
from mlplane.registry.tables import RegisteredModelRow

MAX_TAG_KEY_LENGTH = 250


def _exists(name: str, project: str) -> Conflict:
    return Conflict(f"registered model {name!r} already exists in project {project!r}")


def check_tag(key: str, value: str) -> None:
    if not key or len(key) > MAX_TAG_KEY_LENGTH:
        raise InvalidInput(f"tags: key {key[:50]!r} must be 1 to {MAX_TAG_KEY_LENGTH} characters")
    if len(value) > 5000:
        raise InvalidInput(f"tags: the value of {key!r} is longer than 5000 characters")


def create_model(
    session: Session, principal: Principal, project: str, data: RegisteredModelCreate
) -> RegisteredModel:
    access = catalog.access_project(session, principal, project, Role.EDITOR, for_write=True)
    if store.get_model(session, access.id, data.name) is not None:
        raise _exists(data.name, project)
    now = utcnow()
    row = RegisteredModelRow(
        id=new_id(),
        project_id=access.id,
        name=data.name,
        description=data.description,
        owner=data.owner or principal.name,
        tags=dict(data.tags),
        latest_version=0,
        created_at=now,
        created_by=principal.name,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    return model_views(session, [row], project)[0]


def get_model(session: Session, principal: Principal, project: str, name: str) -> RegisteredModel:
    found = access_model(session, principal, project, name)
    return model_views(session, [found.model], project)[0]


def list_models(
    session: Session,
    principal: Principal,
    project: str,
    *,
    name_like: str | None = None,
    page_token: str | None = None,
    max_results: int | None = None,
) -> Page[RegisteredModel]:
    access = catalog.access_project(session, principal, project)
    limit = check_max_results(max_results)
    after = decode_page_token(page_token).get("after")
    rows = store.list_models(session, access.id, name_like, after, limit + 1)
    items = model_views(session, rows[:limit], project)
    token = encode_page_token({"after": items[-1].name}) if len(rows) > limit else None
    return Page(items=items, next_page_token=token)


def count_models(session: Session, principal: Principal, project: str) -> int:
    access = catalog.access_project(session, principal, project)
    return store.count_models(session, access.id)


def update_model(
    session: Session,
    principal: Principal,
    project: str,
    name: str,
    data: RegisteredModelUpdate,
) -> RegisteredModel:
    found = access_model(session, principal, project, name, Role.EDITOR, for_write=True)
    row = found.model
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    new_name = changes.pop("name", None)
    if new_name is not None and new_name != row.name:
        if store.get_model(session, found.project.id, new_name) is not None:
            raise _exists(new_name, project)
        row.name = new_name
    for key, value in changes.items():
        setattr(row, key, value)
    row.updated_at = utcnow()
    session.flush()
    return model_views(session, [row], project)[0]


def set_model_tag(
    session: Session, principal: Principal, project: str, name: str, key: str, value: str
) -> RegisteredModel:
    check_tag(key, value)
    found = access_model(session, principal, project, name, Role.EDITOR, for_write=True)
    found.model.tags = {**found.model.tags, key: value}
    found.model.updated_at = utcnow()
    session.flush()
    return model_views(session, [found.model], project)[0]


def delete_model_tag(
    session: Session, principal: Principal, project: str, name: str, key: str
) -> RegisteredModel:
    found = access_model(session, principal, project, name, Role.EDITOR, for_write=True)
    found.model.tags = {k: v for k, v in found.model.tags.items() if k != key}
    found.model.updated_at = utcnow()
    session.flush()
    return model_views(session, [found.model], project)[0]


def delete_model(session: Session, principal: Principal, project: str, name: str) -> None:
    """Remove a model, its versions, aliases and history; the files stay in the store."""
    found = access_model(session, principal, project, name, Role.ADMIN, for_write=True)
    store.delete_model_rows(session, found.model.id)
