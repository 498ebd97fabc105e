"""`ingest`: run a connector into a dataset, as one step a pipeline can call.

Every run is recorded as an ingestion. The new version is committed only after the whole
source was read and converted; a source that fails (a malformed file, a dead database)
records a failed ingestion and leaves the latest version as it was.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from mlplane.core.clock import utcnow
from mlplane.data.client.staging import part_name, write_part
from mlplane.data.client.transfer import LocalFile, local_file
from mlplane.data.connectors.base import Batch, Source
from mlplane.data.connectors.cursors import dump_cursor, load_cursor
from mlplane.data.schemas.datasets import DatasetKind
from mlplane.data.schemas.ingestions import IngestionCreate, IngestionStatus
from mlplane.data.schemas.versions import DatasetVersion, Lineage, ManifestEntry, VersionCreated

if TYPE_CHECKING:
    from mlplane.client.client import Client
    from mlplane.data.client.datasets import Datasets


def _last_cursor(datasets: Datasets, project: str, dataset: str) -> object:
    for ingestion in datasets.list_ingestions(dataset, project=project, limit=50):
        if ingestion.status is not IngestionStatus.FAILED:
            return ingestion.cursor
    return None


def _stage(
    datasets: Datasets, project: str, dataset: str, batch: Batch, workdir: Path
) -> tuple[list[LocalFile], list[ManifestEntry]]:
    """The version's new files, and the files it keeps from the latest ready version."""
    if batch.table is None:
        return [local_file(path, relative) for relative, path in batch.files], []
    kept: list[ManifestEntry] = []
    if batch.append:
        found = datasets.get(dataset, project=project)
        if found.latest_version is not None:
            kept = datasets.get_manifest(dataset, found.latest_version, project=project).files
    target = workdir / part_name(len(kept))
    write_part(batch.table, target)
    return [local_file(target, target.name)], kept


def ingest(
    client: Client,
    project: str,
    dataset: str,
    source: Source,
    *,
    message: str = "",
    kind: DatasetKind | None = None,
) -> DatasetVersion | None:
    """Read `source` into a new version of `dataset` (created if needed, a table unless `kind`
    says otherwise). Returns the new version, or None when nothing changed. A version that
    fails its checks is returned with status `failed`; the cursor stays where it was."""
    return ingest_into(client.datasets, project, dataset, source, message=message, kind=kind)


def ingest_into(
    datasets: Datasets,
    project: str,
    dataset: str,
    source: Source,
    *,
    message: str = "",
    kind: DatasetKind | None = None,
) -> DatasetVersion | None:
    started = utcnow()
    found = datasets.ensure(dataset, project=project, kind=kind or DatasetKind.TABLE)
    stored_cursor = _last_cursor(datasets, project, dataset)

    def record(
        status: IngestionStatus, cursor: object, version: int | None, error: str | None
    ) -> None:
        datasets.create_ingestion(
            dataset,
            IngestionCreate(
                source_kind=source.kind,
                source=source.describe(),
                status=status,
                error=error,
                cursor=cursor,
                version=version,
                started_at=started,
                finished_at=utcnow(),
            ),
            project=project,
        )

    try:
        with tempfile.TemporaryDirectory(prefix="mlplane-ingest-") as workdir:
            batch = source.read(load_cursor(stored_cursor), Path(workdir), found.kind)
            if batch is None:
                record(IngestionStatus.UNCHANGED, stored_cursor, found.latest_version, None)
                return None
            files, kept = _stage(datasets, project, dataset, batch, Path(workdir))
            lineage = Lineage(reference=f"ingestion:{source.kind}", sources=[_summary(source)])
            result: VersionCreated = datasets.commit_files(
                dataset,
                files,
                project=project,
                kept=kept,
                message=message,
                lineage=lineage,
                stored=(entry.hash for entry in kept),
            )
    except Exception as error:
        record(IngestionStatus.FAILED, stored_cursor, None, str(error))
        raise
    version = result.version
    if version.status.value == "failed":
        failed = [check.name for check in version.validation if not check.passed]
        record(
            IngestionStatus.FAILED,
            stored_cursor,
            version.number,
            f"version {version.number} failed its checks: {', '.join(failed)}",
        )
        return version
    cursor = dump_cursor(batch.cursor) if batch.cursor is not None else stored_cursor
    status = IngestionStatus.SUCCEEDED if result.created else IngestionStatus.UNCHANGED
    record(status, cursor, version.number, None)
    return version if result.created else None


def _summary(source: Source) -> str:
    described = source.describe()
    where = described.get("url") or described.get("url_env") or ""
    what = described.get("table") or described.get("query") or ""
    return " ".join(str(part) for part in (source.kind, where, what) if part)[:2000]
