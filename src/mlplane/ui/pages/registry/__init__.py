"""The model registry in the control panel: models, one model, one version."""

from mlplane.ui.page_route import page_router
from mlplane.ui.pages.registry import models, versions

router = page_router()
for module in (models, versions):
    router.include_router(module.router)
