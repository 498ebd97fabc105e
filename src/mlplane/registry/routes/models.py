"""HTTP for registered models: create, list, read, update, delete, tags."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from mlplane.core.pagination import Page
from mlplane.registry import service
from mlplane.registry.schemas import (
    RegisteredModel,
    RegisteredModelCreate,
    RegisteredModelUpdate,
)
from mlplane.server.deps import PlatformDep, PrincipalDep

router = APIRouter(prefix="/projects/{project}/models", tags=["registry"])


@router.post("", status_code=status.HTTP_201_CREATED)
def create_registered_model(
    project: str, data: RegisteredModelCreate, platform: PlatformDep, principal: PrincipalDep
) -> RegisteredModel:
    with platform.db.write() as session:
        return service.create_model(session, principal, project, data)


@router.get("")
def list_registered_models(
    project: str,
    platform: PlatformDep,
    principal: PrincipalDep,
    name_like: Annotated[str | None, Query(description="SQL LIKE pattern, e.g. 'fraud%'")] = None,
    page_token: str | None = None,
    max_results: Annotated[int | None, Query(ge=1, le=1000)] = None,
) -> Page[RegisteredModel]:
    with platform.db.read() as session:
        return service.list_models(
            session,
            principal,
            project,
            name_like=name_like,
            page_token=page_token,
            max_results=max_results,
        )


@router.get("/{name}")
def get_registered_model(
    project: str, name: str, platform: PlatformDep, principal: PrincipalDep
) -> RegisteredModel:
    with platform.db.read() as session:
        return service.get_model(session, principal, project, name)


@router.patch("/{name}")
def update_registered_model(
    project: str,
    name: str,
    data: RegisteredModelUpdate,
    platform: PlatformDep,
    principal: PrincipalDep,
) -> RegisteredModel:
    with platform.db.write() as session:
        return service.update_model(session, principal, project, name, data)


@router.put("/{name}/tags/{key}")
def set_registered_model_tag(
    project: str,
    name: str,
    key: str,
    value: Annotated[str, Query(max_length=5000)],
    platform: PlatformDep,
    principal: PrincipalDep,
) -> RegisteredModel:
    with platform.db.write() as session:
        return service.set_model_tag(session, principal, project, name, key, value)


@router.delete("/{name}/tags/{key}")
def delete_registered_model_tag(
    project: str, name: str, key: str, platform: PlatformDep, principal: PrincipalDep
) -> RegisteredModel:
    with platform.db.write() as session:
        return service.delete_model_tag(session, principal, project, name, key)


@router.delete("/{name}", status_code=status.HTTP_204_NO_CONTENT)
def delete_registered_model(
    project: str, name: str, platform: PlatformDep, principal: PrincipalDep
) -> Response:
    with platform.db.write() as session:
        service.delete_model(session, principal, project, name)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
