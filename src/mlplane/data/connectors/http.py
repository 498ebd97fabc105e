"""HTTP JSON APIs: records from each page, following a next link or a page number.

The token for an `Authorization` (or any) header comes from an environment variable named
by `auth_env` when the read runs; only that name is ever kept.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import httpx
import pyarrow as pa

from mlplane.data.connectors.base import Batch, ConnectorError
from mlplane.data.schemas.datasets import DatasetKind


def _at(document: Any, path: str | None) -> Any:
    """The value at a dotted path (`data.items`); the document itself for no path."""
    if not path:
        return document
    value = document
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


@dataclass
class HttpSource:
    """Pagination: `next_path` names the JSON field holding the next page's URL (a `Link:
    rel="next"` header is followed too); or `page_param` counts pages from `first_page` until
    one comes back empty. With `cursor_field`, the newest value seen is sent next time as
    the `cursor_param` query parameter and the records append to the latest version."""

    url: str
    records_path: str | None = None
    next_path: str | None = None
    page_param: str | None = None
    first_page: int = 1
    params: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    auth_env: str | None = None
    auth_header: str = "Authorization"
    auth_scheme: str = "Bearer"
    cursor_field: str | None = None
    cursor_param: str | None = None
    max_pages: int = 10_000
    timeout: float = 30.0
    kind: str = "http"

    def describe(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "records_path": self.records_path,
            "next_path": self.next_path,
            "page_param": self.page_param,
            "auth_env": self.auth_env,
            "cursor_field": self.cursor_field,
        }

    def _headers(self) -> dict[str, str]:
        headers = {"Accept": "application/json", **self.headers}
        if self.auth_env:
            secret = os.environ.get(self.auth_env)
            if not secret:
                raise ConnectorError(f"the environment variable {self.auth_env} is not set")
            headers[self.auth_header] = f"{self.auth_scheme} {secret}".strip()
        return headers

    def _records(self, response: httpx.Response) -> list[dict[str, Any]]:
        try:
            document = response.json()
        except ValueError as error:
            raise ConnectorError(f"{response.url}: the answer is not JSON") from error
        records = _at(document, self.records_path)
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            where = f"at {self.records_path!r}" if self.records_path else "at the top level"
            raise ConnectorError(f"{response.url}: no list of JSON objects {where}")
        return records

    def _next_url(self, response: httpx.Response, page: int) -> tuple[str | None, int]:
        if self.page_param:
            return str(response.url), page + 1
        linked = _at(response.json(), self.next_path) if self.next_path else None
        if not linked:
            linked = response.links.get("next", {}).get("url")
        return (urljoin(str(response.url), str(linked)) if linked else None), page

    def read(self, cursor: Any, workdir: Path, kind: DatasetKind) -> Batch | None:
        if kind is not DatasetKind.TABLE:
            raise ConnectorError("an HTTP source fills a table dataset, not a folder of files")
        params: dict[str, Any] = dict(self.params)
        if self.cursor_field and self.cursor_param and cursor is not None:
            params[self.cursor_param] = cursor
        records: list[dict[str, Any]] = []
        url: str | None = self.url
        page = self.first_page
        with httpx.Client(headers=self._headers(), timeout=self.timeout) as client:
            for _ in range(self.max_pages):
                if url is None:
                    break
                if self.page_param:
                    params[self.page_param] = page
                try:
                    response = client.get(url, params=params if url == self.url else None)
                except httpx.HTTPError as error:
                    raise ConnectorError(f"{url}: {error}") from error
                if response.status_code >= 400:
                    raise ConnectorError(
                        f"{response.url}: HTTP {response.status_code}: {response.text[:300]}"
                    )
                found = self._records(response)
                records.extend(found)
                if self.page_param and not found:
                    break
                url, page = self._next_url(response, page)
                if self.page_param:
                    url = self.url
            else:
                raise ConnectorError(f"{self.url}: more than {self.max_pages} pages")
        return self._batch(records)

    def _batch(self, records: list[dict[str, Any]]) -> Batch | None:
        if self.cursor_field and not records:
            return None
        try:
            table = pa.Table.from_pylist(records)
        except (pa.ArrowInvalid, pa.ArrowTypeError) as error:
            raise ConnectorError(f"{self.url}: the records do not make a table: {error}") from error
        if not self.cursor_field:
            return Batch(table=table)
        values: list[Any] = [
            r[self.cursor_field] for r in records if r.get(self.cursor_field) is not None
        ]
        if not values:
            raise ConnectorError(f"no record has the cursor field {self.cursor_field!r}")
        return Batch(table=table, append=True, cursor=max(values))
