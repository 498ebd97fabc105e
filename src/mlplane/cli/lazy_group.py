"""A command group that imports a command's module only when that command runs.

`mlplane --help` then costs the import of typer, not of every subsystem.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import typer
import typer.main
from typer.core import TyperGroup


@dataclass(frozen=True)
class LazyCommand:
    module: str
    attribute: str
    help: str


def _as_typer(name: str, target: typer.Typer | Callable[..., Any]) -> typer.Typer:
    if isinstance(target, typer.Typer):
        return target
    single = typer.Typer()
    single.command(name)(target)
    return single


class LazyGroup(TyperGroup):
    lazy_commands: ClassVar[dict[str, LazyCommand]] = {}

    def list_commands(self, ctx: Any) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        lazy = self.lazy_commands.get(cmd_name)
        if lazy is None:
            return super().get_command(ctx, cmd_name)
        target = getattr(importlib.import_module(lazy.module), lazy.attribute)
        command = typer.main.get_command(_as_typer(cmd_name, target))
        command.name = cmd_name
        return command

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        rows = [(name, self.lazy_commands[name].help) for name in sorted(self.lazy_commands)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)
