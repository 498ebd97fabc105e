"""Wire models for users, tokens, memberships, roles and the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from mlplane.core.names import DisplayName, Name


class Role(StrEnum):
    VIEWER = "viewer"
    EDITOR = "editor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return _ROLE_RANK[self]

    def covers(self, other: Role) -> bool:
        return self.rank >= other.rank


_ROLE_RANK = {Role.VIEWER: 1, Role.EDITOR: 2, Role.ADMIN: 3}


class UserKind(StrEnum):
    HUMAN = "human"
    SERVICE = "service"


Email = Annotated[str, StringConstraints(max_length=320, pattern=r"^[^@\s]+@[^@\s]+$")]


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    display_name: DisplayName = ""
    email: Email | None = None
    kind: UserKind = UserKind.HUMAN
    is_admin: bool = False


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    display_name: DisplayName | None = None
    email: Email | None = None
    is_admin: bool | None = None
    disabled: bool | None = None


class User(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    display_name: str
    email: str | None
    kind: UserKind
    is_admin: bool
    disabled: bool
    created_at: datetime
    created_by: str | None


Scope = Annotated[str, StringConstraints(max_length=200, pattern=r"^[a-z]+:[A-Za-z0-9._*/-]+$")]


class TokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    user: Name | None = Field(
        default=None, description="Owner of the token; only administrators may name another user."
    )
    expires_in_days: int | None = Field(default=None, ge=1, le=3650)
    scopes: list[Scope] | None = Field(
        default=None,
        max_length=50,
        description="Limits what the token may reach, e.g. `deployment:fraud-api`; none = all.",
    )


class Token(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    user: str
    prefix: str
    scopes: list[str] | None
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(Token):
    secret: str = Field(description="The token itself. It is shown only once.")


class MembershipSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user: Name
    role: Role


class MemberRole(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role


class Membership(BaseModel):
    project: str
    user: str
    role: Role
    created_at: datetime


class AuditOutcome(StrEnum):
    SUCCESS = "success"
    DENIED = "denied"
    FAILURE = "failure"


class AuditEvent(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    time: datetime
    actor: str | None
    action: str
    resource: str
    project: str | None
    outcome: AuditOutcome
    status_code: int
    method: str
    client_address: str | None
    detail: str | None
    extra: dict[str, Any] | None = None


class AuditFilter(BaseModel):
    actor: str | None = None
    action: str | None = None
    project: str | None = None
    outcome: AuditOutcome | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class Principal:
    """Who is calling: resolved from a token once per request."""

    user_id: str
    name: str
    is_admin: bool
    kind: str
    token_id: str | None = None
    scopes: tuple[str, ...] | None = None


@dataclass(frozen=True)
class AuditRecord:
    """What the audit middleware knows about one request, written as one event."""

    action: str
    resource: str
    method: str
    status_code: int
    outcome: AuditOutcome
    actor: str | None = None
    actor_id: str | None = None
    project: str | None = None
    client_address: str | None = None
    detail: str | None = None
    extra: dict[str, Any] | None = None
