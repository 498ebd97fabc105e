"""The deployments' background loop: the rollout controller."""

from __future__ import annotations

from mlplane.core.clock import utcnow
from mlplane.deployments.rollout import advance_due
from mlplane.server.platform import Platform
from mlplane.server.worker import BackgroundLoop


def _advance_rollouts(platform: Platform) -> None:
    advance_due(platform.db, utcnow())


LOOPS = [BackgroundLoop("deployment-rollouts", 1.0, _advance_rollouts)]
