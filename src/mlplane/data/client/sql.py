"""SDK resource: `client.sql` — queries over datasets and platform tables, saved queries."""

from __future__ import annotations

import io
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from mlplane.client.pages import iterate_pages
from mlplane.client.transport import Transport
from mlplane.data.schemas.sql import QueryResult, SavedQuery, SqlTable


def _options(max_rows: int | None, timeout_seconds: float | None, form: str) -> dict[str, Any]:
    options: dict[str, Any] = {"format": form}
    if max_rows is not None:
        options["max_rows"] = max_rows
    if timeout_seconds is not None:
        options["timeout_seconds"] = timeout_seconds
    return options


class Sql:
    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def run(
        self,
        sql: str,
        *,
        project: str,
        max_rows: int | None = None,
        timeout_seconds: float | None = None,
    ) -> QueryResult:
        """Run one SELECT; datasets are tables (`"sales@3"`, `sales`), as are `projects`,
        `audit_events`, `datasets` and `dataset_versions`."""
        body = {"sql": sql, **_options(max_rows, timeout_seconds, "json")}
        path = f"/api/v1/projects/{project}/sql"
        return QueryResult.model_validate(self._transport.json("POST", path, json=body))

    def download(
        self,
        sql: str,
        *,
        project: str,
        format: str = "csv",
        max_rows: int | None = None,
        timeout_seconds: float | None = None,
    ) -> bytes:
        """The result as CSV or Parquet bytes."""
        body = {"sql": sql, **_options(max_rows, timeout_seconds, format)}
        response = self._transport.request("POST", f"/api/v1/projects/{project}/sql", json=body)
        return response.content

    def to_arrow(
        self,
        sql: str,
        *,
        project: str,
        max_rows: int | None = None,
        timeout_seconds: float | None = None,
    ) -> pa.Table:
        data = self.download(
            sql,
            project=project,
            format="parquet",
            max_rows=max_rows,
            timeout_seconds=timeout_seconds,
        )
        return pq.read_table(io.BytesIO(data))

    def list_tables(self, *, project: str) -> list[SqlTable]:
        items = self._transport.json("GET", f"/api/v1/projects/{project}/sql/tables")
        return [SqlTable.model_validate(item) for item in items]

    # Saved queries

    def create_query(
        self,
        name: str,
        sql: str,
        *,
        project: str,
        description: str = "",
        chart: dict[str, Any] | None = None,
    ) -> SavedQuery:
        body = {"name": name, "sql": sql, "description": description, "chart": chart}
        path = f"/api/v1/projects/{project}/queries"
        return SavedQuery.model_validate(self._transport.json("POST", path, json=body))

    def get_query(self, name: str, *, project: str) -> SavedQuery:
        path = f"/api/v1/projects/{project}/queries/{name}"
        return SavedQuery.model_validate(self._transport.json("GET", path))

    def list_queries(self, *, project: str, limit: int | None = None) -> list[SavedQuery]:
        path = f"/api/v1/projects/{project}/queries"
        return list(iterate_pages(self._transport, path, SavedQuery.model_validate, None, limit))

    def update_query(self, name: str, *, project: str, **changes: Any) -> SavedQuery:
        path = f"/api/v1/projects/{project}/queries/{name}"
        return SavedQuery.model_validate(self._transport.json("PATCH", path, json=changes))

    def delete_query(self, name: str, *, project: str) -> None:
        self._transport.json("DELETE", f"/api/v1/projects/{project}/queries/{name}")

    def run_query(
        self,
        name: str,
        *,
        project: str,
        max_rows: int | None = None,
        timeout_seconds: float | None = None,
    ) -> QueryResult:
        path = f"/api/v1/projects/{project}/queries/{name}/run"
        body = _options(max_rows, timeout_seconds, "json")
        return QueryResult.model_validate(self._transport.json("POST", path, json=body))
