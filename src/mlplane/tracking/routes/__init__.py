"""HTTP for experiment tracking under `/api/v1/projects/{project}/...`."""

from fastapi import APIRouter

from mlplane.tracking.routes import artifacts, experiments, runs

router = APIRouter()
router.include_router(experiments.router)
router.include_router(runs.router)
router.include_router(artifacts.router)

__all__ = ["router"]
