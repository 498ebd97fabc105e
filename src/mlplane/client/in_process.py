"""The app hosted inside the SDK's own process, for notebooks and tests with no platform."""

from __future__ import annotations

import atexit
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import anyio.from_thread
import httpx
from anyio.from_thread import BlockingPortal
from starlette.types import ASGIApp

from mlplane.core.settings import load_settings
from mlplane.server.app import create_app

IN_PROCESS_URL = "http://mlplane.local"


class SyncAsgiTransport(httpx.BaseTransport):
    """Serves synchronous httpx requests from an ASGI app on an event loop in a side thread."""

    def __init__(self, app: ASGIApp, on_close: Callable[[], None]) -> None:
        context = anyio.from_thread.start_blocking_portal()
        self._portal = context.__enter__()
        self._portal_context: AbstractContextManager[BlockingPortal] | None = context
        self._app_transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 0))
        self._on_close = on_close
        atexit.register(self.close)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()

        async def forward() -> tuple[int, httpx.Headers, bytes]:
            inner = httpx.Request(
                request.method, request.url, headers=request.headers, content=body
            )
            response = await self._app_transport.handle_async_request(inner)
            return response.status_code, response.headers, await response.aread()

        status, headers, content = self._portal.call(forward)
        return httpx.Response(status, headers=headers, content=content, request=request)

    def close(self) -> None:
        if self._portal_context is not None:
            context, self._portal_context = self._portal_context, None
            context.__exit__(None, None, None)
            # The hosted app's database connections go with the client that hosted it.
            self._on_close()


def in_process_client(home: Path, timeout: float) -> httpx.Client:
    app = create_app(load_settings(home))
    transport = SyncAsgiTransport(app, on_close=app.state.platform.close)
    return httpx.Client(transport=transport, base_url=IN_PROCESS_URL, timeout=timeout)
