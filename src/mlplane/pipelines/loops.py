"""The worker's pipeline loops: due schedules, new events for triggers, queued runs to start."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

from mlplane.pipelines import service
from mlplane.server.platform import Platform
from mlplane.server.worker import BackgroundLoop

logger = logging.getLogger("mlplane.pipelines")

# Runs this worker started and that may not have claimed their run yet.
_launched: dict[str, subprocess.Popen[bytes]] = {}


def evaluate_schedules(platform: Platform) -> None:
    with platform.db.write() as session:
        created = service.tick_schedules(session)
    if created:
        logger.info("scheduled pipeline runs queued", extra={"runs": created})


def evaluate_triggers(platform: Platform) -> None:
    with platform.db.write() as session:
        created = service.tick_triggers(session)
    if created:
        logger.info("triggered pipeline runs queued", extra={"runs": created})


def start_queued_runs(platform: Platform) -> None:
    """Start a runner process for each queued run not already started by this worker."""
    for run_id, process in list(_launched.items()):
        if process.poll() is not None:
            del _launched[run_id]
    with platform.db.read() as session:
        queued = service.queued_runs(session)
    for run_id, project in queued:
        if run_id in _launched:
            continue
        environment = dict(os.environ, MLPLANE_HOME=str(platform.settings.home))
        _launched[run_id] = subprocess.Popen(
            [sys.executable, "-m", "mlplane.pipelines.launch", project, run_id],
            env=environment,
            stdout=subprocess.DEVNULL,
        )
        logger.info("pipeline run started", extra={"run": run_id, "project": project})


LOOPS = [
    BackgroundLoop("pipeline-schedules", 5.0, evaluate_schedules),
    BackgroundLoop("pipeline-triggers", 2.0, evaluate_triggers),
    BackgroundLoop("pipeline-launcher", 1.0, start_queued_runs),
]
