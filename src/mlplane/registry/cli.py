"""`mlplane models ...`: registered models, versions, aliases, approvals, downloads."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mlplane.cli.arguments import OutputOption, parse_tags, use_output
from mlplane.cli.context import client
from mlplane.cli.output import api_errors, print_item, print_items, print_message

app = typer.Typer(no_args_is_help=True, help="Model registry: versions, aliases, approvals.")

MODEL_COLUMNS = ["name", "latest_version", "aliases", "owner", "description", "updated_at"]
VERSION_COLUMNS = ["model", "version", "status", "aliases", "stage", "run_id", "source"]
APPROVAL_COLUMNS = ["id", "model", "alias", "version", "state", "requested_by", "decided_by"]
HISTORY_COLUMNS = ["at", "alias", "version", "previous_version", "decided_by", "reason"]

ProjectOption = Annotated[
    str | None,
    typer.Option("--project", "-p", help="Project (default: MLPLANE_PROJECT or 'default')."),
]


@app.command("list")
def list_(project: ProjectOption = None, output: OutputOption = None) -> None:
    """List the project's registered models."""
    use_output(output)
    with api_errors():
        models = client().models.list(project=project)
    print_items(models, MODEL_COLUMNS)


@app.command("get")
def get(name: str, project: ProjectOption = None, output: OutputOption = None) -> None:
    """Show one registered model."""
    use_output(output)
    with api_errors():
        model = client().models.get(name, project=project)
    print_item(model)


@app.command("versions")
def versions(
    name: str,
    project: ProjectOption = None,
    limit: Annotated[int | None, typer.Option(help="At most this many, newest first.")] = None,
    output: OutputOption = None,
) -> None:
    """List a model's versions, newest first."""
    use_output(output)
    with api_errors():
        found = client().models.versions(name, project=project, limit=limit)
    print_items(found, VERSION_COLUMNS)


@app.command("register")
def register(
    name: str,
    source: Annotated[
        str,
        typer.Argument(
            help="runs:/<run_id>/<path>, models:/<name>/<version>, a URI, "
            "or a local folder (uploaded)."
        ),
    ],
    project: ProjectOption = None,
    run_id: Annotated[str | None, typer.Option(help="The run it came from.")] = None,
    description: Annotated[str, typer.Option("--description", "-d")] = "",
    tag: Annotated[list[str] | None, typer.Option(help="KEY=VALUE, repeatable.")] = None,
    output: OutputOption = None,
) -> None:
    """Register a new version of a model (the model is created when missing)."""
    use_output(output)
    local = Path(source)
    target: str | Path = local if "://" not in source and local.exists() else source
    with api_errors():
        version = client().models.register(
            name,
            target,
            project=project,
            run_id=run_id,
            description=description,
            tags=parse_tags(tag),
        )
    print_item(version)


@app.command("alias")
def alias(
    name: str,
    alias_name: Annotated[str, typer.Argument(metavar="ALIAS")],
    version: Annotated[
        int | None, typer.Argument(help="Point the alias here; left out, show it.")
    ] = None,
    delete: Annotated[bool, typer.Option("--delete", help="Remove the alias.")] = False,
    request: Annotated[
        bool, typer.Option("--request", help="Ask for an approval instead of moving it.")
    ] = False,
    comment: Annotated[str, typer.Option(help="Why (with --request).")] = "",
    history: Annotated[bool, typer.Option("--history", help="Show the alias's moves.")] = False,
    project: ProjectOption = None,
    output: OutputOption = None,
) -> None:
    """Show, move, remove an alias, request its approval, or show its history."""
    use_output(output)
    models = client().models
    with api_errors():
        if delete:
            models.delete_alias(name, alias_name, project=project)
            print_message(f"alias {alias_name!r} removed from {name!r}")
        elif history:
            events = models.alias_history(name, alias=alias_name, project=project)
            print_items(events, HISTORY_COLUMNS)
        elif version is None:
            print_item(models.by_alias(name, alias_name, project=project))
        elif request:
            print_item(
                models.request_approval(name, alias_name, version, comment=comment, project=project)
            )
        else:
            print_item(models.set_alias(name, alias_name, version, project=project))


@app.command("approve")
def approve(
    approval_id: Annotated[
        str | None, typer.Argument(help="The request to grant; left out, list pending ones.")
    ] = None,
    reject: Annotated[bool, typer.Option("--reject", help="Reject instead of grant.")] = False,
    comment: Annotated[str, typer.Option(help="The reason for the decision.")] = "",
    project: ProjectOption = None,
    output: OutputOption = None,
) -> None:
    """Grant (or --reject) an approval request; with no id, list pending requests."""
    use_output(output)
    models = client().models
    with api_errors():
        if approval_id is None:
            print_items(models.approvals(state="pending", project=project), APPROVAL_COLUMNS)
        elif reject:
            print_item(models.reject(approval_id, comment=comment, project=project))
        else:
            print_item(models.approve(approval_id, comment=comment, project=project))


@app.command("protect")
def protect(
    alias_name: Annotated[str, typer.Argument(metavar="ALIAS")],
    gate: Annotated[
        list[str] | None, typer.Option(help="A rule like 'accuracy >= 0.9'; repeatable.")
    ] = None,
    project: ProjectOption = None,
    output: OutputOption = None,
) -> None:
    """Protect an alias name in the project (moving it then needs approval or its gate)."""
    use_output(output)
    with api_errors():
        print_item(client().models.protect_alias(alias_name, gate=gate, project=project))


@app.command("download")
def download(
    model: Annotated[
        str,
        typer.Argument(
            help="models:/<name>@<alias>, models:/<name>/<n>, or a name (its latest version)."
        ),
    ],
    destination: Annotated[Path, typer.Argument(help="Folder to write the files into.")],
    version: Annotated[int | None, typer.Option(help="Version number (with a name).")] = None,
    project: ProjectOption = None,
) -> None:
    """Copy a version's files into a local folder."""
    with api_errors():
        target = client().models.download(model, destination, version=version, project=project)
    print_message(f"downloaded into {target}")
