"""HTTP for experiment tracking under `/api/v1/projects/{project}/...`."""

from fastapi import APIRouter

from mlplane.server.prefix_router import gated
from mlplane.tracking.routes import artifacts, experiments, runs

router = APIRouter()
router.include_router(gated(experiments.router))
router.include_router(gated(runs.router))
router.include_router(gated(artifacts.router))

__all__ = ["router"]
