"""Queries on datasets, their checks and ingestions."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from mlplane.data.tables import DatasetCheckRow, DatasetIngestionRow, DatasetRow


def get_dataset(
    session: Session, project_id: str, name: str, *, for_update: bool = False
) -> DatasetRow | None:
    query = select(DatasetRow).where(DatasetRow.project_id == project_id, DatasetRow.name == name)
    if for_update:
        query = query.with_for_update()
    return session.scalars(query).first()


def list_datasets(
    session: Session, project_id: str, after_name: str | None, limit: int
) -> Sequence[DatasetRow]:
    query = select(DatasetRow).where(DatasetRow.project_id == project_id)
    if after_name is not None:
        query = query.where(DatasetRow.name > after_name)
    return session.scalars(query.order_by(DatasetRow.name).limit(limit)).all()


def list_datasets_in(session: Session, project_ids: Sequence[str] | None) -> Sequence[DatasetRow]:
    query = select(DatasetRow)
    if project_ids is not None:
        query = query.where(DatasetRow.project_id.in_(project_ids))
    return session.scalars(query.order_by(DatasetRow.project_id, DatasetRow.name)).all()


def list_checks(session: Session, dataset_id: str) -> Sequence[DatasetCheckRow]:
    query = select(DatasetCheckRow).where(DatasetCheckRow.dataset_id == dataset_id)
    return session.scalars(query.order_by(DatasetCheckRow.name)).all()


def get_check(session: Session, dataset_id: str, name: str) -> DatasetCheckRow | None:
    query = select(DatasetCheckRow).where(
        DatasetCheckRow.dataset_id == dataset_id, DatasetCheckRow.name == name
    )
    return session.scalars(query).first()


def delete_check(session: Session, dataset_id: str, name: str) -> int:
    result = session.execute(
        delete(DatasetCheckRow).where(
            DatasetCheckRow.dataset_id == dataset_id, DatasetCheckRow.name == name
        )
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def list_ingestions(
    session: Session, dataset_id: str, before_id: str | None, limit: int
) -> Sequence[DatasetIngestionRow]:
    query = select(DatasetIngestionRow).where(DatasetIngestionRow.dataset_id == dataset_id)
    if before_id is not None:
        query = query.where(DatasetIngestionRow.id < before_id)
    return session.scalars(query.order_by(DatasetIngestionRow.id.desc()).limit(limit)).all()
