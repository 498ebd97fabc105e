"""`mlplane data ...`: datasets and their versions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mlplane.cli.arguments import parse_tags
from mlplane.cli.context import client
from mlplane.cli.output import api_errors, print_item, print_items, print_json, print_message
from mlplane.data.cli.common import ProjectOption, RichProgress, split_ref

app = typer.Typer(no_args_is_help=True, help="Versioned datasets: push, pull, diff, ingest.")

DATASET_COLUMNS = ["name", "kind", "latest_version", "version_count", "description", "updated_at"]
PROFILE_COLUMNS = [
    "name",
    "type",
    "count",
    "nulls",
    "distinct_approx",
    "min",
    "max",
    "mean",
    "std",
]
CHECK_RESULT_COLUMNS = ["name", "kind", "passed", "failing_rows", "message"]
VERSION_COLUMNS = [
    "number",
    "status",
    "file_count",
    "total_bytes",
    "row_count",
    "message",
    "created_by",
    "created_at",
]
VERSION_FIELDS = [
    "dataset",
    "number",
    "status",
    "digest",
    "message",
    "file_count",
    "total_bytes",
    "row_count",
    "tags",
    "created_by",
    "created_at",
]


@app.command("list")
def list_(project: ProjectOption) -> None:
    """List the project's datasets."""
    with api_errors():
        datasets = client().datasets.list(project=project)
    print_items(datasets, DATASET_COLUMNS)


@app.command("create")
def create(
    name: str,
    project: ProjectOption,
    kind: Annotated[str, typer.Option(help="table or files.")] = "table",
    description: Annotated[str, typer.Option("--description", "-d")] = "",
    tag: Annotated[list[str] | None, typer.Option(help="KEY=VALUE, repeatable.")] = None,
) -> None:
    """Create an empty dataset (push creates one when needed)."""
    with api_errors():
        dataset = client().datasets.create(
            name, project=project, kind=kind, description=description, tags=parse_tags(tag)
        )
    print_item(dataset)


@app.command("delete")
def delete(
    name: str,
    project: ProjectOption,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete a dataset with every version and its stored files."""
    if not yes:
        typer.confirm(f"Delete dataset {name!r} and all its versions?", abort=True)
    with api_errors():
        client().datasets.delete(name, project=project)
    print_message(f"Deleted dataset [bold]{name}[/bold].")


@app.command("push")
def push(
    source: Annotated[str, typer.Argument(help="A folder, or a CSV / Parquet / JSON-lines file.")],
    name: str,
    project: ProjectOption,
    kind: Annotated[
        str | None, typer.Option(help="table or files; guessed from the source if new.")
    ] = None,
    message: Annotated[str, typer.Option("--message", "-m")] = "",
    tag: Annotated[list[str] | None, typer.Option(help="KEY=VALUE, repeatable.")] = None,
) -> None:
    """Make a new version from local files; only changed files are uploaded."""
    with api_errors():
        result = client().datasets.push(
            Path(source),
            name,
            project=project,
            kind=kind,
            message=message,
            tags=parse_tags(tag),
            progress=RichProgress(),
        )
    version = result.version
    if result.created:
        print_message(
            f"Created [bold]{version.ref}[/bold] ({version.status.value}, "
            f"{version.file_count} files, {version.total_bytes} bytes)."
        )
    else:
        print_message(f"Unchanged: the content is already [bold]{version.ref}[/bold].")
    print_item(version, VERSION_FIELDS)


@app.command("pull")
def pull(
    ref: Annotated[str, typer.Argument(help="NAME or NAME@VERSION.")],
    destination: Annotated[Path, typer.Argument(help="Folder to download into.")],
    project: ProjectOption,
) -> None:
    """Download a version's files; files already there with the same content are kept."""
    name, version = split_ref(ref)
    with api_errors():
        found = client().datasets.pull(
            name, version, project=project, destination=destination, progress=RichProgress()
        )
    print_message(f"Pulled [bold]{found.ref}[/bold] into {destination}.")


@app.command("versions")
def versions(
    name: str,
    project: ProjectOption,
    status: Annotated[str | None, typer.Option(help="ready or failed.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many, newest first.")] = 50,
) -> None:
    """List a dataset's versions, newest first."""
    with api_errors():
        found = client().datasets.list_versions(name, project=project, status=status, limit=limit)
    print_items(found, VERSION_COLUMNS)


@app.command("show")
def show(
    ref: Annotated[str, typer.Argument(help="NAME or NAME@VERSION (default: latest ready).")],
    project: ProjectOption,
    profile: Annotated[bool, typer.Option(help="Show the per-column profile.")] = False,
    files: Annotated[bool, typer.Option(help="List the version's files.")] = False,
) -> None:
    """Show a version: schema, checks, lineage; optionally its profile or files."""
    name, version = split_ref(ref)
    sdk = client()
    with api_errors():
        found = sdk.datasets.get_version(name, version, project=project)
        found_profile = (
            sdk.datasets.get_profile(name, found.number, project=project) if profile else None
        )
        manifest = sdk.datasets.get_manifest(name, found.number, project=project) if files else None
    if found_profile is not None:
        print_items(found_profile.columns, PROFILE_COLUMNS, title="Profile")
        return
    if manifest is not None:
        print_items(manifest.files, ["path", "size", "hash"], title=f"Files of {found.ref}")
        return
    print_item(found, VERSION_FIELDS)
    if found.columns:
        print_items(found.columns, ["name", "type", "nullable"], title="Columns")
    if found.validation:
        print_items(found.validation, CHECK_RESULT_COLUMNS, title="Checks")


@app.command("diff")
def diff(
    name: str,
    from_version: Annotated[str, typer.Argument(help="The older version.")],
    project: ProjectOption,
    to_version: Annotated[str, typer.Argument(help="The newer version.")] = "latest",
    key: Annotated[
        list[str] | None, typer.Option(help="Key column matching rows, repeatable.")
    ] = None,
) -> None:
    """What changed between two versions: files, and rows by key columns for tables."""
    with api_errors():
        result = client().datasets.diff(
            name, from_version, to_version, project=project, key=key or []
        )
    from mlplane.cli.context import options

    if options().output == "json":
        print_json(result)
        return
    files = result.files
    print_message(
        f"[bold]{name}@{result.from_version} → @{result.to_version}[/bold]: files "
        f"+{files.added.count} -{files.removed.count} ~{files.changed.count} "
        f"({files.unchanged} unchanged)"
    )
    table = result.table
    if table is not None:
        print_message(
            f"rows +{table.rows_added.count} -{table.rows_removed.count} "
            f"~{table.rows_changed.count}"
            + (f" (by {', '.join(table.key_columns)})" if table.key_columns else "")
        )
        for change in table.columns_added:
            print_message(f"column added: {change.name} {change.type}")
        for change in table.columns_removed:
            print_message(f"column removed: {change.name} {change.type}")
        for retyped in table.columns_changed:
            print_message(f"column retyped: {retyped.name} {retyped.from_type} → {retyped.to_type}")
