"""Wire models for users, tokens, memberships, roles and the audit log."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from mlplane.core.names import DisplayName, Name
from mlplane.governance.scopes import parse_scope


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


def _valid_scope(text: str) -> str:
    parse_scope(text)
    return text


Scope = Annotated[str, StringConstraints(max_length=200), AfterValidator(_valid_scope)]
"""One scope of a token; the grammar is in `mlplane.governance.scopes`."""


class RateLimit(BaseModel):
    """How fast one token may call the gateway: a token bucket per token and gateway process."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    per_second: float = Field(gt=0, le=1_000_000, description="Requests per second, sustained.")
    burst: int | None = Field(
        default=None,
        ge=1,
        le=1_000_000,
        description="Requests allowed at once after a quiet spell; by default one second's worth.",
    )

    @property
    def bucket_size(self) -> int:
        return self.burst or max(1, math.ceil(self.per_second))


class TokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    user: Name | None = Field(
        default=None, description="Owner of the token; only administrators may name another user."
    )
    expires_in_days: int | None = Field(default=None, ge=1, le=3650)
    scopes: list[Scope] | None = Field(
        default=None,
        min_length=1,
        max_length=50,
        description=(
            "Limits what the token may reach: `project:<project>`, `deployment:<name>`, "
            "`deployment:<project>/<name>`, `deployment:*`, `api:read`; none = all."
        ),
    )
    rate_limit: RateLimit | None = Field(
        default=None, description="Caps the token's calls to the gateway; none = no cap."
    )


class Token(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    user: str
    prefix: str
    scopes: list[str] | None
    rate_limit: RateLimit | None = None
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
    """Who is calling: resolved from a token once per request.

    `is_admin` is what this request may do as a platform administrator: a token whose scopes
    narrow it to projects does not carry those rights, though its administrator user
    (`user_is_admin`) still administers the projects the scopes name.
    """

    user_id: str
    name: str
    is_admin: bool
    kind: str
    token_id: str | None = None
    scopes: tuple[str, ...] | None = None
    # Ids of the projects a scoped token may reach; None when its scopes do not narrow them.
    project_ids: frozenset[str] | None = None
    rate_limit: RateLimit | None = None
    user_is_admin: bool = False


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
