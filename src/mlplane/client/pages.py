"""Walking paginated list endpoints."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from pydantic import BaseModel

from mlplane.client.transport import Transport

M = TypeVar("M", bound=BaseModel)


def iterate_pages(
    transport: Transport,
    path: str,
    parse: Callable[[Any], M],
    params: dict[str, Any] | None = None,
    limit: int | None = None,
) -> Iterator[M]:
    """Yield items across pages until `limit` items or the last page."""
    query = {key: value for key, value in (params or {}).items() if value is not None}
    yielded = 0
    while True:
        page = transport.json("GET", path, params=query)
        for item in page["items"]:
            yield parse(item)
            yielded += 1
            if limit is not None and yielded >= limit:
                return
        token = page.get("next_page_token")
        if not token:
            return
        query["page_token"] = token
