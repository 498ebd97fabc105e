"""Experiment tracking in the control panel: experiments, their runs, one run, runs compared."""

from mlplane.ui.page_route import page_router
from mlplane.ui.pages.tracking import compare, experiments, runs

router = page_router()
for module in (experiments, runs, compare):
    router.include_router(module.router)
