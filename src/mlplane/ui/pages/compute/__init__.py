"""Compute in the control panel: pools and cost, a project's jobs, one job and its logs,
hyper-parameter studies."""

from mlplane.ui.page_route import page_router
from mlplane.ui.pages.compute import jobs, overview, studies

router = page_router()
for module in (overview, jobs, studies):
    router.include_router(module.router)
