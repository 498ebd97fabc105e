"""Queries on deployments, their events, and the inference log rows they are judged by."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mlplane.deployments.tables import DeploymentEventRow, DeploymentRow
from mlplane.serving.tables import InferenceLogRow


def get_deployment(
    session: Session, name: str, *, for_update: bool = False
) -> DeploymentRow | None:
    query = select(DeploymentRow).where(DeploymentRow.name == name)
    if for_update:
        query = query.with_for_update()
    return session.scalars(query).first()


def list_deployments(
    session: Session, project_id: str, after: str | None, limit: int
) -> list[DeploymentRow]:
    query = select(DeploymentRow).where(DeploymentRow.project_id == project_id)
    if after is not None:
        query = query.where(DeploymentRow.name > after)
    return list(session.scalars(query.order_by(DeploymentRow.name).limit(limit)))


def list_due(session: Session, now: datetime) -> list[str]:
    """Names of deployments whose next check or scale-down is due."""
    checks = select(DeploymentRow.name).where(
        DeploymentRow.status == "progressing", DeploymentRow.next_check_at <= now
    )
    scale_downs = select(DeploymentRow.name).where(
        DeploymentRow.status == "scaling_down", DeploymentRow.scale_down_at <= now
    )
    return sorted(set(session.scalars(checks)) | set(session.scalars(scale_downs)))


def next_event_seq(session: Session, deployment_id: str) -> int:
    query = select(func.max(DeploymentEventRow.seq)).where(
        DeploymentEventRow.deployment_id == deployment_id
    )
    return int(session.scalar(query) or 0) + 1


def list_events(
    session: Session, deployment_id: str, after: int, limit: int
) -> list[DeploymentEventRow]:
    query = (
        select(DeploymentEventRow)
        .where(DeploymentEventRow.deployment_id == deployment_id, DeploymentEventRow.seq > after)
        .order_by(DeploymentEventRow.seq)
        .limit(limit)
    )
    return list(session.scalars(query))


def calls_between(
    session: Session, model: str, version: str, start: datetime, end: datetime
) -> Sequence[tuple[int, float]]:
    """(status, latency) of each logged call to one served version in (start, end]."""
    query = select(InferenceLogRow.status, InferenceLogRow.latency_ms).where(
        InferenceLogRow.model == model,
        InferenceLogRow.version == version,
        InferenceLogRow.created_at > start,
        InferenceLogRow.created_at <= end,
    )
    return [(status, latency) for status, latency in session.execute(query).all()]
