"""Dataset versions: immutable, content-addressed snapshots numbered 1, 2, 3...

A version is committed after its blobs are uploaded. Committing reads and profiles the
content and runs the dataset's checks, which can take a while on a large table, so it
happens in three steps and only the last holds the write lock: check the manifest against
the uploaded blobs (a read), analyse the content (no transaction), then number and insert
the version (one write). Nothing is visible until that last step commits.
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from mlplane.catalog.schemas import ProjectAccess
from mlplane.core.artifacts import ArtifactStore
from mlplane.core.clock import utcnow
from mlplane.core.db import Database
from mlplane.core.errors import Conflict, InvalidInput, NotFound
from mlplane.core.events import DATA_VERSION_CREATED, emit
from mlplane.core.ids import new_id
from mlplane.core.pagination import Page, check_max_results, decode_page_token, encode_page_token
from mlplane.data import storage
from mlplane.data.engine.checks import run_checks
from mlplane.data.engine.profiles import compute_profile
from mlplane.data.engine.sandbox import Sandbox
from mlplane.data.engine.sources import describe_schema
from mlplane.data.manifest import check_manifest, manifest_digest
from mlplane.data.schemas.checks import Check, CheckResult, parse_check
from mlplane.data.schemas.datasets import DatasetKind
from mlplane.data.schemas.profiles import Profile
from mlplane.data.schemas.versions import (
    ColumnSchema,
    Consumer,
    DatasetVersion,
    Lineage,
    ManifestEntry,
    VersionCreate,
    VersionCreated,
    VersionStatus,
    VersionUpdate,
)
from mlplane.data.service.datasets import resolve_dataset
from mlplane.data.store import datasets as dataset_store
from mlplane.data.store import versions as store
from mlplane.data.tables import DatasetConsumerRow, DatasetRow, DatasetVersionRow
from mlplane.governance.schemas import Principal, Role

_VERSION_TEXT = re.compile(r"^(?:v?([0-9]{1,9})|latest)$")
EXTENSIONS_SHOWN = 50


def parse_version(text: str) -> int | None:
    """`3` or `v3` -> 3; `latest` -> None (the latest ready version)."""
    match = _VERSION_TEXT.match(text)
    if match is None:
        raise InvalidInput(f"version: {text!r} is not a number, v<number> or 'latest'")
    return int(match.group(1)) if match.group(1) else None


def version_view(row: DatasetVersionRow, project: str, dataset: DatasetRow) -> DatasetVersion:
    return DatasetVersion(
        id=row.id,
        project=project,
        dataset=dataset.name,
        kind=DatasetKind(dataset.kind),
        number=row.number,
        digest=row.digest,
        status=VersionStatus(row.status),
        message=row.message,
        file_count=row.file_count,
        total_bytes=row.total_bytes,
        row_count=row.row_count,
        columns=[ColumnSchema.model_validate(c) for c in row.columns] if row.columns else None,
        statistics=dict(row.statistics),
        validation=[CheckResult.model_validate(result) for result in row.validation],
        tags=dict(row.tags),
        lineage=Lineage.model_validate(row.lineage),
        created_at=row.created_at,
        created_by=row.created_by,
    )


def resolve_version_row(
    session: Session, dataset: DatasetRow, number: int | None
) -> DatasetVersionRow:
    if number is None:
        if dataset.latest_version is None:
            raise NotFound(f"dataset {dataset.name!r} has no ready version")
        number = dataset.latest_version
    row = store.get_version(session, dataset.id, number)
    if row is None:
        raise NotFound(f"dataset {dataset.name!r} has no version {number}")
    return row


@dataclass(frozen=True)
class ResolvedVersion:
    access: ProjectAccess
    dataset: DatasetRow
    version: DatasetVersionRow

    def view(self) -> DatasetVersion:
        return version_view(self.version, self.access.name, self.dataset)


def resolve_version(
    session: Session,
    principal: Principal,
    project: str,
    dataset: str,
    version: str,
    minimum: Role = Role.VIEWER,
    *,
    for_write: bool = False,
) -> ResolvedVersion:
    access, row = resolve_dataset(
        session, principal, project, dataset, minimum, for_write=for_write
    )
    return ResolvedVersion(access, row, resolve_version_row(session, row, parse_version(version)))


# Creating


@dataclass
class VersionPlan:
    project: str
    dataset: str
    dataset_id: str
    kind: DatasetKind
    files: list[ManifestEntry]
    digest: str
    checks: list[Check]
    request: VersionCreate


@dataclass
class VersionAnalysis:
    columns: list[dict[str, Any]] | None = None
    row_count: int | None = None
    statistics: dict[str, Any] = field(default_factory=dict)
    profile: dict[str, Any] | None = None
    validation: list[CheckResult] = field(default_factory=list)


def _check_blobs(
    session: Session, dataset: DatasetRow, files: list[ManifestEntry], committed: dict[str, int]
) -> None:
    """Every file's blob is stored with the listed size. `committed` (hash -> size of a
    committed version's files) are known without asking the database."""
    known = dict(committed)
    unknown = [entry.hash for entry in files if entry.hash not in known]
    known.update(store.known_blobs(session, dataset.id, unknown))
    missing = [entry for entry in files if entry.hash not in known]
    if missing:
        raise InvalidInput(
            f"files: {len(missing)} blobs were never uploaded, e.g. {missing[0].hash} "
            f"({missing[0].path}); upload them before committing the version"
        )
    for entry in files:
        if known[entry.hash] != entry.size:
            raise InvalidInput(
                f"files: {entry.path!r} is listed with {entry.size} bytes but its blob has "
                f"{known[entry.hash]}"
            )


def _plan(
    session: Session,
    principal: Principal,
    artifacts: ArtifactStore,
    project: str,
    dataset: str,
    request: VersionCreate,
) -> VersionPlan | VersionCreated:
    access, row = resolve_dataset(session, principal, project, dataset, Role.EDITOR, for_write=True)
    kind = DatasetKind(row.kind)
    files = check_manifest(request.files)
    if kind is DatasetKind.TABLE:
        if not files:
            raise InvalidInput("files: a table version needs at least one Parquet part")
        odd = [entry.path for entry in files if not entry.path.endswith(".parquet")]
        if odd:
            raise InvalidInput(f"files: a table version holds Parquet parts only, not {odd[0]!r}")
    digest = manifest_digest(files)
    newest = store.newest_version(session, row.id)
    # Content that failed its checks is checked again: the checks may have been fixed since.
    if newest is not None and newest.digest == digest and newest.status == VersionStatus.READY:
        return VersionCreated(version=version_view(newest, access.name, row), created=False)
    committed: dict[str, int] = {}
    if newest is not None:
        # A new version mostly repeats the newest one's files, whose blobs are known stored.
        committed = storage.read_blob_sizes(artifacts, access.name, row.name, newest.digest)
    _check_blobs(session, row, files, committed)
    checks = [parse_check(check.spec) for check in dataset_store.list_checks(session, row.id)]
    return VersionPlan(access.name, row.name, row.id, kind, files, digest, checks, request)


def _file_statistics(files: list[ManifestEntry]) -> dict[str, Any]:
    extensions = Counter(posixpath.splitext(entry.path)[1].lower() or "(none)" for entry in files)
    return {
        "file_count": len(files),
        "total_bytes": sum(entry.size for entry in files),
        "extensions": dict(extensions.most_common(EXTENSIONS_SHOWN)),
    }


def _analyze(artifacts: ArtifactStore, plan: VersionPlan) -> VersionAnalysis:
    storage.write_manifest(artifacts, plan.project, plan.dataset, plan.digest, plan.files)
    statistics = _file_statistics(plan.files)
    if plan.kind is DatasetKind.FILES:
        return VersionAnalysis(statistics=statistics)
    source = storage.table_source(artifacts, plan.project, plan.dataset, plan.files)
    schema, row_count = source.schema_and_rows()
    with Sandbox() as sandbox:
        sandbox.attach_table("data", source, schema)
        sandbox.lock()
        profile = compute_profile(sandbox)
        validation = run_checks(sandbox, plan.checks, schema)
    statistics.update(row_count=row_count, column_count=len(schema))
    return VersionAnalysis(
        columns=describe_schema(schema),
        row_count=row_count,
        statistics=statistics,
        profile=profile.model_dump(mode="json"),
        validation=validation,
    )


def _commit(
    session: Session, principal: Principal, plan: VersionPlan, analysis: VersionAnalysis
) -> VersionCreated:
    access, dataset = resolve_dataset(
        session,
        principal,
        plan.project,
        plan.dataset,
        Role.EDITOR,
        for_write=True,
        for_update=True,
    )
    if dataset.id != plan.dataset_id:
        raise Conflict(f"dataset {plan.dataset!r} was replaced while the version was being made")
    newest = store.newest_version(session, dataset.id)
    ready = all(result.passed for result in analysis.validation)
    if (
        newest is not None
        and newest.digest == plan.digest
        and (newest.status == VersionStatus.READY or not ready)
    ):
        # The same content again; once failed, it makes a new version only if it now passes.
        return VersionCreated(version=version_view(newest, access.name, dataset), created=False)
    number = dataset.version_count + 1
    now = utcnow()
    row = DatasetVersionRow(
        id=new_id(),
        dataset_id=dataset.id,
        number=number,
        digest=plan.digest,
        status=(VersionStatus.READY if ready else VersionStatus.FAILED).value,
        message=plan.request.message,
        file_count=len(plan.files),
        total_bytes=sum(entry.size for entry in plan.files),
        row_count=analysis.row_count,
        columns=analysis.columns,
        statistics=analysis.statistics,
        profile=analysis.profile,
        validation=[result.model_dump(mode="json") for result in analysis.validation],
        tags=dict(plan.request.tags),
        lineage=plan.request.lineage.model_dump(mode="json"),
        created_at=now,
        created_by=principal.name,
    )
    session.add(row)
    dataset.version_count = number
    if ready:
        dataset.latest_version = number
    dataset.updated_at = now
    session.flush()
    emit(
        session,
        DATA_VERSION_CREATED,
        project=access.id,
        subject=f"dataset:{dataset.name}@{number}",
        payload={
            "project": access.name,
            "dataset": dataset.name,
            "version": number,
            "status": row.status,
        },
    )
    return VersionCreated(version=version_view(row, access.name, dataset), created=True)


def create_version(
    db: Database,
    artifacts: ArtifactStore,
    principal: Principal,
    project: str,
    dataset: str,
    request: VersionCreate,
) -> VersionCreated:
    """Commit a version whose blobs are uploaded; unchanged content returns the newest version."""
    with db.read() as session:
        plan = _plan(session, principal, artifacts, project, dataset, request)
    if isinstance(plan, VersionCreated):
        return plan
    analysis = _analyze(artifacts, plan)
    with db.write() as session:
        return _commit(session, principal, plan, analysis)


# Reading and changing


def get_version(
    session: Session, principal: Principal, project: str, dataset: str, version: str
) -> DatasetVersion:
    return resolve_version(session, principal, project, dataset, version).view()


def list_versions(
    session: Session,
    principal: Principal,
    project: str,
    dataset: str,
    status: VersionStatus | None = None,
    page_token: str | None = None,
    max_results: int | None = None,
) -> Page[DatasetVersion]:
    """Newest first."""
    access, row = resolve_dataset(session, principal, project, dataset)
    limit = check_max_results(max_results)
    before = decode_page_token(page_token).get("before")
    rows = store.list_versions(session, row.id, status.value if status else None, before, limit + 1)
    items = [version_view(version, access.name, row) for version in rows[:limit]]
    next_token = encode_page_token({"before": items[-1].number}) if len(rows) > limit else None
    return Page(items=items, next_page_token=next_token)


def update_version(
    session: Session,
    principal: Principal,
    project: str,
    dataset: str,
    version: str,
    data: VersionUpdate,
) -> DatasetVersion:
    """Change a version's message or tags; its content never changes."""
    resolved = resolve_version(
        session, principal, project, dataset, version, Role.EDITOR, for_write=True
    )
    for key, value in data.model_dump(exclude_unset=True, exclude_none=True).items():
        setattr(resolved.version, key, value)
    session.flush()
    return resolved.view()


def get_manifest_json(
    session: Session,
    principal: Principal,
    artifacts: ArtifactStore,
    project: str,
    dataset: str,
    version: str,
) -> bytes:
    """A version's manifest as stored (JSON of a `Manifest`), ready to send as it is."""
    resolved = resolve_version(session, principal, project, dataset, version)
    return storage.read_manifest_bytes(
        artifacts, resolved.access.name, resolved.dataset.name, resolved.version.digest
    )


def get_profile(
    session: Session, principal: Principal, project: str, dataset: str, version: str
) -> Profile:
    """Per-column statistics of a table version (drift monitoring's reference)."""
    resolved = resolve_version(session, principal, project, dataset, version)
    if resolved.version.profile is None:
        raise NotFound(
            f"version {resolved.version.number} of {dataset!r} has no profile: "
            "only table versions are profiled"
        )
    return Profile.model_validate(resolved.version.profile)


# Consumers


def _consumer_view(row: DatasetConsumerRow, dataset: str, number: int) -> Consumer:
    return Consumer(
        dataset=dataset,
        version=number,
        run_id=row.run_id,
        created_at=row.created_at,
        created_by=row.created_by,
    )


def record_consumer(
    session: Session, principal: Principal, project: str, dataset: str, version: str, run_id: str
) -> Consumer:
    """Note that a run used a version; recording the same run twice changes nothing."""
    resolved = resolve_version(
        session, principal, project, dataset, version, Role.EDITOR, for_write=True
    )
    row = store.add_consumer(session, resolved.version.id, run_id, utcnow(), principal.name)
    return _consumer_view(row, resolved.dataset.name, resolved.version.number)


def list_consumers(
    session: Session, principal: Principal, project: str, dataset: str, version: str
) -> list[Consumer]:
    resolved = resolve_version(session, principal, project, dataset, version)
    number = resolved.version.number
    return [
        _consumer_view(row, resolved.dataset.name, number)
        for row in store.list_consumers(session, resolved.version.id)
    ]
