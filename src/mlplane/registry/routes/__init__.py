"""HTTP for the model registry under `/api/v1/projects/{project}/...`."""

from fastapi import APIRouter

from mlplane.registry.routes import aliases, models, versions, webhooks

router = APIRouter()
router.include_router(models.router)
router.include_router(versions.router)
router.include_router(aliases.router)
router.include_router(webhooks.router)

__all__ = ["router"]
