"""Jobs from the caller's side: submit, list, read, follow logs, cancel."""

from __future__ import annotations

import importlib.util
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from mlplane.catalog import service as catalog
from mlplane.compute import store
from mlplane.compute.schemas import Job, JobLogs, JobSpec, JobStatus, LogLine, PoolKind
from mlplane.compute.service.pools import find_pool
from mlplane.compute.service.runs import move_run
from mlplane.compute.service.views import job_view
from mlplane.compute.tables import ComputePoolRow, JobRow
from mlplane.core.clock import utcnow
from mlplane.core.errors import InvalidInput, NotFound
from mlplane.core.ids import new_id
from mlplane.core.pagination import Page, check_max_results, decode_page_token, encode_page_token
from mlplane.governance.schemas import Principal, Role
from mlplane.tracking import service as tracking
from mlplane.tracking.schemas import RunCreate, RunStatus, SourceType

DEFAULT_EXPERIMENT = "jobs"
JOB_ID_TAG = "mlplane.job_id"
MAX_LOG_LINES = 5000


def _check_entry(spec: JobSpec, pool: ComputePoolRow) -> None:
    if spec.command is None and spec.entry_point is None:
        raise InvalidInput("command: give a command or an entry_point to run")
    if spec.command is not None and spec.entry_point is not None:
        raise InvalidInput("entry_point: give a command or an entry_point, not both")
    if isinstance(spec.command, list) and not spec.command:
        raise InvalidInput("command: is empty")
    if isinstance(spec.command, str) and not spec.command.strip():
        raise InvalidInput("command: is empty")
    if pool.kind != PoolKind.LOCAL.value:
        return
    if spec.working_dir is not None and not Path(spec.working_dir).is_dir():
        raise InvalidInput(f"working_dir: {spec.working_dir!r} is not a folder on the pool")
    venv = spec.environment.venv
    if venv is not None and not (Path(venv) / "bin" / "python").exists():
        raise InvalidInput(f"environment.venv: {venv!r} is not a virtual environment")
    # With this platform's own Python (no new environment, no other folder on the path),
    # a missing module is certain now rather than at run time.
    if (
        spec.entry_point is not None
        and not spec.environment.requirements
        and venv is None
        and spec.working_dir is None
    ):
        module = spec.entry_point.partition(":")[0]
        try:
            found = importlib.util.find_spec(module)
        except (ImportError, ValueError):
            found = None
        if found is None:
            raise InvalidInput(f"entry_point: module {module!r} cannot be found")


def _check_resources(
    spec: JobSpec, pool: ComputePoolRow, session: Session, project_id: str
) -> None:
    wanted = spec.resources
    if wanted.cpu > pool.cpus:
        raise InvalidInput(
            f"resources.cpu: {wanted.cpu:g} CPUs requested; pool {pool.name!r} has {pool.cpus:g}"
        )
    if wanted.memory_bytes > pool.memory_bytes:
        raise InvalidInput(
            f"resources.memory: {wanted.memory} requested; pool {pool.name!r} has "
            f"{pool.memory_bytes / 1024**3:.1f} GiB"
        )
    if wanted.gpu > pool.gpus:
        raise InvalidInput(
            f"resources.gpu: {wanted.gpu} GPUs requested; pool {pool.name!r} has {pool.gpus}"
        )
    for key, amount in wanted.custom.items():
        if amount > pool.custom.get(key, 0.0):
            raise InvalidInput(
                f"resources.custom.{key}: {amount:g} requested; pool {pool.name!r} has "
                f"{pool.custom.get(key, 0.0):g}"
            )
    if spec.spot and pool.spot_factor is None:
        raise InvalidInput(f"spot: pool {pool.name!r} offers no spot capacity")
    quota = store.get_quota(session, project_id)
    if quota is not None:
        if quota.max_cpus is not None and wanted.cpu > quota.max_cpus:
            raise InvalidInput(
                f"resources.cpu: {wanted.cpu:g} CPUs exceed the project's quota of "
                f"{quota.max_cpus:g}"
            )
        if quota.max_gpus is not None and wanted.gpu > quota.max_gpus:
            raise InvalidInput(
                f"resources.gpu: {wanted.gpu} GPUs exceed the project's quota of {quota.max_gpus}"
            )


def _job_name(spec: JobSpec) -> str:
    if spec.name:
        return spec.name
    if spec.entry_point:
        return spec.entry_point
    command = spec.command if isinstance(spec.command, str) else " ".join(spec.command or [])
    return command[:200] or "job"


def submit_job(session: Session, principal: Principal, project: str, spec: JobSpec) -> Job:
    """Queue a job after checking everything that can be checked now; it gets a tracked run."""
    access = catalog.access_project(session, principal, project, Role.EDITOR, for_write=True)
    pool = find_pool(session, spec.pool)
    if pool is None:
        raise InvalidInput(f"pool: pool {spec.pool!r} does not exist")
    _check_entry(spec, pool)
    _check_resources(spec, pool, session, access.id)
    job_id = new_id()
    name = _job_name(spec)
    experiment = spec.experiment or DEFAULT_EXPERIMENT
    run = tracking.create_run(
        session,
        principal,
        access.name,
        RunCreate(
            experiment=experiment,
            create_experiment=True,
            name=(spec.name or f"job-{job_id[:8]}")[:250],
            status=RunStatus.SCHEDULED,
            source_name=name[:500],
            source_type=SourceType.JOB,
            tags={JOB_ID_TAG: job_id, "mlplane.pool": pool.name},
        ),
    )
    if spec.params:
        batch = tracking.check_batch(
            {"params": [{"key": key, "value": str(value)} for key, value in spec.params.items()]},
            run.id,
        )
        tracking.log_batch(session, principal, run.id, batch, project=access.name)
    now = utcnow()
    row = JobRow(
        id=job_id,
        project_id=access.id,
        project_name=access.name,
        pool_id=pool.id,
        name=name,
        status=JobStatus.QUEUED.value,
        reason="waiting for a worker",
        priority=spec.priority,
        spec=spec.model_dump(mode="json"),
        cpus=spec.resources.cpu,
        memory_bytes=spec.resources.memory_bytes,
        gpus=spec.resources.gpu,
        attempt=0,
        run_id=run.id,
        experiment=experiment,
        cancel_requested=False,
        cpu_seconds=0.0,
        gb_seconds=0.0,
        gpu_seconds=0.0,
        cost=0.0,
        log_seq=0,
        created_by=principal.name,
        created_by_id=principal.user_id,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return job_view(row, access.name, pool)


def _job_row(
    session: Session,
    principal: Principal,
    project: str,
    job_id: str,
    minimum: Role,
    *,
    for_write: bool = False,
) -> JobRow:
    access = catalog.access_project(session, principal, project, minimum, for_write=for_write)
    row = store.get_job(session, job_id)
    if row is None or row.project_id != access.id:
        raise NotFound(f"job {job_id!r} does not exist in project {project!r}")
    return row


def get_job(session: Session, principal: Principal, project: str, job_id: str) -> Job:
    row = _job_row(session, principal, project, job_id, Role.VIEWER)
    pool = store.get_pool(session, row.pool_id)
    assert pool is not None
    return job_view(row, row.project_name, pool)


def list_jobs(
    session: Session,
    principal: Principal,
    project: str,
    status: list[JobStatus] | None = None,
    page_token: str | None = None,
    max_results: int | None = None,
) -> Page[Job]:
    access = catalog.access_project(session, principal, project, Role.VIEWER)
    limit = check_max_results(max_results)
    state = decode_page_token(page_token)
    before = None
    if "created_at" in state and "id" in state:
        before = (str(state["created_at"]), str(state["id"]))
        try:
            datetime.fromisoformat(before[0])
        except ValueError as error:
            raise InvalidInput("page_token is not a token this server issued") from error
    statuses = [item.value for item in status] if status else None
    rows = store.list_jobs(session, access.id, statuses, before, limit + 1)
    pools = {pool.id: pool for pool in store.list_pools(session)}
    items = [job_view(row, access.name, pools[row.pool_id]) for row in rows[:limit]]
    next_token = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_token = encode_page_token({"created_at": last.created_at.isoformat(), "id": last.id})
    return Page(items=items, next_page_token=next_token)


def get_logs(
    session: Session,
    principal: Principal,
    project: str,
    job_id: str,
    after: int = 0,
    max_lines: int = 1000,
) -> JobLogs:
    if not 1 <= max_lines <= MAX_LOG_LINES:
        raise InvalidInput(f"max_lines: must be between 1 and {MAX_LOG_LINES}")
    row = _job_row(session, principal, project, job_id, Role.VIEWER)
    lines = [
        LogLine(
            seq=line.seq,
            attempt=line.attempt,
            stream=line.stream,
            text=line.text,
            created_at=line.created_at,
        )
        for line in store.list_log_lines(session, job_id, max(after, 0), max_lines)
    ]
    return JobLogs(
        job_id=job_id,
        status=JobStatus(row.status),
        lines=lines,
        next_seq=lines[-1].seq if lines else max(after, 0),
    )


def cancel_job(session: Session, principal: Principal, project: str, job_id: str) -> Job:
    """A queued job is cancelled at once; a running one is stopped by the worker running it."""
    row = _job_row(session, principal, project, job_id, Role.EDITOR, for_write=True)
    pool = pool_row_by_id(session, row.pool_id)
    if JobStatus(row.status).is_terminal:
        return job_view(row, row.project_name, pool)
    if row.status == JobStatus.QUEUED.value:
        row.status = JobStatus.CANCELLED.value
        row.reason = f"cancelled by {principal.name} before it started"
        row.finished_at = utcnow()
        move_run(session, row, JobStatus.CANCELLED)
    else:
        row.cancel_requested = True
        row.reason = f"cancellation requested by {principal.name}"
    session.flush()
    return job_view(row, row.project_name, pool)


def pool_row_by_id(session: Session, pool_id: str) -> ComputePoolRow:
    pool = store.get_pool(session, pool_id)
    assert pool is not None, "jobs keep their pool"
    return pool
