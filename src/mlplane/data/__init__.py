"""Datasets: versioned tables and folders, ingestion, validation, profiles, SQL analytics.

`mlplane.data.get("sales@3", project="shop")` and `mlplane.data.push(frame, "sales",
project="shop")` are the SDK's short forms; they load the SDK only when called, so the
server's imports of this package stay light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mlplane.data.sdk import DatasetHandle

__all__ = ["get", "push"]


def get(ref: str, *, project: str | None = None, client: Any = None) -> DatasetHandle:
    """A dataset version by reference (`name`, `name@3`, `name@v3`), ready to load."""
    from mlplane.data import sdk

    return sdk.get(ref, project=project, client=client)


def push(source: Any, name: str, *, project: str | None = None, **options: Any) -> Any:
    """Version a folder, a file, a DataFrame or an Arrow table; see `Datasets.push`."""
    from mlplane.data import sdk

    return sdk.push(source, name, project=project, **options)
