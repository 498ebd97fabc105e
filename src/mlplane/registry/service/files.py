"""A version's files in the artifact store. Transfers happen outside any transaction."""

from __future__ import annotations

from typing import IO

from mlplane.core.artifacts import ArtifactStore, check_relative_path
from mlplane.core.errors import InvalidInput
from mlplane.registry.schemas import FileEntry, FileWritten


def _inside(root: str, path: str) -> str:
    relative = check_relative_path(path)
    return f"{root}/{relative}" if relative else root


def list_files(
    store: ArtifactStore, root: str, path: str = "", *, recursive: bool = False
) -> list[FileEntry]:
    folder = _inside(root, path)
    prefix = len(check_relative_path(root)) + 1
    infos = store.walk(folder) if recursive else store.list(folder)
    return [
        FileEntry(path=info.path[prefix:], is_dir=info.is_dir, size=info.size) for info in infos
    ]


def open_file(store: ArtifactStore, root: str, path: str) -> IO[bytes]:
    if not check_relative_path(path):
        raise InvalidInput("path: name a file inside the version's folder")
    return store.open(_inside(root, path))


def upload_file(store: ArtifactStore, root: str, path: str, stream: IO[bytes]) -> FileWritten:
    relative = check_relative_path(path)
    if not relative:
        raise InvalidInput("path: name a file inside the version's folder")
    size = store.put_stream(f"{root}/{relative}", stream)
    return FileWritten(path=relative, size=size)
