"""The lean in-process platform a script's pipeline talks to when no platform is running.

Hosting the whole app means building every subsystem's routes and the control panel, which
costs seconds; a pipeline run needs only projects and pipelines. This app is built from the
same parts as the api process (bootstrap, error handlers, audit and idempotency middleware)
with just those routers, over the same home and database, so what it records is the same.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

    from mlplane.client.client import Client

ROUTE_MODULES = ("mlplane.catalog.routes", "mlplane.pipelines.routes")


def create_pipeline_app(home: Path) -> FastAPI:
    from fastapi import APIRouter, FastAPI

    from mlplane.core.settings import load_settings
    from mlplane.server.bootstrap import prepare_home
    from mlplane.server.errors import install_error_handlers
    from mlplane.server.health import router as health_router
    from mlplane.server.idempotency import IdempotencyMiddleware
    from mlplane.server.middleware import AuditMiddleware
    from mlplane.server.platform import Platform

    settings = load_settings(home)
    platform = Platform(settings)
    prepare_home(settings, platform.db)
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    app.state.platform = platform
    install_error_handlers(app)
    app.include_router(health_router)
    api = APIRouter(prefix="/api/v1")
    for module_name in ROUTE_MODULES:
        api.include_router(importlib.import_module(module_name).router)
    app.include_router(api)
    app.add_middleware(AuditMiddleware, platform=platform)
    app.add_middleware(IdempotencyMiddleware, platform=platform)
    return app


def pipeline_client(
    url: str | None = None, token: str | None = None, home: str | Path | None = None
) -> Client:
    """A client for running pipelines: the platform it resolves to, else the lean app."""
    import httpx

    from mlplane.client.client import Client
    from mlplane.client.in_process import IN_PROCESS_URL, SyncAsgiTransport
    from mlplane.client.resolve import Target, resolve_target
    from mlplane.client.transport import Transport

    target = resolve_target(url, token, home)
    if target.url is not None:
        return Client(url=target.url, token=target.token, home=target.home)

    class HostedTransport(Transport):
        """The SDK's transport over an app this process hosts."""

        def __init__(self, http: httpx.Client, target: Target) -> None:
            self.http, self.target, self.base_url = http, target, IN_PROCESS_URL
            self.http.headers["User-Agent"] = "mlplane-sdk"
            if target.token:
                self.http.headers["Authorization"] = f"Bearer {target.token}"

    class HostedClient(Client):
        def __init__(self, transport: Transport) -> None:
            self.transport = transport

    app = create_pipeline_app(target.home)
    asgi = SyncAsgiTransport(app, on_close=app.state.platform.close)
    http = httpx.Client(transport=asgi, base_url=IN_PROCESS_URL, timeout=60.0)
    # Hosting the app prepared the home, so its administrator token exists now.
    hosted = resolve_target(None, token, target.home, in_process=True)
    return HostedClient(HostedTransport(http, hosted))
