"""Pipelines the data step tests run; a module of its own so worker processes import it."""

from __future__ import annotations

from typing import Any

from mlplane.data.steps import ingest, validate
from mlplane.pipelines.dsl import pipeline, step


@step
def row_count(summary: dict[str, Any]) -> int:
    return int(summary["row_count"])


@pipeline
def sql_orders(url: str = "", project: str = "") -> dict[str, Any]:
    source = {"kind": "sql", "url": url, "table": "orders", "cursor_column": "id"}
    version = ingest("orders", source, project=project)
    return {"version": version, "rows": row_count(version)}


@pipeline
def file_orders(files: str = "", project: str = "") -> dict[str, Any]:
    version = ingest("orders", {"kind": "files", "url": files}, project=project)
    return {"version": version, "rows": row_count(version)}


@pipeline
def checked_orders(project: str = "", checks: list[dict[str, Any]] | None = None) -> int:
    return row_count(validate("orders", project=project, checks=checks))
