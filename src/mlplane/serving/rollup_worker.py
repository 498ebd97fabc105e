"""The inference rollups' background loop."""

from __future__ import annotations

from mlplane.core.clock import utcnow
from mlplane.server.platform import Platform
from mlplane.server.worker import BackgroundLoop
from mlplane.serving.rollups import roll_up


def _roll_up_inference_log(platform: Platform) -> None:
    roll_up(platform.db, utcnow())


LOOPS = [BackgroundLoop("inference-rollups", 10.0, _roll_up_inference_log)]
