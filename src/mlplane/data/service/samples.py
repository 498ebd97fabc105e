"""A glimpse of what a version holds: its first rows, its first files."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
from sqlalchemy.orm import Session

from mlplane.core.artifacts import ArtifactStore
from mlplane.core.db import Database
from mlplane.core.errors import InvalidInput
from mlplane.data import storage
from mlplane.data.schemas.datasets import DatasetKind
from mlplane.data.schemas.sql import QueryOptions
from mlplane.data.schemas.versions import ManifestEntry
from mlplane.data.service.sql import run_query
from mlplane.data.service.versions import resolve_version
from mlplane.governance.schemas import Principal

MAX_SAMPLE_ROWS = 1000
SAMPLE_TIMEOUT_SECONDS = 30.0


def get_sample_rows(
    db: Database,
    artifacts: ArtifactStore,
    principal: Principal,
    project: str,
    dataset: str,
    version: int,
    limit: int,
) -> pa.Table:
    """The first `limit` rows of a table version, read like any SQL query over it."""
    if not 1 <= limit <= MAX_SAMPLE_ROWS:
        raise InvalidInput(f"limit: must be between 1 and {MAX_SAMPLE_ROWS}")
    with db.read() as session:
        resolved = resolve_version(session, principal, project, dataset, str(version))
    if resolved.dataset.kind != DatasetKind.TABLE.value:
        raise InvalidInput(f"dataset: {dataset!r} is a folder of files, not a table")
    reference = f"{resolved.dataset.name}@{resolved.version.number}"
    return run_query(
        db,
        artifacts,
        principal,
        project,
        f'SELECT * FROM "{reference}" LIMIT {limit}',
        QueryOptions(max_rows=limit, timeout_seconds=SAMPLE_TIMEOUT_SECONDS),
    ).table


@dataclass(frozen=True)
class FileListing:
    files: list[ManifestEntry]
    """The first files in path order."""
    total: int


def list_version_files(
    session: Session,
    principal: Principal,
    artifacts: ArtifactStore,
    project: str,
    dataset: str,
    version: int,
    limit: int,
) -> FileListing:
    """The first `limit` files of a version's manifest, and how many it lists in all."""
    resolved = resolve_version(session, principal, project, dataset, str(version))
    manifest = storage.read_manifest(
        artifacts, resolved.access.name, resolved.dataset.name, resolved.version.digest
    )
    ordered = sorted(manifest.files, key=lambda entry: entry.path)
    return FileListing(ordered[:limit], len(ordered))
