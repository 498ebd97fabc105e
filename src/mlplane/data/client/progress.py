"""How a push or pull reports progress; the CLI shows it as a Rich progress bar."""

from __future__ import annotations

from typing import Protocol


class TransferProgress(Protocol):
    def start(self, description: str, total_bytes: int, total_files: int) -> None: ...

    def advance(self, done_bytes: int, done_files: int) -> None: ...

    def finish(self) -> None: ...


class NoProgress:
    def start(self, description: str, total_bytes: int, total_files: int) -> None:
        pass

    def advance(self, done_bytes: int, done_files: int) -> None:
        pass

    def finish(self) -> None:
        pass
