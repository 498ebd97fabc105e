"""Rows to wire models."""

from __future__ import annotations

import math
from collections.abc import Sequence

from sqlalchemy.orm import Session

from mlplane.tracking.schemas import (
    DatasetInput,
    Experiment,
    Lifecycle,
    Run,
    RunStatus,
)
from mlplane.tracking.store import experiments as experiment_store
from mlplane.tracking.store import runs as run_store
from mlplane.tracking.store.runs import RunData
from mlplane.tracking.tables import ExperimentRow, RunRow


def stored_value(value: float | None) -> float:
    """NaN is stored as NULL; everything else as itself."""
    return math.nan if value is None else value


def experiment_view(row: ExperimentRow, project: str, tags: dict[str, str]) -> Experiment:
    return Experiment(
        id=row.id,
        project=project,
        name=row.name,
        description=row.description,
        tags=tags,
        artifact_location=row.artifact_location,
        lifecycle=Lifecycle(row.lifecycle),
        created_at=row.created_at,
        created_by=row.created_by,
        updated_at=row.updated_at,
        deleted_at=row.deleted_at,
    )


def experiment_views(
    session: Session, rows: Sequence[ExperimentRow], project: str
) -> list[Experiment]:
    tags = experiment_store.tags_of(session, [row.id for row in rows])
    return [experiment_view(row, project, tags.get(row.id, {})) for row in rows]


def run_view(row: RunRow, data: RunData) -> Run:
    return Run(
        id=row.id,
        experiment_id=row.experiment_id,
        name=row.name,
        status=RunStatus(row.status),
        start_time=row.start_time,
        end_time=row.end_time,
        user=row.user_name,
        source_name=row.source_name,
        source_type=row.source_type,
        git_commit=row.git_commit,
        git_dirty=row.git_dirty,
        parent_run_id=row.parent_run_id,
        lifecycle=Lifecycle(row.lifecycle),
        artifact_uri=row.artifact_uri,
        params=data.params,
        tags=data.tags,
        # Plain dicts: pydantic builds them in its compiled validator, several times faster
        # than a Python-side constructor, and a page of runs holds thousands of them.
        metrics={
            key: {"value": stored_value(value), "step": step, "timestamp": timestamp}
            for key, (value, step, timestamp) in data.metrics.items()
        },
        inputs=[DatasetInput.model_validate(row) for row in data.inputs],
    )


def run_views(session: Session, rows: Sequence[RunRow]) -> list[Run]:
    """Runs with their data, loaded with one query per kind of data for all of them."""
    data = run_store.run_data(session, [row.id for row in rows])
    return [run_view(row, data[row.id]) for row in rows]
