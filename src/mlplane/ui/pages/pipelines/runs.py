"""A project's pipeline runs (live while any runs) and one run's graph (live while it runs)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from mlplane.catalog import service as catalog
from mlplane.governance.schemas import Principal
from mlplane.pipelines import service as pipelines
from mlplane.pipelines.schemas import PipelineRun
from mlplane.server.deps import PlatformDep, PrincipalDep
from mlplane.ui.page_route import page_router
from mlplane.ui.pages.pipelines.graph_svg import render_graph
from mlplane.ui.templating import render, render_page

router = page_router()

LIVE_INTERVAL = "1s"
MAX_RUNS = 100


def run_duration(run: PipelineRun) -> str:
    if run.started_at is None:
        return "—"
    if run.finished_at is None:
        return "running"
    seconds = (run.finished_at - run.started_at).total_seconds()
    return f"{seconds:.2f} s" if seconds < 120 else f"{seconds / 60:.1f} min"


def _runs_context(session: Session, principal: Principal, project: str) -> dict[str, Any]:
    runs = pipelines.list_runs(session, principal, project, max_results=MAX_RUNS).items
    return {
        "project_name": project,
        "runs": runs,
        "durations": {run.id: run_duration(run) for run in runs},
        "cache_hits": {
            run.id: sum(step.state.value in ("cached", "reused") for step in run.steps)
            for run in runs
        },
        "live": any(not run.state.is_terminal for run in runs),
        "live_interval": LIVE_INTERVAL,
        "rows_url": f"/projects/{project}/pipelines/rows",
    }


@router.get("/projects/{project}/pipelines")
def list_pipeline_runs_page(
    request: Request, project: str, platform: PlatformDep, principal: PrincipalDep
) -> Response:
    with platform.db.read() as session:
        context = _runs_context(session, principal, project)
        context["project"] = catalog.get_project(session, principal, project)
    return render_page(request, "pipelines/runs.html", "pipelines/_runs_rows.html", context)


@router.get("/projects/{project}/pipelines/rows")
def list_pipeline_runs_rows(
    request: Request, project: str, platform: PlatformDep, principal: PrincipalDep
) -> Response:
    with platform.db.read() as session:
        context = _runs_context(session, principal, project)
        context["project"] = catalog.get_project(session, principal, project)
    return render_page(request, "pipelines/runs.html", "pipelines/_runs_rows.html", context)


def _run_context(
    session: Session, principal: Principal, project: str, run_id: str
) -> dict[str, Any]:
    run = pipelines.get_run(session, principal, project, run_id)
    return {
        "project_name": project,
        "run": run,
        "graph": render_graph(run.steps),
        "duration": run_duration(run),
        "cache_hits": sum(step.state.value in ("cached", "reused") for step in run.steps),
        "live": not run.state.is_terminal,
        "live_interval": LIVE_INTERVAL,
        "live_url": f"/projects/{project}/pipelines/runs/{run_id}/live",
    }


@router.get("/projects/{project}/pipelines/runs/{run_id}")
def get_pipeline_run_page(
    request: Request, project: str, run_id: str, platform: PlatformDep, principal: PrincipalDep
) -> Response:
    with platform.db.read() as session:
        context = _run_context(session, principal, project, run_id)
    return render(request, "pipelines/run.html", context)


@router.get("/projects/{project}/pipelines/runs/{run_id}/live")
def get_pipeline_run_live(
    request: Request, project: str, run_id: str, platform: PlatformDep, principal: PrincipalDep
) -> Response:
    with platform.db.read() as session:
        context = _run_context(session, principal, project, run_id)
    return render_page(request, "pipelines/run.html", "pipelines/_run_live.html", context)
