"""The gateway process: the data plane that serves inference.

It never calls the control plane on the hot path: it follows the desired state by polling
(see `loading.py`) and answers from its in-memory model table. Health answers without a
token, as load balancers and `tritonclient.is_server_live()` expect; everything else needs
one with a role on the model's project.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mlplane.core.clock import utcnow
from mlplane.core.metrics import EXPOSITION_CONTENT_TYPE, generate_latest
from mlplane.core.processes import heartbeat
from mlplane.core.settings import Settings
from mlplane.server.platform import Platform
from mlplane.serving.access import Access
from mlplane.serving.desired import DesiredSource
from mlplane.serving.gateway import Gateway
from mlplane.serving.inference_log import InferenceLog
from mlplane.serving.loading import ModelLoader, PredictorLoader
from mlplane.serving.protocols import kserve_v1, oip
from mlplane.serving.protocols.errors import ProtocolError
from mlplane.serving.table import ModelHolder

HEARTBEAT_INTERVAL = 5.0
SYNC_INTERVAL = 2.0
# The share of calls whose inputs and outputs the inference log keeps (0 to 1).
PAYLOAD_SAMPLE_RATE_ENV = "MLPLANE_INFERENCE_PAYLOAD_SAMPLE_RATE"

logger = logging.getLogger(__name__)


def create_gateway_app(
    settings: Settings,
    address: str | None = None,
    *,
    source: DesiredSource | None = None,
    load: PredictorLoader | None = None,
    sync_interval: float = SYNC_INTERVAL,
    payload_sample_rate: float | None = None,
) -> Starlette:
    """The gateway; `source` says what to serve (by default the platform's served models)."""
    platform = Platform(settings)
    holder = ModelHolder()
    if payload_sample_rate is None:
        payload_sample_rate = float(os.environ.get(PAYLOAD_SAMPLE_RATE_ENV) or 0.0)
    log = InferenceLog(platform.db, payload_sample_rate)
    gateway = Gateway(holder, Access(platform.db), log)
    from mlplane.serving.desired_store import database_source, load_predictor

    loader = ModelLoader(
        holder, source or database_source(platform.db), load or load_predictor(settings)
    )

    async def metrics(request: Request) -> Response:
        try:
            await gateway.authenticate(request)
        except ProtocolError as error:
            return error.response()
        return Response(generate_latest(), media_type=EXPOSITION_CONTENT_TYPE)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        started_at = utcnow()
        log.start()

        async def beat() -> None:
            while True:
                with contextlib.suppress(Exception):
                    await asyncio.to_thread(heartbeat, platform.db, "gateway", address, started_at)
                await asyncio.sleep(HEARTBEAT_INTERVAL)

        async def follow() -> None:
            while True:
                try:
                    await loader.sync()
                except Exception:
                    logger.exception("the gateway could not read its desired state")
                await asyncio.sleep(sync_interval)

        with contextlib.suppress(Exception):
            # Serve what is desired from the first request on, when it loads quickly.
            await loader.sync()
        tasks = [asyncio.create_task(beat()), asyncio.create_task(follow())]
        app.state.loader = loader
        yield
        for task in tasks:
            task.cancel()
        await loader.stop()
        await asyncio.to_thread(log.stop)
        platform.close()

    routes = [
        *oip.routes(gateway),
        *kserve_v1.routes(gateway),
        Route("/metrics", metrics),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.holder = holder
    app.state.inference_log = log
    return app
