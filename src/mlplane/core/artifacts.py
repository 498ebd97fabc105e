"""The artifact store: files under one root URL, through fsspec.

The root is a local folder by default and any fsspec URL at scale (`s3://bucket/prefix`).
Writes are atomic: a local file is written beside its target and renamed into place; an
object store's PUT is atomic by itself.
"""

from __future__ import annotations

import os
import posixpath
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import fsspec

from mlplane.core.errors import InvalidInput, NotFound


@dataclass(frozen=True)
class ArtifactInfo:
    path: str
    is_dir: bool
    size: int | None


def _split_url(url: str) -> tuple[str, str]:
    if "://" in url:
        protocol, rest = url.split("://", 1)
        return protocol, rest.rstrip("/")
    return "file", str(Path(url).expanduser().resolve())


def check_relative_path(path: str) -> str:
    """Reject paths that could escape the artifact root: any `..` part is refused outright."""
    parts = [part for part in path.replace("\\", "/").split("/") if part not in ("", ".")]
    if ".." in parts:
        raise InvalidInput(f"artifact path {path!r} must not contain '..'")
    return "/".join(parts)


class ArtifactStore:
    def __init__(self, root: str, s3_endpoint_url: str | None = None) -> None:
        self.protocol, self.root = _split_url(root)
        options: dict[str, Any] = {}
        if self.protocol == "s3" and s3_endpoint_url:
            options["client_kwargs"] = {"endpoint_url": s3_endpoint_url}
        if self.protocol == "file":
            options["auto_mkdir"] = True
        self.fs = fsspec.filesystem(self.protocol, **options)
        self.is_local = self.protocol == "file"

    def _full(self, path: str) -> str:
        relative = check_relative_path(path)
        return f"{self.root}/{relative}" if relative else self.root

    def url(self, path: str) -> str:
        full = self._full(path)
        return full if self.is_local else f"{self.protocol}://{full}"

    def put_bytes(self, path: str, data: bytes) -> None:
        full = self._full(path)
        if self.is_local:
            self._write_local_atomically(full, lambda handle: handle.write(data))
        else:
            self.fs.pipe_file(full, data)

    def put_stream(self, path: str, stream: IO[bytes], chunk_size: int = 1 << 20) -> int:
        """Copy a readable stream into the store; returns the number of bytes written."""
        full = self._full(path)
        written = 0

        def copy(handle: IO[bytes]) -> None:
            nonlocal written
            while chunk := stream.read(chunk_size):
                handle.write(chunk)
                written += len(chunk)

        if self.is_local:
            self._write_local_atomically(full, copy)
        else:
            with self.fs.open(full, "wb") as handle:
                copy(handle)
        return written

    def put_file(self, local_path: str | Path, path: str) -> None:
        with open(local_path, "rb") as stream:
            self.put_stream(path, stream)

    def _write_local_atomically(self, full: str, write: Any) -> None:
        directory = os.path.dirname(full)
        os.makedirs(directory, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=directory, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                write(handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, full)
        except BaseException:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise

    def get_bytes(self, path: str) -> bytes:
        full = self._full(path)
        try:
            data: bytes = self.fs.cat_file(full)
        except (FileNotFoundError, IsADirectoryError) as error:
            raise NotFound(f"artifact {path!r} does not exist") from error
        return data

    def open(self, path: str) -> IO[bytes]:
        full = self._full(path)
        if not self.fs.isfile(full):
            raise NotFound(f"artifact {path!r} does not exist")
        handle: IO[bytes] = self.fs.open(full, "rb")
        return handle

    def exists(self, path: str) -> bool:
        return bool(self.fs.exists(self._full(path)))

    def list(self, path: str = "") -> list[ArtifactInfo]:
        """The direct children of a folder, folders first."""
        full = self._full(path)
        if not self.fs.exists(full):
            return []
        if self.fs.isfile(full):
            raise InvalidInput(f"artifact path {path!r} is a file, not a folder")
        entries = []
        prefix_length = len(self.root) + 1
        for entry in self.fs.ls(full, detail=True):
            name = entry["name"].rstrip("/")
            relative = name[prefix_length:] if name.startswith(self.root) else name
            if posixpath.basename(relative).startswith(".tmp-"):
                continue
            is_dir = entry["type"] == "directory"
            entries.append(ArtifactInfo(relative, is_dir, None if is_dir else entry.get("size")))
        return sorted(entries, key=lambda info: (not info.is_dir, info.path))

    def walk(self, path: str = "") -> Iterator[ArtifactInfo]:
        """Every file under a folder, recursively."""
        for info in self.list(path):
            if info.is_dir:
                yield from self.walk(info.path)
            else:
                yield info

    def delete(self, path: str) -> None:
        full = self._full(path)
        if self.fs.exists(full):
            self.fs.rm(full, recursive=True)
