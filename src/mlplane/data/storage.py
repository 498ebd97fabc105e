"""Where datasets live in the artifact store.

    datasets/<project>/<dataset>/blobs/<sha256>            file contents, content-addressed
    datasets/<project>/<dataset>/manifests/<digest>.json   a version's file list

Blobs are written before the version that lists them is committed, so a version row never
points at missing bytes; a blob no version lists yet is harmless and is reused by the next
upload of the same content.
"""

from __future__ import annotations

import hashlib
import io
import json
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import IO

from mlplane.core.artifacts import ArtifactStore
from mlplane.core.errors import InvalidInput
from mlplane.data import packs
from mlplane.data.engine.sources import TableSource
from mlplane.data.schemas.versions import Manifest, ManifestEntry

SPOOL_LIMIT = 8 << 20
WRITERS = 8


def dataset_root(project: str, dataset: str) -> str:
    return f"datasets/{project}/{dataset}"


def blob_path(project: str, dataset: str, digest: str) -> str:
    return f"{dataset_root(project, dataset)}/blobs/{digest}"


def manifest_path(project: str, dataset: str, digest: str) -> str:
    return f"{dataset_root(project, dataset)}/manifests/{digest}.json"


def write_manifest(
    store: ArtifactStore, project: str, dataset: str, digest: str, files: list[ManifestEntry]
) -> None:
    path = manifest_path(project, dataset, digest)
    # The entries were validated when the version's request was read.
    manifest = Manifest.model_construct(files=files)
    store.put_bytes(path, manifest.model_dump_json(exclude_none=True).encode())


class _ManifestCache:
    """Recently read manifests. A manifest's address is its content's digest, so a cached
    one can never be stale."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._found: OrderedDict[str, Manifest] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Manifest | None:
        with self._lock:
            found = self._found.get(key)
            if found is not None:
                self._found.move_to_end(key)
            return found

    def put(self, key: str, manifest: Manifest) -> None:
        with self._lock:
            self._found[key] = manifest
            while len(self._found) > self._size:
                self._found.popitem(last=False)


_MANIFESTS = _ManifestCache(size=32)


def read_manifest(store: ArtifactStore, project: str, dataset: str, digest: str) -> Manifest:
    key = store.url(manifest_path(project, dataset, digest))
    found = _MANIFESTS.get(key)
    if found is None:
        found = Manifest.model_validate_json(read_manifest_bytes(store, project, dataset, digest))
        _MANIFESTS.put(key, found)
    return found


def read_blob_sizes(
    store: ArtifactStore, project: str, dataset: str, digest: str
) -> dict[str, int]:
    """hash -> size of a committed manifest's files, read without re-validating each entry."""
    files = json.loads(read_manifest_bytes(store, project, dataset, digest))["files"]
    return {entry["hash"]: entry["size"] for entry in files}


def read_manifest_bytes(store: ArtifactStore, project: str, dataset: str, digest: str) -> bytes:
    """The manifest as stored: JSON of a `Manifest`, written once when its version was made."""
    return store.get_bytes(manifest_path(project, dataset, digest))


@dataclass(frozen=True)
class StoredBlob:
    hash: str
    size: int


def _verified(digest: str, chunks: Iterable[bytes], sink: IO[bytes]) -> None:
    hasher = hashlib.sha256()
    for chunk in chunks:
        hasher.update(chunk)
        sink.write(chunk)
    if hasher.hexdigest() != digest:
        raise InvalidInput(f"blob {digest}: its bytes hash to {hasher.hexdigest()}")


def store_pack(
    store: ArtifactStore, project: str, dataset: str, stream: IO[bytes]
) -> list[StoredBlob]:
    """Write every blob of a pack whose bytes match its hash; refuse the pack at the first
    mismatch. Rewriting a blob the store holds already is harmless: same address, same bytes.

    Small blobs are written side by side: creating many small files (or objects) is
    latency-bound, not bandwidth-bound."""
    received: list[StoredBlob] = []
    with ThreadPoolExecutor(max_workers=WRITERS) as writers:
        pending = []
        while (header := packs.read_header(stream)) is not None:
            digest, size = header
            if size <= SPOOL_LIMIT:
                buffer = io.BytesIO()
                _verified(digest, packs.read_body(stream, size), buffer)
                path = blob_path(project, dataset, digest)
                pending.append(writers.submit(store.put_bytes, path, buffer.getvalue()))
            else:
                with tempfile.SpooledTemporaryFile(max_size=SPOOL_LIMIT) as spool:
                    _verified(digest, packs.read_body(stream, size), spool)  # type: ignore[arg-type]
                    spool.seek(0)
                    store.put_stream(blob_path(project, dataset, digest), spool)  # type: ignore[arg-type]
            received.append(StoredBlob(digest, size))
        for future in pending:
            future.result()
    return received


def iter_pack(
    store: ArtifactStore, project: str, dataset: str, blobs: Iterable[tuple[str, int]]
) -> Iterable[bytes]:
    """Stream blobs as a pack, reading each from the store as it goes."""
    for digest, size in blobs:
        with store.open(blob_path(project, dataset, digest)) as handle:
            yield from packs.stream_blob(handle, digest, size)


def table_source(
    store: ArtifactStore, project: str, dataset: str, entries: Iterable[ManifestEntry]
) -> TableSource:
    """How DuckDB reaches a table version's Parquet parts: local paths, or object-store paths
    read through the store's filesystem."""
    listed = list(entries)
    names = tuple(entry.path for entry in listed)
    if store.is_local:
        paths = tuple(store.url(blob_path(project, dataset, entry.hash)) for entry in listed)
        return TableSource(paths, None, names)
    paths = tuple(f"{store.root}/{blob_path(project, dataset, entry.hash)}" for entry in listed)
    return TableSource(paths, store.fs, names)
