"""The api process's application: REST API, MLflow-compatible API, control panel."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from mlplane import __version__
from mlplane.core.settings import Settings, load_settings
from mlplane.server.bootstrap import prepare_home
from mlplane.server.errors import install_error_handlers
from mlplane.server.health import router as health_router
from mlplane.server.idempotency import IdempotencyMiddleware
from mlplane.server.middleware import AuditMiddleware, MetricsMiddleware
from mlplane.server.platform import Platform
from mlplane.server.prefix_router import PrefixRouter, gated

# Each subsystem contributes `router` from its routes module; a new subsystem adds a line.
ROUTE_MODULES = (
    "mlplane.governance.routes",
    "mlplane.catalog.routes",
    "mlplane.data.routes",
    "mlplane.tracking.routes",
    "mlplane.pipelines.routes",
    "mlplane.registry.routes",
    "mlplane.compute.routes",
    "mlplane.serving.routes",
    "mlplane.deployments.routes",
    "mlplane.serving.rollup_routes",
)
# Routers of other protocols, mounted at the root rather than under /api/v1.
ROOT_ROUTE_MODULES = ("mlplane.registry.mlflow_api.routes", "mlplane.tracking.mlflow_api.routes")
UI_MODULE = "mlplane.ui.routes"
API_PREFIX = "/api/v1"


def create_app(settings: Settings | None = None, *, prepare: bool = True) -> FastAPI:
    """Build the api application. `prepare` migrates the database and bootstraps the home."""
    settings = settings or load_settings()
    platform = Platform(settings)
    if prepare:
        prepare_home(settings, platform.db)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        platform.close()

    app = FastAPI(
        title="mlplane",
        version=__version__,
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.platform = platform
    install_error_handlers(app)
    app.include_router(health_router)
    # Root routers rule themselves out by prefix at once (PrefixRouter), so they go first and
    # spare their requests a scan of every /api/v1 route.
    for module_name in ROOT_ROUTE_MODULES:
        app.include_router(importlib.import_module(module_name).router)
    api = PrefixRouter(prefix=API_PREFIX, path_prefixes=(API_PREFIX + "/",))
    for module_name in ROUTE_MODULES:
        router = importlib.import_module(module_name).router
        api.include_router(gated(router))
    app.include_router(api)
    importlib.import_module(UI_MODULE).mount(app)
    # Outermost last: a replayed answer changes nothing, so it never reaches the audit trail.
    app.add_middleware(AuditMiddleware, platform=platform)
    app.add_middleware(IdempotencyMiddleware, platform=platform)
    app.add_middleware(MetricsMiddleware, process="api")
    return app
