"""Entry points of the platform's three processes: api, worker, gateway."""

from __future__ import annotations

import argparse
import ctypes
import gc
import logging
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from mlplane.core.clock import utcnow
from mlplane.core.logging import configure_logging
from mlplane.core.processes import heartbeat
from mlplane.core.settings import Settings, load_settings

logger = logging.getLogger("mlplane.server")

HEARTBEAT_INTERVAL = 5.0
KEEP_ALIVE_SECONDS = 65
PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Ask Linux to SIGTERM this process when its supervisor dies, even by `kill -9`."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass


@contextmanager
def settled_heap() -> Iterator[None]:
    """Keep what starting built out of the garbage collector's full passes while serving.

    Modules, routes and models (some 300,000 objects) live as long as the process; a full
    pass over them took 160 ms, landing in the middle of whichever request set it off. No
    pass runs first: it would delay the first answer by as much, to free a little garbage.
    """
    gc.freeze()
    try:
        yield
    finally:
        # Frozen objects are never freed; extension modules complain of leaks at exit.
        gc.unfreeze()


def _uvicorn_server(app: Any, host: str, port: int) -> Any:
    import uvicorn

    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        lifespan="on",
        # Longer than clients keep idle connections (the SDK: 2 s; others often 5 s), so a
        # request is never sent on a connection the server is closing at that moment.
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        timeout_graceful_shutdown=5,
    )
    return uvicorn.Server(config)


def run_api(settings: Settings, host: str, port: int) -> None:
    from mlplane.server.app import create_app
    from mlplane.server.platform import Platform

    app = create_app(settings)
    platform: Platform = app.state.platform
    started_at = utcnow()
    stop = threading.Event()

    def beat() -> None:
        while not stop.is_set():
            try:
                heartbeat(platform.db, "api", f"http://{host}:{port}", started_at)
            except Exception:
                logger.exception("heartbeat failed")
            stop.wait(HEARTBEAT_INTERVAL)

    threading.Thread(target=beat, name="heartbeat", daemon=True).start()
    try:
        with settled_heap():
            _uvicorn_server(app, host, port).run()
    finally:
        stop.set()


def run_gateway(settings: Settings, host: str, port: int) -> None:
    from mlplane.serving.app import create_gateway_app

    app = create_gateway_app(settings, address=f"http://{host}:{port}")
    with settled_heap():
        _uvicorn_server(app, host, port).run()


def main(argv: list[str] | None = None) -> None:
    """`python -m mlplane.server.processes KIND ...`: how the supervisor starts its children."""
    parser = argparse.ArgumentParser(prog="mlplane-process")
    parser.add_argument("kind", choices=["api", "worker", "gateway"])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--supervised", action="store_true")
    args = parser.parse_args(argv)
    if args.supervised:
        die_with_parent()
    settings = load_settings()
    configure_logging(settings.log_level, process=args.kind)
    if args.kind == "api":
        run_api(settings, args.host, args.port)
    elif args.kind == "gateway":
        run_gateway(settings, args.host, args.port)
    else:
        from mlplane.server.worker import run_worker

        run_worker(settings)


if __name__ == "__main__":
    main(sys.argv[1:])
