"""`mlplane serve ...`: put model folders behind names on the gateway."""

from __future__ import annotations

from typing import Annotated

import typer

from mlplane.cli.context import client
from mlplane.cli.output import api_errors, print_item, print_items, print_message

app = typer.Typer(no_args_is_help=True, help="Serve model folders on the gateway.")

COLUMNS = ["name", "version", "project", "source", "max_batch_size", "max_wait_ms", "created_at"]
ProjectOption = Annotated[str | None, typer.Option("--project", "-p", help="The project.")]


@app.command("add")
def add(
    name: str,
    uri: Annotated[str, typer.Argument(help="A model folder, runs:/..., or models:/... URI.")],
    version: Annotated[str | None, typer.Option(help="Default: the next number.")] = None,
    project: ProjectOption = None,
    max_batch_size: Annotated[int, typer.Option(help="Rows per batch at most.")] = 32,
    max_wait_ms: Annotated[float, typer.Option(help="How long a batch waits to fill.")] = 2.0,
    max_queue: Annotated[int, typer.Option(help="Requests waiting before 503.")] = 256,
    timeout_s: Annotated[float, typer.Option(help="Seconds a request may take.")] = 30.0,
) -> None:
    """Serve the model folder at URI as NAME (on /v2/models/NAME, /v1/models/NAME)."""
    with api_errors():
        served = client().serving.add(
            name,
            uri,
            version=version,
            project=project,
            max_batch_size=max_batch_size,
            max_wait_ms=max_wait_ms,
            max_queue=max_queue,
            timeout_s=timeout_s,
        )
    print_item(served)


@app.command("list")
def list_(project: ProjectOption = None) -> None:
    """List the models served from a project."""
    with api_errors():
        print_items(client().serving.list(project=project), COLUMNS)


@app.command("remove")
def remove(
    name: str,
    version: Annotated[str | None, typer.Option(help="Only this version.")] = None,
    project: ProjectOption = None,
) -> None:
    """Stop serving NAME (or one of its versions)."""
    with api_errors():
        client().serving.remove(name, version=version, project=project)
    print_message(f"stopped serving {name}" + (f" version {version}" if version else ""))
