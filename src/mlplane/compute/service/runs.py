"""A job's tracked run follows the job: scheduled, running, then how it ended."""

from __future__ import annotations

import contextlib

from sqlalchemy.orm import Session

from mlplane.compute.schemas import JobStatus
from mlplane.compute.tables import JobRow
from mlplane.core.errors import Conflict, NotFound
from mlplane.governance.schemas import Principal
from mlplane.tracking import service as tracking
from mlplane.tracking.schemas import RunStatus, RunUpdate

# The worker acts for the platform itself when it moves a job's run along.
PLATFORM_PRINCIPAL = Principal(user_id="", name="mlplane-worker", is_admin=True, kind="service")

_RUN_STATUS = {
    JobStatus.QUEUED: RunStatus.SCHEDULED,
    JobStatus.RUNNING: RunStatus.RUNNING,
    JobStatus.SUCCEEDED: RunStatus.FINISHED,
    JobStatus.FAILED: RunStatus.FAILED,
    JobStatus.CANCELLED: RunStatus.KILLED,
}


def move_run(session: Session, job: JobRow, status: JobStatus) -> None:
    """Set the run's status; a run deleted by its users is left alone."""
    if job.run_id is None:
        return
    with contextlib.suppress(NotFound, Conflict):
        tracking.update_run(
            session,
            PLATFORM_PRINCIPAL,
            job.run_id,
            RunUpdate(status=_RUN_STATUS[status]),
            project=job.project_name,
        )
