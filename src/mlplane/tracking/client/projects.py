"""Which project tracking calls use when none is named."""

from __future__ import annotations

import os

DEFAULT_PROJECT = "default"


def default_project(project: str | None = None) -> str:
    """The given project, else `MLPLANE_PROJECT`, else "default"."""
    return project or os.environ.get("MLPLANE_PROJECT") or DEFAULT_PROJECT
