"""A saved query's report: the query run now, its result as a table and its chart."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import Request
from starlette.responses import Response

from mlplane.data.schemas.sql import ChartType
from mlplane.data.service import saved_queries
from mlplane.server.deps import PlatformDep, PrincipalDep
from mlplane.ui.page_route import page_router
from mlplane.ui.pages.data.display import format_value
from mlplane.ui.pages.data.sql import run_result
from mlplane.ui.templating import render

router = page_router()


@router.get("/projects/{project}/queries/{name}")
def get_query_report(
    request: Request, project: str, name: str, platform: PlatformDep, principal: PrincipalDep
) -> Response:
    with platform.db.read() as session:
        saved = saved_queries.get_saved_query(session, principal, project, name)
    result, error = run_result(platform, principal, project, saved.sql, saved.chart)
    chart = saved.chart.type if saved.chart else ChartType.BAR
    editor = {"sql": saved.sql, "chart": chart.value}
    return render(
        request,
        "data/report.html",
        {
            "project_name": project,
            "query": saved,
            "result": result,
            "error": error,
            "editor_url": f"/projects/{project}/sql?{urlencode(editor)}",
            "format_value": format_value,
        },
        status_code=error.status if error else 200,
    )
