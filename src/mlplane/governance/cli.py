"""`mlplane users ...`, `mlplane tokens ...`, `mlplane audit ...`"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from mlplane.cli.context import client, options
from mlplane.cli.output import api_errors, print_item, print_items, print_json, print_message

users_app = typer.Typer(no_args_is_help=True, help="Manage users and service accounts.")
tokens_app = typer.Typer(no_args_is_help=True, help="Create, list and revoke API tokens.")
audit_app = typer.Typer(no_args_is_help=True, help="Search the audit log.")


@audit_app.callback()
def audit() -> None:
    """Search the audit log: who did what, where, when, and whether it was allowed."""


USER_COLUMNS = ["name", "kind", "is_admin", "disabled", "email", "created_at"]
TOKEN_COLUMNS = ["id", "name", "user", "prefix", "expires_at", "last_used_at", "revoked_at"]
AUDIT_COLUMNS = ["time", "actor", "action", "project", "outcome", "status_code", "client_address"]


@users_app.command("create")
def create_user(
    name: str,
    email: Annotated[str | None, typer.Option()] = None,
    display_name: Annotated[str, typer.Option()] = "",
    service: Annotated[bool, typer.Option("--service", help="A service account.")] = False,
    admin: Annotated[bool, typer.Option("--admin", help="A platform administrator.")] = False,
) -> None:
    """Create a user (administrators only)."""
    with api_errors():
        user = client().users.create(
            name,
            email=email,
            display_name=display_name,
            kind="service" if service else "human",
            is_admin=admin,
        )
    print_item(user)


@users_app.command("list")
def list_users() -> None:
    """List users (administrators only)."""
    with api_errors():
        users = client().users.list()
    print_items(users, USER_COLUMNS)


@users_app.command("get")
def get_user(name: str) -> None:
    """Show one user."""
    with api_errors():
        user = client().users.get(name)
    print_item(user)


@users_app.command("update")
def update_user(
    name: str,
    email: Annotated[str | None, typer.Option()] = None,
    admin: Annotated[bool | None, typer.Option("--admin/--no-admin")] = None,
    disabled: Annotated[bool | None, typer.Option("--disabled/--enabled")] = None,
) -> None:
    """Change a user: email, administrator flag, disabled."""
    changes = {"email": email, "is_admin": admin, "disabled": disabled}
    with api_errors():
        user = client().users.update(
            name, **{key: value for key, value in changes.items() if value is not None}
        )
    print_item(user)


@users_app.command("me")
def whoami() -> None:
    """Show who this CLI acts as."""
    with api_errors():
        user = client().users.me()
    print_item(user)


@tokens_app.command("create")
def create_token(
    name: str,
    user: Annotated[str | None, typer.Option(help="For another user (administrators).")] = None,
    expires_in_days: Annotated[int | None, typer.Option()] = None,
    scope: Annotated[
        list[str] | None,
        typer.Option(
            help="Repeatable: project:NAME, deployment:NAME, deployment:PROJECT/NAME, "
            "deployment:* or api:read."
        ),
    ] = None,
    rate_limit: Annotated[
        str | None,
        typer.Option(
            help="Gateway calls allowed: 50/s, 600/m or 3600/h (a bare 50 is per second)."
        ),
    ] = None,
    burst: Annotated[
        int | None, typer.Option(help="Calls allowed at once (default: one second's worth).")
    ] = None,
) -> None:
    """Create a token. Its secret is printed once and never again.

    An application's token: `mlplane tokens create app-x --scope deployment:churn
    --rate-limit 20/s`.
    """
    per_second = _per_second(rate_limit) if rate_limit is not None else None
    if burst is not None and per_second is None:
        raise typer.BadParameter("--burst needs --rate-limit", param_hint="--burst")
    with api_errors():
        token = client().tokens.create(
            name,
            user=user,
            expires_in_days=expires_in_days,
            scopes=scope,
            rate_limit=per_second,
            burst=burst,
        )
    if options().output == "json":
        print_json(token)
        return
    print_message(f"Token [bold]{token.name}[/bold] for {token.user} (id {token.id}).")
    print_message("Copy it now; it is not shown again:")
    typer.echo(token.secret)


_SECONDS_PER_UNIT = {"s": 1.0, "m": 60.0, "h": 3600.0}


def _per_second(text: str) -> float:
    """`50/s`, `600/m`, `3600/h` or a bare `50` as requests per second."""
    count, _, unit = text.strip().partition("/")
    try:
        value = float(count)
    except ValueError:
        value = 0.0
    seconds = _SECONDS_PER_UNIT.get(unit.strip() or "s")
    if value <= 0 or seconds is None:
        raise typer.BadParameter(
            f"{text!r} is not a rate: write e.g. 50/s, 600/m or 3600/h", param_hint="--rate-limit"
        )
    return value / seconds


@tokens_app.command("list")
def list_tokens(user: Annotated[str | None, typer.Option()] = None) -> None:
    """List tokens (yours, or everyone's for administrators)."""
    with api_errors():
        tokens = client().tokens.list(user=user)
    print_items(tokens, TOKEN_COLUMNS)


@tokens_app.command("delete")
def delete_token(token_id: str) -> None:
    """Revoke a token: it stops working at once."""
    with api_errors():
        token = client().tokens.delete(token_id)
    print_message(f"Revoked token [bold]{token.name}[/bold] ({token.id}).")


@audit_app.command("list")
def list_audit(
    actor: Annotated[str | None, typer.Option()] = None,
    action: Annotated[str | None, typer.Option(help="Action name or prefix.")] = None,
    project: Annotated[str | None, typer.Option()] = None,
    outcome: Annotated[str | None, typer.Option(help="success, denied or failure.")] = None,
    since: Annotated[datetime | None, typer.Option()] = None,
    until: Annotated[datetime | None, typer.Option()] = None,
    limit: Annotated[int, typer.Option()] = 50,
) -> None:
    """Newest audit events first."""
    with api_errors():
        events = client().audit.list(
            actor=actor,
            action=action,
            project=project,
            outcome=outcome,
            since=since,
            until=until,
            limit=limit,
        )
    print_items(events, AUDIT_COLUMNS)
