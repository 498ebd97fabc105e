"""The gateway process: the data plane that serves inference.

It never calls the control plane on the hot path. Health answers without a token, as
load balancers and `tritonclient.is_server_live()` expect; everything else needs one.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from mlplane import __version__
from mlplane.core.clock import utcnow
from mlplane.core.errors import Unauthorized
from mlplane.core.metrics import EXPOSITION_CONTENT_TYPE, generate_latest
from mlplane.core.processes import heartbeat
from mlplane.core.settings import Settings
from mlplane.governance import service as governance
from mlplane.server.platform import Platform

HEARTBEAT_INTERVAL = 5.0


def _bearer(request: Request) -> str:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise Unauthorized("this endpoint needs a token: send 'Authorization: Bearer <token>'")
    return value.strip()


def _error(status: int, message: str) -> JSONResponse:
    # The Open Inference Protocol's error shape, which tritonclient parses.
    return JSONResponse({"error": message}, status_code=status)


def create_gateway_app(settings: Settings, address: str | None = None) -> Starlette:
    platform = Platform(settings)

    async def authenticate(request: Request) -> None:
        secret = _bearer(request)

        def check() -> None:
            with platform.db.read() as session:
                governance.authenticate(session, secret)

        await asyncio.to_thread(check)

    async def live(_: Request) -> Response:
        return JSONResponse({"live": True})

    async def ready(_: Request) -> Response:
        return JSONResponse({"ready": True})

    async def server_metadata(request: Request) -> Response:
        try:
            await authenticate(request)
        except Unauthorized as error:
            return _error(401, error.detail)
        return JSONResponse(
            {"name": "mlplane", "version": __version__, "extensions": ["binary_tensor_data"]}
        )

    async def metrics(request: Request) -> Response:
        try:
            await authenticate(request)
        except Unauthorized as error:
            return _error(401, error.detail)
        return Response(generate_latest(), media_type=EXPOSITION_CONTENT_TYPE)

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        started_at = utcnow()

        async def beat() -> None:
            while True:
                with contextlib.suppress(Exception):
                    await asyncio.to_thread(heartbeat, platform.db, "gateway", address, started_at)
                await asyncio.sleep(HEARTBEAT_INTERVAL)

        task = asyncio.create_task(beat())
        yield
        task.cancel()
        platform.close()

    routes = [
        Route("/v2/health/live", live),
        Route("/v2/health/ready", ready),
        Route("/v2", server_metadata),
        Route("/metrics", metrics),
    ]
    return Starlette(routes=routes, lifespan=lifespan)
