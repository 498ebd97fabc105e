"""Queries for the registry on a session; no rules, no HTTP."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.orm import Session

from mlplane.registry.tables import (
    AliasEventRow,
    ApprovalRow,
    ModelAliasRow,
    ModelVersionRow,
    ProtectedAliasRow,
    RegisteredModelRow,
    WebhookDeliveryRow,
    WebhookRow,
)


def get_model(session: Session, project_id: str, name: str) -> RegisteredModelRow | None:
    return session.scalars(
        select(RegisteredModelRow).where(
            RegisteredModelRow.project_id == project_id, RegisteredModelRow.name == name
        )
    ).first()


def get_model_by_id(session: Session, model_id: str) -> RegisteredModelRow | None:
    return session.get(RegisteredModelRow, model_id)


def list_models(
    session: Session, project_id: str, name_like: str | None, after: str | None, limit: int
) -> list[RegisteredModelRow]:
    query = select(RegisteredModelRow).where(RegisteredModelRow.project_id == project_id)
    if name_like:
        query = query.where(RegisteredModelRow.name.like(name_like))
    if after is not None:
        query = query.where(RegisteredModelRow.name > after)
    return list(session.scalars(query.order_by(RegisteredModelRow.name).limit(limit)))


def count_models(session: Session, project_id: str) -> int:
    query = select(func.count()).where(RegisteredModelRow.project_id == project_id)
    return int(session.scalar(query) or 0)


def get_version(session: Session, model_id: str, version: int) -> ModelVersionRow | None:
    return session.scalars(
        select(ModelVersionRow).where(
            ModelVersionRow.model_id == model_id, ModelVersionRow.version == version
        )
    ).first()


def list_versions(
    session: Session,
    project_id: str,
    *,
    model_id: str | None = None,
    run_id: str | None = None,
    status: str | None = None,
    before: tuple[datetime, str] | None = None,
    limit: int,
) -> list[ModelVersionRow]:
    """Newest first; `before` is the (created_at, id) of the last row of the previous page."""
    query = select(ModelVersionRow).where(ModelVersionRow.project_id == project_id)
    if model_id is not None:
        query = query.where(ModelVersionRow.model_id == model_id)
    if run_id is not None:
        query = query.where(ModelVersionRow.run_id == run_id)
    if status is not None:
        query = query.where(ModelVersionRow.status == status)
    if before is not None:
        at, row_id = before
        query = query.where(
            or_(
                ModelVersionRow.created_at < at,
                and_(ModelVersionRow.created_at == at, ModelVersionRow.id < row_id),
            )
        )
    order = (ModelVersionRow.created_at.desc(), ModelVersionRow.id.desc())
    return list(session.scalars(query.order_by(*order).limit(limit)))


def versions_of_models(
    session: Session, model_ids: Sequence[str], stages: Sequence[str] | None = None
) -> list[ModelVersionRow]:
    query = select(ModelVersionRow).where(ModelVersionRow.model_id.in_(model_ids))
    if stages:
        query = query.where(ModelVersionRow.stage.in_(stages))
    return list(session.scalars(query.order_by(ModelVersionRow.version)))


def model_names(session: Session, model_ids: Sequence[str]) -> dict[str, str]:
    if not model_ids:
        return {}
    rows = session.execute(
        select(RegisteredModelRow.id, RegisteredModelRow.name).where(
            RegisteredModelRow.id.in_(set(model_ids))
        )
    )
    return {row_id: name for row_id, name in rows}


def aliases_of(session: Session, model_ids: Sequence[str]) -> list[ModelAliasRow]:
    if not model_ids:
        return []
    query = select(ModelAliasRow).where(ModelAliasRow.model_id.in_(set(model_ids)))
    return list(session.scalars(query.order_by(ModelAliasRow.alias)))


def get_alias(session: Session, model_id: str, alias: str) -> ModelAliasRow | None:
    return session.get(ModelAliasRow, (model_id, alias))


def delete_aliases_of_version(session: Session, model_id: str, version: int) -> list[str]:
    rows = session.scalars(
        select(ModelAliasRow).where(
            ModelAliasRow.model_id == model_id, ModelAliasRow.version == version
        )
    ).all()
    names = [row.alias for row in rows]
    for row in rows:
        session.delete(row)
    return names


def alias_history(
    session: Session, model_id: str, alias: str | None, limit: int
) -> list[AliasEventRow]:
    query = select(AliasEventRow).where(AliasEventRow.model_id == model_id)
    if alias is not None:
        query = query.where(AliasEventRow.alias == alias)
    order = (AliasEventRow.at.desc(), AliasEventRow.id.desc())
    return list(session.scalars(query.order_by(*order).limit(limit)))


def get_protected_alias(session: Session, project_id: str, alias: str) -> ProtectedAliasRow | None:
    return session.get(ProtectedAliasRow, (project_id, alias))


def list_protected_aliases(session: Session, project_id: str) -> list[ProtectedAliasRow]:
    query = select(ProtectedAliasRow).where(ProtectedAliasRow.project_id == project_id)
    return list(session.scalars(query.order_by(ProtectedAliasRow.alias)))


def get_approval(session: Session, approval_id: str) -> ApprovalRow | None:
    return session.get(ApprovalRow, approval_id)


def list_approvals(
    session: Session, model_ids: Sequence[str], state: str | None, limit: int
) -> list[ApprovalRow]:
    query = select(ApprovalRow).where(ApprovalRow.model_id.in_(model_ids))
    if state is not None:
        query = query.where(ApprovalRow.state == state)
    order = (ApprovalRow.requested_at.desc(), ApprovalRow.id.desc())
    return list(session.scalars(query.order_by(*order).limit(limit)))


def model_ids_of_project(session: Session, project_id: str) -> list[str]:
    query = select(RegisteredModelRow.id).where(RegisteredModelRow.project_id == project_id)
    return list(session.scalars(query))


def webhooks_for(session: Session, project_id: str, active_only: bool) -> list[WebhookRow]:
    query = select(WebhookRow).where(WebhookRow.project_id == project_id)
    if active_only:
        query = query.where(WebhookRow.active.is_(True))
    return list(session.scalars(query.order_by(WebhookRow.created_at)))


def get_webhook(session: Session, webhook_id: str) -> WebhookRow | None:
    return session.get(WebhookRow, webhook_id)


def list_deliveries(session: Session, webhook_id: str, limit: int) -> list[WebhookDeliveryRow]:
    query = select(WebhookDeliveryRow).where(WebhookDeliveryRow.webhook_id == webhook_id)
    order = (WebhookDeliveryRow.created_at.desc(), WebhookDeliveryRow.id.desc())
    return list(session.scalars(query.order_by(*order).limit(limit)))


def get_delivery(session: Session, delivery_id: str) -> WebhookDeliveryRow | None:
    return session.get(WebhookDeliveryRow, delivery_id)


def due_deliveries(session: Session, now: datetime, limit: int) -> list[WebhookDeliveryRow]:
    query = (
        select(WebhookDeliveryRow)
        .where(WebhookDeliveryRow.state == "pending", WebhookDeliveryRow.next_attempt_at <= now)
        .order_by(WebhookDeliveryRow.next_attempt_at)
        .limit(limit)
    )
    return list(session.scalars(query))


def delete_model_rows(session: Session, model_id: str) -> None:
    """Remove a model with everything hanging off it, also where foreign keys are off."""
    for table in (AliasEventRow, ApprovalRow, ModelAliasRow, ModelVersionRow):
        session.execute(delete(table).where(table.model_id == model_id))
    session.execute(delete(RegisteredModelRow).where(RegisteredModelRow.id == model_id))
