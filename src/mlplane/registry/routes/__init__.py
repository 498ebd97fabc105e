"""HTTP for the model registry under `/api/v1/projects/{project}/...`."""

from fastapi import APIRouter

from mlplane.registry.routes import aliases, models, versions, webhooks
from mlplane.server.prefix_router import gated

router = APIRouter()
router.include_router(gated(models.router))
router.include_router(gated(versions.router))
router.include_router(gated(aliases.router))
router.include_router(gated(webhooks.router))

__all__ = ["router"]
