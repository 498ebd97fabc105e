"""Webhooks on registry events, and the outbox of their deliveries.

An event writes one delivery row per subscribed webhook in the transaction that caused it,
so a delivery exists exactly when the change does; the worker sends them afterwards.
The secret is stored readable (not hashed) because every delivery is signed with it; it is
shown to the caller once, at creation, and never again.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy.orm import Session

from mlplane.catalog import service as catalog
from mlplane.core.clock import utcnow
from mlplane.core.errors import NotFound
from mlplane.core.ids import new_id
from mlplane.governance.schemas import Principal, Role
from mlplane.registry import store
from mlplane.registry.schemas import RegistryEvent, Webhook, WebhookCreate, WebhookDelivery
from mlplane.registry.tables import WebhookDeliveryRow, WebhookRow

MAX_DELIVERIES_LISTED = 1000


def _view(row: WebhookRow, project: str, secret: str | None = None) -> Webhook:
    return Webhook(
        id=row.id,
        project=project,
        url=row.url,
        events=[RegistryEvent(event) for event in row.events],
        active=row.active,
        description=row.description,
        created_at=row.created_at,
        created_by=row.created_by,
        secret=secret,
    )


def create_webhook(
    session: Session, principal: Principal, project: str, data: WebhookCreate
) -> Webhook:
    access = catalog.access_project(session, principal, project, Role.ADMIN, for_write=True)
    secret = "whsec_" + secrets.token_urlsafe(32)
    row = WebhookRow(
        id=new_id(),
        project_id=access.id,
        url=data.url,
        events=sorted({event.value for event in data.events}),
        secret=secret,
        active=True,
        description=data.description,
        created_at=utcnow(),
        created_by=principal.name,
    )
    session.add(row)
    session.flush()
    return _view(row, project, secret)


def _webhook(session: Session, principal: Principal, project: str, webhook_id: str) -> WebhookRow:
    access = catalog.access_project(session, principal, project, Role.ADMIN)
    row = store.get_webhook(session, webhook_id)
    if row is None or row.project_id != access.id:
        raise NotFound(f"webhook {webhook_id!r} does not exist in project {project!r}")
    return row


def list_webhooks(session: Session, principal: Principal, project: str) -> list[Webhook]:
    access = catalog.access_project(session, principal, project, Role.ADMIN)
    return [_view(row, project) for row in store.webhooks_for(session, access.id, False)]


def delete_webhook(session: Session, principal: Principal, project: str, webhook_id: str) -> None:
    catalog.access_project(session, principal, project, Role.ADMIN, for_write=True)
    session.delete(_webhook(session, principal, project, webhook_id))
    session.flush()


def delivery_view(row: WebhookDeliveryRow) -> WebhookDelivery:
    return WebhookDelivery(
        id=row.id,
        webhook_id=row.webhook_id,
        event=row.event,
        payload=dict(row.payload),
        state=row.state,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_status=row.last_status,
        last_error=row.last_error,
        created_at=row.created_at,
        delivered_at=row.delivered_at,
    )


def list_deliveries(
    session: Session, principal: Principal, project: str, webhook_id: str
) -> list[WebhookDelivery]:
    row = _webhook(session, principal, project, webhook_id)
    return [
        delivery_view(item)
        for item in store.list_deliveries(session, row.id, MAX_DELIVERIES_LISTED)
    ]


def emit(
    session: Session, project_id: str, project: str, event: RegistryEvent, data: dict[str, Any]
) -> None:
    """Queue `event` for every active webhook of the project that subscribes to it."""
    hooks = [
        hook for hook in store.webhooks_for(session, project_id, True) if event.value in hook.events
    ]
    if not hooks:
        return
    now = utcnow()
    for hook in hooks:
        delivery_id = new_id()
        payload = {
            "id": delivery_id,
            "event": event.value,
            "project": project,
            "at": now.isoformat(),
            "data": data,
        }
        session.add(
            WebhookDeliveryRow(
                id=delivery_id,
                webhook_id=hook.id,
                event=event.value,
                payload=payload,
                state="pending",
                attempts=0,
                next_attempt_at=now,
                last_status=None,
                last_error="",
                created_at=now,
                delivered_at=None,
            )
        )
    session.flush()
