"""HTTP for pipeline runs, step reports, the step cache, schedules and triggers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from mlplane.core.pagination import Page
from mlplane.pipelines import service
from mlplane.pipelines.schemas import (
    CachedKeys,
    CachedKeysQuery,
    CacheHits,
    CacheLookup,
    PipelineRun,
    PipelineRunCreate,
    PipelineRunFinish,
    RunState,
    Schedule,
    ScheduleCreate,
    StepOutput,
    StepReports,
    StepRun,
    Trigger,
    TriggerCreate,
)
from mlplane.server.deps import READ_ONLY, PlatformDep, PrincipalDep

router = APIRouter(prefix="/projects/{project}", tags=["pipelines"])


@router.post("/pipeline-runs", status_code=status.HTTP_201_CREATED)
def create_pipeline_run(
    project: str, data: PipelineRunCreate, platform: PlatformDep, principal: PrincipalDep
) -> PipelineRun:
    with platform.db.write() as session:
        return service.create_run(session, principal, project, data)


@router.post("/pipeline-runs/{run_id}/start")
def start_pipeline_run(
    project: str,
    run_id: str,
    data: PipelineRunCreate,
    platform: PlatformDep,
    principal: PrincipalDep,
) -> PipelineRun:
    """Claim a queued run (from a schedule or trigger) with the steps its pipeline has."""
    with platform.db.write() as session:
        return service.start_queued_run(session, principal, project, run_id, data)


@router.get("/pipeline-runs")
def list_pipeline_runs(
    project: str,
    platform: PlatformDep,
    principal: PrincipalDep,
    pipeline: str | None = None,
    state: RunState | None = None,
    page_token: str | None = None,
    max_results: Annotated[int | None, Query(ge=1, le=1000)] = None,
) -> Page[PipelineRun]:
    with platform.db.read() as session:
        return service.list_runs(
            session,
            principal,
            project,
            pipeline=pipeline,
            state=state,
            page_token=page_token,
            max_results=max_results,
        )


@router.get("/pipeline-runs/{run_id}")
def get_pipeline_run(
    project: str, run_id: str, platform: PlatformDep, principal: PrincipalDep
) -> PipelineRun:
    with platform.db.read() as session:
        return service.get_run(session, principal, project, run_id)


@router.post("/pipeline-runs/{run_id}/steps")
def report_steps(
    project: str, run_id: str, data: StepReports, platform: PlatformDep, principal: PrincipalDep
) -> list[StepRun]:
    with platform.db.write() as session:
        return service.report_steps(
            session, principal, platform.artifacts, project, run_id, data.steps
        )


@router.get("/pipeline-runs/{run_id}/steps/{name}/output")
def get_step_output(
    project: str, run_id: str, name: str, platform: PlatformDep, principal: PrincipalDep
) -> StepOutput:
    with platform.db.read() as session:
        return service.get_step_output(
            session, principal, platform.artifacts, project, run_id, name
        )


@router.post("/pipeline-runs/{run_id}/finish")
def finish_pipeline_run(
    project: str,
    run_id: str,
    data: PipelineRunFinish,
    platform: PlatformDep,
    principal: PrincipalDep,
) -> PipelineRun:
    with platform.db.write() as session:
        return service.finish_run(session, principal, project, run_id, data)


@router.post("/pipeline-cache/lookup", openapi_extra=READ_ONLY)
def lookup_pipeline_cache(
    project: str, data: CacheLookup, platform: PlatformDep, principal: PrincipalDep
) -> CacheHits:
    with platform.db.read() as session:
        return service.lookup_cache(session, principal, platform.artifacts, project, data.keys)


@router.post("/pipeline-cache/keys", openapi_extra=READ_ONLY)
def list_pipeline_cache_keys(
    project: str, data: CachedKeysQuery, platform: PlatformDep, principal: PrincipalDep
) -> CachedKeys:
    with platform.db.read() as session:
        return service.list_cached_keys(session, principal, project, data.steps)


@router.post("/pipeline-schedules", status_code=status.HTTP_201_CREATED)
def create_schedule(
    project: str, data: ScheduleCreate, platform: PlatformDep, principal: PrincipalDep
) -> Schedule:
    with platform.db.write() as session:
        return service.create_schedule(session, principal, project, data)


@router.get("/pipeline-schedules")
def list_schedules(project: str, platform: PlatformDep, principal: PrincipalDep) -> list[Schedule]:
    with platform.db.read() as session:
        return service.list_schedules(session, principal, project)


@router.get("/pipeline-schedules/{name}")
def get_schedule(
    project: str, name: str, platform: PlatformDep, principal: PrincipalDep
) -> Schedule:
    with platform.db.read() as session:
        return service.get_schedule(session, principal, project, name)


@router.delete("/pipeline-schedules/{name}", status_code=status.HTTP_204_NO_CONTENT)
def delete_schedule(
    project: str, name: str, platform: PlatformDep, principal: PrincipalDep
) -> Response:
    with platform.db.write() as session:
        service.delete_schedule(session, principal, project, name)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/pipeline-triggers", status_code=status.HTTP_201_CREATED)
def create_trigger(
    project: str, data: TriggerCreate, platform: PlatformDep, principal: PrincipalDep
) -> Trigger:
    with platform.db.write() as session:
        return service.create_trigger(session, principal, project, data)


@router.get("/pipeline-triggers")
def list_triggers(project: str, platform: PlatformDep, principal: PrincipalDep) -> list[Trigger]:
    with platform.db.read() as session:
        return service.list_triggers(session, principal, project)


@router.delete("/pipeline-triggers/{name}", status_code=status.HTTP_204_NO_CONTENT)
def delete_trigger(
    project: str, name: str, platform: PlatformDep, principal: PrincipalDep
) -> Response:
    with platform.db.write() as session:
        service.delete_trigger(session, principal, project, name)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
