"""The registry's background loop: sending webhook deliveries."""

from __future__ import annotations

from mlplane.registry.service.delivery import deliver_due
from mlplane.server.platform import Platform
from mlplane.server.worker import BackgroundLoop


def _deliver_webhooks(platform: Platform) -> None:
    deliver_due(platform.db)


LOOPS = [BackgroundLoop("registry-webhooks", 2.0, _deliver_webhooks)]
