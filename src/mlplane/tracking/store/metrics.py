"""Reading metric histories."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from mlplane.tracking.tables import MetricRow

Point = tuple[int, int, float | None]
"""(step, timestamp, value); a value of None is NaN."""


def histories(
    session: Session,
    run_ids: Sequence[str],
    keys: Sequence[str],
    min_step: int | None = None,
    max_step: int | None = None,
) -> dict[tuple[str, str], list[Point]]:
    """Every point of each (run, key), in step then timestamp order."""
    query = select(
        MetricRow.run_id, MetricRow.key, MetricRow.step, MetricRow.timestamp, MetricRow.value
    ).where(MetricRow.run_id.in_(list(run_ids)), MetricRow.key.in_(list(keys)))
    if min_step is not None:
        query = query.where(MetricRow.step >= min_step)
    if max_step is not None:
        query = query.where(MetricRow.step <= max_step)
    query = query.order_by(
        MetricRow.run_id, MetricRow.key, MetricRow.step, MetricRow.timestamp, MetricRow.id
    )
    series: dict[tuple[str, str], list[Point]] = defaultdict(list)
    for run_id, key, step, timestamp, value in session.execute(query):
        series[(run_id, key)].append((step, timestamp, value))
    return series
