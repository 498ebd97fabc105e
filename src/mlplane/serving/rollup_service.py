"""A deployment's traffic, errors and latency over time, per served version.

Finished minutes come from the rollups; the minutes the rollup has not reached yet (the
current one at least) are summed from the raw log on the fly, so the charts stay live.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from mlplane.catalog import service as catalog
from mlplane.core.clock import utcnow
from mlplane.core.errors import InvalidInput
from mlplane.deployments import service as deployments
from mlplane.deployments.schemas import Deployment
from mlplane.governance.schemas import Principal, Role
from mlplane.serving import rollup_store as store
from mlplane.serving.rollup_schemas import (
    DeploymentMetrics,
    MetricPoint,
    RecentTraffic,
    VersionSeries,
)
from mlplane.serving.rollups import (
    MINUTE,
    WATERMARK,
    MinuteStats,
    floor_minute,
    summarize_by_minute,
)

WINDOWS: dict[str, timedelta] = {
    "15m": timedelta(minutes=15),
    "1h": timedelta(hours=1),
    "6h": timedelta(hours=6),
    "24h": timedelta(hours=24),
}
DEFAULT_WINDOW = "1h"
RECENT = timedelta(minutes=5)
TARGET_ORDER = ("stable", "candidate", "previous")


def window_span(window: str) -> timedelta:
    span = WINDOWS.get(window)
    if span is None:
        raise InvalidInput(f"window: must be one of {', '.join(WINDOWS)}", field="window")
    return span


def _point(minute: datetime, seconds: float, partial: bool, stats: MinuteStats) -> MetricPoint:
    return MetricPoint(
        minute=minute,
        seconds=seconds,
        partial=partial,
        requests=stats.requests,
        errors=stats.errors,
        client_errors=stats.client_errors,
        rows=stats.rows,
        requests_per_second=stats.requests / seconds,
        error_rate=stats.errors / stats.requests if stats.requests else None,
        latency_mean_ms=stats.latency_mean_ms,
        latency_p50_ms=stats.latency_p50_ms,
        latency_p95_ms=stats.latency_p95_ms,
        latency_p99_ms=stats.latency_p99_ms,
    )


def _targets(deployment: Deployment) -> dict[str, str]:
    found = {}
    for name in reversed(TARGET_ORDER):
        target = getattr(deployment, name)
        if target is not None:
            found[target.revision] = name
    return found


def _order(version: str, targets: dict[str, str]) -> tuple[int, int, str]:
    target = targets.get(version)
    rank = TARGET_ORDER.index(target) if target is not None else len(TARGET_ORDER)
    number = int(version) if version.isdigit() else 0
    return rank, -number, version


def get_deployment_metrics(
    session: Session,
    principal: Principal,
    project: str,
    name: str,
    window: str = DEFAULT_WINDOW,
    now: datetime | None = None,
) -> DeploymentMetrics:
    """Per version, one point per minute with calls over the last `window`."""
    span = window_span(window)
    deployment = deployments.get_deployment(session, principal, project, name)
    now = now or utcnow()
    current = floor_minute(now)
    start = current - span + MINUTE
    mark = store.get_watermark(session, WATERMARK)
    rolled = None if mark is None else mark.rolled_until
    live_from = start if rolled is None else max(start, min(rolled, current + MINUTE))
    points: dict[str, list[MetricPoint]] = {}
    for row in store.list_rollups(session, deployment.project, name, start, live_from):
        stats = MinuteStats(
            requests=row.requests,
            errors=row.errors,
            client_errors=row.client_errors,
            rows=row.rows,
            latency_mean_ms=row.latency_mean_ms,
            latency_p50_ms=row.latency_p50_ms,
            latency_p95_ms=row.latency_p95_ms,
            latency_p99_ms=row.latency_p99_ms,
        )
        points.setdefault(row.version, []).append(_point(row.minute, 60.0, False, stats))
    calls = store.list_model_calls(session, deployment.project, name, live_from, current + MINUTE)
    for (_, _, version, minute), stats in sorted(summarize_by_minute(calls).items()):
        # The current minute counts the seconds gone so far, so its rate is not diluted.
        seconds = min(60.0, max(1.0, (now - minute).total_seconds()))
        points.setdefault(version, []).append(_point(minute, seconds, True, stats))
    targets = _targets(deployment)
    versions = sorted(set(points) | set(targets), key=lambda version: _order(version, targets))
    return DeploymentMetrics(
        deployment=name,
        project=deployment.project,
        window=window,
        start=start,
        end=now,
        rolled_until=rolled,
        versions=[
            VersionSeries(
                version=version, target=targets.get(version), points=points.get(version, [])
            )
            for version in versions
        ],
    )


def list_recent_traffic(
    session: Session, principal: Principal, project: str, now: datetime | None = None
) -> list[RecentTraffic]:
    """Each served version's calls over the last five minutes, from the raw log."""
    access = catalog.access_project(session, principal, project, Role.VIEWER)
    since = (now or utcnow()) - RECENT
    return [
        RecentTraffic(
            model=model,
            version=version,
            requests=calls,
            errors=errors,
            requests_per_second=calls / RECENT.total_seconds(),
        )
        for model, version, calls, errors in store.count_recent_calls(session, access.name, since)
    ]
