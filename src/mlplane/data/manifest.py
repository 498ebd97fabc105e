"""Content addresses: hashing files and a version's manifest, shared by the SDK and the server.

A blob's address is the sha256 of its bytes. A version's digest is the sha256 over its
manifest's sorted paths, sizes and hashes, so the same content always has the same digest
however it was produced, and client-side `mtime_ns` never changes it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from mlplane.core.errors import InvalidInput
from mlplane.data.schemas.versions import ManifestEntry

HASH_ALGORITHM = "sha256"
CHUNK_SIZE = 1 << 20


def hash_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def hash_file(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK_SIZE):
            digest.update(chunk)
    return digest.hexdigest()


def manifest_digest(entries: Iterable[ManifestEntry]) -> str:
    digest = hashlib.sha256()
    for entry in sorted(entries, key=lambda item: item.path):
        digest.update(f"{entry.path}\0{entry.size}\0{entry.hash}\n".encode())
    return digest.hexdigest()


def check_entry_path(path: str) -> str:
    """A manifest path: relative, `/`-separated, no `.` or `..` parts, no empty parts."""
    parts = path.split("/")
    if path.startswith("/") or "\\" in path or any(part in ("", ".", "..") for part in parts):
        raise InvalidInput(f"files: {path!r} is not a clean relative path")
    return path


def check_manifest(entries: list[ManifestEntry]) -> list[ManifestEntry]:
    """Entries sorted by path, after refusing unclean and duplicate paths."""
    ordered = sorted(entries, key=lambda item: item.path)
    previous = None
    for entry in ordered:
        check_entry_path(entry.path)
        if entry.path == previous:
            raise InvalidInput(f"files: {entry.path!r} is listed twice")
        previous = entry.path
    return ordered
