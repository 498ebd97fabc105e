"""Tokens this process checked a moment ago, so a busy client costs no lookup per request.

An entry lives `TOKEN_CACHE_SECONDS`. Revoking a token or changing a user through this
process forgets every entry at once; another api replica sharing the database notices within
those seconds. A token's own expiry is checked on every hit.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from mlplane.core.clock import utcnow
from mlplane.governance.schemas import Principal

TOKEN_CACHE_SECONDS = 5.0
MAX_ENTRIES = 10_000


@dataclass(frozen=True)
class _Entry:
    principal: Principal
    token_expires_at: datetime | None
    cached_until: float


class TokenCache:
    def __init__(self, seconds: float = TOKEN_CACHE_SECONDS) -> None:
        self.seconds = seconds
        self._entries: dict[tuple[str, str], _Entry] = {}

    def get(self, database: str, secret_hash: str) -> Principal | None:
        entry = self._entries.get((database, secret_hash))
        if entry is None:
            return None
        if entry.cached_until < time.monotonic() or (
            entry.token_expires_at is not None and entry.token_expires_at <= utcnow()
        ):
            self._entries.pop((database, secret_hash), None)
            return None
        return entry.principal

    def put(
        self,
        database: str,
        secret_hash: str,
        principal: Principal,
        token_expires_at: datetime | None,
    ) -> None:
        if len(self._entries) >= MAX_ENTRIES:
            self._entries.clear()
        until = time.monotonic() + self.seconds
        self._entries[(database, secret_hash)] = _Entry(principal, token_expires_at, until)

    def clear(self) -> None:
        self._entries.clear()


TOKENS = TokenCache()
"""The process's cache; keyed by database URL too, so apps on several homes stay apart."""
