"""`/compute`: every pool's use and free capacity, cost per day, and the jobs of each project."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi import Request
from starlette.responses import Response

from mlplane.catalog import service as catalog
from mlplane.compute import service as compute
from mlplane.compute.schemas import CostReport, Pool
from mlplane.server.deps import PlatformDep, PrincipalDep
from mlplane.ui.charts import Series, xy_chart
from mlplane.ui.page_route import page_router
from mlplane.ui.templating import render

router = page_router()

COST_DAYS = 14
MAX_PROJECTS = 200


def cost_chart(report: CostReport, days: int) -> dict[str, Any]:
    """Bars of cost for each of the last `days` days, days without jobs at zero."""
    labels: list[date] = [report.since + timedelta(days=offset) for offset in range(days)]
    by_day = {entry.day: entry.cost for entry in report.days}
    points = [(float(index), round(by_day.get(day, 0.0), 6)) for index, day in enumerate(labels)]
    return xy_chart(
        [Series("cost", points)],
        style="bar",
        x_axis="category",
        categories=[day.isoformat() for day in labels],
        y_label="cost",
        height=200,
    )


def utilisation(pool: Pool) -> int:
    """Percent of the pool's CPUs in use."""
    if pool.capacity.cpus <= 0:
        return 0
    return round(100 * pool.used.cpus / pool.capacity.cpus)


@router.get("/compute")
def get_compute_page(request: Request, platform: PlatformDep, principal: PrincipalDep) -> Response:
    with platform.db.write() as session:
        pools = compute.list_pools(session, principal)
        report = compute.platform_cost(session, principal, COST_DAYS)
        projects = catalog.list_projects(session, principal, max_results=MAX_PROJECTS).items
    context = {
        "pools": [(pool, utilisation(pool)) for pool in pools],
        "report": report,
        "chart": cost_chart(report, COST_DAYS),
        "cost_days": COST_DAYS,
        "projects": projects,
    }
    return render(request, "compute/index.html", context)
