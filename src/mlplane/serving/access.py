"""Who may call a model: a platform token with a role on the model's project.

Tokens go through governance's process-wide cache, and each (caller, project) answer is
kept for `ACCESS_TTL` seconds, so a warm request touches no database at all.
"""

from __future__ import annotations

import asyncio
import time

from starlette.requests import Request

from mlplane.catalog import service as catalog
from mlplane.core.db import Database
from mlplane.core.errors import Forbidden, NotFound, Unauthorized
from mlplane.governance import service as governance
from mlplane.governance.schemas import Principal, Role

ACCESS_TTL = 30.0


def bearer(request: Request) -> str:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise Unauthorized("this endpoint needs a token: send 'Authorization: Bearer <token>'")
    return value.strip()


class Access:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._projects: dict[tuple[str, str], tuple[bool, float]] = {}

    async def principal(self, request: Request) -> Principal:
        """The caller; raises `Unauthorized` for a missing or invalid token."""
        secret = bearer(request)
        found = governance.cached_principal(self.db, secret)
        if found is not None:
            return found
        return await asyncio.to_thread(governance.authenticate_cached, self.db, secret)

    async def may_use(self, principal: Principal, project: str) -> bool:
        """Whether the caller holds a role on `project` (admins hold every one)."""
        if principal.is_admin:
            return True
        key = (principal.user_id, project)
        now = time.monotonic()
        cached = self._projects.get(key)
        if cached is not None and cached[1] > now:
            return cached[0]
        allowed = await asyncio.to_thread(self._check, principal, project)
        self._projects[key] = (allowed, now + ACCESS_TTL)
        return allowed

    def _check(self, principal: Principal, project: str) -> bool:
        try:
            with self.db.read() as session:
                catalog.access_project(session, principal, project, Role.VIEWER)
        except (NotFound, Forbidden):
            return False
        return True
