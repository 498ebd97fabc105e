"""Queries of compute on a session."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from mlplane.compute.schemas import JobStatus
from mlplane.compute.tables import ComputePoolRow, ComputeQuotaRow, JobLogRow, JobRow

ACTIVE = (JobStatus.RUNNING.value,)


def get_pool_by_name(session: Session, name: str) -> ComputePoolRow | None:
    return session.scalars(select(ComputePoolRow).where(ComputePoolRow.name == name)).first()


def get_pool(session: Session, pool_id: str) -> ComputePoolRow | None:
    return session.get(ComputePoolRow, pool_id)


def list_pools(session: Session) -> Sequence[ComputePoolRow]:
    return session.scalars(select(ComputePoolRow).order_by(ComputePoolRow.name)).all()


def get_job(session: Session, job_id: str) -> JobRow | None:
    return session.get(JobRow, job_id)


def list_jobs(
    session: Session,
    project_id: str,
    statuses: Sequence[str] | None,
    before: tuple[str, str] | None,
    limit: int,
) -> Sequence[JobRow]:
    """Newest first; `before` is the (created_at iso, id) of the last job of the previous page."""
    query = select(JobRow).where(JobRow.project_id == project_id)
    if statuses:
        query = query.where(JobRow.status.in_(statuses))
    if before is not None:
        moment = datetime.fromisoformat(before[0])
        query = query.where(
            (JobRow.created_at < moment) | ((JobRow.created_at == moment) & (JobRow.id < before[1]))
        )
    query = query.order_by(JobRow.created_at.desc(), JobRow.id.desc()).limit(limit)
    return session.scalars(query).all()


def queued_jobs(session: Session, now: datetime) -> Sequence[JobRow]:
    """Jobs waiting to start, in the order they are considered: priority, then age."""
    query = (
        select(JobRow)
        .where(JobRow.status == JobStatus.QUEUED.value)
        .where((JobRow.not_before.is_(None)) | (JobRow.not_before <= now))
        .order_by(JobRow.priority.desc(), JobRow.created_at, JobRow.id)
    )
    return session.scalars(query).all()


def has_queued_jobs(session: Session, now: datetime) -> bool:
    query = (
        select(JobRow.id)
        .where(JobRow.status == JobStatus.QUEUED.value)
        .where((JobRow.not_before.is_(None)) | (JobRow.not_before <= now))
        .limit(1)
    )
    return session.scalar(query) is not None


def has_expired_leases(session: Session, now: datetime) -> bool:
    query = (
        select(JobRow.id).where(JobRow.status.in_(ACTIVE), JobRow.lease_expires_at < now).limit(1)
    )
    return session.scalar(query) is not None


def count_queued(session: Session, pool_id: str) -> int:
    query = select(func.count()).where(
        JobRow.pool_id == pool_id, JobRow.status == JobStatus.QUEUED.value
    )
    return int(session.scalar(query) or 0)


def running_jobs(session: Session, *, pool_id: str | None = None) -> Sequence[JobRow]:
    query = select(JobRow).where(JobRow.status.in_(ACTIVE))
    if pool_id is not None:
        query = query.where(JobRow.pool_id == pool_id)
    return session.scalars(query).all()


def project_running_jobs(session: Session, project_id: str) -> Sequence[JobRow]:
    query = select(JobRow).where(JobRow.status.in_(ACTIVE), JobRow.project_id == project_id)
    return session.scalars(query).all()


def claim_job(
    session: Session, job_id: str, owner: str, expires_at: datetime, values: dict[str, Any]
) -> bool:
    """Take a queued job for this worker; False when another worker took it first."""
    result = session.execute(
        update(JobRow)
        .where(JobRow.id == job_id, JobRow.status == JobStatus.QUEUED.value)
        .values(
            status=JobStatus.RUNNING.value,
            lease_owner=owner,
            lease_expires_at=expires_at,
            **values,
        )
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def renew_leases(session: Session, owner: str, job_ids: Sequence[str], expires_at: datetime) -> int:
    if not job_ids:
        return 0
    result = session.execute(
        update(JobRow)
        .where(JobRow.id.in_(job_ids), JobRow.lease_owner == owner)
        .values(lease_expires_at=expires_at)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def expired_jobs(session: Session, now: datetime) -> Sequence[JobRow]:
    query = select(JobRow).where(JobRow.status.in_(ACTIVE), JobRow.lease_expires_at < now)
    return session.scalars(query).all()


def add_log_lines(
    session: Session, job: JobRow, lines: Sequence[tuple[str, str]], now: datetime
) -> None:
    for stream, text in lines:
        job.log_seq += 1
        session.add(
            JobLogRow(
                job_id=job.id,
                seq=job.log_seq,
                attempt=job.attempt,
                stream=stream,
                text=text,
                created_at=now,
            )
        )


def list_log_lines(session: Session, job_id: str, after: int, limit: int) -> Sequence[JobLogRow]:
    query = (
        select(JobLogRow)
        .where(JobLogRow.job_id == job_id, JobLogRow.seq > after)
        .order_by(JobLogRow.seq)
        .limit(limit)
    )
    return session.scalars(query).all()


def get_quota(session: Session, project_id: str) -> ComputeQuotaRow | None:
    return session.get(ComputeQuotaRow, project_id)


def finished_jobs_since(
    session: Session, project_ids: Sequence[str] | None, since: datetime
) -> Sequence[JobRow]:
    """Jobs that used resources (ended, or running with usage so far) since a moment."""
    query = select(JobRow).where(JobRow.started_at.is_not(None), JobRow.created_at >= since)
    if project_ids is not None:
        query = query.where(JobRow.project_id.in_(project_ids))
    return session.scalars(query.order_by(JobRow.created_at)).all()


def list_trial_jobs(session: Session, project_id: str, limit: int) -> Sequence[JobRow]:
    """A project's jobs named as search trials are (`STUDY-trial-N`), oldest first."""
    query = (
        select(JobRow)
        .where(JobRow.project_id == project_id, JobRow.name.contains("-trial-"))
        .order_by(JobRow.created_at, JobRow.id)
        .limit(limit)
    )
    return session.scalars(query).all()
