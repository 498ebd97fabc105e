"""What a connector is: a source that reads into a table (or files) for one new version."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pyarrow as pa

from mlplane.data.schemas.datasets import DatasetKind

PROBLEMS_SHOWN = 20


class ConnectorError(Exception):
    """A source could not be read; `problems` says where (file and line, page, query)."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        self.problems = problems or []
        shown = self.problems[:PROBLEMS_SHOWN]
        more = len(self.problems) - len(shown)
        detail = "".join(f"\n  {problem}" for problem in shown)
        if more > 0:
            detail += f"\n  ... and {more} more"
        super().__init__(message + detail)


@dataclass
class Batch:
    """What one read produced.

    `table` for a table dataset, or `files` ((relative path, local file) pairs) for a folder.
    `append` means the rows come after those of the latest version (an incremental read);
    otherwise they are the whole content. `cursor` is where the next read resumes.
    """

    table: pa.Table | None = None
    files: list[tuple[str, Path]] = field(default_factory=list)
    append: bool = False
    cursor: Any = None


class Source(Protocol):
    kind: str

    def describe(self) -> dict[str, Any]:
        """The source without any secret: what an ingestion record keeps."""
        ...

    def read(self, cursor: Any, workdir: Path, kind: DatasetKind) -> Batch | None:
        """Read what is new since `cursor` (None: everything); None when nothing is new."""
        ...
