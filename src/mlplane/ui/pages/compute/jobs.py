"""A project's jobs (live while any runs) and one job with its logs (live while it runs)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from mlplane.catalog import service as catalog
from mlplane.compute import service as compute
from mlplane.governance.schemas import Principal
from mlplane.server.deps import PlatformDep, PrincipalDep
from mlplane.ui.page_route import page_router
from mlplane.ui.pages.compute.overview import cost_chart
from mlplane.ui.templating import render, render_page, wants_fragment

router = page_router()

LIVE_INTERVAL = "2s"
MAX_JOBS = 100
MAX_LOG_LINES = 5000
COST_DAYS = 14


def _jobs_context(session: Session, principal: Principal, project: str) -> dict[str, Any]:
    jobs = compute.list_jobs(session, principal, project, max_results=MAX_JOBS).items
    return {
        "project_name": project,
        "jobs": jobs,
        "live": any(not job.status.is_terminal for job in jobs),
        "live_interval": LIVE_INTERVAL,
        "rows_url": f"/projects/{project}/jobs/rows",
    }


@router.get("/projects/{project}/jobs")
def list_jobs_page(
    request: Request, project: str, platform: PlatformDep, principal: PrincipalDep
) -> Response:
    with platform.db.read() as session:
        context = _jobs_context(session, principal, project)
        context["project"] = catalog.get_project(session, principal, project)
        report = compute.project_cost(session, principal, project, COST_DAYS)
    context.update(report=report, chart=cost_chart(report, COST_DAYS), cost_days=COST_DAYS)
    return render(request, "compute/jobs.html", context)


@router.get("/projects/{project}/jobs/rows")
def list_jobs_rows(
    request: Request, project: str, platform: PlatformDep, principal: PrincipalDep
) -> Response:
    with platform.db.read() as session:
        context = _jobs_context(session, principal, project)
    if not wants_fragment(request):
        return list_jobs_page(request, project, platform, principal)
    return render(request, "compute/_jobs_rows.html", context)


def _job_context(
    session: Session, principal: Principal, project: str, job_id: str
) -> dict[str, Any]:
    job = compute.get_job(session, principal, project, job_id)
    logs = compute.get_logs(session, principal, project, job_id, 0, MAX_LOG_LINES)
    return {
        "project_name": project,
        "job": job,
        "lines": logs.lines,
        "live": not job.status.is_terminal,
        "live_interval": LIVE_INTERVAL,
        "live_url": f"/projects/{project}/jobs/{job_id}/live",
    }


@router.get("/projects/{project}/jobs/{job_id}")
def get_job_page(
    request: Request, project: str, job_id: str, platform: PlatformDep, principal: PrincipalDep
) -> Response:
    with platform.db.read() as session:
        context = _job_context(session, principal, project, job_id)
    return render(request, "compute/job.html", context)


@router.get("/projects/{project}/jobs/{job_id}/live")
def get_job_live(
    request: Request, project: str, job_id: str, platform: PlatformDep, principal: PrincipalDep
) -> Response:
    with platform.db.read() as session:
        context = _job_context(session, principal, project, job_id)
    return render_page(request, "compute/job.html", "compute/_job_live.html", context)
