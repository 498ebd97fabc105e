"""A DuckDB that can read only the tables attached to it, and cannot write, attach, install,
load or read files of its own.

Tables are attached first (Parquet views whose files go on `allowed_paths`, or Arrow data),
then `lock()` turns external access off and locks the configuration, and only then does
any SQL a user wrote run: one SELECT at a time, under a row limit and a time limit.
"""

from __future__ import annotations

import functools
import json
import threading
import time
from collections.abc import Sequence
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.dataset as pads

from mlplane.core.errors import Forbidden, InvalidInput, ProblemError
from mlplane.data.engine.databases import PARSER, POOL
from mlplane.data.engine.deadlines import DEADLINES
from mlplane.data.engine.sources import TableSource

ALLOWED_STATEMENTS = frozenset({duckdb.StatementType.SELECT})


class QueryRefused(Forbidden):
    title = "Query refused"
    code = "query_refused"


class QueryTimeout(ProblemError):
    status = 422
    title = "Query timed out"
    code = "query_timeout"


class QueryTooLarge(ProblemError):
    status = 422
    title = "Result too large"
    code = "query_too_large"


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _sql_list(values: Sequence[str]) -> str:
    return "[" + ", ".join(quote_literal(value) for value in values) + "]"


def _message(error: duckdb.Error) -> str:
    return str(error).strip().split("\n\n")[0]


def check_statement(connection: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Refuse anything but a single SELECT (DESCRIBE and SUMMARIZE are SELECTs too)."""
    try:
        statements = connection.extract_statements(sql)
    except duckdb.Error as error:
        raise InvalidInput(f"sql: {_message(error)}") from error
    if len(statements) != 1:
        raise QueryRefused(f"sql: run one statement at a time (found {len(statements)})")
    kind = statements[0].type
    if kind not in ALLOWED_STATEMENTS:
        raise QueryRefused(
            f"sql: only SELECT queries may run here; a {kind.name} statement is refused"
        )


def translate_error(error: duckdb.Error) -> ProblemError:
    if isinstance(error, duckdb.PermissionException):
        return QueryRefused(f"sql: the query reaches outside its tables: {_message(error)}")
    if isinstance(error, duckdb.OutOfMemoryException):
        return QueryTooLarge(f"sql: the query needs more memory than allowed: {_message(error)}")
    return InvalidInput(f"sql: {_message(error)}")


def _collect_tables(node: Any, names: set[tuple[str, str]]) -> None:
    if isinstance(node, dict):
        if node.get("type") == "BASE_TABLE" and "table_name" in node:
            names.add((str(node.get("schema_name") or ""), str(node["table_name"])))
        for value in node.values():
            _collect_tables(value, names)
    elif isinstance(node, list):
        for value in node:
            _collect_tables(value, names)


def table_names(sql: str) -> frozenset[tuple[str, str]]:
    """(schema, name) of every table a SELECT names, from DuckDB's parse tree; the schema is
    "" when unqualified. Common table expressions are among them."""
    return _parsed_table_names(sql)


# A dashboard or a saved query sends the same text again and again: parse it once. Refused
# or malformed SQL raises, and lru_cache keeps nothing for it.
@functools.lru_cache(maxsize=512)
def _parsed_table_names(sql: str) -> frozenset[tuple[str, str]]:
    cursor = PARSER.cursor()
    try:
        check_statement(cursor, sql)
        try:
            found = cursor.execute("SELECT json_serialize_sql($1)", [sql]).fetchone()
        except duckdb.Error as error:
            raise translate_error(error) from error
    finally:
        cursor.close()
    tree = json.loads(found[0]) if found else {}
    if tree.get("error"):
        raise InvalidInput(f"sql: {tree.get('error_message', 'the query cannot be parsed')}")
    names: set[tuple[str, str]] = set()
    _collect_tables(tree, names)
    return frozenset(names)


def _run(
    connection: duckdb.DuckDBPyConnection,
    sql: str,
    max_rows: int,
    timeout_seconds: float,
    parameters: Sequence[Any] | None,
) -> pa.Table:
    started = time.monotonic()
    with DEADLINES.watch(connection, timeout_seconds) as fired:
        try:
            reader = connection.sql(sql, params=parameters).to_arrow_reader(
                min(max_rows + 1, 65536)
            )
            batches: list[pa.RecordBatch] = []
            rows = 0
            for batch in reader:
                rows += batch.num_rows
                if rows > max_rows:
                    raise QueryTooLarge(
                        f"sql: the query returns more than {max_rows} rows; add a LIMIT, "
                        "aggregate, or download the result as Parquet with a higher max_rows"
                    )
                batches.append(batch)
            return pa.Table.from_batches(batches, schema=reader.schema)
        except duckdb.InterruptException as error:
            if fired.is_set():
                raise QueryTimeout(
                    f"sql: the query ran past its time limit of {timeout_seconds:g} s "
                    f"and was stopped after {time.monotonic() - started:.1f} s"
                ) from error
            raise translate_error(error) from error
        except duckdb.Error as error:
            raise translate_error(error) from error


class Sandbox:
    def __init__(self) -> None:
        self.connection = POOL.take()
        self._allowed_paths: list[str] = []
        self._schemas: set[str] = set()
        self._hidden = 0
        self._connection_bound = False
        self._serial = threading.Lock()
        self.locked = False

    def _qualified(self, name: str, schema: str | None) -> str:
        if schema is None:
            return quote_identifier(name)
        if schema not in self._schemas:
            self.connection.execute(f"CREATE SCHEMA IF NOT EXISTS {quote_identifier(schema)}")
            self._schemas.add(schema)
        return f"{quote_identifier(schema)}.{quote_identifier(name)}"

    def attach_table(
        self,
        name: str,
        source: TableSource,
        schema: pa.Schema | None = None,
        *,
        in_schema: str | None = None,
    ) -> None:
        """A view over a table version's Parquet parts (`schema` unifies the parts of a
        remote table; DuckDB reads local parts by name)."""
        if self.locked:
            raise RuntimeError("attach tables before locking the sandbox")
        if not source.is_local:
            if schema is None:
                schema, _ = source.schema_and_rows()
            self.attach_arrow(name, source.arrow_dataset(schema), in_schema=in_schema)
            return
        paths = list(source.locations)
        self.connection.execute(
            f"CREATE VIEW {self._qualified(name, in_schema)} AS "
            f"SELECT * FROM read_parquet({_sql_list(paths)}, union_by_name = true)"
        )
        self._allowed_paths.extend(paths)

    def attach_arrow(
        self, name: str, data: pa.Table | pads.Dataset, *, in_schema: str | None = None
    ) -> None:
        """Arrow data under `name`: a table is copied in; a dataset (an object store's files)
        is read in place, through the connection it is registered on."""
        if self.locked:
            raise RuntimeError("attach tables before locking the sandbox")
        self._hidden += 1
        hidden = f"__arrow_{self._hidden}"
        self.connection.register(hidden, data)
        if isinstance(data, pa.Table):
            self.connection.execute(
                f"CREATE TABLE {self._qualified(name, in_schema)} AS SELECT * FROM {hidden}"
            )
            self.connection.unregister(hidden)
            return
        self.connection.execute(
            f"CREATE VIEW {self._qualified(name, in_schema)} AS SELECT * FROM {hidden}"
        )
        # A registered object is seen by its own connection only: queries must run there.
        self._connection_bound = True

    def lock(self) -> None:
        if self._allowed_paths:
            self.connection.execute(f"SET allowed_paths = {_sql_list(self._allowed_paths)}")
        self.connection.execute("SET enable_external_access = false")
        self.connection.execute("SET lock_configuration = true")
        self.locked = True

    def _require_lock(self) -> None:
        if not self.locked:
            raise RuntimeError("lock the sandbox before running SQL in it")

    def query(
        self,
        sql: str,
        *,
        max_rows: int,
        timeout_seconds: float,
        parameters: Sequence[Any] | None = None,
        check: bool = True,
    ) -> pa.Table:
        """Run one SELECT; stop it past `timeout_seconds` or once it yields over `max_rows`.
        Each query has a connection of its own, so queries may run side by side, except over
        data read through the sandbox's own connection, where they take turns."""
        self._require_lock()
        if self._connection_bound:
            with self._serial:
                if check:
                    check_statement(self.connection, sql)
                return _run(self.connection, sql, max_rows, timeout_seconds, parameters)
        cursor = self.connection.cursor()
        try:
            if check:
                check_statement(cursor, sql)
            return _run(cursor, sql, max_rows, timeout_seconds, parameters)
        finally:
            cursor.close()

    def close(self) -> None:
        self.connection.interrupt()
        POOL.give_back(self.connection)

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
