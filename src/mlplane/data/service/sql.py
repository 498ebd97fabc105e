"""SQL analytics: DuckDB over dataset versions and the platform's own tables, read-only.

A query is parsed in an empty, locked database to learn which tables it names; those are
resolved for the caller (dataset versions to their Parquet parts, platform tables to Arrow
holding the caller's rows) and attached to a sandbox that is locked before the query runs.
A sandbox of dataset versions only is kept for the next query naming the same versions.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import pyarrow as pa
from sqlalchemy.orm import Session

from mlplane.catalog import service as catalog
from mlplane.catalog.schemas import ProjectAccess
from mlplane.core.artifacts import ArtifactStore
from mlplane.core.db import Database
from mlplane.core.errors import InvalidInput, NotFound
from mlplane.data import storage
from mlplane.data.engine.sandbox import Sandbox, table_names
from mlplane.data.engine.shared import SHARED
from mlplane.data.engine.sql_names import parse_reference, quote_references
from mlplane.data.schemas.datasets import DatasetKind
from mlplane.data.schemas.sql import QueryOptions, SqlTable, SqlTableKind
from mlplane.data.service.sql_tables import PLATFORM_SCHEMA, arrow_table, platform_tables
from mlplane.data.store import datasets as dataset_store
from mlplane.data.store import versions as version_store
from mlplane.governance.schemas import Principal

FILE_LIST_COLUMNS: list[tuple[str, pa.DataType]] = [
    ("path", pa.string()),
    ("size", pa.int64()),
    ("hash", pa.string()),
]


@dataclass(frozen=True)
class QueryOutcome:
    table: pa.Table
    elapsed_ms: float


@dataclass(frozen=True)
class DatasetView:
    """A dataset version a query names, resolved: what the sandbox declares under `name`.

    Its manifest is read only when a sandbox attaches it: a kept sandbox holding the same
    version (the same digest) answers without it."""

    name: str
    project: str
    dataset: str
    dataset_id: str
    kind: str
    digest: str
    artifacts: ArtifactStore

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.name, self.dataset_id, self.digest)

    def attach(self, sandbox: Sandbox) -> None:
        manifest = storage.read_manifest(self.artifacts, self.project, self.dataset, self.digest)
        if self.kind == DatasetKind.FILES.value:
            # A folder reads as its file list: path, size, hash.
            files = arrow_table((entry.model_dump() for entry in manifest.files), FILE_LIST_COLUMNS)
            sandbox.attach_arrow(self.name, files)
            return
        source = storage.table_source(self.artifacts, self.project, self.dataset, manifest.files)
        sandbox.attach_table(self.name, source)


@dataclass(frozen=True)
class PlatformView:
    name: str
    data: pa.Table
    in_schema: str | None


def _dataset_view(
    session: Session, artifacts: ArtifactStore, access: ProjectAccess, name: str
) -> DatasetView | None:
    """The dataset version `name` refers to; None for a plain name no dataset has."""
    try:
        reference = parse_reference(name)
    except ValueError as error:
        raise InvalidInput(f"sql: {error}") from error
    found = version_store.locate_version(session, access.id, reference.dataset, reference.version)
    if found is None:
        if "@" not in name:
            return None
        raise NotFound(f"dataset {reference.dataset!r} does not exist in project {access.name!r}")
    if found.digest is None:
        if reference.version is None:
            raise NotFound(f"dataset {found.dataset!r} has no ready version")
        raise NotFound(f"dataset {found.dataset!r} has no version {reference.version}")
    return DatasetView(
        name, access.name, found.dataset, found.dataset_id, found.kind, found.digest, artifacts
    )


def _resolve(
    session: Session,
    principal: Principal,
    artifacts: ArtifactStore,
    access: ProjectAccess,
    names: frozenset[tuple[str, str]],
) -> tuple[list[DatasetView], list[PlatformView]]:
    tables = platform_tables()
    datasets: list[DatasetView] = []
    platform: list[PlatformView] = []
    for schema, name in sorted(names):
        if schema == PLATFORM_SCHEMA and name in tables:
            platform.append(PlatformView(name, tables[name].load(session, principal), schema))
        elif not schema:
            view = _dataset_view(session, artifacts, access, name)
            if view is not None:
                datasets.append(view)
            elif name in tables:
                platform.append(PlatformView(name, tables[name].load(session, principal), None))
        # Anything else (a typo, a CTE, another schema) is left for DuckDB to resolve or report.
    return datasets, platform


def run_query(
    db: Database,
    artifacts: ArtifactStore,
    principal: Principal,
    project: str,
    sql: str,
    options: QueryOptions,
) -> QueryOutcome:
    sql = quote_references(sql)
    names = table_names(sql)
    started = time.perf_counter()
    with db.read() as session:
        access = catalog.access_project(session, principal, project)
        datasets, platform = _resolve(session, principal, artifacts, access, names)
    if platform:
        # The caller's own platform rows: a sandbox for this query alone.
        with Sandbox() as sandbox:
            for view in datasets:
                view.attach(sandbox)
            for table in platform:
                sandbox.attach_arrow(table.name, table.data, in_schema=table.in_schema)
            sandbox.lock()
            result = sandbox.query(
                sql,
                max_rows=options.max_rows,
                timeout_seconds=options.timeout_seconds,
                check=False,  # table_names checked it is a single SELECT
            )
    else:

        def build(sandbox: Sandbox) -> None:
            for view in datasets:
                view.attach(sandbox)

        key = tuple(sorted(view.key for view in datasets))
        with SHARED.lease(key, build) as sandbox:
            result = sandbox.query(
                sql,
                max_rows=options.max_rows,
                timeout_seconds=options.timeout_seconds,
                check=False,  # table_names checked it is a single SELECT
            )
    return QueryOutcome(result, (time.perf_counter() - started) * 1000)


def list_sql_tables(session: Session, principal: Principal, project: str) -> list[SqlTable]:
    """What a query in this project can name: its datasets, then the platform's tables."""
    access = catalog.access_project(session, principal, project)
    datasets = dataset_store.list_datasets_in(session, [access.id])
    found = [
        SqlTable(
            name=row.name,
            kind=SqlTableKind.DATASET,
            description=row.description or f"{row.kind} dataset, latest ready version",
        )
        for row in datasets
    ]
    found += [
        SqlTable(name=table.name, kind=SqlTableKind.PLATFORM, description=table.description)
        for table in platform_tables().values()
    ]
    return found
