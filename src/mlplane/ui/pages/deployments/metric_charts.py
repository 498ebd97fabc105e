"""A deployment's metrics as charts: request rate, error rate, and latency per version."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from mlplane.serving.rollup_schemas import DeploymentMetrics, VersionSeries
from mlplane.ui.charts import Series, line_chart

MINUTE = timedelta(minutes=1)


@dataclass(frozen=True)
class DeploymentChart:
    key: str
    title: str
    chart: dict[str, Any]


def version_label(series: VersionSeries) -> str:
    return f"revision {series.version}" + (f" ({series.target})" if series.target else "")


def _request_rates(metrics: DeploymentMetrics, series: VersionSeries) -> Series:
    """Requests per second for every minute of the window: a minute without calls is a zero."""
    rates = {point.minute: point.requests_per_second for point in series.points}
    minutes = []
    minute = metrics.start
    while minute <= metrics.end:
        minutes.append(minute)
        minute += MINUTE
    return Series(version_label(series), [(at.timestamp(), rates.get(at, 0.0)) for at in minutes])


def _spanning(
    metrics: DeploymentMetrics, points: list[tuple[float, float | None]]
) -> list[tuple[float, float | None]]:
    """The points with empty ends at the window's first and last minutes, so that the chart
    spans the whole window however few minutes had calls; none without calls."""
    if not points:
        return []
    first = metrics.start.timestamp()
    last = metrics.end.replace(second=0, microsecond=0).timestamp()
    if points[0][0] > first:
        points = [(first, None), *points]
    if points[-1][0] < last:
        points = [*points, (last, None)]
    return points


def _error_rates(metrics: DeploymentMetrics, series: VersionSeries) -> Series:
    return Series(
        version_label(series),
        _spanning(
            metrics,
            [
                (point.minute.timestamp(), 100 * point.error_rate)
                for point in series.points
                if point.error_rate is not None
            ],
        ),
    )


def _latencies(metrics: DeploymentMetrics, series: VersionSeries) -> list[Series]:
    return [
        Series(
            label,
            _spanning(
                metrics,
                [(point.minute.timestamp(), getattr(point, field)) for point in series.points],
            ),
        )
        for label, field in (
            ("p50", "latency_p50_ms"),
            ("p95", "latency_p95_ms"),
            ("p99", "latency_p99_ms"),
        )
    ]


def deployment_charts(metrics: DeploymentMetrics) -> list[DeploymentChart]:
    versions = metrics.versions
    charts = [
        DeploymentChart(
            "requests",
            "Requests per second",
            line_chart([_request_rates(metrics, item) for item in versions], y_label="req/s"),
        ),
        DeploymentChart(
            "errors",
            "Server errors (% of calls)",
            line_chart([_error_rates(metrics, item) for item in versions], y_label="%"),
        ),
    ]
    charts.extend(
        DeploymentChart(
            f"latency-{item.version}",
            f"Latency of {version_label(item)}",
            line_chart(_latencies(metrics, item), y_label="ms"),
        )
        for item in versions
    )
    return charts
