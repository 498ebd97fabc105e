"""SQL tables of projects, the audit log, datasets and their versions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyarrow as pa
from sqlalchemy.orm import Session

from mlplane.catalog import service as catalog
from mlplane.catalog.schemas import Project
from mlplane.core.pagination import MAX_RESULTS_LIMIT
from mlplane.data.service.sql_tables import TIMESTAMP, PlatformTable, arrow_table
from mlplane.data.store import datasets as dataset_store
from mlplane.data.store import versions as version_store
from mlplane.governance import service as governance
from mlplane.governance.schemas import AuditFilter, Principal

AUDIT_ROWS_LIMIT = 100_000
"""The newest audit events a query sees; the full log stays searchable through /audit."""


def visible_projects(session: Session, principal: Principal) -> list[Project]:
    projects: list[Project] = []
    token = None
    while True:
        page = catalog.list_projects(session, principal, True, token, MAX_RESULTS_LIMIT)
        projects.extend(page.items)
        token = page.next_page_token
        if not token:
            return projects


def _projects(session: Session, principal: Principal) -> pa.Table:
    return arrow_table(
        (project.model_dump() for project in visible_projects(session, principal)),
        [
            ("id", pa.string()),
            ("name", pa.string()),
            ("display_name", pa.string()),
            ("description", pa.string()),
            ("owner", pa.string()),
            ("tags", pa.string()),
            ("archived", pa.bool_()),
            ("archived_at", TIMESTAMP),
            ("created_at", TIMESTAMP),
            ("created_by", pa.string()),
            ("updated_at", TIMESTAMP),
            ("role", pa.string()),
        ],
    )


def _audit_pages(
    session: Session, principal: Principal, project: str | None
) -> Iterator[dict[str, Any]]:
    token = None
    while True:
        # No administered-project restriction: `project` (or the caller being a platform
        # administrator) is what limits the rows.
        page = governance.list_audit(
            session, principal, AuditFilter(project=project), token, MAX_RESULTS_LIMIT, None
        )
        for event in page.items:
            yield event.model_dump()
        token = page.next_page_token
        if not token:
            return


def _audit_events(session: Session, principal: Principal) -> pa.Table:
    """Events of the projects the caller may view; administrators see every event."""
    if principal.is_admin:
        events = _audit_pages(session, principal, None)
        records = [event for _, event in zip(range(AUDIT_ROWS_LIMIT), events, strict=False)]
    else:
        records = []
        for project in visible_projects(session, principal):
            events = _audit_pages(session, principal, project.name)
            records.extend(event for _, event in zip(range(AUDIT_ROWS_LIMIT), events, strict=False))
        records.sort(key=lambda event: event["id"], reverse=True)
        del records[AUDIT_ROWS_LIMIT:]
    return arrow_table(
        records,
        [
            ("id", pa.int64()),
            ("time", TIMESTAMP),
            ("actor", pa.string()),
            ("action", pa.string()),
            ("resource", pa.string()),
            ("project", pa.string()),
            ("outcome", pa.string()),
            ("status_code", pa.int32()),
            ("method", pa.string()),
            ("client_address", pa.string()),
            ("detail", pa.string()),
        ],
    )


def _project_names(session: Session, principal: Principal) -> dict[str, str]:
    return {project.id: project.name for project in visible_projects(session, principal)}


def _datasets(session: Session, principal: Principal) -> pa.Table:
    names = _project_names(session, principal)
    rows = dataset_store.list_datasets_in(session, list(names))
    return arrow_table(
        (
            {
                "id": row.id,
                "project": names[row.project_id],
                "name": row.name,
                "description": row.description,
                "kind": row.kind,
                "tags": row.tags,
                "version_count": row.version_count,
                "latest_version": row.latest_version,
                "created_at": row.created_at,
                "created_by": row.created_by,
                "updated_at": row.updated_at,
            }
            for row in rows
        ),
        [
            ("id", pa.string()),
            ("project", pa.string()),
            ("name", pa.string()),
            ("description", pa.string()),
            ("kind", pa.string()),
            ("tags", pa.string()),
            ("version_count", pa.int32()),
            ("latest_version", pa.int32()),
            ("created_at", TIMESTAMP),
            ("created_by", pa.string()),
            ("updated_at", TIMESTAMP),
        ],
    )


def _dataset_versions(session: Session, principal: Principal) -> pa.Table:
    names = _project_names(session, principal)
    rows = version_store.list_versions_in(session, list(names))
    return arrow_table(
        (
            {
                "id": version.id,
                "project": names[dataset.project_id],
                "dataset": dataset.name,
                "number": version.number,
                "digest": version.digest,
                "status": version.status,
                "message": version.message,
                "file_count": version.file_count,
                "total_bytes": version.total_bytes,
                "row_count": version.row_count,
                "tags": version.tags,
                "lineage": version.lineage,
                "created_at": version.created_at,
                "created_by": version.created_by,
            }
            for version, dataset in rows
        ),
        [
            ("id", pa.string()),
            ("project", pa.string()),
            ("dataset", pa.string()),
            ("number", pa.int32()),
            ("digest", pa.string()),
            ("status", pa.string()),
            ("message", pa.string()),
            ("file_count", pa.int64()),
            ("total_bytes", pa.int64()),
            ("row_count", pa.int64()),
            ("tags", pa.string()),
            ("lineage", pa.string()),
            ("created_at", TIMESTAMP),
            ("created_by", pa.string()),
        ],
    )


SQL_TABLES = [
    PlatformTable("projects", "Projects you can view.", _projects),
    PlatformTable(
        "audit_events", "Audit events of projects you can view (newest 100,000).", _audit_events
    ),
    PlatformTable("datasets", "Datasets of projects you can view.", _datasets),
    PlatformTable(
        "dataset_versions", "Versions of datasets of projects you can view.", _dataset_versions
    ),
]
