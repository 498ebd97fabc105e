"""HTTP for registry webhooks and their delivery log."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from mlplane.registry import service
from mlplane.registry.schemas import Webhook, WebhookCreate, WebhookDelivery
from mlplane.server.deps import PlatformDep, PrincipalDep

router = APIRouter(prefix="/projects/{project}/webhooks", tags=["registry"])


@router.post("", status_code=status.HTTP_201_CREATED)
def create_webhook(
    project: str, data: WebhookCreate, platform: PlatformDep, principal: PrincipalDep
) -> Webhook:
    """Subscribe a URL to registry events; the answer shows the signing secret, once."""
    with platform.db.write() as session:
        return service.create_webhook(session, principal, project, data)


@router.get("")
def list_webhooks(project: str, platform: PlatformDep, principal: PrincipalDep) -> list[Webhook]:
    with platform.db.read() as session:
        return service.list_webhooks(session, principal, project)


@router.delete("/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_webhook(
    project: str, webhook_id: str, platform: PlatformDep, principal: PrincipalDep
) -> Response:
    with platform.db.write() as session:
        service.delete_webhook(session, principal, project, webhook_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{webhook_id}/deliveries")
def list_webhook_deliveries(
    project: str, webhook_id: str, platform: PlatformDep, principal: PrincipalDep
) -> list[WebhookDelivery]:
    with platform.db.read() as session:
        return service.list_deliveries(session, principal, project, webhook_id)
