"""Pipelines in the control panel: a project's runs, one run's graph, schedules and triggers."""

from mlplane.ui.page_route import page_router
from mlplane.ui.pages.pipelines import runs, schedules

router = page_router()
for module in (runs, schedules):
    router.include_router(module.router)
