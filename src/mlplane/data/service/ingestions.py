"""Ingestions: each run of a connector into a dataset, kept as history. The newest successful
one holds the cursor an incremental source resumes from."""

from __future__ import annotations

from sqlalchemy.orm import Session

from mlplane.core.ids import new_id
from mlplane.core.pagination import Page, check_max_results, decode_page_token, encode_page_token
from mlplane.data.schemas.ingestions import Ingestion, IngestionCreate, IngestionStatus
from mlplane.data.service.datasets import resolve_dataset
from mlplane.data.store import datasets as store
from mlplane.data.tables import DatasetIngestionRow
from mlplane.governance.schemas import Principal, Role


def _view(row: DatasetIngestionRow, dataset: str) -> Ingestion:
    return Ingestion(
        id=row.id,
        dataset=dataset,
        source_kind=row.source_kind,
        source=dict(row.source),
        status=IngestionStatus(row.status),
        error=row.error,
        cursor=row.cursor,
        version=row.version,
        started_at=row.started_at,
        finished_at=row.finished_at,
        created_by=row.created_by,
    )


def record_ingestion(
    session: Session, principal: Principal, project: str, dataset: str, data: IngestionCreate
) -> Ingestion:
    _, row = resolve_dataset(session, principal, project, dataset, Role.EDITOR, for_write=True)
    ingestion = DatasetIngestionRow(
        id=new_id(),
        dataset_id=row.id,
        source_kind=data.source_kind,
        source=data.source,
        status=data.status.value,
        error=data.error,
        cursor=data.cursor,
        version=data.version,
        started_at=data.started_at,
        finished_at=data.finished_at,
        created_by=principal.name,
    )
    session.add(ingestion)
    session.flush()
    return _view(ingestion, row.name)


def list_ingestions(
    session: Session,
    principal: Principal,
    project: str,
    dataset: str,
    page_token: str | None = None,
    max_results: int | None = None,
) -> Page[Ingestion]:
    """Newest first."""
    _, row = resolve_dataset(session, principal, project, dataset)
    limit = check_max_results(max_results)
    before = decode_page_token(page_token).get("before")
    rows = store.list_ingestions(session, row.id, before, limit + 1)
    items = [_view(ingestion, row.name) for ingestion in rows[:limit]]
    next_token = encode_page_token({"before": items[-1].id}) if len(rows) > limit else None
    return Page(items=items, next_page_token=next_token)
