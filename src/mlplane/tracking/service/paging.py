"""Offset pages for searches whose order is the caller's choice.

The token carries the offset and a fingerprint of the search, so a token cannot be
replayed against a different filter or order.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from mlplane.core.errors import InvalidInput
from mlplane.core.pagination import check_max_results, decode_page_token, encode_page_token


def fingerprint(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:16]


def page_window(page_token: str | None, max_results: int | None, search: str) -> tuple[int, int]:
    """(offset, limit) of the page a token asks for."""
    limit = check_max_results(max_results)
    state = decode_page_token(page_token)
    if not state:
        return 0, limit
    offset = state.get("offset")
    if state.get("search") != search or not isinstance(offset, int) or offset < 0:
        raise InvalidInput("page_token: this token belongs to a different search")
    return offset, limit


def next_page_token(offset: int, limit: int, has_more: bool, search: str) -> str | None:
    if not has_more:
        return None
    return encode_page_token({"offset": offset + limit, "search": search})
