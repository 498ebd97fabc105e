"""SQL databases through SQLAlchemy URLs: a table or a query, whole or incremental.

With `cursor_column`, each read takes only rows whose cursor is past the last one ingested
and the new version appends them to the latest; the cursor's new value is kept with the
ingestion. A password in the URL is never kept: `describe()` hides it, and `url_env` reads
the whole URL from an environment variable instead.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from mlplane.data.connectors.base import Batch, ConnectorError
from mlplane.data.schemas.datasets import DatasetKind


def _normalize(url: str) -> str:
    # The platform ships psycopg 3; a bare postgresql:// URL would ask SQLAlchemy for psycopg2.
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _quote_name(name: str, quote: Any) -> str:
    return ".".join(quote(part) for part in name.split("."))


@dataclass
class SqlSource:
    url: str | None = None
    table: str | None = None
    query: str | None = None
    cursor_column: str | None = None
    url_env: str | None = None
    kind: str = "sql"

    def __post_init__(self) -> None:
        if (self.url is None) == (self.url_env is None):
            raise ValueError("give exactly one of url= and url_env=")
        if (self.table is None) == (self.query is None):
            raise ValueError("give exactly one of table= and query=")

    def _url(self) -> str:
        if self.url is not None:
            return self.url
        assert self.url_env is not None
        found = os.environ.get(self.url_env)
        if not found:
            raise ConnectorError(f"the environment variable {self.url_env} is not set")
        return found

    def describe(self) -> dict[str, Any]:
        from sqlalchemy.engine import make_url

        described: dict[str, Any] = {
            "table": self.table,
            "query": self.query,
            "cursor_column": self.cursor_column,
        }
        if self.url_env:
            described["url_env"] = self.url_env
        else:
            assert self.url is not None
            described["url"] = make_url(self.url).render_as_string(hide_password=True)
        return described

    def read(self, cursor: Any, workdir: Path, kind: DatasetKind) -> Batch | None:
        import sqlalchemy

        if kind is not DatasetKind.TABLE:
            raise ConnectorError("a SQL source fills a table dataset, not a folder of files")
        try:
            engine = sqlalchemy.create_engine(_normalize(self._url()))
        except (sqlalchemy.exc.ArgumentError, ImportError) as error:
            raise ConnectorError(f"cannot use the database URL: {error}") from error
        try:
            with engine.connect() as connection:
                quote = engine.dialect.identifier_preparer.quote
                source = (
                    _quote_name(self.table, quote) if self.table else f"({self.query}) AS source"
                )
                sql = f"SELECT * FROM {source}"
                parameters: dict[str, Any] = {}
                if self.cursor_column:
                    column = quote(self.cursor_column)
                    if cursor is not None:
                        sql += f" WHERE {column} > :cursor"
                        parameters["cursor"] = cursor
                    sql += f" ORDER BY {column}"
                result = connection.execute(sqlalchemy.text(sql), parameters)
                names = list(result.keys())
                rows = [tuple(row) for row in result]
        except sqlalchemy.exc.SQLAlchemyError as error:
            raise ConnectorError(f"the query failed: {error}") from error
        finally:
            engine.dispose()
        if self.cursor_column and not rows:
            return None
        try:
            table = pa.table({name: [row[i] for row in rows] for i, name in enumerate(names)})
        except (pa.ArrowInvalid, pa.ArrowTypeError) as error:
            raise ConnectorError(f"the rows do not make a table: {error}") from error
        if not self.cursor_column:
            return Batch(table=table)
        if self.cursor_column not in names:
            raise ConnectorError(f"cursor_column {self.cursor_column!r} is not in the result")
        position = names.index(self.cursor_column)
        newest = max(row[position] for row in rows if row[position] is not None)
        return Batch(table=table, append=True, cursor=newest)
