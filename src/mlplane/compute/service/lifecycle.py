"""Jobs from the worker's side: admission, leases, attempts, retries and lost workers.

A worker claims a queued job by switching it to RUNNING under its own lease in one
conditional update, so two workers never run the same attempt. It renews the leases of
what it runs; a job whose lease expired belongs to a worker that died, and is retried or
failed by whichever worker notices first.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from mlplane.compute import store
from mlplane.compute.schemas import JobSpec, JobStatus, PoolKind, ResourceAmounts
from mlplane.compute.service.pools import capacity, used_by
from mlplane.compute.service.quotas import quota_wait_reason
from mlplane.compute.service.runs import PLATFORM_PRINCIPAL, move_run
from mlplane.compute.service.views import GB, attempt_seconds, job_cost
from mlplane.compute.tables import ComputePoolRow, JobRow
from mlplane.core.errors import InvalidInput, NotFound
from mlplane.governance import service as governance

# A token outlives the job's timeout by this much, so a job is never cut off mid-call.
TOKEN_MARGIN = timedelta(hours=1)
DEFAULT_TOKEN_LIFETIME = timedelta(hours=24)


@dataclass(frozen=True)
class ClaimedJob:
    """What a worker needs to launch one attempt, outside the transaction that claimed it."""

    job_id: str
    attempt: int
    project: str
    run_id: str | None
    experiment: str
    spec: JobSpec
    pool_kind: PoolKind
    pool_address: str | None
    token: str | None
    env: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class LostJob:
    job_id: str
    pool_kind: PoolKind
    pool_address: str | None
    external_id: str | None


def _capacity_wait_reason(pool: ComputePoolRow, used: ResourceAmounts, job: JobRow) -> str | None:
    total = capacity(pool)
    if used.cpus + job.cpus > total.cpus:
        return (
            f"waiting for pool {pool.name!r}: needs {job.cpus:g} CPUs, "
            f"{max(0.0, total.cpus - used.cpus):g} of {total.cpus:g} free"
        )
    if used.memory_bytes + job.memory_bytes > total.memory_bytes:
        free = max(0, total.memory_bytes - used.memory_bytes) / GB
        return (
            f"waiting for pool {pool.name!r}: needs {job.memory_bytes / GB:.2f} GiB memory, "
            f"{free:.2f} GiB free"
        )
    if used.gpus + job.gpus > total.gpus:
        return (
            f"waiting for pool {pool.name!r}: needs {job.gpus} GPUs, "
            f"{max(0, total.gpus - used.gpus)} of {total.gpus} free"
        )
    for key, amount in job.spec.get("resources", {}).get("custom", {}).items():
        if used.custom.get(key, 0.0) + float(amount) > total.custom.get(key, 0.0):
            return f"waiting for pool {pool.name!r}: needs {float(amount):g} of {key!r}"
    return None


def _token_lifetime(spec: JobSpec) -> timedelta:
    if spec.timeout_seconds is None:
        return DEFAULT_TOKEN_LIFETIME
    return timedelta(seconds=spec.timeout_seconds) + TOKEN_MARGIN


def _issue_token(session: Session, job: JobRow, spec: JobSpec) -> str | None:
    try:
        token = governance.issue_short_lived_token(
            session,
            job.created_by_id,
            f"job-{job.id}",
            _token_lifetime(spec),
            [f"project:{job.project_name}"],
        )
    except InvalidInput:
        return None
    job.token_id = token.id
    return token.secret


def revoke_job_token(session: Session, job: JobRow) -> None:
    if job.token_id is None:
        return
    with contextlib.suppress(NotFound):
        governance.revoke_token(session, PLATFORM_PRINCIPAL, job.token_id)
    job.token_id = None


def claim_jobs(
    session: Session,
    owner: str,
    now: datetime,
    lease: timedelta,
    kinds: Sequence[PoolKind],
    limit: int = 16,
) -> list[ClaimedJob]:
    """Claim the queued jobs that fit, best priority first; the others learn why they wait."""
    pools = {pool.id: pool for pool in store.list_pools(session) if PoolKind(pool.kind) in kinds}
    used = {pool_id: used_by(store.running_jobs(session, pool_id=pool_id)) for pool_id in pools}
    claimed: list[ClaimedJob] = []
    for job in store.queued_jobs(session, now):
        pool = pools.get(job.pool_id)
        if pool is None:
            continue
        reason = _capacity_wait_reason(pool, used[pool.id], job) or quota_wait_reason(session, job)
        if reason is not None:
            if job.reason != reason:
                job.reason = reason
            continue
        if len(claimed) >= limit:
            break
        attempt = job.attempt + 1
        values: dict[str, Any] = {
            "attempt": attempt,
            "attempt_started_at": now,
            "reason": None,
            "exit_code": None,
            "external_id": None,
        }
        if job.started_at is None:
            values["started_at"] = now
        if not store.claim_job(session, job.id, owner, now + lease, values):
            continue
        session.refresh(job)
        spec = JobSpec.model_validate(job.spec)
        token = _issue_token(session, job, spec)
        move_run(session, job, JobStatus.RUNNING)
        used[pool.id] = used_by([*store.running_jobs(session, pool_id=pool.id)])
        claimed.append(
            ClaimedJob(
                job_id=job.id,
                attempt=attempt,
                project=job.project_name,
                run_id=job.run_id,
                experiment=job.experiment,
                spec=spec,
                pool_kind=PoolKind(pool.kind),
                pool_address=pool.address,
                token=token,
            )
        )
    session.flush()
    return claimed


def pending_work(session: Session, now: datetime) -> tuple[bool, bool]:
    """(any job waiting to start, any lease expired): read first, so an idle worker never
    takes the write lock."""
    return store.has_queued_jobs(session, now), store.has_expired_leases(session, now)


def renew_leases(
    session: Session, owner: str, job_ids: Sequence[str], expires_at: datetime
) -> None:
    store.renew_leases(session, owner, job_ids, expires_at)


def set_external_id(session: Session, job_id: str, external_id: str) -> None:
    job = store.get_job(session, job_id)
    if job is not None:
        job.external_id = external_id


def append_logs(
    session: Session, job_id: str, lines: Sequence[tuple[str, str]], now: datetime
) -> None:
    job = store.get_job(session, job_id)
    if job is not None and lines:
        store.add_log_lines(session, job, lines, now)


def cancel_requested(session: Session, job_ids: Sequence[str]) -> set[str]:
    return {
        job.id
        for job_id in job_ids
        if (job := store.get_job(session, job_id)) is not None and job.cancel_requested
    }


def _backoff(spec: JobSpec, attempt: int) -> float:
    return spec.retry.backoff_seconds * spec.retry.backoff_multiplier ** max(0, attempt - 1)


def end_attempt(
    session: Session,
    job_id: str,
    outcome: JobStatus,
    reason: str | None,
    now: datetime,
    *,
    exit_code: int | None = None,
    owner: str | None = None,
) -> JobStatus | None:
    """Record how an attempt ended, its resource-seconds and cost; retry a failure while the
    policy allows. Returns the job's new status, or None when the job was no longer ours."""
    job = store.get_job(session, job_id)
    if job is None or job.status != JobStatus.RUNNING.value:
        return None
    if owner is not None and job.lease_owner != owner:
        return None
    pool = store.get_pool(session, job.pool_id)
    assert pool is not None
    spec = JobSpec.model_validate(job.spec)
    seconds = attempt_seconds(job, now)
    job.cpu_seconds += job.cpus * seconds
    job.gb_seconds += job.memory_bytes / GB * seconds
    job.gpu_seconds += job.gpus * seconds
    job.cost = job_cost(pool, job.cpu_seconds, job.gb_seconds, job.gpu_seconds, spec.spot)
    job.exit_code = exit_code
    job.lease_owner = None
    job.lease_expires_at = None
    job.attempt_started_at = None
    revoke_job_token(session, job)
    if job.cancel_requested and outcome is not JobStatus.SUCCEEDED:
        outcome = JobStatus.CANCELLED
        reason = reason or "cancelled"
    if outcome is JobStatus.FAILED and job.attempt <= spec.retry.max_retries:
        delay = _backoff(spec, job.attempt)
        job.status = JobStatus.QUEUED.value
        job.not_before = now + timedelta(seconds=delay)
        job.reason = (
            f"attempt {job.attempt} failed ({reason}); retry {job.attempt} of "
            f"{spec.retry.max_retries} in {delay:g} s"
        )
        store.add_log_lines(session, job, [("system", job.reason)], now)
        move_run(session, job, JobStatus.QUEUED)
        session.flush()
        return JobStatus.QUEUED
    job.status = outcome.value
    job.reason = reason
    job.finished_at = now
    if reason:
        store.add_log_lines(session, job, [("system", reason)], now)
    move_run(session, job, outcome)
    session.flush()
    return outcome


def reap_lost_jobs(session: Session, now: datetime, owner: str) -> list[LostJob]:
    """Jobs whose worker stopped renewing its lease: retried or failed, never left RUNNING."""
    lost: list[LostJob] = []
    for job in store.expired_jobs(session, now):
        if job.lease_owner == owner:
            continue
        pool = store.get_pool(session, job.pool_id)
        assert pool is not None
        lost.append(LostJob(job.id, PoolKind(pool.kind), pool.address, job.external_id))
        end_attempt(
            session,
            job.id,
            JobStatus.FAILED,
            f"lost: worker {job.lease_owner} stopped renewing its lease",
            now,
        )
    return lost
