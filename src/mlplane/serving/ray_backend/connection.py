"""The gateway's connection to a Ray cluster, and Serve on it.

The gateway joins the cluster as a driver (`ray.init` on its address, `host:6379` or
`ray://host:10001`) once, and starts Serve there without its HTTP proxy: requests reach
replicas through handles from the gateway only. `ray.init` on an address where nothing
answers waits for minutes, so the address is probed first and an unreachable cluster
fails fast, leaving the versions not ready rather than the gateway stuck.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from typing import Any

logger = logging.getLogger(__name__)

PROBE_TIMEOUT_S = 2.0
PROBE_ATTEMPTS = 3
PROBE_RETRY_S = 1.0
RAY_CLIENT_SCHEME = "ray://"


class RayUnreachable(RuntimeError):
    """Ray Serve on the configured cluster cannot be reached."""


def _host_port(address: str) -> tuple[str, int] | None:
    """Where to probe `address`; None for addresses Ray resolves itself (`auto`)."""
    text = address.removeprefix(RAY_CLIENT_SCHEME)
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit():
        return None
    return host, int(port)


def probe(address: str) -> None:
    target = _host_port(address)
    if target is None:
        return
    for attempt in range(PROBE_ATTEMPTS):
        try:
            with socket.create_connection(target, timeout=PROBE_TIMEOUT_S):
                return
        except OSError as error:
            if attempt == PROBE_ATTEMPTS - 1:
                raise RayUnreachable(
                    f"the Ray cluster at {address} cannot be reached: {error}"
                ) from None
            # A refused connection can be a blip of the network; only a repeated one counts.
            time.sleep(PROBE_RETRY_S)


class RayConnection:
    def __init__(self, address: str | None) -> None:
        self.address = address
        self.owns_connection = False
        self._serve_started = False
        self._lock = threading.Lock()

    def serve(self) -> Any:
        """The `ray.serve` module, connected to the cluster with Serve running on it."""
        if not self.address:
            raise RayUnreachable(
                'deployments run on Ray ([deployments] backend = "ray") but no cluster is '
                "configured: set [deployments] ray_address or MLPLANE_DEPLOYMENTS_RAY_ADDRESS"
            )
        try:
            import ray
            from ray import serve
        except ImportError as error:
            raise RayUnreachable(
                "deployments on Ray need Ray Serve: pip install 'mlplane[ray]'"
            ) from error
        with self._lock:
            if not ray.is_initialized():
                probe(self.address)
                try:
                    ray.init(address=self.address, log_to_driver=False)
                except Exception as error:
                    raise RayUnreachable(
                        f"the Ray cluster at {self.address} cannot be reached: {error}"
                    ) from error
                self.owns_connection = True
                self._serve_started = False
            if not self._serve_started:
                try:
                    serve.start(proxy_location="Disabled")
                except Exception as error:
                    raise RayUnreachable(
                        f"Ray Serve cannot start on the cluster at {self.address}: {error}"
                    ) from error
                self._serve_started = True
        return serve

    def close(self) -> None:
        """Leave the cluster if this connection joined it; the applications keep running."""
        with self._lock:
            if not self.owns_connection:
                return
            import ray

            ray.shutdown()
            self.owns_connection = False
            self._serve_started = False
