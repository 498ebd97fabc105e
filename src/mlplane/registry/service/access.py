"""Resolving a project's registered models and versions for a caller."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from mlplane.catalog import service as catalog
from mlplane.catalog.schemas import ProjectAccess
from mlplane.core.errors import NotFound
from mlplane.governance.schemas import Principal, Role
from mlplane.registry import store
from mlplane.registry.tables import ModelVersionRow, RegisteredModelRow


@dataclass(frozen=True)
class ModelAccess:
    project: ProjectAccess
    model: RegisteredModelRow


def access_model(
    session: Session,
    principal: Principal,
    project: str,
    name: str,
    minimum: Role = Role.VIEWER,
    *,
    for_write: bool = False,
) -> ModelAccess:
    access = catalog.access_project(session, principal, project, minimum, for_write=for_write)
    row = store.get_model(session, access.id, name)
    if row is None:
        raise NotFound(f"registered model {name!r} does not exist in project {project!r}")
    return ModelAccess(access, row)


def version_row(session: Session, model: RegisteredModelRow, version: int) -> ModelVersionRow:
    row = store.get_version(session, model.id, version)
    if row is None:
        raise NotFound(f"version {version} of model {model.name!r} does not exist")
    return row
