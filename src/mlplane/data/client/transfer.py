"""Moving files between a folder and a dataset's blobs, content-addressed both ways.

Pushing: scan the folder (reusing the previous manifest's hash of any file whose size and
mtime are unchanged), ask the platform which hashes it lacks, upload just those in packs.
Pulling: fetch the manifest, download in packs only the files the folder does not have.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from mlplane.client.errors import ApiError
from mlplane.client.transport import Transport
from mlplane.data import packs
from mlplane.data.client.progress import NoProgress, TransferProgress
from mlplane.data.manifest import hash_file
from mlplane.data.schemas.versions import ManifestEntry

PACK_BYTES = 32 << 20
PACK_FILES = 4000
MISSING_QUERY_SIZE = 50_000
COMPLETE_MARKER = ".mlplane-version"


@dataclass(frozen=True)
class LocalFile:
    entry: ManifestEntry
    location: str


def local_file(
    location: str | os.PathLike[str], relative: str, earlier: ManifestEntry | None = None
) -> LocalFile:
    """A file as a manifest entry; its hash is taken from `earlier` when size and mtime match."""
    return _entry(os.fspath(location), relative, os.stat(location), earlier)


def _entry(
    location: str, relative: str, stat: os.stat_result, earlier: ManifestEntry | None
) -> LocalFile:
    if earlier and earlier.size == stat.st_size and earlier.mtime_ns == stat.st_mtime_ns:
        digest = earlier.hash
    else:
        digest = hash_file(location)
    # Built from a stat and a hash just taken: nothing to validate, and folders are large.
    entry = ManifestEntry.model_construct(
        path=relative, size=stat.st_size, hash=digest, mtime_ns=stat.st_mtime_ns
    )
    return LocalFile(entry, location)


def _walk(folder: str, prefix: str) -> Iterator[tuple[str, os.DirEntry[str]]]:
    with os.scandir(folder) as found:
        for item in sorted(found, key=lambda item: item.name):
            if item.is_dir():
                yield from _walk(item.path, f"{prefix}{item.name}/")
            elif item.is_file():
                yield f"{prefix}{item.name}", item


def scan_folder(root: Path, previous: Iterable[ManifestEntry] = ()) -> list[LocalFile]:
    """Every file under `root` (hidden files included, the pull marker excluded), hashing only
    those whose size or mtime differ from the previous manifest's entry for the same path."""
    known = {entry.path: entry for entry in previous}
    return [
        _entry(item.path, relative, item.stat(), known.get(relative))
        for relative, item in _walk(os.fspath(root), "")
        if relative != COMPLETE_MARKER
    ]


def _base(project: str, dataset: str) -> str:
    return f"/api/v1/projects/{project}/datasets/{dataset}"


def find_missing(transport: Transport, project: str, dataset: str, hashes: list[str]) -> set[str]:
    missing: set[str] = set()
    unique = list(dict.fromkeys(hashes))
    for start in range(0, len(unique), MISSING_QUERY_SIZE):
        body = {"hashes": unique[start : start + MISSING_QUERY_SIZE]}
        answer = transport.json("POST", f"{_base(project, dataset)}/blobs/missing", json=body)
        missing.update(answer["hashes"])
    return missing


def _batches(files: list[LocalFile]) -> Iterator[list[LocalFile]]:
    batch: list[LocalFile] = []
    size = 0
    for item in files:
        if batch and (size + item.entry.size > PACK_BYTES or len(batch) >= PACK_FILES):
            yield batch
            batch, size = [], 0
        batch.append(item)
        size += item.entry.size
    if batch:
        yield batch


def _pack_body(batch: list[LocalFile]) -> Iterator[bytes]:
    for item in batch:
        with open(item.location, "rb") as handle:
            yield from packs.stream_blob(handle, item.entry.hash, item.entry.size)


def upload(
    transport: Transport,
    project: str,
    dataset: str,
    files: list[LocalFile],
    progress: TransferProgress | None = None,
    stored: Iterable[str] = (),
) -> int:
    """Upload the blobs the platform lacks; returns how many were sent. `stored` are hashes
    known to be there already (those of a committed version), so not even asked about."""
    progress = progress or NoProgress()
    skip = set(stored)
    asked = [item.entry.hash for item in files if item.entry.hash not in skip]
    missing = find_missing(transport, project, dataset, asked)
    unique: dict[str, LocalFile] = {}
    for item in files:
        if item.entry.hash in missing:
            unique.setdefault(item.entry.hash, item)
    to_send = list(unique.values())
    progress.start(
        f"Uploading to {dataset}", sum(item.entry.size for item in to_send), len(to_send)
    )
    done_bytes = done_files = 0
    try:
        for batch in _batches(to_send):
            transport.request(
                "POST",
                f"{_base(project, dataset)}/blobs",
                content=_pack_body(batch),
                headers={"Content-Type": packs.PACK_MEDIA_TYPE},
            )
            done_bytes += sum(item.entry.size for item in batch)
            done_files += len(batch)
            progress.advance(done_bytes, done_files)
    finally:
        progress.finish()
    return len(to_send)


def _matches(target: Path, entry: ManifestEntry) -> bool:
    try:
        stat = target.stat()
    except OSError:
        return False
    if stat.st_size != entry.size:
        return False
    return entry.mtime_ns == stat.st_mtime_ns or hash_file(target) == entry.hash


def _write(target: Path, data: Iterable[bytes]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in data:
                handle.write(chunk)
        os.replace(temporary, target)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def _stream_single(
    transport: Transport, project: str, dataset: str, digest: str, targets: list[Path]
) -> None:
    """A large blob streams to disk straight from the response."""
    path = f"{_base(project, dataset)}/blobs/{digest}"
    with transport.http.stream("GET", path) as response:
        if response.status_code >= 400:
            response.read()
            raise ApiError(response.status_code, response.text[:500])
        _write(targets[0], response.iter_bytes(1 << 20))
    for other in targets[1:]:
        other.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(targets[0], other)


def _download_pack(
    transport: Transport,
    project: str,
    dataset: str,
    batch: list[tuple[str, int]],
    targets: dict[str, list[Path]],
) -> None:
    body = {"hashes": [digest for digest, _ in batch]}
    response = transport.request("POST", f"{_base(project, dataset)}/blobs/download", json=body)
    stream = io.BytesIO(response.content)
    while (header := packs.read_header(stream)) is not None:
        digest, size = header
        first, *others = targets[digest]
        _write(first, packs.read_body(stream, size))
        for other in others:
            other.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(first, other)


def download(
    transport: Transport,
    project: str,
    dataset: str,
    entries: list[ManifestEntry],
    destination: Path,
    progress: TransferProgress | None = None,
    *,
    prune: bool = False,
) -> int:
    """Put the files of `entries` in `destination`; returns how many were fetched. Files
    already there with the right content are kept; with `prune`, files not listed are
    removed (for folders mlplane owns, such as its cache)."""
    progress = progress or NoProgress()
    destination.mkdir(parents=True, exist_ok=True)
    if prune:
        listed = {entry.path for entry in entries}
        for existing in [p for p in destination.rglob("*") if p.is_file()]:
            relative = existing.relative_to(destination).as_posix()
            if relative not in listed and relative != COMPLETE_MARKER:
                existing.unlink()
    targets: dict[str, list[Path]] = {}
    sizes: dict[str, int] = {}
    for entry in entries:
        target = destination / entry.path
        if not _matches(target, entry):
            targets.setdefault(entry.hash, []).append(target)
            sizes[entry.hash] = entry.size
    progress.start(f"Downloading {dataset}", sum(sizes.values()), len(sizes))
    done_bytes = done_files = 0
    batch: list[tuple[str, int]] = []
    batch_bytes = 0

    def flush() -> None:
        nonlocal batch, batch_bytes, done_bytes, done_files
        if batch:
            _download_pack(transport, project, dataset, batch, targets)
            done_bytes += batch_bytes
            done_files += len(batch)
            progress.advance(done_bytes, done_files)
        batch, batch_bytes = [], 0

    try:
        for digest, size in sizes.items():
            if size > PACK_BYTES:
                _stream_single(transport, project, dataset, digest, targets[digest])
                done_bytes += size
                done_files += 1
                progress.advance(done_bytes, done_files)
                continue
            if batch and (batch_bytes + size > PACK_BYTES or len(batch) >= PACK_FILES):
                flush()
            batch.append((digest, size))
            batch_bytes += size
        flush()
    finally:
        progress.finish()
    return len(sizes)


def mark_complete(destination: Path, digest: str) -> None:
    (destination / COMPLETE_MARKER).write_text(digest + "\n")


def is_complete(destination: Path, digest: str) -> bool:
    try:
        return (destination / COMPLETE_MARKER).read_text().strip() == digest
    except OSError:
        return False
