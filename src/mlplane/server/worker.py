"""The worker process: runs the platform's background loops.

Each subsystem contributes loops (a name, an interval, a function of the platform); a
loop that raises is logged and tried again at its next tick, never taking the others down.
"""

from __future__ import annotations

import importlib
import logging
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType

from mlplane.core.clock import utcnow
from mlplane.core.idempotency import delete_expired
from mlplane.core.processes import heartbeat
from mlplane.core.settings import Settings
from mlplane.server.platform import Platform

logger = logging.getLogger("mlplane.worker")

HEARTBEAT_INTERVAL = 5.0
CHECKPOINT_INTERVAL = 1.0

# Modules that define `LOOPS: list[BackgroundLoop]`; a subsystem with background work adds one.
LOOP_MODULES: tuple[str, ...] = (
    "mlplane.registry.worker",
    "mlplane.compute.worker",
    "mlplane.pipelines.loops",
    "mlplane.deployments.worker",
    "mlplane.serving.rollup_worker",
)


@dataclass(frozen=True)
class BackgroundLoop:
    name: str
    interval: float
    run: Callable[[Platform], None]


def _heartbeat_loop() -> BackgroundLoop:
    started_at = utcnow()

    def beat(platform: Platform) -> None:
        heartbeat(platform.db, "worker", None, started_at)

    return BackgroundLoop("heartbeat", HEARTBEAT_INTERVAL, beat)


def _forget_idempotency_keys(platform: Platform) -> None:
    removed = delete_expired(platform.db)
    if removed:
        logger.info("expired idempotency keys removed", extra={"count": removed})


def _checkpoint(platform: Platform) -> None:
    platform.db.checkpoint()


def collect_loops() -> list[BackgroundLoop]:
    loops = [
        _heartbeat_loop(),
        BackgroundLoop("idempotency-retention", 3600.0, _forget_idempotency_keys),
        BackgroundLoop("database-checkpoint", CHECKPOINT_INTERVAL, _checkpoint),
    ]
    for module_name in LOOP_MODULES:
        loops.extend(importlib.import_module(module_name).LOOPS)
    return loops


def run_worker(settings: Settings) -> None:
    platform = Platform(settings)
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        logger.info("worker stopping", extra={"signal": signum})
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    loops = collect_loops()
    next_run = dict.fromkeys((loop.name for loop in loops), 0.0)
    logger.info("worker started", extra={"loops": [loop.name for loop in loops]})
    while not stop.is_set():
        now = time.monotonic()
        for loop in loops:
            if now < next_run[loop.name]:
                continue
            try:
                loop.run(platform)
            except Exception:
                logger.exception("background loop failed", extra={"loop": loop.name})
            next_run[loop.name] = time.monotonic() + loop.interval
        wake = min(next_run.values()) - time.monotonic()
        stop.wait(max(0.05, min(wake, 1.0)))
    platform.close()
