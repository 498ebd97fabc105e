"""Printing a query result: a Rich table, CSV, or JSON for `--output json`."""

from __future__ import annotations

import csv
import json
import sys
from typing import Any

from mlplane.cli.context import options
from mlplane.data.schemas.sql import QueryResult


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def print_result(result: QueryResult, title: str | None = None) -> None:
    if options().output == "json":
        json.dump(result.model_dump(mode="json"), sys.stdout, indent=2)
        sys.stdout.write("\n")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, header_style="bold", caption=_caption(result))
    for column in result.columns:
        table.add_column(column.name, justify="right" if _is_number(column.type) else "left")
    for row in result.rows:
        table.add_row(*(_text(value) for value in row))
    Console().print(table)


def _is_number(kind: str) -> bool:
    return kind.startswith(("int", "uint", "float", "double", "decimal"))


def _caption(result: QueryResult) -> str:
    noun = "row" if result.row_count == 1 else "rows"
    return f"{result.row_count} {noun} in {result.elapsed_ms:.0f} ms"


def write_csv(result: QueryResult) -> None:
    writer = csv.writer(sys.stdout)
    writer.writerow([column.name for column in result.columns])
    for row in result.rows:
        writer.writerow([_text(value) for value in row])
