"""Cost: resource-seconds priced by each job's pool, per job, project and day."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.orm import Session

from mlplane.catalog import service as catalog
from mlplane.compute import store
from mlplane.compute.schemas import CostDay, CostReport
from mlplane.compute.service.views import HOUR, job_usage
from mlplane.core.clock import utcnow
from mlplane.core.errors import InvalidInput
from mlplane.governance import service as governance
from mlplane.governance.schemas import Principal, Role

MAX_DAYS = 366


def _since(days: int) -> date:
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput(f"days: must be between 1 and {MAX_DAYS}")
    return (utcnow() - timedelta(days=days - 1)).date()


def _report(
    session: Session, project: str | None, project_ids: list[str] | None, days: int
) -> CostReport:
    since = _since(days)
    start = datetime.combine(since, time.min, tzinfo=UTC)
    jobs = store.finished_jobs_since(session, project_ids, start - timedelta(days=1))
    per_day: dict[date, CostDay] = {}
    by_project: dict[str, float] = defaultdict(float)
    now = utcnow()
    total = 0.0
    counted = 0
    for job in jobs:
        day = (job.finished_at or job.started_at or job.created_at).date()
        if day < since:
            continue
        pool = store.get_pool(session, job.pool_id)
        if pool is None:
            continue
        usage = job_usage(job, pool, now)
        entry = per_day.setdefault(
            day, CostDay(day=day, cost=0.0, cpu_hours=0.0, gb_hours=0.0, gpu_hours=0.0, jobs=0)
        )
        entry.cost += usage.cost
        entry.cpu_hours += usage.cpu_seconds / HOUR
        entry.gb_hours += usage.gb_seconds / HOUR
        entry.gpu_hours += usage.gpu_seconds / HOUR
        entry.jobs += 1
        total += usage.cost
        counted += 1
        by_project[job.project_name] += usage.cost
    return CostReport(
        project=project,
        since=since,
        total=total,
        jobs=counted,
        days=[per_day[day] for day in sorted(per_day)],
        by_project=dict(by_project),
    )


def project_cost(
    session: Session, principal: Principal, project: str, days: int = 30
) -> CostReport:
    access = catalog.access_project(session, principal, project, Role.VIEWER)
    return _report(session, access.name, [access.id], days)


def platform_cost(session: Session, principal: Principal, days: int = 30) -> CostReport:
    """Every project the caller can see; administrators see all of them."""
    ids = governance.visible_project_ids(session, principal)
    return _report(session, None, ids, days)
