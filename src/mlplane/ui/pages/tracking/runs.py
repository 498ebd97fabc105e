"""One run: what it is, what it logged, its charts and its files; live while it runs."""

from __future__ import annotations

import mimetypes
from collections.abc import Iterator
from typing import IO, Any
from urllib.parse import quote

from fastapi import Request
from sqlalchemy.orm import Session
from starlette.responses import Response, StreamingResponse

from mlplane.core.clock import utcnow
from mlplane.core.errors import NotFound
from mlplane.governance.schemas import Principal
from mlplane.server.deps import PlatformDep, PrincipalDep
from mlplane.server.platform import Platform
from mlplane.tracking import service as tracking
from mlplane.tracking.schemas import Run, RunSearch
from mlplane.ui.page_route import page_router
from mlplane.ui.pages.tracking import artifact_browser
from mlplane.ui.pages.tracking.display import RunView
from mlplane.ui.pages.tracking.metric_charts import MAX_POINTS, metric_charts
from mlplane.ui.templating import render, wants_fragment

router = page_router()

LIVE_INTERVAL = "3s"
MAX_CHILD_RUNS = 100
CHUNK_SIZE = 1 << 20
# A downloaded file is the run's, not the panel's: it never runs as a page of this site.
DOWNLOAD_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


def _parent(session: Session, principal: Principal, project: str, run: Run) -> Run | None:
    if run.parent_run_id is None:
        return None
    try:
        return tracking.get_run(session, principal, run.parent_run_id, project)
    except NotFound:
        return None  # the parent was removed: the page still names its id


def _children(session: Session, principal: Principal, project: str, run: Run) -> list[Run]:
    search = RunSearch(
        filter=f"attributes.parent_run_id = '{run.id}'",
        order_by=["attributes.start_time ASC"],
        max_results=MAX_CHILD_RUNS,
    )
    return tracking.search_runs(session, principal, project, search).items


def _live_context(
    session: Session, principal: Principal, project: str, run_id: str
) -> dict[str, Any]:
    """Everything on the run page but its files: what polling refreshes while the run goes on."""
    run = tracking.get_run(session, principal, run_id, project)
    view = RunView(run, utcnow())
    keys = view.metric_keys + view.system_metric_keys
    histories = (
        tracking.get_metric_histories(
            session, principal, [run.id], keys, project=project, max_points=MAX_POINTS
        ).series
        if keys
        else []
    )
    return {
        "project_name": project,
        "view": view,
        "run": run,
        "experiment": tracking.get_experiment(session, principal, run.experiment_id, project),
        "parent": _parent(session, principal, project, run),
        "children": _children(session, principal, project, run),
        "charts": metric_charts(histories, view.metric_keys, {run.id: run.name}),
        "system_charts": metric_charts(histories, view.system_metric_keys, {run.id: run.name}),
        "live_url": f"/projects/{project}/runs/{run.id}/live",
        "live_interval": LIVE_INTERVAL,
    }


def _artifacts_context(
    platform: Platform,
    principal: Principal,
    project: str,
    run_id: str,
    folder: str = "",
    file: str | None = None,
) -> dict[str, Any]:
    with platform.db.read() as session:
        root = tracking.artifact_root_for_read(session, principal, run_id, project)
    # The store is read after the transaction: it may be a slow object store.
    return {
        "project_name": project,
        "run_id": run_id,
        "artifacts": artifact_browser.browse(platform.artifacts, root, folder, file),
        "browse": artifact_browser,
    }


def _run_context(
    platform: Platform,
    principal: Principal,
    project: str,
    run_id: str,
    folder: str = "",
    file: str | None = None,
) -> dict[str, Any]:
    with platform.db.read() as session:
        live = _live_context(session, principal, project, run_id)
    return {**live, **_artifacts_context(platform, principal, project, run_id, folder, file)}


@router.get("/projects/{project}/runs/{run_id}")
def get_run_page(
    request: Request, project: str, run_id: str, platform: PlatformDep, principal: PrincipalDep
) -> Response:
    context = _run_context(platform, principal, project, run_id)
    return render(request, "tracking/run.html", context)


@router.get("/projects/{project}/runs/{run_id}/live")
def get_run_live(
    request: Request, project: str, run_id: str, platform: PlatformDep, principal: PrincipalDep
) -> Response:
    """The refreshing part of the run page; it stops asking once the run has ended."""
    if not wants_fragment(request):
        return get_run_page(request, project, run_id, platform, principal)
    with platform.db.read() as session:
        context = _live_context(session, principal, project, run_id)
    return render(request, "tracking/_run_live.html", context)


@router.get("/projects/{project}/runs/{run_id}/artifacts")
def browse_artifacts(
    request: Request,
    project: str,
    run_id: str,
    platform: PlatformDep,
    principal: PrincipalDep,
    path: str = "",
    file: str | None = None,
) -> Response:
    """A folder of the run's artifacts, and a file of it previewed when one is chosen."""
    if wants_fragment(request):
        context = _artifacts_context(platform, principal, project, run_id, path, file)
        return render(request, "tracking/_run_artifacts.html", context)
    context = _run_context(platform, principal, project, run_id, path, file)
    return render(request, "tracking/run.html", context)


def _chunks(handle: IO[bytes]) -> Iterator[bytes]:
    with handle:
        while chunk := handle.read(CHUNK_SIZE):
            yield chunk


@router.get("/projects/{project}/runs/{run_id}/artifacts/{path:path}")
def download_artifact(
    project: str, run_id: str, path: str, platform: PlatformDep, principal: PrincipalDep
) -> StreamingResponse:
    with platform.db.read() as session:
        root = tracking.artifact_root_for_read(session, principal, run_id, project)
    handle = tracking.open_artifact(platform.artifacts, root, path)
    name = artifact_browser.name_of(path)
    return StreamingResponse(
        _chunks(handle),
        media_type=mimetypes.guess_type(path)[0] or "application/octet-stream",
        headers={
            **DOWNLOAD_HEADERS,
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name, safe='')}",
        },
    )
