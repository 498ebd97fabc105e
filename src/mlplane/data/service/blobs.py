"""The upload protocol's server side: which blobs are missing, and recording uploaded ones.

A client sends a version's manifest hashes, uploads only the blobs this answers as missing
(in packs), then commits the version; see `versions.create_version`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO

from sqlalchemy.orm import Session

from mlplane.core.artifacts import ArtifactStore
from mlplane.core.clock import utcnow
from mlplane.core.db import Database
from mlplane.core.errors import NotFound
from mlplane.data import storage
from mlplane.data.schemas.versions import BlobsStored
from mlplane.data.service.datasets import resolve_dataset
from mlplane.data.storage import StoredBlob
from mlplane.data.store import versions as store
from mlplane.governance.schemas import Principal, Role


@dataclass(frozen=True)
class BlobTarget:
    """Where a caller may read or write blobs: checked once, before any bytes move."""

    project: str
    dataset: str
    dataset_id: str


def authorize_upload(
    session: Session, principal: Principal, project: str, dataset: str
) -> BlobTarget:
    access, row = resolve_dataset(session, principal, project, dataset, Role.EDITOR, for_write=True)
    return BlobTarget(access.name, row.name, row.id)


def find_missing_blobs(
    session: Session, principal: Principal, project: str, dataset: str, hashes: list[str]
) -> list[str]:
    target = authorize_upload(session, principal, project, dataset)
    known = store.known_blobs(session, target.dataset_id, hashes)
    return [digest for digest in dict.fromkeys(hashes) if digest not in known]


def record_blobs(session: Session, target: BlobTarget, blobs: list[StoredBlob]) -> None:
    store.add_blobs(session, target.dataset_id, ((b.hash, b.size) for b in blobs), utcnow())


def authorize_download(
    session: Session, principal: Principal, project: str, dataset: str, hashes: list[str]
) -> tuple[BlobTarget, list[tuple[str, int]]]:
    """The blobs to stream, with their sizes; every one must belong to the dataset."""
    access, row = resolve_dataset(session, principal, project, dataset)
    known = store.known_blobs(session, row.id, hashes)
    for digest in hashes:
        if digest not in known:
            raise NotFound(f"dataset {dataset!r} has no blob {digest}")
    return BlobTarget(access.name, row.name, row.id), [(digest, known[digest]) for digest in hashes]


def store_blob_pack(
    db: Database, artifacts: ArtifactStore, target: BlobTarget, pack: IO[bytes]
) -> BlobsStored:
    """Write a pack's blobs to the store, then record them; a blob whose bytes do not match
    its hash refuses the pack (blobs before it are kept: they are valid and addressable)."""
    received = storage.store_pack(artifacts, target.project, target.dataset, pack)
    with db.write() as session:
        record_blobs(session, target, received)
    return BlobsStored(stored=len(received), bytes=sum(blob.size for blob in received))


def stream_blobs(
    artifacts: ArtifactStore, target: BlobTarget, blobs: list[tuple[str, int]]
) -> Iterable[bytes]:
    return storage.iter_pack(artifacts, target.project, target.dataset, blobs)


def open_blob(artifacts: ArtifactStore, target: BlobTarget, digest: str) -> IO[bytes]:
    return artifacts.open(storage.blob_path(target.project, target.dataset, digest))
