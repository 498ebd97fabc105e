"""Queries on dataset versions, their blobs and consumers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import Integer, and_, bindparam, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from mlplane.data.tables import (
    DatasetBlobRow,
    DatasetConsumerRow,
    DatasetRow,
    DatasetVersionRow,
)

# Below SQLite's (32,766) and PostgreSQL's (65,535) limits on bound parameters per statement.
IN_CHUNK = 5000


class VersionLocation(NamedTuple):
    """What a SQL query needs of a dataset version: where its content is, nothing else.
    `digest` is None when the dataset has no such version."""

    dataset_id: str
    dataset: str
    kind: str
    digest: str | None


# Every SQL query over a dataset resolves it: one statement, four columns, no row objects
# (a version row carries its profile and statistics, far larger than what is needed here).
_WANTED_NUMBER = func.coalesce(bindparam("number", type_=Integer), DatasetRow.latest_version)
_LOCATE_VERSION = (
    select(DatasetRow.id, DatasetRow.name, DatasetRow.kind, DatasetVersionRow.digest)
    .outerjoin(
        DatasetVersionRow,
        and_(
            DatasetVersionRow.dataset_id == DatasetRow.id,
            DatasetVersionRow.number == _WANTED_NUMBER,
        ),
    )
    .where(DatasetRow.project_id == bindparam("project_id"), DatasetRow.name == bindparam("name"))
)


def locate_version(
    session: Session, project_id: str, dataset: str, number: int | None
) -> VersionLocation | None:
    """The version `number` of a dataset, or its latest when None; None if no such dataset."""
    found = (
        session.connection()
        .execute(_LOCATE_VERSION, {"project_id": project_id, "name": dataset, "number": number})
        .first()
    )
    return VersionLocation(*found) if found else None


def get_version(session: Session, dataset_id: str, number: int) -> DatasetVersionRow | None:
    query = select(DatasetVersionRow).where(
        DatasetVersionRow.dataset_id == dataset_id, DatasetVersionRow.number == number
    )
    return session.scalars(query).first()


def newest_version(session: Session, dataset_id: str) -> DatasetVersionRow | None:
    query = (
        select(DatasetVersionRow)
        .where(DatasetVersionRow.dataset_id == dataset_id)
        .order_by(DatasetVersionRow.number.desc())
        .limit(1)
    )
    return session.scalars(query).first()


def list_versions(
    session: Session,
    dataset_id: str,
    status: str | None,
    before_number: int | None,
    limit: int,
) -> Sequence[DatasetVersionRow]:
    query = select(DatasetVersionRow).where(DatasetVersionRow.dataset_id == dataset_id)
    if status is not None:
        query = query.where(DatasetVersionRow.status == status)
    if before_number is not None:
        query = query.where(DatasetVersionRow.number < before_number)
    return session.scalars(query.order_by(DatasetVersionRow.number.desc()).limit(limit)).all()


def list_versions_in(
    session: Session, project_ids: Sequence[str] | None
) -> Sequence[tuple[DatasetVersionRow, DatasetRow]]:
    query = select(DatasetVersionRow, DatasetRow).join(
        DatasetRow, DatasetRow.id == DatasetVersionRow.dataset_id
    )
    if project_ids is not None:
        query = query.where(DatasetRow.project_id.in_(project_ids))
    query = query.order_by(DatasetRow.project_id, DatasetRow.name, DatasetVersionRow.number)
    return [(row[0], row[1]) for row in session.execute(query).all()]


def known_blobs(session: Session, dataset_id: str, hashes: Iterable[str]) -> dict[str, int]:
    """hash -> size of the blobs, among `hashes`, that the store holds for a dataset."""
    wanted = list(dict.fromkeys(hashes))
    found: dict[str, int] = {}
    for start in range(0, len(wanted), IN_CHUNK):
        chunk = wanted[start : start + IN_CHUNK]
        query = select(DatasetBlobRow.hash, DatasetBlobRow.size).where(
            DatasetBlobRow.dataset_id == dataset_id, DatasetBlobRow.hash.in_(chunk)
        )
        found.update({digest: size for digest, size in session.execute(query).all()})
    return found


def add_blobs(
    session: Session, dataset_id: str, blobs: Iterable[tuple[str, int]], moment: datetime
) -> None:
    """Record blobs, ignoring those recorded already (two uploads may race on one blob)."""
    values = [
        {"dataset_id": dataset_id, "hash": digest, "size": size, "created_at": moment}
        for digest, size in dict(blobs).items()
    ]
    if not values:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # One statement, many parameter sets: SQLAlchemy batches them into multi-row inserts.
    session.execute(insert(DatasetBlobRow).on_conflict_do_nothing(), values)


def add_consumer(
    session: Session, version_id: str, run_id: str, moment: datetime, created_by: str
) -> DatasetConsumerRow:
    """Record a run as a consumer once, even when two requests race to record it."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    values = {
        "version_id": version_id,
        "run_id": run_id,
        "created_at": moment,
        "created_by": created_by,
    }
    session.execute(insert(DatasetConsumerRow).values(values).on_conflict_do_nothing())
    found = get_consumer(session, version_id, run_id)
    assert found is not None
    return found


def get_consumer(session: Session, version_id: str, run_id: str) -> DatasetConsumerRow | None:
    query = select(DatasetConsumerRow).where(
        DatasetConsumerRow.version_id == version_id, DatasetConsumerRow.run_id == run_id
    )
    return session.scalars(query).first()


def list_consumers(session: Session, version_id: str) -> Sequence[DatasetConsumerRow]:
    query = select(DatasetConsumerRow).where(DatasetConsumerRow.version_id == version_id)
    return session.scalars(query.order_by(DatasetConsumerRow.id)).all()
