"""Deployments in the control panel: a project's deployments, one deployment's rollout and
live metrics, and the models the gateway serves."""

from mlplane.ui.page_route import page_router
from mlplane.ui.pages.deployments import deployments, served

router = page_router()
for module in (served, deployments):
    router.include_router(module.router)
