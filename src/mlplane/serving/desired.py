"""Desired state: which model versions the gateway should serve, with their batching.

The gateway polls a source of `DesiredModel`s and converges on it (see `loading.py`). One
row is one version of one served name; a deployment splitting traffic between versions
gives several rows with the same name and their `weight`s.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from mlplane.serving.batching import BatchingPolicy


@dataclass(frozen=True)
class CallOptions:
    """How the gateway treats calls to one version, beyond answering them.

    `mirror_percent` above 0 makes the version a shadow: that share of the calls to its
    name is copied to it in the background and its answers go to the inference log only.
    `payload_sample_rate` (None: the gateway's default) is the share of calls whose inputs
    and outputs the log keeps, with the `redact` fields (any case) replaced by `[redacted]`.
    """

    mirror_percent: int = 0
    payload_sample_rate: float | None = None
    redact: tuple[str, ...] = ()


@dataclass(frozen=True)
class DesiredModel:
    name: str
    version: str
    uri: str
    project: str
    max_batch_size: int = 32
    max_wait_ms: float = 2.0
    max_queue: int = 256
    max_concurrency: int = 1
    timeout_s: float = 30.0
    deployment: str | None = None
    weight: int = 100
    mirror_percent: int = 0
    payload_sample_rate: float | None = None
    redact: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[str, str]:
        return (self.name, self.version)

    @property
    def options(self) -> CallOptions:
        return CallOptions(self.mirror_percent, self.payload_sample_rate, self.redact)

    @property
    def policy(self) -> BatchingPolicy:
        return BatchingPolicy(
            max_batch_size=self.max_batch_size,
            max_wait_ms=self.max_wait_ms,
            max_queue=self.max_queue,
            max_concurrency=self.max_concurrency,
            timeout_s=self.timeout_s,
        )


DesiredSource = Callable[[], list[DesiredModel]]
"""Returns the current desired state; called off the event loop, so it may block."""
