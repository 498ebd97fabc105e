"""MLflow's page sizes over the services' smaller pages.

MLflow lets a search ask for up to 50,000 results at once (its pandas helper asks for
10,000 a page); the services answer at most 1,000 at a time with offset tokens, so a
large page is gathered from several of theirs and ends with their next token.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from mlplane.core.pagination import MAX_RESULTS_LIMIT, Page
from mlplane.tracking.mlflow_api.errors import MlflowError

T = TypeVar("T")

MAX_RESULTS_THRESHOLD = 50_000
"""The most results one MLflow search may ask for."""


def checked_max_results(max_results: int | None, default: int) -> int:
    if max_results is None or max_results == 0:
        return default
    if not 1 <= max_results <= MAX_RESULTS_THRESHOLD:
        raise MlflowError(
            "INVALID_PARAMETER_VALUE",
            f"Invalid value {max_results} for parameter 'max_results' supplied. It must be "
            f"between 1 and {MAX_RESULTS_THRESHOLD}.",
        )
    return max_results


def gather(
    fetch: Callable[[int, str | None], Page[T]], wanted: int, page_token: str | None
) -> tuple[list[T], str | None]:
    """Up to `wanted` items from `fetch(max_results, page_token)`, and the next token."""
    items: list[T] = []
    token = page_token or None
    while True:
        page = fetch(min(MAX_RESULTS_LIMIT, wanted - len(items)), token)
        items.extend(page.items)
        token = page.next_page_token
        if token is None or len(items) >= wanted:
            return items, token
