"""HTTP for runs: lifecycle, search, logging and metric histories."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status
from pydantic_core import from_json
from starlette.concurrency import run_in_threadpool

from mlplane.core.errors import BadRequest
from mlplane.core.pagination import Page
from mlplane.governance.schemas import Principal
from mlplane.server.deps import READ_ONLY, PlatformDep, PrincipalDep
from mlplane.server.platform import Platform
from mlplane.tracking import service
from mlplane.tracking.limits import NATIVE_BATCH_LIMITS
from mlplane.tracking.routes.responses import documented_body, model_response
from mlplane.tracking.schemas import (
    LogBatch,
    LoggedBatch,
    LogInputs,
    MetricHistories,
    MetricHistory,
    MetricHistoryQuery,
    Run,
    RunCreate,
    RunSearch,
    RunUpdate,
    ViewType,
)

router = APIRouter(prefix="/projects/{project}/runs", tags=["runs"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=Run)
def create_run(
    project: str, data: RunCreate, platform: PlatformDep, principal: PrincipalDep
) -> Response:
    with platform.db.write() as session:
        run = service.create_run(session, principal, project, data)
    return model_response(run, status.HTTP_201_CREATED)


@router.get("", response_model=Page[Run])
def list_runs(
    project: str,
    platform: PlatformDep,
    principal: PrincipalDep,
    experiment: Annotated[list[str] | None, Query(description="Id or name; repeatable.")] = None,
    filter: str = "",
    order_by: Annotated[list[str] | None, Query()] = None,
    view: ViewType = ViewType.ACTIVE_ONLY,
    page_token: str | None = None,
    max_results: Annotated[int | None, Query(ge=1, le=1000)] = None,
) -> Response:
    """Runs of a project's experiments; `filter` and `order_by` use MLflow's search language."""
    search = RunSearch(
        experiments=experiment or [],
        filter=filter,
        order_by=order_by or [],
        view=view,
        page_token=page_token,
        max_results=max_results,
    )
    with platform.db.read() as session:
        return model_response(service.search_runs(session, principal, project, search))


@router.post("/search", openapi_extra=READ_ONLY, response_model=Page[Run])
def search_runs(
    project: str, search: RunSearch, platform: PlatformDep, principal: PrincipalDep
) -> Response:
    with platform.db.read() as session:
        return model_response(service.search_runs(session, principal, project, search))


@router.post("/metric-history", openapi_extra=READ_ONLY, response_model=MetricHistories)
def get_metric_histories(
    project: str, query: MetricHistoryQuery, platform: PlatformDep, principal: PrincipalDep
) -> Response:
    """Several metrics of several runs, each thinned to `max_points` for charts."""
    with platform.db.read() as session:
        histories = service.get_metric_histories(
            session,
            principal,
            query.run_ids,
            query.keys,
            project=project,
            max_points=query.max_points,
        )
    return model_response(histories)


@router.get("/{run_id}", response_model=Run)
def get_run(project: str, run_id: str, platform: PlatformDep, principal: PrincipalDep) -> Response:
    with platform.db.read() as session:
        return model_response(service.get_run(session, principal, run_id, project))


@router.patch("/{run_id}", response_model=Run)
def update_run(
    project: str, run_id: str, data: RunUpdate, platform: PlatformDep, principal: PrincipalDep
) -> Response:
    """Change a run's status, end time or name; ending it without an end time uses now."""
    with platform.db.write() as session:
        return model_response(service.update_run(session, principal, run_id, data, project))


@router.delete("/{run_id}", response_model=Run)
def delete_run(
    project: str, run_id: str, platform: PlatformDep, principal: PrincipalDep
) -> Response:
    with platform.db.write() as session:
        return model_response(service.delete_run(session, principal, run_id, project))


@router.post("/{run_id}/restore", response_model=Run)
def restore_run(
    project: str, run_id: str, platform: PlatformDep, principal: PrincipalDep
) -> Response:
    with platform.db.write() as session:
        return model_response(service.restore_run(session, principal, run_id, project))


def _write_batch(
    platform: Platform, principal: Principal, project: str, run_id: str, raw: bytes
) -> LoggedBatch:
    try:
        # pydantic-core parses a large batch several times faster than the json module.
        body = from_json(raw)
    except ValueError as error:
        raise BadRequest("the request body is not valid JSON") from error
    batch = service.check_batch(body, run_id, NATIVE_BATCH_LIMITS)
    with platform.db.write() as session:
        return service.log_batch(session, principal, run_id, batch, project=project)


@router.post("/{run_id}/log-batch", openapi_extra=documented_body(LogBatch))
async def log_batch(
    project: str, run_id: str, request: Request, platform: PlatformDep, principal: PrincipalDep
) -> LoggedBatch:
    """Log metrics, params and tags in one all-or-nothing call (at most 10,000 metrics, 100
    params and 100 tags).

    The body is read and checked by hand rather than through one model per point: this is
    the hot path of training loops.
    """
    raw = await request.body()
    return await run_in_threadpool(_write_batch, platform, principal, project, run_id, raw)


@router.delete("/{run_id}/tags/{key:path}", status_code=status.HTTP_204_NO_CONTENT)
def delete_run_tag(
    project: str, run_id: str, key: str, platform: PlatformDep, principal: PrincipalDep
) -> Response:
    with platform.db.write() as session:
        service.delete_tag(session, principal, run_id, key, project)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{run_id}/inputs", status_code=status.HTTP_204_NO_CONTENT)
def log_inputs(
    project: str, run_id: str, data: LogInputs, platform: PlatformDep, principal: PrincipalDep
) -> Response:
    """Record the datasets a run used, with their role in it (`context`)."""
    with platform.db.write() as session:
        service.log_inputs(session, principal, run_id, data, project)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{run_id}/metric-history", response_model=MetricHistory)
def get_metric_history(
    project: str,
    run_id: str,
    key: str,
    platform: PlatformDep,
    principal: PrincipalDep,
    max_points: Annotated[int | None, Query(ge=2, le=100_000)] = None,
    min_step: int | None = None,
    max_step: int | None = None,
) -> Response:
    """One metric's points in step order; `max_points` thins them with min/max buckets."""
    with platform.db.read() as session:
        history = service.get_metric_history(
            session,
            principal,
            run_id,
            key,
            project=project,
            max_points=max_points,
            min_step=min_step,
            max_step=max_step,
        )
    return model_response(history)
