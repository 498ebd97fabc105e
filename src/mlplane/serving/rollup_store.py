"""Queries behind the inference rollups: raw calls by time, rollup rows, the watermark."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, case, delete, func, select
from sqlalchemy.orm import Session

from mlplane.serving.rollup_tables import InferenceRollupRow, RollupWatermarkRow
from mlplane.serving.tables import InferenceLogRow

# (project, model, version, created_at, status, latency_ms, rows) of one logged call.
CallRow = tuple[str, str, str, datetime, int, float, int]


def _select_calls() -> Select[str, str, str, datetime, int, float, int]:
    return select(
        InferenceLogRow.project,
        InferenceLogRow.model,
        InferenceLogRow.version,
        InferenceLogRow.created_at,
        InferenceLogRow.status,
        InferenceLogRow.latency_ms,
        InferenceLogRow.rows,
    )


def list_calls(session: Session, start: datetime, end: datetime) -> list[CallRow]:
    """Every logged call in [start, end), all models."""
    query = _select_calls().where(
        InferenceLogRow.created_at >= start, InferenceLogRow.created_at < end
    )
    return list(session.execute(query).tuples())


def list_model_calls(
    session: Session, project: str, model: str, start: datetime, end: datetime
) -> list[CallRow]:
    """One served name's logged calls in [start, end)."""
    query = _select_calls().where(
        InferenceLogRow.model == model,
        InferenceLogRow.project == project,
        InferenceLogRow.created_at >= start,
        InferenceLogRow.created_at < end,
    )
    return list(session.execute(query).tuples())


def first_call_time(session: Session) -> datetime | None:
    return session.scalar(select(func.min(InferenceLogRow.created_at)))


def count_recent_calls(
    session: Session, project: str, since: datetime
) -> list[tuple[str, str, int, int]]:
    """(model, version, calls, server errors) of a project's calls since `since`."""
    errors = func.sum(case((InferenceLogRow.status >= 500, 1), else_=0))
    query = (
        select(InferenceLogRow.model, InferenceLogRow.version, func.count(), errors)
        .where(InferenceLogRow.project == project, InferenceLogRow.created_at >= since)
        .group_by(InferenceLogRow.model, InferenceLogRow.version)
    )
    return [
        (model, version, int(calls), int(failed or 0))
        for model, version, calls, failed in session.execute(query).all()
    ]


def get_watermark(
    session: Session, name: str, *, for_update: bool = False
) -> RollupWatermarkRow | None:
    query = select(RollupWatermarkRow).where(RollupWatermarkRow.name == name)
    if for_update:
        query = query.with_for_update()
    return session.scalars(query).first()


def replace_rollups(
    session: Session, start: datetime, end: datetime, rows: Sequence[InferenceRollupRow]
) -> None:
    """Make the rollups of the minutes in [start, end) exactly `rows`."""
    session.execute(
        delete(InferenceRollupRow).where(
            InferenceRollupRow.minute >= start, InferenceRollupRow.minute < end
        )
    )
    session.add_all(rows)
    session.flush()


def list_rollups(
    session: Session, project: str, model: str, start: datetime, end: datetime
) -> list[InferenceRollupRow]:
    query = (
        select(InferenceRollupRow)
        .where(
            InferenceRollupRow.project == project,
            InferenceRollupRow.model == model,
            InferenceRollupRow.minute >= start,
            InferenceRollupRow.minute < end,
        )
        .order_by(InferenceRollupRow.version, InferenceRollupRow.minute)
    )
    return list(session.scalars(query))
