"""Token secrets: generated with 256 bits of randomness, stored only as a hash."""

from __future__ import annotations

import hashlib
import hmac
import secrets

TOKEN_PREFIX = "mlp_"


def new_token_secret() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def display_prefix(secret: str) -> str:
    """Enough of the secret to recognise it in a list, too little to use it."""
    return secret[: len(TOKEN_PREFIX) + 6]


def same_secret(left: str, right: str) -> bool:
    return hmac.compare_digest(left, right)
