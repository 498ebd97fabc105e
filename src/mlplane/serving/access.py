"""Who may call a model: a platform token with a role on the model's project.

A scoped token reaches only the models its scopes name (`mlplane.governance.scopes`); a
model outside them is answered like an unknown one. A token with a rate limit draws on its
bucket with every request (`rate_limit.py`) and gets 429 with `Retry-After` when it is empty.

Tokens go through governance's process-wide cache, and each (caller, project) answer is
kept for `ACCESS_TTL` seconds, so a warm request touches no database at all.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace

from starlette.requests import Request

from mlplane.catalog import service as catalog
from mlplane.core.db import Database
from mlplane.core.errors import Forbidden, NotFound, Unauthorized
from mlplane.governance import service as governance
from mlplane.governance.schemas import Principal, Role
from mlplane.governance.scopes import admits_model
from mlplane.serving.protocols.errors import ProtocolError
from mlplane.serving.rate_limit import RATE_LIMITED, TokenBuckets, retry_after
from mlplane.serving.table import ServedModel

ACCESS_TTL = 30.0


def bearer(request: Request) -> str:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise Unauthorized("this endpoint needs a token: send 'Authorization: Bearer <token>'")
    return value.strip()


class Access:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.buckets = TokenBuckets()
        self._projects: dict[tuple[str, str], tuple[bool, float]] = {}

    async def principal(self, request: Request) -> Principal:
        """The caller; raises `Unauthorized` for a missing or invalid token, and a 429
        `ProtocolError` when the token is over its rate limit."""
        secret = bearer(request)
        found = governance.cached_principal(self.db, secret)
        if found is None:
            found = await asyncio.to_thread(governance.authenticate_cached, self.db, secret)
        self._admit(found)
        return found

    def _admit(self, principal: Principal) -> None:
        limit = principal.rate_limit
        if limit is None or principal.token_id is None:
            return
        wait = self.buckets.take(principal.token_id, limit)
        if wait > 0:
            RATE_LIMITED.labels(principal.name).inc()
            raise ProtocolError(
                429,
                f"the token is over its rate limit of {limit.per_second:g} requests a second "
                f"(burst {limit.bucket_size}); retry in {wait:.2f} s",
                {"Retry-After": retry_after(wait)},
            )

    async def may_use(self, principal: Principal, model: ServedModel) -> bool:
        """Whether the caller's token scopes name `model` and the caller holds a role on its
        project (admins hold every one)."""
        if not admits_model(principal.scopes, model.project, model.name):
            return False
        project = model.project
        if principal.is_admin or principal.user_is_admin:
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
        # The user's role decides here; the token's scopes were checked against the model.
        user = replace(principal, project_ids=None)
        try:
            with self.db.read() as session:
                catalog.access_project(session, user, project, Role.VIEWER)
        except (NotFound, Forbidden):
            return False
        return True
