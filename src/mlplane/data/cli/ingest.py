"""`mlplane data ingest`: run a connector into a dataset once."""

from __future__ import annotations

from typing import Annotated

import typer

from mlplane.cli.context import client
from mlplane.cli.output import api_errors, print_item, print_message
from mlplane.data.cli.common import ProjectOption
from mlplane.data.connectors import ConnectorError, FileSource, HttpSource, SqlSource
from mlplane.data.connectors.base import Source


def _source(
    file: str | None,
    sql: str | None,
    http: str | None,
    file_format: str | None,
    table: str | None,
    query: str | None,
    cursor: str | None,
    records_path: str | None,
    next_path: str | None,
    page_param: str | None,
    auth_env: str | None,
) -> Source:
    chosen = [given for given in (file, sql, http) if given]
    if len(chosen) != 1:
        raise typer.BadParameter("give exactly one of --file, --sql, --http")
    if file:
        return FileSource(file, format=file_format)
    if sql:
        try:
            return SqlSource(url=sql, table=table, query=query, cursor_column=cursor)
        except ValueError as error:
            raise typer.BadParameter(str(error)) from error
    assert http is not None
    return HttpSource(
        http,
        records_path=records_path,
        next_path=next_path,
        page_param=page_param,
        auth_env=auth_env,
        cursor_field=cursor,
    )


def ingest(
    name: str,
    project: ProjectOption,
    file: Annotated[
        str | None, typer.Option(help="A path, glob or fsspec URL of CSV/Parquet/JSON lines.")
    ] = None,
    sql: Annotated[str | None, typer.Option(help="A SQLAlchemy database URL.")] = None,
    http: Annotated[str | None, typer.Option(help="The URL of a JSON API.")] = None,
    file_format: Annotated[
        str | None, typer.Option("--format", help="csv, parquet or jsonl (else by suffix).")
    ] = None,
    table: Annotated[str | None, typer.Option(help="SQL: the table to read.")] = None,
    query: Annotated[str | None, typer.Option(help="SQL: the query to read.")] = None,
    cursor: Annotated[
        str | None, typer.Option(help="SQL column / HTTP field for incremental reads.")
    ] = None,
    records_path: Annotated[str | None, typer.Option(help="HTTP: where the records are.")] = None,
    next_path: Annotated[str | None, typer.Option(help="HTTP: where the next page URL is.")] = None,
    page_param: Annotated[str | None, typer.Option(help="HTTP: the page number parameter.")] = None,
    auth_env: Annotated[
        str | None, typer.Option(help="HTTP: environment variable holding the API token.")
    ] = None,
    message: Annotated[str, typer.Option("--message", "-m")] = "",
) -> None:
    """Read a source into a new version; nothing changes if the source did not."""
    source = _source(
        file,
        sql,
        http,
        file_format,
        table,
        query,
        cursor,
        records_path,
        next_path,
        page_param,
        auth_env,
    )
    with api_errors():
        try:
            version = client().datasets.ingest(name, source, project=project, message=message)
        except ConnectorError as error:
            typer.secho(f"Error: {error}", fg=typer.colors.RED, err=True)
            raise typer.Exit(1) from error
    if version is None:
        print_message("Unchanged: the source has nothing new.")
        return
    print_message(f"Created [bold]{version.ref}[/bold] ({version.status.value}).")
    print_item(version, ["dataset", "number", "status", "row_count", "file_count", "created_at"])
