"""`mlplane projects ...`"""

from __future__ import annotations

from typing import Annotated

import typer

from mlplane.cli.arguments import parse_tags
from mlplane.cli.context import client
from mlplane.cli.output import api_errors, print_item, print_items, print_message

app = typer.Typer(no_args_is_help=True, help="Create, list and change projects.")

COLUMNS = ["name", "owner", "role", "description", "archived", "created_at"]


@app.command("create")
def create(
    name: str,
    description: Annotated[str, typer.Option("--description", "-d")] = "",
    owner: Annotated[str | None, typer.Option(help="Owner user (administrators only).")] = None,
    tag: Annotated[list[str] | None, typer.Option(help="KEY=VALUE, repeatable.")] = None,
) -> None:
    """Create a project; you become its owner and admin."""
    with api_errors():
        project = client().projects.create(
            name, description=description, owner=owner, tags=(parse_tags(tag) or None)
        )
    print_item(project)


@app.command("list")
def list_(
    all_: Annotated[bool, typer.Option("--all", help="Include archived projects.")] = False,
) -> None:
    """List the projects you can see."""
    with api_errors():
        projects = client().projects.list(include_archived=all_)
    print_items(projects, COLUMNS)


@app.command("get")
def get(name: str) -> None:
    """Show one project."""
    with api_errors():
        project = client().projects.get(name)
    print_item(project)


@app.command("update")
def update(
    name: str,
    description: Annotated[str | None, typer.Option("--description", "-d")] = None,
    owner: Annotated[str | None, typer.Option()] = None,
    tag: Annotated[
        list[str] | None, typer.Option(help="KEY=VALUE, repeatable; replaces tags.")
    ] = None,
) -> None:
    """Change a project's description, owner or tags."""
    changes = {"description": description, "owner": owner, "tags": (parse_tags(tag) or None)}
    with api_errors():
        project = client().projects.update(
            name, **{key: value for key, value in changes.items() if value is not None}
        )
    print_item(project)


@app.command("archive")
def archive(name: str) -> None:
    """Archive a project: readable, but refuses changes."""
    with api_errors():
        project = client().projects.archive(name)
    print_message(f"Archived project [bold]{project.name}[/bold].")


@app.command("restore")
def restore(name: str) -> None:
    """Restore an archived project."""
    with api_errors():
        project = client().projects.restore(name)
    print_message(f"Restored project [bold]{project.name}[/bold].")


members_app = typer.Typer(no_args_is_help=True, help="Who may do what in a project.")
app.add_typer(members_app, name="members")


@members_app.command("list")
def list_members(project: str) -> None:
    """List a project's members and their roles."""
    with api_errors():
        members = client().projects.members(project)
    print_items(members, ["user", "role", "created_at"])


@members_app.command("update")
def update_member(
    project: str,
    user: str,
    role: Annotated[str, typer.Option(help="viewer, editor or admin.")],
) -> None:
    """Give a user a role in a project (adds them if needed)."""
    with api_errors():
        membership = client().projects.add_member(project, user, role)
    print_item(membership)


@members_app.command("delete")
def delete_member(project: str, user: str) -> None:
    """Remove a user from a project."""
    with api_errors():
        client().projects.remove_member(project, user)
    print_message(f"Removed [bold]{user}[/bold] from {project}.")
