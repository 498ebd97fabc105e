"""Differences between two versions: files by manifest, rows by key columns with DuckDB."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from mlplane.core.errors import InvalidInput
from mlplane.data.engine.results import json_records
from mlplane.data.engine.sandbox import Sandbox, quote_identifier
from mlplane.data.schemas.diffs import FileChanges, FilesDiff, RowChanges, TableDiff, TypeChange
from mlplane.data.schemas.versions import ColumnSchema, ManifestEntry

PATHS_SHOWN = 1000
SAMPLE_ROWS = 10
DIFF_TIMEOUT_SECONDS = 300.0


def files_diff(old: list[ManifestEntry], new: list[ManifestEntry]) -> FilesDiff:
    before = {entry.path: entry.hash for entry in old}
    after = {entry.path: entry.hash for entry in new}
    added = sorted(after.keys() - before.keys())
    removed = sorted(before.keys() - after.keys())
    shared = before.keys() & after.keys()
    changed = sorted(path for path in shared if before[path] != after[path])

    def changes(paths: list[str]) -> FileChanges:
        return FileChanges(count=len(paths), paths=paths[:PATHS_SHOWN])

    return FilesDiff(
        added=changes(added),
        removed=changes(removed),
        changed=changes(changed),
        unchanged=len(shared) - len(changed),
    )


def _count_and_sample(sandbox: Sandbox, sql: str) -> tuple[int, list[dict[str, Any]]]:
    count = (
        sandbox.query(
            f"SELECT count(*) FROM ({sql})",
            max_rows=1,
            timeout_seconds=DIFF_TIMEOUT_SECONDS,
            check=False,
        )
        .column(0)[0]
        .as_py()
    )
    if not count:
        return 0, []
    sample = sandbox.query(
        f"SELECT * FROM ({sql}) LIMIT {SAMPLE_ROWS}",
        max_rows=SAMPLE_ROWS,
        timeout_seconds=DIFF_TIMEOUT_SECONDS,
        check=False,
    )
    return int(count), json_records(sample)


def _column(field: pa.Field[Any]) -> ColumnSchema:
    return ColumnSchema(name=field.name, type=str(field.type), nullable=field.nullable)


def table_diff(sandbox: Sandbox, old: pa.Schema, new: pa.Schema, keys: list[str]) -> TableDiff:
    """Compare the tables attached as `old` and `new`."""
    for key in keys:
        if key not in old.names or key not in new.names:
            raise InvalidInput(f"key: column {key!r} is not in both versions")
    added_columns = [_column(field) for field in new if field.name not in old.names]
    removed_columns = [_column(field) for field in old if field.name not in new.names]
    retyped = [
        TypeChange(
            name=field.name, from_type=str(old.field(field.name).type), to_type=str(field.type)
        )
        for field in new
        if field.name in old.names and old.field(field.name).type != field.type
    ]
    retyped_names = {change.name for change in retyped}
    shared = [name for name in new.names if name in old.names and name not in retyped_names]
    if keys:
        on = " AND ".join(
            f"o.{quote_identifier(k)} IS NOT DISTINCT FROM n.{quote_identifier(k)}" for k in keys
        )
        rows_added = _count_and_sample(sandbox, f"SELECT n.* FROM new n ANTI JOIN old o ON {on}")
        rows_removed = _count_and_sample(sandbox, f"SELECT o.* FROM old o ANTI JOIN new n ON {on}")
        rows_changed = _changed_rows(sandbox, keys, [c for c in shared if c not in keys], on)
    else:
        listed = ", ".join(quote_identifier(name) for name in shared) or "*"
        rows_added = _count_and_sample(
            sandbox, f"SELECT {listed} FROM new EXCEPT ALL SELECT {listed} FROM old"
        )
        rows_removed = _count_and_sample(
            sandbox, f"SELECT {listed} FROM old EXCEPT ALL SELECT {listed} FROM new"
        )
        rows_changed = (0, [])
    return TableDiff(
        key_columns=keys,
        columns_added=added_columns,
        columns_removed=removed_columns,
        columns_changed=retyped,
        rows_added=RowChanges(count=rows_added[0], sample=rows_added[1]),
        rows_removed=RowChanges(count=rows_removed[0], sample=rows_removed[1]),
        rows_changed=RowChanges(count=rows_changed[0], sample=rows_changed[1]),
    )


def _changed_rows(
    sandbox: Sandbox, keys: list[str], values: list[str], on: str
) -> tuple[int, list[dict[str, Any]]]:
    if not values:
        return 0, []
    differs = " OR ".join(
        f"o.{quote_identifier(c)} IS DISTINCT FROM n.{quote_identifier(c)}" for c in values
    )
    selected = [f"n.{quote_identifier(k)} AS {quote_identifier(k)}" for k in keys]
    for index, column in enumerate(values):
        selected.append(f"o.{quote_identifier(column)} AS __from_{index}")
        selected.append(f"n.{quote_identifier(column)} AS __to_{index}")
    sql = f"SELECT {', '.join(selected)} FROM old o JOIN new n ON {on} WHERE {differs}"
    count, raw = _count_and_sample(sandbox, sql)
    sample = []
    for row in raw:
        entry: dict[str, Any] = {key: row[key] for key in keys}
        entry["changes"] = {
            column: {"from": row[f"__from_{index}"], "to": row[f"__to_{index}"]}
            for index, column in enumerate(values)
            if row[f"__from_{index}"] != row[f"__to_{index}"]
        }
        sample.append(entry)
    return count, sample
