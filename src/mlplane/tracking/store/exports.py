"""Runs, params and latest metrics in bulk, for SQL analytics over the platform's tables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from mlplane.catalog.tables import ProjectRow
from mlplane.tracking.tables import ExperimentRow, LatestMetricRow, ParamRow, RunRow

Query = TypeVar("Query", bound=Select)  # type: ignore[type-arg]


def _in_projects(query: Query, project_ids: Sequence[str] | None) -> Query:
    """`project_ids=None` means every project (a platform administrator)."""
    return query if project_ids is None else query.where(ProjectRow.id.in_(list(project_ids)))


def experiment_records(session: Session, project_ids: Sequence[str] | None) -> list[Any]:
    query = select(
        ExperimentRow.id,
        ProjectRow.name.label("project"),
        ExperimentRow.name,
        ExperimentRow.lifecycle,
        ExperimentRow.created_at,
        ExperimentRow.created_by,
    ).join(ProjectRow, ProjectRow.id == ExperimentRow.project_id)
    return list(session.execute(_in_projects(query, project_ids)).mappings())


def _run_scope(
    columns: Sequence[Any], project_ids: Sequence[str] | None, per_run: Any = None
) -> Select[Any]:
    """`columns` of runs, or of a per-run table, in the given projects."""
    query = select(*columns)
    if per_run is None:
        query = query.select_from(RunRow)
    else:
        query = query.select_from(per_run).join(RunRow, RunRow.id == per_run.run_id)
    query = query.join(ExperimentRow, ExperimentRow.id == RunRow.experiment_id).join(
        ProjectRow, ProjectRow.id == ExperimentRow.project_id
    )
    return _in_projects(query, project_ids)


def run_records(session: Session, project_ids: Sequence[str] | None) -> list[Any]:
    columns = [
        RunRow.id,
        ProjectRow.name.label("project"),
        ExperimentRow.name.label("experiment"),
        RunRow.name,
        RunRow.status,
        RunRow.user_name.label("user"),
        RunRow.start_time,
        RunRow.end_time,
        RunRow.source_name,
        RunRow.git_commit,
        RunRow.parent_run_id,
        RunRow.lifecycle,
    ]
    query = _run_scope(columns, project_ids)
    return list(session.execute(query).mappings())


def param_records(session: Session, project_ids: Sequence[str] | None) -> list[Any]:
    columns = [ParamRow.run_id, ParamRow.key, ParamRow.value]
    query = _run_scope(columns, project_ids, ParamRow)
    return list(session.execute(query).mappings())


def latest_metric_records(session: Session, project_ids: Sequence[str] | None) -> list[Any]:
    columns = [
        LatestMetricRow.run_id,
        LatestMetricRow.key,
        LatestMetricRow.value,
        LatestMetricRow.step,
        LatestMetricRow.timestamp,
    ]
    query = _run_scope(columns, project_ids, LatestMetricRow)
    return list(session.execute(query).mappings())
