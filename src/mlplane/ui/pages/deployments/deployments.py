"""A project's deployments, and one deployment: traffic split, live charts, rollout timeline,
and the buttons that steer its rollout."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from mlplane.catalog import service as catalog
from mlplane.catalog.schemas import Project
from mlplane.deployments import service as deployments
from mlplane.deployments.schemas import Deployment, DeploymentEvent
from mlplane.governance.schemas import Principal, Role
from mlplane.server.deps import PlatformDep, PrincipalDep
from mlplane.serving import rollup_service as rollups
from mlplane.serving.rollup_schemas import RecentTraffic
from mlplane.ui.page_route import page_router
from mlplane.ui.pages.deployments.metric_charts import deployment_charts
from mlplane.ui.templating import render_page

router = page_router()

LIVE_INTERVAL = "5s"
MAX_DEPLOYMENTS = 100
EVENTS_SHOWN = 100
EVENT_PAGE = 1000


def may_steer(project: Project) -> bool:
    """Whether the caller's role lets them act on rollouts (the service checks again)."""
    return project.role is not None and project.role.covers(Role.EDITOR)


def available_actions(deployment: Deployment) -> list[str]:
    """The actions the deployment's state allows, in the order the buttons show."""
    rollout = deployment.candidate is not None and deployment.status in ("progressing", "paused")
    actions = []
    if rollout:
        actions.append("promote")
    if deployment.status == "progressing":
        actions.append("pause")
    if deployment.status == "paused":
        actions.append("resume")
    if rollout:
        actions.append("abort")
    if rollout or deployment.previous is not None:
        actions.append("rollback")
    return actions


def event_numbers(details: dict[str, Any]) -> list[str]:
    """An event's details as `key=value` tags: numbers and names, leaving out empty and
    nested values (a strategy is on the page already)."""
    shown = []
    for key, value in details.items():
        if value is None or value in ("", []) or isinstance(value, dict):
            continue
        if isinstance(value, float):
            text = f"{value:.4g}"
        elif isinstance(value, list):
            text = ", ".join(str(item) for item in value)
        else:
            text = str(value)
        shown.append(f"{key}={text}")
    return shown


def _rates(traffic: list[RecentTraffic]) -> dict[str, RecentTraffic]:
    """Recent traffic per served name, all its versions together."""
    totals: dict[str, RecentTraffic] = {}
    for item in traffic:
        seen = totals.get(item.model)
        totals[item.model] = (
            item
            if seen is None
            else RecentTraffic(
                model=item.model,
                version="*",
                requests=seen.requests + item.requests,
                errors=seen.errors + item.errors,
                requests_per_second=seen.requests_per_second + item.requests_per_second,
            )
        )
    return totals


def _list_context(session: Session, principal: Principal, project: str) -> dict[str, Any]:
    found = catalog.get_project(session, principal, project)
    page = deployments.list_deployments(session, principal, project, max_results=MAX_DEPLOYMENTS)
    return {
        "project": found,
        "deployments": page.items,
        "more": page.next_page_token is not None,
        "traffic": _rates(rollups.list_recent_traffic(session, principal, project)),
        "live_interval": LIVE_INTERVAL,
        "live_url": f"/projects/{project}/deployments",
    }


@router.get("/projects/{project}/deployments")
def list_deployments_page(
    request: Request, project: str, platform: PlatformDep, principal: PrincipalDep
) -> Response:
    with platform.db.read() as session:
        context = _list_context(session, principal, project)
    return render_page(request, "deployments/list.html", "deployments/_rows.html", context)


def _latest_events(
    session: Session, principal: Principal, project: str, name: str
) -> list[DeploymentEvent]:
    """The newest events first; events are paged oldest first, so read to the end."""
    found: list[DeploymentEvent] = []
    token: str | None = None
    while True:
        page = deployments.list_deployment_events(
            session, principal, project, name, token, EVENT_PAGE
        )
        found = (found + page.items)[-EVENTS_SHOWN:]
        token = page.next_page_token
        if token is None:
            return list(reversed(found))


def _deployment_context(
    session: Session, principal: Principal, project: str, name: str, window: str
) -> dict[str, Any]:
    found = catalog.get_project(session, principal, project)
    deployment = deployments.get_deployment(session, principal, project, name)
    metrics = rollups.get_deployment_metrics(session, principal, project, name, window)
    return {
        "project": found,
        "deployment": deployment,
        "metrics": metrics,
        "charts": deployment_charts(metrics),
        "events": _latest_events(session, principal, project, name),
        "event_numbers": event_numbers,
        "actions": available_actions(deployment) if may_steer(found) else [],
        "window": window,
        "windows": list(rollups.WINDOWS),
        "live_interval": LIVE_INTERVAL,
        "live_url": f"/projects/{project}/deployments/{name}?window={window}",
    }


@router.get("/projects/{project}/deployments/{name}")
def get_deployment_page(
    request: Request,
    project: str,
    name: str,
    platform: PlatformDep,
    principal: PrincipalDep,
    window: str = rollups.DEFAULT_WINDOW,
) -> Response:
    with platform.db.read() as session:
        context = _deployment_context(session, principal, project, name, window)
    return render_page(request, "deployments/deployment.html", "deployments/_live.html", context)


def _act(
    platform: PlatformDep, principal: PrincipalDep, project: str, name: str, action: str
) -> Response:
    with platform.db.write() as session:
        deployments.act_on_deployment(session, principal, project, name, action)
    return RedirectResponse(f"/projects/{project}/deployments/{name}", status_code=303)


@router.post("/ui/projects/{project}/deployments/{name}/promote")
def promote_deployment(
    project: str, name: str, platform: PlatformDep, principal: PrincipalDep
) -> Response:
    return _act(platform, principal, project, name, "promote")


@router.post("/ui/projects/{project}/deployments/{name}/pause")
def pause_deployment(
    project: str, name: str, platform: PlatformDep, principal: PrincipalDep
) -> Response:
    return _act(platform, principal, project, name, "pause")


@router.post("/ui/projects/{project}/deployments/{name}/resume")
def resume_deployment(
    project: str, name: str, platform: PlatformDep, principal: PrincipalDep
) -> Response:
    return _act(platform, principal, project, name, "resume")


@router.post("/ui/projects/{project}/deployments/{name}/abort")
def abort_deployment(
    project: str, name: str, platform: PlatformDep, principal: PrincipalDep
) -> Response:
    return _act(platform, principal, project, name, "abort")


@router.post("/ui/projects/{project}/deployments/{name}/rollback")
def rollback_deployment(
    project: str, name: str, platform: PlatformDep, principal: PrincipalDep
) -> Response:
    return _act(platform, principal, project, name, "rollback")
