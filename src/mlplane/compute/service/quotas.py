"""Per-project quotas: how many CPUs, GPUs and jobs a project may run at once."""

from __future__ import annotations

from sqlalchemy.orm import Session

from mlplane.catalog import service as catalog
from mlplane.compute import store
from mlplane.compute.schemas import ProjectQuota, Quota
from mlplane.compute.service.pools import used_by
from mlplane.compute.tables import ComputeQuotaRow, JobRow
from mlplane.core.clock import utcnow
from mlplane.governance import service as governance
from mlplane.governance.schemas import Principal, Role


def _view(session: Session, project_id: str, project: str) -> ProjectQuota:
    row = store.get_quota(session, project_id)
    used = used_by(store.project_running_jobs(session, project_id))
    return ProjectQuota(
        project=project,
        max_cpus=row.max_cpus if row else None,
        max_gpus=row.max_gpus if row else None,
        max_jobs=row.max_jobs if row else None,
        used=used,
    )


def get_quota(session: Session, principal: Principal, project: str) -> ProjectQuota:
    access = catalog.access_project(session, principal, project, Role.VIEWER)
    return _view(session, access.id, access.name)


def set_quota(session: Session, principal: Principal, project: str, data: Quota) -> ProjectQuota:
    """Quotas are the platform's budget for a project: only administrators set them."""
    governance.require_admin(principal)
    access = catalog.access_project(session, principal, project, Role.ADMIN, for_write=True)
    row = store.get_quota(session, access.id)
    if row is None:
        row = ComputeQuotaRow(project_id=access.id, updated_at=utcnow())
        session.add(row)
    row.max_cpus = data.max_cpus
    row.max_gpus = data.max_gpus
    row.max_jobs = data.max_jobs
    row.updated_at = utcnow()
    session.flush()
    return _view(session, access.id, access.name)


def quota_limits(session: Session, project_id: str) -> ComputeQuotaRow | None:
    return store.get_quota(session, project_id)


def quota_wait_reason(session: Session, job: JobRow) -> str | None:
    """Why starting this job now would break its project's quota, or None."""
    quota = store.get_quota(session, job.project_id)
    if quota is None:
        return None
    used = used_by(store.project_running_jobs(session, job.project_id))
    if quota.max_jobs is not None and used.jobs + 1 > quota.max_jobs:
        return f"project quota: {used.jobs} of {quota.max_jobs} concurrent jobs running"
    if quota.max_cpus is not None and used.cpus + job.cpus > quota.max_cpus:
        return (
            f"project quota: {used.cpus:g} of {quota.max_cpus:g} CPUs in use, "
            f"this job needs {job.cpus:g}"
        )
    if quota.max_gpus is not None and used.gpus + job.gpus > quota.max_gpus:
        return (
            f"project quota: {used.gpus} of {quota.max_gpus} GPUs in use, this job needs {job.gpus}"
        )
    return None
