"""SDK resources: `client.users`, `client.tokens`, `client.audit`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mlplane.client.pages import iterate_pages
from mlplane.client.transport import Transport
from mlplane.governance.schemas import AuditEvent, Token, TokenCreated, User


class Users:
    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def create(
        self,
        name: str,
        *,
        display_name: str = "",
        email: str | None = None,
        kind: str = "human",
        is_admin: bool = False,
    ) -> User:
        body = {
            "name": name,
            "display_name": display_name,
            "email": email,
            "kind": kind,
            "is_admin": is_admin,
        }
        return User.model_validate(self._transport.json("POST", "/api/v1/users", json=body))

    def get(self, name: str) -> User:
        return User.model_validate(self._transport.json("GET", f"/api/v1/users/{name}"))

    def list(self, limit: int | None = None) -> list[User]:
        return list(
            iterate_pages(self._transport, "/api/v1/users", User.model_validate, limit=limit)
        )

    def update(self, name: str, **changes: Any) -> User:
        return User.model_validate(
            self._transport.json("PATCH", f"/api/v1/users/{name}", json=changes)
        )

    def me(self) -> User:
        return User.model_validate(self._transport.json("GET", "/api/v1/whoami"))


class Tokens:
    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def create(
        self,
        name: str,
        *,
        user: str | None = None,
        expires_in_days: int | None = None,
        scopes: list[str] | None = None,
        rate_limit: float | None = None,
        burst: int | None = None,
    ) -> TokenCreated:
        """A token; `scopes` narrow what it reaches (e.g. `deployment:churn`), `rate_limit`
        caps its gateway calls a second, with `burst` calls at once (default: one second's)."""
        limit = {"per_second": rate_limit, "burst": burst} if rate_limit is not None else None
        body = {
            "name": name,
            "user": user,
            "expires_in_days": expires_in_days,
            "scopes": scopes,
            "rate_limit": limit,
        }
        return TokenCreated.model_validate(
            self._transport.json("POST", "/api/v1/tokens", json=body)
        )

    def list(self, user: str | None = None) -> list[Token]:
        params = {"user": user} if user else None
        return [
            Token.model_validate(item)
            for item in self._transport.json("GET", "/api/v1/tokens", params=params)
        ]

    def delete(self, token_id: str) -> Token:
        """Revoke a token."""
        return Token.model_validate(self._transport.json("DELETE", f"/api/v1/tokens/{token_id}"))


class Audit:
    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def list(
        self,
        *,
        actor: str | None = None,
        action: str | None = None,
        project: str | None = None,
        outcome: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int | None = 100,
    ) -> list[AuditEvent]:
        params = {
            "actor": actor,
            "action": action,
            "project": project,
            "outcome": outcome,
            "since": since.isoformat() if since else None,
            "until": until.isoformat() if until else None,
            "max_results": min(limit, 1000) if limit else None,
        }
        return list(
            iterate_pages(
                self._transport, "/api/v1/audit", AuditEvent.model_validate, params, limit
            )
        )
