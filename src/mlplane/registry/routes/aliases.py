"""HTTP for aliases, their history, protected aliases and approvals."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from mlplane.registry import service
from mlplane.registry.schemas import (
    Alias,
    AliasEvent,
    AliasSet,
    Approval,
    ApprovalCreate,
    ApprovalDecision,
    ApprovalState,
    ProtectedAlias,
    ProtectedAliasSet,
)
from mlplane.server.deps import PlatformDep, PrincipalDep

router = APIRouter(prefix="/projects/{project}", tags=["registry"])


@router.get("/models/{name}/aliases")
def list_model_aliases(
    project: str, name: str, platform: PlatformDep, principal: PrincipalDep
) -> list[Alias]:
    with platform.db.read() as session:
        return service.list_aliases(session, principal, project, name)


@router.put("/models/{name}/aliases/{alias}")
def set_model_alias(
    project: str,
    name: str,
    alias: str,
    data: AliasSet,
    platform: PlatformDep,
    principal: PrincipalDep,
) -> Alias:
    """Point an alias at a version. A protected alias answers 403 unless its gate passes."""
    with platform.db.write() as session:
        return service.set_alias(session, principal, project, name, alias, data.version)


@router.delete("/models/{name}/aliases/{alias}", status_code=status.HTTP_204_NO_CONTENT)
def delete_model_alias(
    project: str, name: str, alias: str, platform: PlatformDep, principal: PrincipalDep
) -> Response:
    with platform.db.write() as session:
        service.delete_alias(session, principal, project, name, alias)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/models/{name}/alias-history")
def list_alias_history(
    project: str,
    name: str,
    platform: PlatformDep,
    principal: PrincipalDep,
    alias: str | None = None,
) -> list[AliasEvent]:
    """Which version held which alias, when, and by whose decision; newest first."""
    with platform.db.read() as session:
        return service.alias_history(session, principal, project, name, alias)


@router.get("/protected-aliases")
def list_protected_aliases(
    project: str, platform: PlatformDep, principal: PrincipalDep
) -> list[ProtectedAlias]:
    with platform.db.read() as session:
        return service.list_protected_aliases(session, principal, project)


@router.put("/protected-aliases/{alias}")
def protect_alias(
    project: str,
    alias: str,
    data: ProtectedAliasSet,
    platform: PlatformDep,
    principal: PrincipalDep,
) -> ProtectedAlias:
    """Protect an alias name in every model of the project, with an optional gate."""
    with platform.db.write() as session:
        return service.protect_alias(session, principal, project, alias, data)


@router.delete("/protected-aliases/{alias}", status_code=status.HTTP_204_NO_CONTENT)
def unprotect_alias(
    project: str, alias: str, platform: PlatformDep, principal: PrincipalDep
) -> Response:
    with platform.db.write() as session:
        service.unprotect_alias(session, principal, project, alias)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/models/{name}/approvals", status_code=status.HTTP_201_CREATED)
def request_approval(
    project: str,
    name: str,
    data: ApprovalCreate,
    platform: PlatformDep,
    principal: PrincipalDep,
) -> Approval:
    """Ask to move an alias; granted at once when the alias's gate passes."""
    with platform.db.write() as session:
        return service.request_approval(session, principal, project, name, data)


@router.get("/approvals")
def list_approvals(
    project: str,
    platform: PlatformDep,
    principal: PrincipalDep,
    model: str | None = None,
    state: ApprovalState | None = None,
) -> list[Approval]:
    with platform.db.read() as session:
        return service.list_approvals(session, principal, project, model=model, state=state)


@router.get("/approvals/{approval_id}")
def get_approval(
    project: str, approval_id: str, platform: PlatformDep, principal: PrincipalDep
) -> Approval:
    with platform.db.read() as session:
        return service.get_approval(session, principal, project, approval_id)


@router.post("/approvals/{approval_id}/approve")
def grant_approval(
    project: str,
    approval_id: str,
    data: ApprovalDecision,
    platform: PlatformDep,
    principal: PrincipalDep,
) -> Approval:
    """Grant a pending request (project admin) and move its alias."""
    with platform.db.write() as session:
        return service.approve(session, principal, project, approval_id, data)


@router.post("/approvals/{approval_id}/reject")
def reject_approval(
    project: str,
    approval_id: str,
    data: ApprovalDecision,
    platform: PlatformDep,
    principal: PrincipalDep,
) -> Approval:
    with platform.db.write() as session:
        return service.reject(session, principal, project, approval_id, data)
