"""A project's pipeline schedules and event triggers."""

from __future__ import annotations

from fastapi import Request
from starlette.responses import Response

from mlplane.catalog import service as catalog
from mlplane.pipelines import service as pipelines
from mlplane.server.deps import PlatformDep, PrincipalDep
from mlplane.ui.page_route import page_router
from mlplane.ui.templating import render

router = page_router()


@router.get("/projects/{project}/pipelines/schedules")
def list_schedules_page(
    request: Request, project: str, platform: PlatformDep, principal: PrincipalDep
) -> Response:
    with platform.db.read() as session:
        context = {
            "project_name": project,
            "project": catalog.get_project(session, principal, project),
            "schedules": pipelines.list_schedules(session, principal, project),
            "triggers": pipelines.list_triggers(session, principal, project),
        }
    return render(request, "pipelines/schedules.html", context)
