"""What the data commands share: the project option, parsing, progress bars."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from mlplane.cli.context import options

ProjectOption = Annotated[
    str,
    typer.Option("--project", "-p", envvar="MLPLANE_PROJECT", help="Project (or MLPLANE_PROJECT)."),
]


def split_ref(ref: str) -> tuple[str, str]:
    """`sales@3` -> ("sales", "3"); `sales` -> ("sales", "latest")."""
    name, separator, version = ref.partition("@")
    return name, (version or "latest") if separator else "latest"


def parse_json_argument(text: str, what: str) -> Any:
    """JSON given inline, or `@file.json`."""
    try:
        raw = Path(text[1:]).read_text() if text.startswith("@") else text
        return json.loads(raw)
    except (OSError, ValueError) as error:
        raise typer.BadParameter(f"{what} must be JSON or @file.json: {error}") from error


class RichProgress:
    """A transfer's progress as a Rich bar on stderr; silent for `--output json`."""

    def __init__(self) -> None:
        self._progress: Any = None
        self._task: Any = None
        self._files = 0

    def start(self, description: str, total_bytes: int, total_files: int) -> None:
        if options().output == "json" or total_files == 0:
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        self._files = total_files
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TextColumn("{task.fields[files]}"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._progress.start()
        self._task = self._progress.add_task(
            description, total=max(total_bytes, 1), files=f"0/{total_files} files"
        )

    def advance(self, done_bytes: int, done_files: int) -> None:
        if self._progress is not None:
            self._progress.update(
                self._task, completed=done_bytes, files=f"{done_files}/{self._files} files"
            )

    def finish(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
