"""The worker's job loop: reap lost jobs, watch running attempts, start what fits.

Each tick is short and never waits on a job: attempts run as processes (or Ray
submissions) and are polled. One write transaction per step keeps the database's write
lock brief on SQLite.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from mlplane.compute import service
from mlplane.compute.executors.base import Execution, LaunchRequest
from mlplane.compute.schemas import JobStatus, PoolKind
from mlplane.core.clock import utcnow
from mlplane.core.processes import is_alive, list_processes, process_id
from mlplane.server.platform import Platform

logger = logging.getLogger("mlplane.compute")

DEFAULT_LEASE_SECONDS = 30.0
LEASE_VARIABLE = "MLPLANE_COMPUTE_LEASE_SECONDS"
# Variables of the worker a job must not inherit: it gets its own.
PRIVATE_VARIABLES = ("MLPLANE_TOKEN", "MLPLANE_URL")


class LaunchError(Exception):
    """The attempt could not start; the message says why."""


@dataclass
class Attempt:
    claim: service.ClaimedJob
    execution: Execution
    started: float
    stop_reason: str | None = None
    stop_outcome: JobStatus = JobStatus.FAILED


def lease_seconds(platform: Platform) -> float:
    value = os.environ.get(LEASE_VARIABLE) or platform.settings.extra.get("compute_lease_seconds")
    return float(value) if value else DEFAULT_LEASE_SECONDS


def _resolve_secret(name: str, reference: str) -> str:
    kind, _, target = reference.partition(":")
    if kind == "env":
        if target.startswith("MLPLANE_"):
            raise LaunchError(
                f"secrets.{name}: the platform's own settings are not secrets to share"
            )
        value = os.environ.get(target)
        if value is None:
            raise LaunchError(f"secrets.{name}: variable {target!r} is not set on the worker")
        return value
    try:
        return Path(target).read_text().rstrip("\n")
    except OSError as error:
        raise LaunchError(f"secrets.{name}: cannot read {target!r}: {error.strerror}") from None


def _format_memory(size: int) -> str:
    return f"{size / 1024**2:.0f} MiB"


class JobRunner:
    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.owner = process_id("worker")
        self.lease = timedelta(seconds=lease_seconds(platform))
        self.attempts: dict[str, Attempt] = {}
        self._renewed = 0.0

    # Launching

    def _platform_env(self) -> dict[str, str]:
        settings = self.platform.settings
        url = settings.url
        if url is None:
            apis = [row for row in list_processes(self.platform.db) if row.kind == "api"]
            url = next((row.address for row in apis if is_alive(row) and row.address), None)
        if url is not None:
            return {"MLPLANE_URL": url}
        # No api is running: the job hosts the app in-process on the same home and database.
        return {
            "MLPLANE_HOME": str(settings.home),
            "MLPLANE_DATABASE_URL": settings.database_url,
            "MLPLANE_ARTIFACT_ROOT": settings.artifact_root,
        }

    def _request(self, claim: service.ClaimedJob) -> LaunchRequest:
        env = {
            **self._platform_env(),
            "MLPLANE_JOB_ID": claim.job_id,
            "MLPLANE_JOB_ATTEMPT": str(claim.attempt),
            "MLPLANE_PROJECT": claim.project,
            "MLPLANE_EXPERIMENT": claim.experiment,
        }
        if claim.run_id:
            env["MLPLANE_RUN_ID"] = claim.run_id
        if claim.token:
            env["MLPLANE_TOKEN"] = claim.token
        env.update(claim.spec.env)
        for name, reference in claim.spec.secrets.items():
            env[name] = _resolve_secret(name, reference)
        return LaunchRequest(
            job_id=claim.job_id,
            attempt=claim.attempt,
            spec=claim.spec,
            env=env,
            address=claim.pool_address,
        )

    def _launch(self, claim: service.ClaimedJob) -> Execution:
        request = self._request(claim)
        if claim.pool_kind is PoolKind.RAY:
            from mlplane.compute.executors.ray import RayExecution

            return RayExecution(request)
        from mlplane.compute.executors.local import LocalExecution

        for name in PRIVATE_VARIABLES:
            request.env.setdefault(name, "")
        return LocalExecution(request, self.platform.settings.home / "compute" / "envs")

    def admit(self, now: datetime) -> None:
        with self.platform.db.write() as session:
            claims = service.claim_jobs(
                session, self.owner, now, self.lease, [PoolKind.LOCAL, PoolKind.RAY]
            )
        for claim in claims:
            try:
                execution = self._launch(claim)
            except Exception as error:
                reason = (
                    str(error)
                    if isinstance(error, LaunchError)
                    else (f"could not start: {type(error).__name__}: {error}")
                )
                with self.platform.db.write() as session:
                    service.end_attempt(
                        session, claim.job_id, JobStatus.FAILED, reason, utcnow(), owner=self.owner
                    )
                continue
            self.attempts[claim.job_id] = Attempt(claim, execution, time.monotonic())
            with self.platform.db.write() as session:
                service.set_external_id(session, claim.job_id, execution.external_id)
            logger.info("job started", extra={"job": claim.job_id, "attempt": claim.attempt})

    # Watching

    def _check_limits(self, job_id: str, attempt: Attempt, cancelled: set[str]) -> None:
        spec = attempt.claim.spec
        if attempt.stop_reason is not None:
            return
        elapsed = time.monotonic() - attempt.started
        if job_id in cancelled:
            attempt.stop_reason = "cancelled by request; the process tree was stopped"
            attempt.stop_outcome = JobStatus.CANCELLED
        elif spec.timeout_seconds is not None and elapsed > spec.timeout_seconds:
            attempt.stop_reason = (
                f"timed out: ran longer than its timeout of {spec.timeout_seconds:g} s"
            )
        else:
            used = attempt.execution.memory_bytes()
            limit = spec.resources.memory_bytes
            if used is not None and used > limit:
                attempt.stop_reason = (
                    f"out of memory: used {_format_memory(used)}, over its limit of "
                    f"{_format_memory(limit)}"
                )
        if attempt.stop_reason is not None:
            with contextlib.suppress(Exception):
                attempt.execution.stop()

    def supervise(self, now: datetime) -> None:
        if not self.attempts:
            return
        with self.platform.db.read() as session:
            cancelled = service.cancel_requested(session, list(self.attempts))
        output: dict[str, list[tuple[str, str]]] = {}
        ended: dict[str, tuple[JobStatus, str | None, int | None]] = {}
        for job_id, attempt in list(self.attempts.items()):
            try:
                self._check_limits(job_id, attempt, cancelled)
                lines = attempt.execution.drain_output()
                code = attempt.execution.poll()
                if code is not None:
                    lines += attempt.execution.drain_output()
            except Exception as error:
                lines, code = [("system", f"lost contact with the attempt: {error}")], -1
                attempt.stop_reason = attempt.stop_reason or f"executor error: {error}"
            output[job_id] = lines
            if code is None:
                continue
            if attempt.stop_reason is not None:
                ended[job_id] = (attempt.stop_outcome, attempt.stop_reason, code)
            elif code == 0:
                ended[job_id] = (JobStatus.SUCCEEDED, None, code)
            elif code < 0:
                ended[job_id] = (JobStatus.FAILED, f"killed by signal {-code}", code)
            else:
                ended[job_id] = (JobStatus.FAILED, f"exited with code {code}", code)
        renew = time.monotonic() - self._renewed > self.lease.total_seconds() / 3
        if not any(output.values()) and not ended and not renew:
            return
        with self.platform.db.write() as session:
            for job_id, lines in output.items():
                service.append_logs(session, job_id, lines, now)
            for job_id, (outcome, reason, code) in ended.items():
                service.end_attempt(
                    session, job_id, outcome, reason, now, exit_code=code, owner=self.owner
                )
                del self.attempts[job_id]
            if renew:
                service.renew_leases(session, self.owner, list(self.attempts), now + self.lease)
        if renew:
            self._renewed = time.monotonic()

    # Recovering

    def reap(self, now: datetime) -> None:
        with self.platform.db.write() as session:
            lost = service.reap_lost_jobs(session, now, self.owner)
        for job in lost:
            logger.warning("job lost with its worker", extra={"job": job.job_id})
            if job.external_id is None:
                continue
            with contextlib.suppress(Exception):
                if job.pool_kind is PoolKind.RAY and job.pool_address:
                    from mlplane.compute.executors.ray import stop_submission

                    stop_submission(job.pool_address, job.external_id)
                else:
                    from mlplane.compute.executors.local import stop_orphan

                    stop_orphan(job.external_id, job.job_id)

    def tick(self) -> None:
        now = utcnow()
        with self.platform.db.read() as session:
            queued, expired = service.pending_work(session, now)
        if expired:
            self.reap(now)
        self.supervise(now)
        if queued:
            self.admit(utcnow())


_runners: dict[int, JobRunner] = {}


def run_jobs(platform: Platform) -> None:
    """One tick of the job loop for this worker process."""
    runner = _runners.get(id(platform))
    if runner is None:
        runner = _runners[id(platform)] = JobRunner(platform)
    runner.tick()
