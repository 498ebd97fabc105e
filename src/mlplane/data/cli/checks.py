"""`mlplane data checks ...`: validation checks of a table dataset."""

from __future__ import annotations

from typing import Annotated

import typer

from mlplane.cli.context import client
from mlplane.cli.output import api_errors, print_item, print_items, print_json, print_message
from mlplane.data.cli.common import ProjectOption, parse_json_argument, split_ref

app = typer.Typer(no_args_is_help=True, help="Checks every new version must pass.")

RESULT_COLUMNS = ["name", "kind", "passed", "failing_rows", "message"]


@app.command("list")
def list_(name: str, project: ProjectOption) -> None:
    """List a dataset's checks."""
    with api_errors():
        checks = client().datasets.list_checks(name, project=project)
    print_json(checks)


@app.command("add")
def add(
    name: str,
    check: Annotated[
        str,
        typer.Argument(
            help='JSON or @file.json, e.g. \'{"name": "positive", "kind": "range", '
            '"column": "amount", "min": 0}\'.'
        ),
    ],
    project: ProjectOption,
) -> None:
    """Add a check; versions made from now on must pass it to become the latest."""
    with api_errors():
        created = client().datasets.create_check(
            name, parse_json_argument(check, "check"), project=project
        )
    print_item(created)


@app.command("delete")
def delete(name: str, check: str, project: ProjectOption) -> None:
    """Remove a check."""
    with api_errors():
        client().datasets.delete_check(name, check, project=project)
    print_message(f"Removed check [bold]{check}[/bold] from {name}.")


@app.command("run")
def run(
    ref: Annotated[str, typer.Argument(help="NAME or NAME@VERSION (default: latest ready).")],
    project: ProjectOption,
) -> None:
    """Run the dataset's checks on an existing version, changing nothing."""
    name, version = split_ref(ref)
    with api_errors():
        results = client().datasets.evaluate_checks(name, version, project=project)
    print_items(results, RESULT_COLUMNS)
    if not all(result.passed for result in results):
        raise typer.Exit(1)
