"""Options and argument parsers every command group shares."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

import typer

from mlplane.cli.context import options, set_options

OutputOption = Annotated[
    str | None, typer.Option("--output", "-o", help="table or json (overrides the global one).")
]


def use_output(output: str | None) -> None:
    """Apply a command's own `--output`, which wins over the global one."""
    if output is not None:
        if output not in ("table", "json"):
            raise typer.BadParameter("--output must be 'table' or 'json'")
        set_options(replace(options(), output=output))


def parse_tags(tags: list[str] | None) -> dict[str, str]:
    """`["team=risk", "stage=prod"]` -> {"team": "risk", "stage": "prod"}."""
    parsed = {}
    for tag in tags or []:
        key, separator, value = tag.partition("=")
        if not separator:
            raise typer.BadParameter(f"tag {tag!r} must be KEY=VALUE")
        parsed[key] = value
    return parsed
