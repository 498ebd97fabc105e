"""Queries on served models and the inference log."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from mlplane.catalog.tables import ProjectRow
from mlplane.serving.tables import InferenceLogRow, ServedModelRow


def list_served_with_projects(session: Session) -> list[tuple[ServedModelRow, str]]:
    query = (
        select(ServedModelRow, ProjectRow.name)
        .join(ProjectRow, ProjectRow.id == ServedModelRow.project_id)
        .order_by(ServedModelRow.name, ServedModelRow.version)
    )
    return [(row, project) for row, project in session.execute(query).all()]


def list_served(session: Session, project_id: str) -> list[ServedModelRow]:
    query = (
        select(ServedModelRow)
        .where(ServedModelRow.project_id == project_id)
        .order_by(ServedModelRow.name, ServedModelRow.version)
    )
    return list(session.scalars(query))


def find_served(session: Session, name: str, version: str | None = None) -> list[ServedModelRow]:
    query = select(ServedModelRow).where(ServedModelRow.name == name)
    if version is not None:
        query = query.where(ServedModelRow.version == version)
    return list(session.scalars(query.order_by(ServedModelRow.version)))


def add_inference_records(session: Session, rows: Sequence[InferenceLogRow]) -> None:
    session.add_all(rows)
