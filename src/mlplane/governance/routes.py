"""HTTP for users, tokens and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, status

from mlplane.catalog import service as catalog
from mlplane.core.pagination import Page
from mlplane.governance import service
from mlplane.governance.schemas import (
    AuditEvent,
    AuditFilter,
    AuditOutcome,
    Token,
    TokenCreate,
    TokenCreated,
    User,
    UserCreate,
    UserUpdate,
)
from mlplane.server.deps import PlatformDep, PrincipalDep

router = APIRouter(tags=["governance"])


@router.get("/whoami")
def get_whoami(platform: PlatformDep, principal: PrincipalDep) -> User:
    with platform.db.read() as session:
        return service.whoami(session, principal)


@router.post("/users", status_code=status.HTTP_201_CREATED)
def create_user(data: UserCreate, platform: PlatformDep, principal: PrincipalDep) -> User:
    with platform.db.write() as session:
        return service.create_user(session, principal, data)


@router.get("/users")
def list_users(
    platform: PlatformDep,
    principal: PrincipalDep,
    page_token: str | None = None,
    max_results: Annotated[int | None, Query(ge=1, le=1000)] = None,
) -> Page[User]:
    with platform.db.read() as session:
        return service.list_users(session, principal, page_token, max_results)


@router.get("/users/{user}")
def get_user(user: str, platform: PlatformDep, principal: PrincipalDep) -> User:
    with platform.db.read() as session:
        return service.get_user(session, principal, user)


@router.patch("/users/{user}")
def update_user(
    user: str, data: UserUpdate, platform: PlatformDep, principal: PrincipalDep
) -> User:
    with platform.db.write() as session:
        return service.update_user(session, principal, user, data)


@router.post("/tokens", status_code=status.HTTP_201_CREATED)
def create_token(data: TokenCreate, platform: PlatformDep, principal: PrincipalDep) -> TokenCreated:
    with platform.db.write() as session:
        return service.create_token(session, principal, data)


@router.get("/tokens")
def list_tokens(
    platform: PlatformDep, principal: PrincipalDep, user: str | None = None
) -> list[Token]:
    with platform.db.read() as session:
        return service.list_tokens(session, principal, user)


@router.delete("/tokens/{token_id}")
def delete_token(token_id: str, platform: PlatformDep, principal: PrincipalDep) -> Token:
    """Revoke a token; it stops working at once and stays listed as revoked."""
    with platform.db.write() as session:
        return service.revoke_token(session, principal, token_id)


@router.get("/audit")
def list_audit_events(
    request: Request,
    platform: PlatformDep,
    principal: PrincipalDep,
    actor: str | None = None,
    action: str | None = None,
    project: str | None = None,
    outcome: AuditOutcome | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    page_token: str | None = None,
    max_results: Annotated[int | None, Query(ge=1, le=1000)] = None,
) -> Page[AuditEvent]:
    filters = AuditFilter(
        actor=actor, action=action, project=project, outcome=outcome, since=since, until=until
    )
    with platform.db.read() as session:
        visible = catalog.administered_project_names(session, principal)
        return service.list_audit(session, principal, filters, page_token, max_results, visible)
