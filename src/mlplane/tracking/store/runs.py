"""Queries on runs and on everything logged to them, read back in bulk."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from mlplane.tracking.tables import (
    ExperimentRow,
    LatestMetricRow,
    ParamRow,
    RunInputRow,
    RunRow,
    RunTagRow,
)


@dataclass
class RunData:
    """What was logged to one run: params, tags, latest metrics and dataset inputs."""

    params: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    metrics: dict[str, tuple[float | None, int, int]] = field(default_factory=dict)
    inputs: list[RunInputRow] = field(default_factory=list)


@dataclass(frozen=True)
class RunState:
    """What logging needs to know of a run: read as plain columns, no ORM objects."""

    id: str
    status: str
    lifecycle: str
    project_id: str


_RUN_STATE = (
    select(RunRow.id, RunRow.status, RunRow.lifecycle, ExperimentRow.project_id)
    .join(ExperimentRow, ExperimentRow.id == RunRow.experiment_id)
    .where(RunRow.id == bindparam("run_id"))
)


def get_run_state(session: Session, run_id: str) -> RunState | None:
    row = session.connection().execute(_RUN_STATE, {"run_id": run_id}).first()
    return RunState(*row) if row else None


def get_run_row(session: Session, run_id: str) -> RunRow:
    """A run known to exist (its state was just read in this transaction)."""
    row = session.get(RunRow, run_id)
    assert row is not None
    return row


def get_run_with_experiment(session: Session, run_id: str) -> tuple[RunRow, ExperimentRow] | None:
    query = (
        select(RunRow, ExperimentRow)
        .join(ExperimentRow, ExperimentRow.id == RunRow.experiment_id)
        .where(RunRow.id == run_id)
    )
    row = session.execute(query).first()
    return (row[0], row[1]) if row else None


def get_runs(session: Session, run_ids: Sequence[str]) -> list[RunRow]:
    if not run_ids:
        return []
    return list(session.scalars(select(RunRow).where(RunRow.id.in_(run_ids))))


def run_data(session: Session, run_ids: Sequence[str]) -> dict[str, RunData]:
    data: dict[str, RunData] = defaultdict(RunData)
    if not run_ids:
        return data
    ids = list(run_ids)
    params = select(ParamRow.run_id, ParamRow.key, ParamRow.value).where(ParamRow.run_id.in_(ids))
    for run_id, key, text in session.execute(params):
        data[run_id].params[key] = text
    tags = select(RunTagRow.run_id, RunTagRow.key, RunTagRow.value).where(RunTagRow.run_id.in_(ids))
    for run_id, key, text in session.execute(tags):
        data[run_id].tags[key] = text
    metrics = select(
        LatestMetricRow.run_id,
        LatestMetricRow.key,
        LatestMetricRow.value,
        LatestMetricRow.step,
        LatestMetricRow.timestamp,
    ).where(LatestMetricRow.run_id.in_(ids))
    for run_id, key, value, step, timestamp in session.execute(metrics):
        data[run_id].metrics[key] = (value, step, timestamp)
    inputs = select(RunInputRow).where(RunInputRow.run_id.in_(ids))
    for row in session.scalars(inputs):
        data[row.run_id].inputs.append(row)
    return data


def child_run_ids(session: Session, parent_run_id: str) -> list[str]:
    return list(session.scalars(select(RunRow.id).where(RunRow.parent_run_id == parent_run_id)))
