"""Bulk writes of metrics, params, tags and dataset inputs: executemany, never a row object each."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import and_, delete, insert, or_, select
from sqlalchemy.orm import Session

from mlplane.tracking.store.dialect import dialect_name, upsert_insert, write_key_values
from mlplane.tracking.tables import LatestMetricRow, MetricRow, ParamRow, RunInputRow, RunTagRow

_LATEST: Any = LatestMetricRow.__table__


MetricValues = tuple[str, str, float | None, int, int]
"""(run_id, key, value, step, timestamp)"""

_COLUMNS = ("run_id", "key", "value", "step", "timestamp")
_SQLITE_INSERT = (
    "INSERT INTO tracking_metrics (run_id, key, value, step, timestamp) VALUES (?, ?, ?, ?, ?)"
)


def insert_metrics(session: Session, rows: Sequence[MetricValues]) -> None:
    if dialect_name(session) == "sqlite":
        # SQLAlchemy spends more time per row than SQLite does; the driver takes tuples as is.
        session.connection().exec_driver_sql(_SQLITE_INSERT, list(rows))
    else:
        session.execute(insert(MetricRow), [dict(zip(_COLUMNS, row, strict=True)) for row in rows])


def raise_latest_metrics(session: Session, rows: Sequence[MetricValues]) -> None:
    """Make each row its run's latest point for its key unless a later one is stored.

    Later means a higher step, then a newer (or equal) timestamp, as in MLflow. The
    comparison happens inside the upsert, so concurrent writers cannot lower a value.
    """
    if not rows:
        return
    statement = _latest_upsert(session)
    session.execute(statement, [dict(zip(_COLUMNS, row, strict=True)) for row in rows])


_latest_upserts: dict[str, Any] = {}


def _latest_upsert(session: Session) -> Any:
    """Built once per dialect: this runs on every batch."""
    dialect = dialect_name(session)
    if dialect not in _latest_upserts:
        statement = upsert_insert(session, _LATEST)
        new = statement.excluded
        _latest_upserts[dialect] = statement.on_conflict_do_update(
            index_elements=["run_id", "key"],
            set_={"value": new.value, "step": new.step, "timestamp": new.timestamp},
            where=or_(
                new.step > _LATEST.c.step,
                and_(new.step == _LATEST.c.step, new.timestamp >= _LATEST.c.timestamp),
            ),
        )
    return _latest_upserts[dialect]


def params_of(session: Session, run_id: str, keys: Sequence[str]) -> dict[str, str]:
    query = select(ParamRow.key, ParamRow.value).where(
        ParamRow.run_id == run_id, ParamRow.key.in_(list(keys))
    )
    return {key: value for key, value in session.execute(query)}


def insert_params(session: Session, run_id: str, params: Mapping[str, str]) -> None:
    """Insert params not stored yet; a concurrent identical insert is not an error."""
    write_key_values(session, ParamRow.__table__, "run_id", run_id, params, replace=False)


def set_tags(session: Session, run_id: str, tags: Mapping[str, str]) -> None:
    write_key_values(session, RunTagRow.__table__, "run_id", run_id, tags, replace=True)


def delete_tag(session: Session, run_id: str, key: str) -> bool:
    result = session.execute(
        delete(RunTagRow).where(RunTagRow.run_id == run_id, RunTagRow.key == key)
    )
    return bool(getattr(result, "rowcount", 0))


def set_inputs(session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
    """Record datasets a run used; logging the same dataset again updates its details."""
    if not rows:
        return
    statement = upsert_insert(session, RunInputRow.__table__)
    new = statement.excluded
    statement = statement.on_conflict_do_update(
        index_elements=["run_id", "name", "digest"],
        set_={
            "source_type": new.source_type,
            "source": new.source,
            "dataset_schema": new.dataset_schema,
            "profile": new.profile,
            "context": new.context,
            "tags": new.tags,
        },
    )
    session.execute(statement, list(rows))
