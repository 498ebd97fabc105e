"""HTTP for a deployment's metrics: `/api/v1/projects/{project}/deployments/{name}/metrics`."""

from __future__ import annotations

from fastapi import APIRouter

from mlplane.server.deps import PlatformDep, PrincipalDep
from mlplane.serving import rollup_service as service
from mlplane.serving.rollup_schemas import DeploymentMetrics

router = APIRouter(prefix="/projects/{project}/deployments", tags=["deployments"])


@router.get("/{name}/metrics")
def get_deployment_metrics(
    project: str,
    name: str,
    platform: PlatformDep,
    principal: PrincipalDep,
    window: str = service.DEFAULT_WINDOW,
) -> DeploymentMetrics:
    """Calls, server errors and latency percentiles per minute for each served version."""
    with platform.db.read() as session:
        return service.get_deployment_metrics(session, principal, project, name, window)
