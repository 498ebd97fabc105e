"""Offset page tokens over results the registry's MLflow searches filter in memory."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from mlplane.core.pagination import decode_page_token, encode_page_token
from mlplane.tracking.mlflow_api.errors import MlflowError

T = TypeVar("T")


def checked_limit(max_results: int | None, default: int, most: int) -> int:
    if max_results is None or max_results == 0:
        return default
    if not 1 <= max_results <= most:
        raise MlflowError(
            "INVALID_PARAMETER_VALUE",
            f"Invalid value {max_results} for parameter 'max_results' supplied. It must be "
            f"at most {most}, and at least 1.",
        )
    return max_results


def page_of(items: Sequence[T], page_token: str | None, limit: int) -> tuple[list[T], str | None]:
    offset = int(decode_page_token(page_token).get("offset", 0))
    page = list(items[offset : offset + limit])
    more = offset + limit < len(items)
    return page, encode_page_token({"offset": offset + limit}) if more else None
