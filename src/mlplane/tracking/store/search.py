"""Turn parsed filters and sort keys into SQL over runs and experiments.

Each metric, param, tag or dataset condition is an `id IN (subquery)` on its own table, which
both SQLite and PostgreSQL run as an indexed semi-join; sorting by a metric, param or tag
outer-joins that one key. Missing values (and NaN metrics, stored as NULL) sort last in both
directions, as in MLflow.

Sorting by a metric first is the common search ("best runs by accuracy") and the one that
scanned every run of the experiment before sorting. It reads in two segments instead: the
runs that have a value, walked in order along the (key, value) index so a page stops early,
then the runs that have none.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Join, Select, and_, exists, func, not_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.compiler import SQLCompiler

from mlplane.core.errors import InvalidInput
from mlplane.tracking.schemas import ViewType
from mlplane.tracking.search import Comparison, Entity, SortKey
from mlplane.tracking.store.dialect import dialect_name
from mlplane.tracking.tables import (
    ExperimentRow,
    ExperimentTagRow,
    LatestMetricRow,
    ParamRow,
    RunInputRow,
    RunRow,
    RunTagRow,
)

RUN_NAME_TAG = "mlflow.runName"

_RUN_ATTRIBUTES: dict[str, Any] = {
    "run_id": RunRow.id,
    "run_name": RunRow.name,
    "status": RunRow.status,
    "user": RunRow.user_name,
    "start_time": RunRow.start_time,
    "end_time": RunRow.end_time,
    "artifact_uri": RunRow.artifact_uri,
    "experiment_id": RunRow.experiment_id,
    "parent_run_id": RunRow.parent_run_id,
    "source_name": RunRow.source_name,
    "source_type": RunRow.source_type,
    "git_commit": RunRow.git_commit,
    "lifecycle": RunRow.lifecycle,
}
_EXPERIMENT_ATTRIBUTES: dict[str, Any] = {
    "experiment_id": ExperimentRow.id,
    "name": ExperimentRow.name,
    "creation_time": ExperimentRow.created_at,
    "last_update_time": ExperimentRow.updated_at,
    "lifecycle": ExperimentRow.lifecycle,
}
_DATASET_FIELDS: dict[str, Any] = {
    "name": RunInputRow.name,
    "digest": RunInputRow.digest,
    "context": RunInputRow.context,
}


def _like_to_glob(pattern: str) -> str:
    """SQLite's LIKE ignores case; GLOB does not, so a case-sensitive LIKE becomes a GLOB."""
    special = {"%": "*", "_": "?", "*": "[*]", "?": "[?]", "[": "[[]"}
    return "".join(special.get(char, char) for char in pattern)


def _compare(column: Any, operator: str, value: Any, dialect: str) -> ColumnElement[bool]:
    if operator == "=":
        return column == value  # type: ignore[no-any-return]
    if operator == "!=":
        return column != value  # type: ignore[no-any-return]
    if operator == "<":
        return column < value  # type: ignore[no-any-return]
    if operator == "<=":
        return column <= value  # type: ignore[no-any-return]
    if operator == ">":
        return column > value  # type: ignore[no-any-return]
    if operator == ">=":
        return column >= value  # type: ignore[no-any-return]
    if operator == "LIKE":
        if dialect == "sqlite":
            return column.op("GLOB")(_like_to_glob(value))  # type: ignore[no-any-return]
        return column.like(value)  # type: ignore[no-any-return]
    if operator == "ILIKE":
        return column.ilike(value)  # type: ignore[no-any-return]
    if operator == "IN":
        return column.in_(value)  # type: ignore[no-any-return]
    if operator == "NOT IN":
        return column.not_in(value)  # type: ignore[no-any-return]
    if operator == "IS NULL":
        return column.is_(None)  # type: ignore[no-any-return]
    if operator == "IS NOT NULL":
        return column.is_not(None)  # type: ignore[no-any-return]
    raise InvalidInput(f"filter: unsupported operator {operator}")


def _keyed_condition(
    table: Any, owner: Any, comparison: Comparison, dialect: str, correlated: bool = False
) -> ColumnElement[bool]:
    """A condition on a key/value table (metrics, params, tags), correlated to its owner.

    Metrics are `id IN (runs whose value matches)`, driven by the (key, value) index, unless
    `correlated` (the runs are already walked in another index's order); params and tags,
    whose long values cannot be indexed on PostgreSQL, are an EXISTS on the (owner, key)
    primary key.
    """
    key = comparison.field.key
    owner_column = table.run_id if hasattr(table, "run_id") else table.experiment_id
    present = [owner_column == owner, table.key == key]
    if comparison.operator == "IS NULL":
        return not_(exists().where(*present))
    if comparison.operator == "IS NOT NULL":
        return exists().where(*present)
    matches = _compare(table.value, comparison.operator, comparison.value, dialect)
    if table is LatestMetricRow and not correlated:
        return owner.in_(select(owner_column).where(table.key == key, matches))  # type: ignore[no-any-return]
    return exists().where(*present, matches)


def _run_condition(
    comparison: Comparison, dialect: str, correlated: bool = False
) -> ColumnElement[bool]:
    entity, key = comparison.field.entity, comparison.field.key
    if entity is Entity.TAG and key == RUN_NAME_TAG:
        entity, key = Entity.ATTRIBUTE, "run_name"
    if entity is Entity.ATTRIBUTE:
        return _compare(_RUN_ATTRIBUTES[key], comparison.operator, comparison.value, dialect)
    if entity is Entity.METRIC:
        return _keyed_condition(LatestMetricRow, RunRow.id, comparison, dialect, correlated)
    if entity is Entity.PARAM:
        return _keyed_condition(ParamRow, RunRow.id, comparison, dialect)
    if entity is Entity.TAG:
        return _keyed_condition(RunTagRow, RunRow.id, comparison, dialect)
    column = _DATASET_FIELDS[key]
    matching = select(RunInputRow.run_id).where(
        _compare(column, comparison.operator, comparison.value, dialect)
    )
    return RunRow.id.in_(matching)


def _lifecycle_condition(column: Any, view: ViewType) -> ColumnElement[bool] | None:
    if view is ViewType.ACTIVE_ONLY:
        return column == "active"  # type: ignore[no-any-return]
    if view is ViewType.DELETED_ONLY:
        return column == "deleted"  # type: ignore[no-any-return]
    return None


def _ordered(column: Any, ascending: bool) -> Any:
    return (column.asc() if ascending else column.desc()).nulls_last()


class _DrivingJoin(Join):
    """A join SQLite must run in its written order (a CROSS JOIN), left table first."""

    inherit_cache = True


@compiles(_DrivingJoin, "sqlite")
def _compile_driving_join(join: _DrivingJoin, compiler: SQLCompiler, **kw: Any) -> str:
    assert join.onclause is not None
    kw["asfrom"] = True
    left = compiler.process(join.left, **kw)
    right = compiler.process(join.right, **kw)
    return f"{left} CROSS JOIN {right} ON {compiler.process(join.onclause, **kw)}"


def run_search_query(
    session: Session,
    experiment_ids: Sequence[str],
    comparisons: Sequence[Comparison],
    sort_keys: Sequence[SortKey],
    view: ViewType,
) -> tuple[Select[str], ...]:
    """The ids of matching runs in order, as segments read one after the other."""
    return _run_search_query(
        dialect_name(session), tuple(experiment_ids), tuple(comparisons), tuple(sort_keys), view
    )


# Building a search's statement costs SQLAlchemy more than SQLite spends running it for a
# page, and searches repeat (paging, a panel's table, a sweep's dashboard): statements are
# immutable, so each distinct search is built once.
@lru_cache(maxsize=256)
def _run_search_query(
    dialect: str,
    experiment_ids: tuple[str, ...],
    comparisons: tuple[Comparison, ...],
    sort_keys: tuple[SortKey, ...],
    view: ViewType,
) -> tuple[Select[str], ...]:
    first = sort_keys[0] if sort_keys else None
    if first is None or first.field.entity is not Entity.METRIC:
        query = _runs(experiment_ids, view, comparisons, dialect, correlated=False)
        return (_sorted(query, sort_keys),)
    by = aliased(LatestMetricRow, name="sort_by")
    valued = and_(by.key == first.field.key, by.value.is_not(None))
    driven = (
        select(RunRow.id)
        .select_from(_DrivingJoin(by, RunRow.__table__, by.run_id == RunRow.id))
        .where(valued)
    )
    driven = _runs(experiment_ids, view, comparisons, dialect, correlated=True, query=driven)
    driven = _sorted(driven, sort_keys[1:], leading=[_ordered(by.value, first.ascending)])
    unvalued = _runs(experiment_ids, view, comparisons, dialect, correlated=False)
    unvalued = unvalued.where(not_(exists().where(by.run_id == RunRow.id, valued)))
    return (driven, _sorted(unvalued, sort_keys[1:]))


def _runs(
    experiment_ids: Sequence[str],
    view: ViewType,
    comparisons: Sequence[Comparison],
    dialect: str,
    *,
    correlated: bool,
    query: Select[str] | None = None,
) -> Select[str]:
    query = query if query is not None else select(RunRow.id)
    query = query.where(RunRow.experiment_id.in_(list(experiment_ids)))
    lifecycle = _lifecycle_condition(RunRow.lifecycle, view)
    if lifecycle is not None:
        query = query.where(lifecycle)
    return query.where(*(_run_condition(c, dialect, correlated) for c in comparisons))


def _sorted(
    query: Select[str], sort_keys: Sequence[SortKey], leading: Sequence[Any] = ()
) -> Select[str]:
    ordering: list[Any] = list(leading)
    ordered_attributes: set[str] = set()
    tables = {Entity.METRIC: LatestMetricRow, Entity.PARAM: ParamRow, Entity.TAG: RunTagRow}
    for index, sort_key in enumerate(sort_keys):
        entity, key = sort_key.field.entity, sort_key.field.key
        if entity is Entity.TAG and key == RUN_NAME_TAG:
            entity, key = Entity.ATTRIBUTE, "run_name"
        if entity is Entity.ATTRIBUTE:
            ordering.append(_ordered(_RUN_ATTRIBUTES[key], sort_key.ascending))
            ordered_attributes.add(key)
            continue
        joined: Any = aliased(tables[entity], name=f"sort_{index}")
        query = query.outerjoin(joined, and_(joined.run_id == RunRow.id, joined.key == key))
        ordering.append(_ordered(joined.value, sort_key.ascending))
    if "start_time" not in ordered_attributes:
        ordering.append(RunRow.start_time.desc())
    if "run_id" not in ordered_attributes:
        ordering.append(RunRow.id.asc())
    return query.order_by(*ordering)


def read_window(
    session: Session, segments: Sequence[Select[str]], offset: int, count: int
) -> list[str]:
    """`count` ids from `offset` on, across segments read in turn."""
    ids: list[str] = []
    for index, segment in enumerate(segments):
        found = list(session.scalars(segment.offset(offset).limit(count - len(ids))))
        ids += found
        if len(ids) >= count or index == len(segments) - 1:
            break
        if found:
            offset = 0
        else:
            size = session.scalar(
                select(func.count()).select_from(segment.order_by(None).subquery())
            )
            offset = max(0, offset - (size or 0))
    return ids


def _millis_to_datetime(value: Any) -> Any:
    if isinstance(value, float):
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    return value


def _experiment_condition(comparison: Comparison, dialect: str) -> ColumnElement[bool]:
    if comparison.field.entity is Entity.TAG:
        return _keyed_condition(ExperimentTagRow, ExperimentRow.id, comparison, dialect)
    column = _EXPERIMENT_ATTRIBUTES[comparison.field.key]
    value = _millis_to_datetime(comparison.value)
    return _compare(column, comparison.operator, value, dialect)


def experiment_search_query(
    session: Session,
    project_id: str,
    comparisons: Sequence[Comparison],
    sort_keys: Sequence[SortKey],
    view: ViewType,
) -> Select[ExperimentRow]:
    dialect = dialect_name(session)
    query = select(ExperimentRow).where(ExperimentRow.project_id == project_id)
    lifecycle = _lifecycle_condition(ExperimentRow.lifecycle, view)
    if lifecycle is not None:
        query = query.where(lifecycle)
    query = query.where(*(_experiment_condition(comparison, dialect) for comparison in comparisons))
    ordering: list[Any] = []
    for sort_key in sort_keys:
        if sort_key.field.entity is not Entity.ATTRIBUTE:
            raise InvalidInput("order_by: experiments can only be ordered by their attributes")
        column = _EXPERIMENT_ATTRIBUTES[sort_key.field.key]
        ordering.append(_ordered(column, sort_key.ascending))
    if not sort_keys:
        ordering.append(ExperimentRow.updated_at.desc())
    ordering.append(ExperimentRow.id.asc())
    return query.order_by(*ordering)
