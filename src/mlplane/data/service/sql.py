"""SQL analytics: DuckDB over dataset versions and the platform's own tables, read-only.

A query is parsed in an empty, locked sandbox to learn which tables it names; only those
are attached to a second sandbox (dataset versions as Parquet views, platform tables as
Arrow holding the caller's rows), which is then locked before the query runs in it.
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
from mlplane.core.errors import InvalidInput
from mlplane.data import storage
from mlplane.data.engine.sandbox import Sandbox
from mlplane.data.engine.sql_names import parse_reference, quote_references
from mlplane.data.schemas.datasets import DatasetKind
from mlplane.data.schemas.sql import QueryOptions, SqlTable, SqlTableKind
from mlplane.data.service.datasets import get_dataset_row
from mlplane.data.service.sql_tables import PLATFORM_SCHEMA, arrow_table, platform_tables
from mlplane.data.service.versions import resolve_version_row
from mlplane.data.store import datasets as dataset_store
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


def _attach_dataset(
    session: Session,
    artifacts: ArtifactStore,
    access: ProjectAccess,
    sandbox: Sandbox,
    name: str,
) -> None:
    try:
        reference = parse_reference(name)
    except ValueError as error:
        raise InvalidInput(f"sql: {error}") from error
    dataset = get_dataset_row(session, access, reference.dataset)
    version = resolve_version_row(session, dataset, reference.version)
    manifest = storage.read_manifest(artifacts, access.name, dataset.name, version.digest)
    if dataset.kind == DatasetKind.FILES.value:
        # A folder reads as its file list: path, size, hash.
        files = arrow_table((entry.model_dump() for entry in manifest.files), FILE_LIST_COLUMNS)
        sandbox.attach_arrow(name, files)
        return
    source = storage.table_source(artifacts, access.name, dataset.name, manifest.files)
    schema, _ = source.schema_and_rows()
    sandbox.attach_table(name, source, schema)


def _attach(
    session: Session,
    principal: Principal,
    artifacts: ArtifactStore,
    access: ProjectAccess,
    sandbox: Sandbox,
    names: set[tuple[str, str]],
) -> None:
    tables = platform_tables()
    for schema, name in sorted(names):
        if schema == PLATFORM_SCHEMA and name in tables:
            table = tables[name]
            sandbox.attach_arrow(name, table.load(session, principal), in_schema=PLATFORM_SCHEMA)
        elif not schema:
            if "@" in name or dataset_store.get_dataset(session, access.id, name) is not None:
                _attach_dataset(session, artifacts, access, sandbox, name)
            elif name in tables:
                sandbox.attach_arrow(name, tables[name].load(session, principal))
        # Anything else (a typo, a CTE, another schema) is left for DuckDB to resolve or report.


def run_query(
    db: Database,
    artifacts: ArtifactStore,
    principal: Principal,
    project: str,
    sql: str,
    options: QueryOptions,
) -> QueryOutcome:
    sql = quote_references(sql)
    with Sandbox() as parser:
        parser.lock()
        names = parser.table_names(sql)
    started = time.perf_counter()
    with Sandbox() as sandbox:
        with db.read() as session:
            access = catalog.access_project(session, principal, project)
            _attach(session, principal, artifacts, access, sandbox, names)
        sandbox.lock()
        table = sandbox.query(
            sql, max_rows=options.max_rows, timeout_seconds=options.timeout_seconds
        )
    return QueryOutcome(table, (time.perf_counter() - started) * 1000)


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
