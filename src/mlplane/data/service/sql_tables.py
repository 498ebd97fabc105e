"""The platform's own metadata as SQL tables, next to the datasets.

Each table is loaded for the caller, holding only rows they may view, as Arrow when a query
names it. A subsystem adds its tables with one line in `SQL_TABLE_MODULES`: a module that
defines `SQL_TABLES: list[PlatformTable]`.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

import pyarrow as pa
from sqlalchemy.orm import Session

from mlplane.governance.schemas import Principal

SQL_TABLE_MODULES: tuple[str, ...] = (
    "mlplane.data.service.platform_tables",
    "mlplane.tracking.service.sql_tables",
)

PLATFORM_SCHEMA = "mlplane"
"""Platform tables are also reachable as `mlplane.<name>`, even where a dataset shadows one."""

TIMESTAMP = pa.timestamp("us", tz="UTC")


@dataclass(frozen=True)
class PlatformTable:
    name: str
    description: str
    load: Callable[[Session, Principal], pa.Table]


@cache
def platform_tables() -> dict[str, PlatformTable]:
    tables: dict[str, PlatformTable] = {}
    for module_name in SQL_TABLE_MODULES:
        for table in importlib.import_module(module_name).SQL_TABLES:
            tables[table.name] = table
    return tables


def arrow_table(
    records: Iterable[dict[str, Any]], columns: list[tuple[str, pa.DataType]]
) -> pa.Table:
    """Rows as an Arrow table with a fixed schema (so an empty table still has its columns);
    dict and list values are stored as JSON text."""
    names = [name for name, _ in columns]
    data: dict[str, list[Any]] = {name: [] for name in names}
    for record in records:
        for name in names:
            value = record.get(name)
            if isinstance(value, dict | list):
                value = json.dumps(value, default=str)
            data[name].append(value)
    schema = pa.schema([pa.field(name, kind) for name, kind in columns])
    return pa.table(data, schema=schema)
