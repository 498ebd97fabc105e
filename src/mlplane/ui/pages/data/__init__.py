"""Data in the control panel: datasets, one version, the SQL editor and saved-query reports."""

from mlplane.ui.page_route import page_router
from mlplane.ui.pages.data import datasets, queries, sql, versions

router = page_router()
for module in (datasets, versions, sql, queries):
    router.include_router(module.router)
