"""HTTP for projects and their members."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from mlplane.catalog import service
from mlplane.catalog.schemas import Project, ProjectCreate, ProjectUpdate
from mlplane.core.pagination import Page
from mlplane.governance.schemas import MemberRole, Membership, MembershipSet
from mlplane.server.deps import PlatformDep, PrincipalDep

router = APIRouter(prefix="/projects", tags=["projects"])


@router.post("", status_code=status.HTTP_201_CREATED)
def create_project(
    data: ProjectCreate, request: Request, platform: PlatformDep, principal: PrincipalDep
) -> Project:
    request.state.audit_project = data.name
    with platform.db.write() as session:
        return service.create_project(session, principal, data)


@router.get("")
def list_projects(
    platform: PlatformDep,
    principal: PrincipalDep,
    include_archived: bool = False,
    page_token: str | None = None,
    max_results: Annotated[int | None, Query(ge=1, le=1000)] = None,
) -> Page[Project]:
    with platform.db.read() as session:
        return service.list_projects(session, principal, include_archived, page_token, max_results)


@router.get("/{project}")
def get_project(project: str, platform: PlatformDep, principal: PrincipalDep) -> Project:
    with platform.db.read() as session:
        return service.get_project(session, principal, project)


@router.patch("/{project}")
def update_project(
    project: str, data: ProjectUpdate, platform: PlatformDep, principal: PrincipalDep
) -> Project:
    with platform.db.write() as session:
        return service.update_project(session, principal, project, data)


@router.post("/{project}/archive")
def archive_project(project: str, platform: PlatformDep, principal: PrincipalDep) -> Project:
    """Archive a project: it stays readable and refuses changes until restored."""
    with platform.db.write() as session:
        return service.set_archived(session, principal, project, archived=True)


@router.post("/{project}/restore")
def restore_project(project: str, platform: PlatformDep, principal: PrincipalDep) -> Project:
    with platform.db.write() as session:
        return service.set_archived(session, principal, project, archived=False)


@router.get("/{project}/members")
def list_members(project: str, platform: PlatformDep, principal: PrincipalDep) -> list[Membership]:
    with platform.db.read() as session:
        return service.list_members(session, principal, project)


@router.put("/{project}/members/{user}")
def update_member(
    project: str, user: str, data: MemberRole, platform: PlatformDep, principal: PrincipalDep
) -> Membership:
    membership = MembershipSet(user=user, role=data.role)
    with platform.db.write() as session:
        return service.set_member(session, principal, project, membership)


@router.delete("/{project}/members/{user}", status_code=status.HTTP_204_NO_CONTENT)
def delete_member(
    project: str, user: str, platform: PlatformDep, principal: PrincipalDep
) -> Response:
    with platform.db.write() as session:
        service.remove_member(session, principal, project, user)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
