"""SDK resource: `client.models.webhooks`."""

from __future__ import annotations

import builtins

from mlplane.client.transport import Transport
from mlplane.registry.client.paths import project_path
from mlplane.registry.schemas import Webhook, WebhookDelivery


class Webhooks:
    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def create(
        self,
        url: str,
        *,
        events: builtins.list[str] | None = None,
        description: str = "",
        project: str | None = None,
    ) -> Webhook:
        """Subscribe `url`; the answer's `secret` signs deliveries and is shown only now."""
        body: dict[str, object] = {"url": url, "description": description}
        if events is not None:
            body["events"] = events
        return Webhook.model_validate(
            self._transport.json("POST", f"{project_path(project)}/webhooks", json=body)
        )

    def list(self, *, project: str | None = None) -> builtins.list[Webhook]:
        items = self._transport.json("GET", f"{project_path(project)}/webhooks")
        return [Webhook.model_validate(item) for item in items]

    def delete(self, webhook_id: str, *, project: str | None = None) -> None:
        self._transport.json("DELETE", f"{project_path(project)}/webhooks/{webhook_id}")

    def deliveries(
        self, webhook_id: str, *, project: str | None = None
    ) -> builtins.list[WebhookDelivery]:
        items = self._transport.json(
            "GET", f"{project_path(project)}/webhooks/{webhook_id}/deliveries"
        )
        return [WebhookDelivery.model_validate(item) for item in items]
