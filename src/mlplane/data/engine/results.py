"""Query results as JSON-safe rows, CSV or Parquet."""

from __future__ import annotations

import base64
import io
import math
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq


def json_value(value: Any) -> Any:
    """A value JSON can carry: NaN and infinities become null, times ISO strings, bytes base64."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return float(value) if value.is_finite() else None
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, dict):
        return {str(key): json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(item) for item in value]
    return str(value)


def json_rows(table: pa.Table) -> list[list[Any]]:
    columns = [[json_value(value) for value in column.to_pylist()] for column in table.columns]
    return [list(row) for row in zip(*columns, strict=True)] if columns else []


def json_records(table: pa.Table) -> list[dict[str, Any]]:
    return [
        {key: json_value(value) for key, value in record.items()} for record in table.to_pylist()
    ]


def csv_bytes(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    pacsv.write_csv(_csv_friendly(table), sink)
    return sink.getvalue()


def _csv_friendly(table: pa.Table) -> pa.Table:
    """CSV has no nested types: lists, structs and maps are written as their text form."""
    columns: list[pa.Array[Any] | pa.ChunkedArray[Any]] = []
    for column in table.columns:
        if pa.types.is_nested(column.type):
            columns.append(pa.array([None if v is None else str(v) for v in column.to_pylist()]))
        else:
            columns.append(column)
    return pa.table(columns, names=table.column_names)


def parquet_bytes(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()
