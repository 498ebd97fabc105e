"""Queries on logged models, their params and tags, and their links to runs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, exists, not_, select
from sqlalchemy.orm import Session

from mlplane.tracking.mlflow_api.logged_models.tables import (
    LoggedModelParamRow,
    LoggedModelRow,
    LoggedModelTagRow,
    RunModelRow,
)
from mlplane.tracking.search import Comparison, Entity, SortKey
from mlplane.tracking.store.dialect import upsert_insert, write_key_values

ATTRIBUTES: dict[str, Any] = {
    "model_id": LoggedModelRow.id,
    "name": LoggedModelRow.name,
    "model_type": LoggedModelRow.model_type,
    "source_run_id": LoggedModelRow.source_run_id,
    "status": LoggedModelRow.status,
    "creation_time": LoggedModelRow.creation_time,
    "last_updated_time": LoggedModelRow.last_updated_time,
}


def get_model(session: Session, model_id: str) -> LoggedModelRow | None:
    return session.get(LoggedModelRow, model_id)


def params_and_tags(
    session: Session, model_ids: Sequence[str]
) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    params: dict[str, dict[str, str]] = defaultdict(dict)
    tags: dict[str, dict[str, str]] = defaultdict(dict)
    if not model_ids:
        return params, tags
    ids = list(model_ids)
    for model_id, key, value in session.execute(
        select(
            LoggedModelParamRow.model_id, LoggedModelParamRow.key, LoggedModelParamRow.value
        ).where(LoggedModelParamRow.model_id.in_(ids))
    ):
        params[model_id][key] = value
    for model_id, key, value in session.execute(
        select(LoggedModelTagRow.model_id, LoggedModelTagRow.key, LoggedModelTagRow.value).where(
            LoggedModelTagRow.model_id.in_(ids)
        )
    ):
        tags[model_id][key] = value
    return params, tags


def params_of(session: Session, model_id: str, keys: Sequence[str]) -> dict[str, str]:
    query = select(LoggedModelParamRow.key, LoggedModelParamRow.value).where(
        LoggedModelParamRow.model_id == model_id, LoggedModelParamRow.key.in_(list(keys))
    )
    return {key: value for key, value in session.execute(query)}


def insert_params(session: Session, model_id: str, params: Mapping[str, str]) -> None:
    table = LoggedModelParamRow.__table__
    write_key_values(session, table, "model_id", model_id, params, replace=False)


def set_tags(session: Session, model_id: str, tags: Mapping[str, str]) -> None:
    write_key_values(session, LoggedModelTagRow.__table__, "model_id", model_id, tags, replace=True)


def delete_tag(session: Session, model_id: str, key: str) -> bool:
    result = session.execute(
        delete(LoggedModelTagRow).where(
            LoggedModelTagRow.model_id == model_id, LoggedModelTagRow.key == key
        )
    )
    return bool(getattr(result, "rowcount", 0))


def link_runs(session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
    """Record runs' models; linking the same pair again keeps the latest step."""
    if not rows:
        return
    statement = upsert_insert(session, RunModelRow.__table__)
    statement = statement.on_conflict_do_update(
        index_elements=["run_id", "model_id", "direction"], set_={"step": statement.excluded.step}
    )
    session.execute(statement, list(rows))


def run_models(session: Session, run_ids: Sequence[str]) -> dict[str, list[RunModelRow]]:
    links: dict[str, list[RunModelRow]] = defaultdict(list)
    if not run_ids:
        return links
    query = select(RunModelRow).where(RunModelRow.run_id.in_(list(run_ids)))
    for row in session.scalars(query.order_by(RunModelRow.model_id)):
        links[row.run_id].append(row)
    return links


def _like_to_glob(pattern: str) -> str:
    """SQLite's LIKE ignores case; GLOB does not, so a case-sensitive LIKE becomes a GLOB."""
    special = {"%": "*", "_": "?", "*": "[*]", "?": "[?]", "[": "[[]"}
    return "".join(special.get(char, char) for char in pattern)


def _compare(column: Any, operator: str, value: Any, dialect: str) -> ColumnElement[bool]:
    comparisons: dict[str, Any] = {
        "=": lambda: column == value,
        "!=": lambda: column != value,
        "<": lambda: column < value,
        "<=": lambda: column <= value,
        ">": lambda: column > value,
        ">=": lambda: column >= value,
        "ILIKE": lambda: column.ilike(value),
        "IN": lambda: column.in_(value),
        "NOT IN": lambda: column.not_in(value),
        "IS NULL": lambda: column.is_(None),
        "IS NOT NULL": lambda: column.is_not(None),
    }
    if operator == "LIKE":
        if dialect == "sqlite":
            return column.op("GLOB")(_like_to_glob(value))  # type: ignore[no-any-return]
        return column.like(value)  # type: ignore[no-any-return]
    return comparisons[operator]()  # type: ignore[no-any-return]


def _condition(comparison: Comparison, dialect: str) -> ColumnElement[bool]:
    entity, key = comparison.field.entity, comparison.field.key
    if entity is Entity.ATTRIBUTE:
        return _compare(ATTRIBUTES[key], comparison.operator, comparison.value, dialect)
    table: Any = LoggedModelParamRow if entity is Entity.PARAM else LoggedModelTagRow
    present = [table.model_id == LoggedModelRow.id, table.key == key]
    if comparison.operator == "IS NULL":
        return not_(exists().where(*present))
    if comparison.operator == "IS NOT NULL":
        return exists().where(*present)
    return exists().where(
        *present, _compare(table.value, comparison.operator, comparison.value, dialect)
    )


def search_query(
    session: Session,
    experiment_ids: Sequence[str],
    comparisons: Sequence[Comparison],
    sort_keys: Sequence[SortKey],
) -> Select[LoggedModelRow]:
    """Active models of the experiments that match, newest first unless ordered otherwise."""
    dialect = session.get_bind().dialect.name
    query = select(LoggedModelRow).where(
        LoggedModelRow.experiment_id.in_(list(experiment_ids)),
        LoggedModelRow.lifecycle == "active",
        *(_condition(comparison, dialect) for comparison in comparisons),
    )
    ordering: list[Any] = []
    for sort_key in sort_keys:
        column = ATTRIBUTES[sort_key.field.key]
        ordering.append((column.asc() if sort_key.ascending else column.desc()).nulls_last())
    ordering += [LoggedModelRow.creation_time.desc(), LoggedModelRow.id.asc()]
    return query.order_by(*ordering)
