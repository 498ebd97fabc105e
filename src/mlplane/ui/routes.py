"""The control panel: server-rendered pages at `/`, their assets at `/static`.

Pages call the services directly in a database transaction, never the API over HTTP.
Page GETs live at plain paths (`/projects`); every change is a POST under `/ui/`, which
the audit middleware records like any API mutation.
"""

from __future__ import annotations

import importlib

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles

from mlplane.server.prefix_router import gated
from mlplane.ui.templating import STATIC_DIR

# Each module contributes `router`; a subsystem's page adds a line here and one in navigation.
PAGE_MODULES = (
    "mlplane.ui.pages.auth",
    "mlplane.ui.pages.overview",
    "mlplane.ui.pages.projects",
    "mlplane.ui.pages.audit",
    "mlplane.ui.pages.tokens",
    "mlplane.ui.pages.admin",
    "mlplane.ui.pages.tracking",
    "mlplane.ui.pages.registry",
    "mlplane.ui.pages.data",
    "mlplane.ui.pages.pipelines",
    "mlplane.ui.pages.compute",
    "mlplane.ui.pages.deployments",
)


def mount(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for module_name in PAGE_MODULES:
        app.include_router(gated(importlib.import_module(module_name).router))
