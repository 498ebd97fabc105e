"""File checksums: recorded at save time, every file checked before a model loads.

`VerifiedFolder` reads each listed file once and compares its SHA-256 and size with the
manifest. It keeps the bytes of the files a flavor deserializes itself (pickles, ONNX graphs),
so the flavor loads exactly the bytes that were checked: a file swapped between the check
and the load is never used. A file that differs, is missing, is not listed, or escapes the
folder is reported by name.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Collection
from pathlib import Path

from mlplane.core.artifacts import check_relative_path
from mlplane.core.errors import InvalidInput
from mlplane.registry.packaging.manifest import MANIFEST_FILE, ModelFile, ModelManifest

_STREAM_CHUNK = 4 << 20


class ModelIntegrityError(InvalidInput):
    """A model file does not match the checksum its manifest records."""

    code = "model_integrity"


def _digest_file(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_STREAM_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def describe_files(directory: Path) -> list[ModelFile]:
    """Every file under a model folder (the manifest aside), with its SHA-256 and size."""
    entries = []
    for path in sorted(directory.rglob("*")):
        if not path.is_file() or (path.name == MANIFEST_FILE and path.parent == directory):
            continue
        sha256, size = _digest_file(path)
        entries.append(
            ModelFile(path=path.relative_to(directory).as_posix(), sha256=sha256, size=size)
        )
    return entries


class VerifiedFolder:
    """A model folder whose files have all been checked against the manifest."""

    def __init__(
        self, directory: Path, manifest: ModelManifest, hold: Collection[str] = ()
    ) -> None:
        """Check every listed file; keep the bytes of those in `hold` for the flavor to load."""
        self.directory = directory
        self.manifest = manifest
        self._held: dict[str, bytes] = {}
        for entry in manifest.files:
            self._location(entry.path)
        self._refuse_unlisted_files()
        for entry in manifest.files:
            self._verify(entry, keep=entry.path in hold)

    def _refuse_unlisted_files(self) -> None:
        # A loader that reads a whole folder must not pick up a file slipped in beside it.
        listed = {entry.path for entry in self.manifest.files}
        for root, _, names in os.walk(self.directory):
            folder = Path(root).relative_to(self.directory).as_posix()
            for name in names:
                relative = name if folder == "." else f"{folder}/{name}"
                if relative != MANIFEST_FILE and relative not in listed:
                    raise ModelIntegrityError(
                        f"model file {relative!r} is not listed in the manifest", file=relative
                    )

    def _location(self, relative: str) -> Path:
        cleaned = check_relative_path(relative)
        if not cleaned or cleaned != relative.replace("\\", "/").strip("/"):
            raise ModelIntegrityError(f"model file path {relative!r} is not allowed", file=relative)
        return self.directory / cleaned

    def _verify(self, entry: ModelFile, keep: bool) -> None:
        location = self._location(entry.path)
        try:
            size = location.stat().st_size
        except FileNotFoundError as error:
            raise ModelIntegrityError(
                f"model file {entry.path!r} is missing", file=entry.path
            ) from error
        if size != entry.size:
            raise ModelIntegrityError(
                f"model file {entry.path!r} is {size} bytes, the manifest says {entry.size}: "
                "it is corrupted or was tampered with",
                file=entry.path,
            )
        if keep:
            data: bytes | None = location.read_bytes()
            assert data is not None
            digest = hashlib.sha256(data).hexdigest()
        else:
            digest, _ = _digest_file(location)
            data = None
        if digest != entry.sha256:
            raise ModelIntegrityError(
                f"model file {entry.path!r} does not match its SHA-256 checksum: it is "
                "corrupted or was tampered with",
                file=entry.path,
            )
        if data is not None:
            self._held[entry.path] = data

    def path(self, relative: str) -> Path:
        """Where a checked file (or folder of checked files) lies."""
        return self._location(relative)

    def read_bytes(self, relative: str) -> bytes:
        """The checked bytes of a listed file (read once; handed over, then forgotten)."""
        self.manifest.file(relative)
        data = self._held.pop(relative, None)
        if data is None:
            raise InvalidInput(f"model file {relative!r} was not read for loading", file=relative)
        return data

    def release(self) -> None:
        self._held.clear()
