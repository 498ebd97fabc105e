"""Printing results: Rich tables for people, JSON for scripts (`--output json`)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import typer
from pydantic import BaseModel

from mlplane.cli.context import options


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return str(value.isoformat(timespec="seconds"))
    if isinstance(value, dict):
        return ", ".join(f"{key}={item}" for key, item in value.items())
    if hasattr(value, "value"):
        return str(value.value)
    return str(value)


def print_items(
    items: Sequence[BaseModel], columns: Sequence[str], title: str | None = None
) -> None:
    if options().output == "json":
        print_json(list(items))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, header_style="bold")
    for column in columns:
        table.add_column(column)
    for item in items:
        table.add_row(*(_cell(getattr(item, column)) for column in columns))
    Console().print(table)


def print_item(item: BaseModel, fields: Sequence[str] | None = None) -> None:
    if options().output == "json":
        print_json(item)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column()
    data = item.model_dump()
    for key in fields or list(data):
        table.add_row(key, _cell(getattr(item, key)))
    Console().print(table)


def print_json(value: Any) -> None:
    json.dump(_plain(value), sys.stdout, indent=2, default=str)
    sys.stdout.write("\n")


def print_message(message: str) -> None:
    if options().output != "json":
        from rich.console import Console

        Console(stderr=True).print(message)


@contextmanager
def api_errors() -> Iterator[None]:
    """Turn the platform's problem details into a one-line error and exit code 1."""
    from mlplane.client.errors import ApiError

    try:
        yield
    except ApiError as error:
        typer.secho(f"Error: {error.detail}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from error
