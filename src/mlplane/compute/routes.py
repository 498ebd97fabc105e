"""HTTP for compute: pools, jobs and their logs, quotas, cost."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from mlplane.compute import service
from mlplane.compute.schemas import (
    CostReport,
    Job,
    JobLogs,
    JobSpec,
    JobStatus,
    Pool,
    PoolCreate,
    PoolUpdate,
    ProjectQuota,
    Quota,
    Study,
)
from mlplane.core.pagination import Page
from mlplane.server.deps import PlatformDep, PrincipalDep

router = APIRouter(tags=["compute"])


@router.post("/compute/pools", status_code=status.HTTP_201_CREATED)
def create_pool(data: PoolCreate, platform: PlatformDep, principal: PrincipalDep) -> Pool:
    with platform.db.write() as session:
        return service.create_pool(session, principal, data)


@router.get("/compute/pools")
def list_pools(platform: PlatformDep, principal: PrincipalDep) -> list[Pool]:
    # Writes only the first time: the default pool is created on first sight.
    with platform.db.write() as session:
        return service.list_pools(session, principal)


@router.get("/compute/pools/{pool}")
def get_pool(pool: str, platform: PlatformDep, principal: PrincipalDep) -> Pool:
    with platform.db.write() as session:
        return service.get_pool(session, principal, pool)


@router.patch("/compute/pools/{pool}")
def update_pool(
    pool: str, data: PoolUpdate, platform: PlatformDep, principal: PrincipalDep
) -> Pool:
    with platform.db.write() as session:
        return service.update_pool(session, principal, pool, data)


@router.get("/compute/cost")
def get_platform_cost(
    platform: PlatformDep,
    principal: PrincipalDep,
    days: Annotated[int, Query(ge=1, le=366)] = 30,
) -> CostReport:
    with platform.db.read() as session:
        return service.platform_cost(session, principal, days)


@router.post("/projects/{project}/jobs", status_code=status.HTTP_201_CREATED)
def create_job(project: str, spec: JobSpec, platform: PlatformDep, principal: PrincipalDep) -> Job:
    with platform.db.write() as session:
        return service.submit_job(session, principal, project, spec)


@router.get("/projects/{project}/jobs")
def list_jobs(
    project: str,
    platform: PlatformDep,
    principal: PrincipalDep,
    status: Annotated[list[JobStatus] | None, Query()] = None,
    page_token: str | None = None,
    max_results: Annotated[int | None, Query(ge=1, le=1000)] = None,
) -> Page[Job]:
    with platform.db.read() as session:
        return service.list_jobs(session, principal, project, status, page_token, max_results)


@router.get("/projects/{project}/jobs/{job_id}")
def get_job(project: str, job_id: str, platform: PlatformDep, principal: PrincipalDep) -> Job:
    with platform.db.read() as session:
        return service.get_job(session, principal, project, job_id)


@router.get("/projects/{project}/jobs/{job_id}/logs")
def get_job_logs(
    project: str,
    job_id: str,
    platform: PlatformDep,
    principal: PrincipalDep,
    after: Annotated[int, Query(ge=0)] = 0,
    max_lines: Annotated[int, Query(ge=1, le=5000)] = 1000,
) -> JobLogs:
    with platform.db.read() as session:
        return service.get_logs(session, principal, project, job_id, after, max_lines)


@router.post("/projects/{project}/jobs/{job_id}/cancel")
def cancel_job(project: str, job_id: str, platform: PlatformDep, principal: PrincipalDep) -> Job:
    with platform.db.write() as session:
        return service.cancel_job(session, principal, project, job_id)


@router.get("/projects/{project}/compute-quota")
def get_quota(project: str, platform: PlatformDep, principal: PrincipalDep) -> ProjectQuota:
    with platform.db.read() as session:
        return service.get_quota(session, principal, project)


@router.put("/projects/{project}/compute-quota")
def update_quota(
    project: str, data: Quota, platform: PlatformDep, principal: PrincipalDep
) -> ProjectQuota:
    with platform.db.write() as session:
        return service.set_quota(session, principal, project, data)


@router.get("/projects/{project}/cost")
def get_project_cost(
    project: str,
    platform: PlatformDep,
    principal: PrincipalDep,
    days: Annotated[int, Query(ge=1, le=366)] = 30,
) -> CostReport:
    with platform.db.read() as session:
        return service.project_cost(session, principal, project, days)


@router.get("/projects/{project}/studies")
def list_studies(project: str, platform: PlatformDep, principal: PrincipalDep) -> list[Study]:
    with platform.db.read() as session:
        return service.list_studies(session, principal, project)


@router.get("/projects/{project}/studies/{name}")
def get_study(project: str, name: str, platform: PlatformDep, principal: PrincipalDep) -> Study:
    with platform.db.read() as session:
        return service.get_study(session, principal, project, name)
