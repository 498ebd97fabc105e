"""The overview: is the platform healthy, what runs, and what happened in the last day."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from starlette.responses import Response

from mlplane.catalog import service as catalog
from mlplane.core.clock import utcnow
from mlplane.core.processes import is_alive, list_processes
from mlplane.governance import service as governance
from mlplane.governance.schemas import AuditOutcome
from mlplane.server.deps import PlatformDep, PrincipalDep
from mlplane.server.health import get_health
from mlplane.server.platform import Platform
from mlplane.ui.charts import Series, count_per_hour, first_hour, line_chart
from mlplane.ui.page_route import page_router
from mlplane.ui.templating import render

router = page_router()

CHART_HOURS = 24


def _platform_facts(platform: Platform) -> dict[str, Any]:
    root = platform.settings.artifact_root
    return {
        **get_health(platform),
        "database_kind": platform.db.engine.dialect.name,
        # Only a URL (`s3://...`) names a store; a plain path is a local folder.
        "artifact_kind": urlsplit(root).scheme if "://" in root else "local folder",
    }


@router.get("/")
def get_overview_page(request: Request, platform: PlatformDep, principal: PrincipalDep) -> Response:
    now = utcnow()
    processes = [(row, is_alive(row)) for row in list_processes(platform.db)]
    with platform.db.read() as session:
        project_count = catalog.count_projects(session, principal)
        user_count = governance.count_users(session, principal) if principal.is_admin else None
        visible = catalog.administered_project_names(session, principal)
        events = governance.list_audit_times(
            session, principal, first_hour(now, CHART_HOURS), visible
        )
    denied = [moment for moment, outcome in events if outcome is AuditOutcome.DENIED]
    chart = line_chart(
        [
            Series("All events", count_per_hour((m for m, _ in events), now, CHART_HOURS)),
            Series("Denied", count_per_hour(denied, now, CHART_HOURS)),
        ],
        y_label="events per hour",
    )
    return render(
        request,
        "overview.html",
        {
            "platform": _platform_facts(platform),
            "processes": processes,
            "alive_count": sum(alive for _, alive in processes),
            "project_count": project_count,
            "user_count": user_count,
            "event_count": len(events),
            "denied_count": len(denied),
            "chart": chart,
        },
    )
