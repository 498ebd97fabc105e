"""Metric histories, optionally thinned for charts (see `tracking.downsample`)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from mlplane.core.errors import InvalidInput
from mlplane.governance.schemas import Principal
from mlplane.tracking.downsample import downsample
from mlplane.tracking.schemas import MetricHistories, MetricHistory, MetricPoint
from mlplane.tracking.service.access import access_run
from mlplane.tracking.service.views import stored_value
from mlplane.tracking.store import metrics as store
from mlplane.tracking.store.metrics import Point

MAX_POINTS_LIMIT = 100_000


def _history(run_id: str, key: str, points: list[Point], max_points: int | None) -> MetricHistory:
    kept = downsample(points, max_points) if max_points else points
    return MetricHistory(
        run_id=run_id,
        key=key,
        points=[
            MetricPoint(step=step, timestamp=timestamp, value=stored_value(value))
            for step, timestamp, value in kept
        ],
        total=len(points),
        downsampled=len(kept) < len(points),
    )


def _check_max_points(max_points: int | None) -> None:
    if max_points is not None and not 2 <= max_points <= MAX_POINTS_LIMIT:
        raise InvalidInput(f"max_points: must be between 2 and {MAX_POINTS_LIMIT}")


def get_metric_history(
    session: Session,
    principal: Principal,
    run_id: str,
    key: str,
    *,
    project: str | None = None,
    max_points: int | None = None,
    min_step: int | None = None,
    max_step: int | None = None,
) -> MetricHistory:
    """Every point of one metric of one run in step order, or at most `max_points` of them."""
    _check_max_points(max_points)
    access_run(session, principal, run_id, project=project)
    series = store.histories(session, [run_id], [key], min_step, max_step)
    return _history(run_id, key, series.get((run_id, key), []), max_points)


def get_metric_histories(
    session: Session,
    principal: Principal,
    run_ids: Sequence[str],
    keys: Sequence[str],
    *,
    project: str | None = None,
    max_points: int | None = None,
    min_step: int | None = None,
    max_step: int | None = None,
) -> MetricHistories:
    """Several metrics of several runs at once, for comparison charts."""
    _check_max_points(max_points)
    for run_id in dict.fromkeys(run_ids):
        access_run(session, principal, run_id, project=project)
    series = store.histories(session, run_ids, keys, min_step, max_step)
    return MetricHistories(
        series=[
            _history(run_id, key, series.get((run_id, key), []), max_points)
            for run_id in dict.fromkeys(run_ids)
            for key in dict.fromkeys(keys)
        ]
    )
