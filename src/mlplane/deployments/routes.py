"""HTTP for deployments: `/api/v1/projects/{project}/deployments`."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from mlplane.core.pagination import Page
from mlplane.deployments import service
from mlplane.deployments.schemas import (
    Deployment,
    DeploymentCreate,
    DeploymentEvent,
    DeploymentUpdate,
)
from mlplane.server.deps import PlatformDep, PrincipalDep

router = APIRouter(prefix="/projects/{project}/deployments", tags=["deployments"])


@router.post("", status_code=status.HTTP_201_CREATED)
def create_deployment(
    project: str, data: DeploymentCreate, platform: PlatformDep, principal: PrincipalDep
) -> Deployment:
    with platform.db.write() as session:
        return service.create_deployment(session, principal, project, data, platform.artifacts)


@router.get("")
def list_deployments(
    project: str,
    platform: PlatformDep,
    principal: PrincipalDep,
    page_token: str | None = None,
    max_results: int | None = None,
) -> Page[Deployment]:
    with platform.db.read() as session:
        return service.list_deployments(session, principal, project, page_token, max_results)


@router.get("/{name}")
def get_deployment(
    project: str, name: str, platform: PlatformDep, principal: PrincipalDep
) -> Deployment:
    with platform.db.read() as session:
        return service.get_deployment(session, principal, project, name)


@router.patch("/{name}")
def update_deployment(
    project: str,
    name: str,
    data: DeploymentUpdate,
    platform: PlatformDep,
    principal: PrincipalDep,
) -> Deployment:
    with platform.db.write() as session:
        return service.update_deployment(
            session, principal, project, name, data, platform.artifacts
        )


@router.delete("/{name}", status_code=status.HTTP_204_NO_CONTENT)
def delete_deployment(
    project: str, name: str, platform: PlatformDep, principal: PrincipalDep
) -> Response:
    with platform.db.write() as session:
        service.delete_deployment(session, principal, project, name)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _act(
    platform: PlatformDep, principal: PrincipalDep, project: str, name: str, action: str
) -> Deployment:
    with platform.db.write() as session:
        return service.act_on_deployment(session, principal, project, name, action)


@router.post("/{name}/promote")
def promote_deployment(
    project: str, name: str, platform: PlatformDep, principal: PrincipalDep
) -> Deployment:
    return _act(platform, principal, project, name, "promote")


@router.post("/{name}/rollback")
def rollback_deployment(
    project: str, name: str, platform: PlatformDep, principal: PrincipalDep
) -> Deployment:
    return _act(platform, principal, project, name, "rollback")


@router.post("/{name}/abort")
def abort_deployment(
    project: str, name: str, platform: PlatformDep, principal: PrincipalDep
) -> Deployment:
    return _act(platform, principal, project, name, "abort")


@router.post("/{name}/pause")
def pause_deployment(
    project: str, name: str, platform: PlatformDep, principal: PrincipalDep
) -> Deployment:
    return _act(platform, principal, project, name, "pause")


@router.post("/{name}/resume")
def resume_deployment(
    project: str, name: str, platform: PlatformDep, principal: PrincipalDep
) -> Deployment:
    return _act(platform, principal, project, name, "resume")


@router.get("/{name}/events")
def list_deployment_events(
    project: str,
    name: str,
    platform: PlatformDep,
    principal: PrincipalDep,
    page_token: str | None = None,
    max_results: int | None = None,
) -> Page[DeploymentEvent]:
    with platform.db.read() as session:
        return service.list_deployment_events(
            session, principal, project, name, page_token, max_results
        )
