"""A run's artifacts as the run page browses them: one folder listed, one file previewed."""

from __future__ import annotations

import contextlib
import json
import mimetypes
import posixpath
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote, urlencode

from mlplane.core.artifacts import ArtifactStore, check_relative_path
from mlplane.tracking import service as tracking
from mlplane.tracking.schemas import ArtifactEntry

PREVIEW_BYTES = 128 * 1024
"""Text beyond this is cut off in the preview; the download has all of it."""
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml"})
TEXT_TYPES = frozenset(
    {"application/json", "application/xml", "application/yaml", "application/toml"}
)
TEXT_SUFFIXES = frozenset(
    {".txt", ".log", ".md", ".csv", ".tsv", ".yaml", ".yml", ".toml", ".cfg", ".ini", ".py"}
)


@dataclass(frozen=True)
class Preview:
    path: str
    kind: Literal["image", "text", "binary"]
    text: str = ""
    truncated: bool = False


@dataclass(frozen=True)
class ArtifactFolder:
    path: str
    entries: list[ArtifactEntry]
    crumbs: list[tuple[str, str]]
    """(name, path) of each folder from the root down to this one."""
    preview: Preview | None


def name_of(path: str) -> str:
    return posixpath.basename(path)


def format_size(size: int | None) -> str:
    if size is None:
        return "—"
    amount = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if amount < 1024 or unit == "GB":
            return f"{amount:.0f} {unit}" if unit == "B" else f"{amount:.1f} {unit}"
        amount /= 1024
    raise AssertionError("unreachable")


def download_path(project: str, run_id: str, path: str) -> str:
    return f"/projects/{project}/runs/{run_id}/artifacts/{quote(path)}"


def browse_path(project: str, run_id: str, folder: str, file: str | None = None) -> str:
    query = {"path": folder, **({"file": file} if file else {})}
    return f"/projects/{project}/runs/{run_id}/artifacts?{urlencode(query)}"


def _crumbs(folder: str) -> list[tuple[str, str]]:
    parts = folder.split("/") if folder else []
    return [(part, "/".join(parts[: index + 1])) for index, part in enumerate(parts)]


def _kind(path: str) -> Literal["image", "text", "binary"]:
    media_type = mimetypes.guess_type(path)[0] or ""
    if media_type in IMAGE_TYPES:
        return "image"
    if (
        media_type.startswith("text/")
        or media_type in TEXT_TYPES
        or posixpath.splitext(path)[1].lower() in TEXT_SUFFIXES
        or not posixpath.splitext(path)[1]
    ):
        return "text"
    return "binary"


def _readable(data: bytes) -> str | None:
    """The bytes as text, or None when they look binary."""
    if b"\0" in data:
        return None
    # A cut may fall inside a multi-byte character: drop only that broken tail.
    text = data.decode("utf-8", errors="replace")
    return None if "\ufffd" in text[:-1] else text.removesuffix("\ufffd")


def preview_file(store: ArtifactStore, root: str, path: str) -> Preview:
    kind = _kind(path)
    if kind != "text":
        return Preview(path, kind)
    with tracking.open_artifact(store, root, path) as handle:
        data = handle.read(PREVIEW_BYTES + 1)
    truncated = len(data) > PREVIEW_BYTES
    text = _readable(data[:PREVIEW_BYTES])
    if text is None:
        return Preview(path, "binary")
    if path.lower().endswith(".json") and not truncated:
        # Invalid JSON is shown as it is: the file is what the run logged.
        with contextlib.suppress(ValueError):
            text = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    return Preview(path, "text", text, truncated)


def browse(store: ArtifactStore, root: str, folder: str, file: str | None) -> ArtifactFolder:
    folder = check_relative_path(folder)
    preview = preview_file(store, root, check_relative_path(file)) if file else None
    return ArtifactFolder(
        path=folder,
        entries=tracking.list_artifacts(store, root, folder),
        crumbs=_crumbs(folder),
        preview=preview,
    )
