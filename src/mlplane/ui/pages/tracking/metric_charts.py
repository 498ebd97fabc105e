"""Metric histories as charts: one chart per key, one series per run, step on the x axis."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mlplane.tracking.schemas import MetricHistory
from mlplane.ui.charts import Series, line_chart

MAX_POINTS = 500
"""Points per series sent to the browser; the service thins longer histories, spikes kept."""
CHART_HEIGHT = 200


@dataclass(frozen=True)
class MetricChart:
    key: str
    chart: dict[str, Any]
    total: int
    """How many points were logged, across the chart's series."""
    downsampled: bool


def _points(history: MetricHistory) -> list[tuple[float, float | None]]:
    # JSON has no NaN or Infinity: such a point is a gap in the line.
    return [
        (point.step, point.value if math.isfinite(point.value) else None)
        for point in history.points
    ]


def metric_charts(
    histories: Sequence[MetricHistory], keys: Sequence[str], labels: Mapping[str, str]
) -> list[MetricChart]:
    """A chart for each of `keys`, with a series for each run in `labels` (run id to label)."""
    by_key: dict[str, list[MetricHistory]] = {key: [] for key in keys}
    for history in histories:
        if history.key in by_key and history.run_id in labels:
            by_key[history.key].append(history)
    charts = []
    for key, found in by_key.items():
        series = [Series(labels[history.run_id], _points(history)) for history in found]
        charts.append(
            MetricChart(
                key=key,
                # The key heads the chart; an axis label would repeat it, cut short.
                chart=line_chart(series, time_axis=False, height=CHART_HEIGHT),
                total=sum(history.total for history in found),
                downsampled=any(history.downsampled for history in found),
            )
        )
    return charts


def run_labels(runs: Sequence[tuple[str, str]]) -> dict[str, str]:
    """Each run's name as its series label, with a short id where two runs share a name."""
    names = [name for _, name in runs]
    return {
        run_id: name if names.count(name) == 1 else f"{name} ({run_id[:7]})"
        for run_id, name in runs
    }
