"""Compute's background loop, run by the worker process."""

from __future__ import annotations

from mlplane.compute.scheduler import run_jobs
from mlplane.server.worker import BackgroundLoop

LOOPS = [BackgroundLoop("compute-jobs", 0.5, run_jobs)]
