"""Opaque page tokens and the page envelope every list endpoint returns."""

from __future__ import annotations

import base64
import json
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from mlplane.core.errors import InvalidInput

T = TypeVar("T")

DEFAULT_MAX_RESULTS = 100
MAX_RESULTS_LIMIT = 1000


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_page_token: str | None = None


def encode_page_token(state: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(state).encode()).decode().rstrip("=")


def decode_page_token(token: str | None) -> dict[str, Any]:
    if not token:
        return {}
    try:
        padded = token + "=" * (-len(token) % 4)
        state = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except ValueError as error:
        raise InvalidInput("page_token is not a token this server issued") from error
    if not isinstance(state, dict):
        raise InvalidInput("page_token is not a token this server issued")
    return state


def check_max_results(max_results: int | None) -> int:
    if max_results is None:
        return DEFAULT_MAX_RESULTS
    if not 1 <= max_results <= MAX_RESULTS_LIMIT:
        raise InvalidInput(f"max_results must be between 1 and {MAX_RESULTS_LIMIT}")
    return max_results
