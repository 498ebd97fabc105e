"""Compute in the control panel: pools and cost, a project's jobs, one job and its logs."""

from mlplane.ui.page_route import page_router
from mlplane.ui.pages.compute import jobs, overview

router = page_router()
for module in (overview, jobs):
    router.include_router(module.router)
