"""`mlplane sql "SELECT ..."`: one read-only query over datasets and platform tables."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from mlplane.cli.context import client
from mlplane.cli.output import api_errors, print_message
from mlplane.data.cli.common import ProjectOption
from mlplane.data.cli.render import print_result, write_csv


def run_sql(
    project: ProjectOption,
    query: Annotated[
        str | None,
        typer.Argument(help='One SELECT; datasets are tables: "sales@3", or sales (latest).'),
    ] = None,
    saved: Annotated[str | None, typer.Option(help="Run this saved query instead.")] = None,
    file_format: Annotated[
        str, typer.Option("--format", "-f", help="table, csv or parquet (parquet needs --out).")
    ] = "table",
    out: Annotated[Path | None, typer.Option(help="Write the result to this file.")] = None,
    max_rows: Annotated[int | None, typer.Option(help="Refuse results larger than this.")] = None,
    timeout: Annotated[float | None, typer.Option(help="Stop the query after seconds.")] = None,
) -> None:
    """Run SQL over the project's datasets and the platform's own tables (read-only)."""
    if (query is None) == (saved is None):
        raise typer.BadParameter("give a query or --saved NAME")
    if file_format not in ("table", "csv", "parquet"):
        raise typer.BadParameter("--format must be table, csv or parquet")
    sql = client().sql
    with api_errors():
        if saved is not None:
            query = sql.get_query(saved, project=project).sql
        assert query is not None
        if file_format == "parquet" or (out is not None and file_format == "csv"):
            if out is None:
                raise typer.BadParameter("--format parquet writes a file: give --out")
            data = sql.download(
                query,
                project=project,
                format=file_format,
                max_rows=max_rows,
                timeout_seconds=timeout,
            )
            out.write_bytes(data)
            print_message(f"Wrote {len(data)} bytes to {out}.")
            return
        result = sql.run(query, project=project, max_rows=max_rows, timeout_seconds=timeout)
    if file_format == "csv":
        write_csv(result)
    else:
        print_result(result)
    sys.stdout.flush()
