"""`mlplane data queries ...`: saved SQL queries of a project."""

from __future__ import annotations

from typing import Annotated

import typer

from mlplane.cli.context import client
from mlplane.cli.output import api_errors, print_item, print_items, print_message
from mlplane.data.cli.common import ProjectOption
from mlplane.data.cli.render import print_result

app = typer.Typer(no_args_is_help=True, help="Saved SQL queries and their charts.")


@app.command("list")
def list_(project: ProjectOption) -> None:
    """List the project's saved queries."""
    with api_errors():
        queries = client().sql.list_queries(project=project)
    print_items(queries, ["name", "description", "sql", "updated_at"])


@app.command("save")
def save(
    name: str,
    sql: str,
    project: ProjectOption,
    description: Annotated[str, typer.Option("--description", "-d")] = "",
    chart: Annotated[
        str | None, typer.Option(help="table, bar, line, area, scatter or pie.")
    ] = None,
    x: Annotated[str | None, typer.Option(help="The chart's x column.")] = None,
    y: Annotated[list[str] | None, typer.Option(help="The chart's y columns, repeatable.")] = None,
) -> None:
    """Save a query (with how to chart it)."""
    spec = {"type": chart, "x": x, "y": y or []} if chart else None
    with api_errors():
        saved = client().sql.create_query(
            name, sql, project=project, description=description, chart=spec
        )
    print_item(saved)


@app.command("show")
def show(name: str, project: ProjectOption) -> None:
    """Show a saved query."""
    with api_errors():
        saved = client().sql.get_query(name, project=project)
    print_item(saved)


@app.command("delete")
def delete(name: str, project: ProjectOption) -> None:
    """Delete a saved query."""
    with api_errors():
        client().sql.delete_query(name, project=project)
    print_message(f"Deleted saved query [bold]{name}[/bold].")


@app.command("run")
def run(
    name: str,
    project: ProjectOption,
    max_rows: Annotated[int | None, typer.Option(help="Refuse results larger than this.")] = None,
) -> None:
    """Run a saved query and print its result."""
    with api_errors():
        result = client().sql.run_query(name, project=project, max_rows=max_rows)
    print_result(result, title=name)
