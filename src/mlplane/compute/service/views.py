"""Rows to wire models, with the usage of a running attempt counted up to now."""

from __future__ import annotations

from datetime import datetime

from mlplane.compute.schemas import Job, JobSpec, JobStatus, Usage
from mlplane.compute.tables import ComputePoolRow, JobRow
from mlplane.core.clock import utcnow

GB = 1024**3
HOUR = 3600.0


def attempt_seconds(job: JobRow, now: datetime | None = None) -> float:
    if job.status != JobStatus.RUNNING.value or job.attempt_started_at is None:
        return 0.0
    return max(0.0, ((now or utcnow()) - job.attempt_started_at).total_seconds())


def job_cost(
    pool: ComputePoolRow, cpu_seconds: float, gb_seconds: float, gpu_seconds: float, spot: bool
) -> float:
    cost = (
        cpu_seconds / HOUR * pool.price_cpu_hour
        + gb_seconds / HOUR * pool.price_gb_hour
        + gpu_seconds / HOUR * pool.price_gpu_hour
    )
    if spot and pool.spot_factor is not None:
        cost *= pool.spot_factor
    return cost


def job_usage(job: JobRow, pool: ComputePoolRow, now: datetime | None = None) -> Usage:
    """Resource-seconds of ended attempts plus the running one so far, and their cost."""
    seconds = attempt_seconds(job, now)
    cpu = job.cpu_seconds + job.cpus * seconds
    gb = job.gb_seconds + job.memory_bytes / GB * seconds
    gpu = job.gpu_seconds + job.gpus * seconds
    spot = bool(job.spec.get("spot"))
    return Usage(
        cpu_seconds=cpu, gb_seconds=gb, gpu_seconds=gpu, cost=job_cost(pool, cpu, gb, gpu, spot)
    )


def job_view(job: JobRow, project: str, pool: ComputePoolRow) -> Job:
    return Job(
        id=job.id,
        project=project,
        name=job.name,
        pool=pool.name,
        status=JobStatus(job.status),
        reason=job.reason,
        priority=job.priority,
        attempt=job.attempt,
        spec=JobSpec.model_validate(job.spec),
        run_id=job.run_id,
        experiment=job.experiment,
        exit_code=job.exit_code,
        usage=job_usage(job, pool),
        created_by=job.created_by,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        cancel_requested=job.cancel_requested,
    )
