"""Where a run's code comes from: the script, and its git commit when in a repository."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

GIT_TIMEOUT = 5.0


@dataclass(frozen=True)
class Source:
    name: str
    type: str
    git_commit: str | None
    git_dirty: bool | None


def _git(folder: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(
            ["git", "-C", str(folder), *args],
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def git_state(folder: Path) -> tuple[str | None, bool | None]:
    """The HEAD commit and whether tracked files differ from it; (None, None) outside git."""
    commit = _git(folder, "rev-parse", "HEAD")
    if not commit:
        return None, None
    changes = _git(folder, "status", "--porcelain", "--untracked-files=no")
    return commit, None if changes is None else bool(changes)


def detect_source() -> Source:
    script = Path(sys.argv[0]).resolve() if sys.argv and sys.argv[0] else None
    in_notebook = "ipykernel" in sys.modules
    if script is not None and script.is_file() and not in_notebook:
        name, kind, folder = str(script), "LOCAL", script.parent
    else:
        name, kind, folder = "<interactive>", "NOTEBOOK" if in_notebook else "LOCAL", Path.cwd()
    commit, dirty = git_state(folder)
    return Source(name=name, type=kind, git_commit=commit, git_dirty=dirty)
