"""Queries on pipeline runs, step runs, schedules and triggers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from mlplane.pipelines.tables import PipelineRunRow, ScheduleRow, StepRunRow, TriggerRow

ACTIVE_STATES = ("queued", "running")


def get_run(session: Session, run_id: str) -> PipelineRunRow | None:
    return session.get(PipelineRunRow, run_id)


def list_runs(
    session: Session,
    project_id: str,
    *,
    pipeline: str | None,
    state: str | None,
    before: tuple[datetime, str] | None,
    limit: int,
) -> Sequence[PipelineRunRow]:
    query = select(PipelineRunRow).where(PipelineRunRow.project_id == project_id)
    if pipeline is not None:
        query = query.where(PipelineRunRow.pipeline == pipeline)
    if state is not None:
        query = query.where(PipelineRunRow.state == state)
    if before is not None:
        created_at, run_id = before
        query = query.where(
            (PipelineRunRow.created_at < created_at)
            | ((PipelineRunRow.created_at == created_at) & (PipelineRunRow.id < run_id))
        )
    query = query.order_by(PipelineRunRow.created_at.desc(), PipelineRunRow.id.desc())
    return session.scalars(query.limit(limit)).all()


def list_steps(session: Session, run_id: str) -> Sequence[StepRunRow]:
    query = select(StepRunRow).where(StepRunRow.run_id == run_id).order_by(StepRunRow.position)
    return session.scalars(query).all()


def steps_by_run(session: Session, run_ids: Sequence[str]) -> dict[str, list[StepRunRow]]:
    found: dict[str, list[StepRunRow]] = {run_id: [] for run_id in run_ids}
    if run_ids:
        query = select(StepRunRow).where(StepRunRow.run_id.in_(run_ids))
        for row in session.scalars(query.order_by(StepRunRow.position)):
            found[row.run_id].append(row)
    return found


def find_cached(session: Session, project_id: str, keys: Sequence[str]) -> dict[str, StepRunRow]:
    """The newest stored output for each key, among this project's runs."""
    if not keys:
        return {}
    query = (
        select(StepRunRow)
        .join(PipelineRunRow, PipelineRunRow.id == StepRunRow.run_id)
        .where(
            PipelineRunRow.project_id == project_id,
            StepRunRow.cache_key.in_(list(keys)),
            StepRunRow.output_uri.is_not(None),
        )
        .order_by(StepRunRow.finished_at.desc())
    )
    found: dict[str, StepRunRow] = {}
    for row in session.scalars(query):
        if row.cache_key is not None:
            found.setdefault(row.cache_key, row)
    return found


def cached_keys(session: Session, project_id: str, steps: Sequence[str], limit: int) -> list[str]:
    """The newest cache keys with a stored output among runs of these steps (by name)."""
    if not steps:
        return []
    query = (
        select(StepRunRow.cache_key)
        .join(PipelineRunRow, PipelineRunRow.id == StepRunRow.run_id)
        .where(
            PipelineRunRow.project_id == project_id,
            StepRunRow.step.in_(list(steps)),
            StepRunRow.cache_key.is_not(None),
            StepRunRow.output_uri.is_not(None),
        )
        .order_by(StepRunRow.finished_at.desc())
        .limit(limit)
    )
    return [key for key in session.scalars(query) if key is not None]


def find_output(session: Session, run_id: str, cache_key: str) -> StepRunRow | None:
    query = select(StepRunRow).where(
        StepRunRow.run_id == run_id,
        StepRunRow.cache_key == cache_key,
        StepRunRow.output_uri.is_not(None),
    )
    return session.scalars(query.limit(1)).first()


def has_active_run(session: Session, origin_id: str) -> bool:
    query = select(PipelineRunRow.id).where(
        PipelineRunRow.origin_id == origin_id, PipelineRunRow.state.in_(ACTIVE_STATES)
    )
    return session.scalar(query.limit(1)) is not None


def list_queued(session: Session, limit: int) -> Sequence[PipelineRunRow]:
    query = select(PipelineRunRow).where(PipelineRunRow.state == "queued")
    return session.scalars(query.order_by(PipelineRunRow.created_at).limit(limit)).all()


def get_schedule(session: Session, project_id: str, name: str) -> ScheduleRow | None:
    query = select(ScheduleRow).where(
        ScheduleRow.project_id == project_id, ScheduleRow.name == name
    )
    return session.scalar(query)


def list_schedules(session: Session, project_id: str) -> Sequence[ScheduleRow]:
    query = select(ScheduleRow).where(ScheduleRow.project_id == project_id)
    return session.scalars(query.order_by(ScheduleRow.name)).all()


def due_schedules(session: Session, now: datetime) -> Sequence[ScheduleRow]:
    query = select(ScheduleRow).where(ScheduleRow.enabled, ScheduleRow.next_run_at <= now)
    return session.scalars(query.order_by(ScheduleRow.next_run_at)).all()


def get_trigger(session: Session, project_id: str, name: str) -> TriggerRow | None:
    query = select(TriggerRow).where(TriggerRow.project_id == project_id, TriggerRow.name == name)
    return session.scalar(query)


def list_triggers(session: Session, project_id: str) -> Sequence[TriggerRow]:
    query = select(TriggerRow).where(TriggerRow.project_id == project_id)
    return session.scalars(query.order_by(TriggerRow.name)).all()


def enabled_triggers(session: Session) -> Sequence[TriggerRow]:
    return session.scalars(select(TriggerRow).where(TriggerRow.enabled)).all()
