"""HTTP for served models: `/api/v1/projects/{project}/served-models`."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from mlplane.core.pagination import Page
from mlplane.server.deps import PlatformDep, PrincipalDep
from mlplane.serving import service
from mlplane.serving.schemas import ServedModel, ServedModelCreate

router = APIRouter(prefix="/projects/{project}/served-models", tags=["serving"])


@router.post("", status_code=status.HTTP_201_CREATED)
def create_served_model(
    project: str, data: ServedModelCreate, platform: PlatformDep, principal: PrincipalDep
) -> ServedModel:
    with platform.db.write() as session:
        return service.add_served_model(session, principal, project, data, platform.artifacts)


@router.get("")
def list_served_models(
    project: str, platform: PlatformDep, principal: PrincipalDep
) -> Page[ServedModel]:
    with platform.db.read() as session:
        return service.list_served_models(session, principal, project)


@router.delete("/{name}", status_code=status.HTTP_204_NO_CONTENT)
def delete_served_model(
    project: str,
    name: str,
    platform: PlatformDep,
    principal: PrincipalDep,
    version: str | None = None,
) -> Response:
    with platform.db.write() as session:
        service.remove_served_model(session, principal, project, name, version)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
