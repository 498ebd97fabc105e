"""SDK resource for the registry: `client.models` (and `client.models.webhooks`)."""

from mlplane.registry.client.models import Models
from mlplane.registry.client.webhooks import Webhooks

__all__ = ["Models", "Webhooks"]
