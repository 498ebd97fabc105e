"""Lineage of a version: the run it came from, the datasets that run read, its commit."""

from __future__ import annotations

from sqlalchemy.orm import Session

from mlplane.core.errors import NotFound
from mlplane.governance.schemas import Principal
from mlplane.registry.schemas import Lineage
from mlplane.registry.service.access import access_model, version_row
from mlplane.tracking import service as tracking

GIT_COMMIT_TAG = "mlflow.source.git.commit"


def get_lineage(
    session: Session, principal: Principal, project: str, name: str, version: int
) -> Lineage:
    found = access_model(session, principal, project, name)
    row = version_row(session, found.model, version)
    lineage = Lineage(version=row.version, run_id=row.run_id)
    if row.run_id is None:
        return lineage
    try:
        run = tracking.get_run(session, principal, row.run_id, project)
    except NotFound:
        return lineage  # the run was removed; the version keeps its id
    lineage.run_name = run.name
    lineage.experiment_id = run.experiment_id
    lineage.git_commit = run.git_commit or run.tags.get(GIT_COMMIT_TAG)
    lineage.datasets = [
        {
            "name": dataset.name,
            "digest": dataset.digest,
            "source": dataset.source,
            "source_type": dataset.source_type,
            "context": dataset.context,
        }
        for dataset in run.inputs
    ]
    lineage.metrics = {key: metric.value for key, metric in run.metrics.items()}
    lineage.params = dict(run.params)
    return lineage
