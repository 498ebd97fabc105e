"""Aggregates over runs for listings: how many runs an experiment has, which keys they log."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mlplane.tracking.tables import ExperimentRow, LatestMetricRow, ParamRow, RunRow

ACTIVE = "active"


def run_counts(
    session: Session, project_id: str, experiment_ids: Sequence[str]
) -> dict[str, tuple[int, int | None]]:
    """(active runs, latest start time in epoch ms) of each experiment of the project."""
    if not experiment_ids:
        return {}
    query = (
        select(RunRow.experiment_id, func.count(RunRow.id), func.max(RunRow.start_time))
        .join(ExperimentRow, ExperimentRow.id == RunRow.experiment_id)
        .where(
            ExperimentRow.project_id == project_id,
            RunRow.experiment_id.in_(list(experiment_ids)),
            RunRow.lifecycle == ACTIVE,
        )
        .group_by(RunRow.experiment_id)
    )
    return {
        experiment_id: (int(count), latest)
        for experiment_id, count, latest in session.execute(query)
    }


def metric_keys(session: Session, experiment_id: str) -> list[str]:
    """Every metric key the experiment's active runs logged, sorted."""
    query = (
        select(LatestMetricRow.key)
        .join(RunRow, RunRow.id == LatestMetricRow.run_id)
        .where(RunRow.experiment_id == experiment_id, RunRow.lifecycle == ACTIVE)
        .distinct()
        .order_by(LatestMetricRow.key)
    )
    return list(session.scalars(query))


def param_keys(session: Session, experiment_id: str) -> list[str]:
    """Every param key the experiment's active runs logged, sorted."""
    query = (
        select(ParamRow.key)
        .join(RunRow, RunRow.id == ParamRow.run_id)
        .where(RunRow.experiment_id == experiment_id, RunRow.lifecycle == ACTIVE)
        .distinct()
        .order_by(ParamRow.key)
    )
    return list(session.scalars(query))
