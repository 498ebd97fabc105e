"""Summaries for listings: each experiment's run count and latest run, the keys it logs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from mlplane.catalog import service as catalog
from mlplane.governance.schemas import Principal, Role
from mlplane.tracking.service.access import access_experiment
from mlplane.tracking.store import summaries as store


@dataclass(frozen=True)
class ExperimentActivity:
    run_count: int
    last_run_start: int | None
    """Epoch ms of the most recently started active run; None without runs."""


@dataclass(frozen=True)
class LoggedKeys:
    metrics: list[str]
    params: list[str]


def get_experiment_activity(
    session: Session, principal: Principal, project: str, experiment_ids: Sequence[str]
) -> dict[str, ExperimentActivity]:
    """Active runs per experiment; an id that names no experiment of the project counts none."""
    access = catalog.access_project(session, principal, project, Role.VIEWER)
    counts = store.run_counts(session, access.id, experiment_ids)
    return {
        experiment_id: ExperimentActivity(*counts.get(experiment_id, (0, None)))
        for experiment_id in experiment_ids
    }


def list_logged_keys(
    session: Session, principal: Principal, project: str, experiment: str
) -> LoggedKeys:
    """The metric and param keys the experiment's active runs logged, for choosing columns."""
    found = access_experiment(session, principal, experiment, project=project)
    experiment_id = found.experiment.id
    return LoggedKeys(
        metrics=store.metric_keys(session, experiment_id),
        params=store.param_keys(session, experiment_id),
    )
