"""Per-token rate limits at the gateway: a token bucket per token, in this process's memory.

A token with a rate limit (`RateLimit`: a sustained rate per second and a bucket size) may
make `burst` calls at once after a quiet spell, then `per_second` calls a second. Each gateway
process keeps its own buckets, so N gateway replicas together admit up to N times the limit;
a restarted gateway starts every bucket full.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from prometheus_client import Counter

from mlplane.core.metrics import REGISTRY
from mlplane.governance.schemas import RateLimit

# Buckets of tokens that went quiet are dropped past this many, so memory stays bounded.
MAX_BUCKETS = 100_000

RATE_LIMITED = Counter(
    "mlplane_gateway_rate_limited",
    "Gateway requests refused with 429 because the caller's token was over its rate limit.",
    ["user"],
    registry=REGISTRY,
)


@dataclass
class _Bucket:
    tokens: float
    updated: float
    refill_seconds: float

    def full(self, now: float) -> bool:
        return now - self.updated >= self.refill_seconds


class TokenBuckets:
    """Buckets by token id; `take` answers how long to wait, 0 when the call may go ahead."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._buckets: dict[str, _Bucket] = {}

    def take(self, key: str, limit: RateLimit) -> float:
        now = self.clock()
        size = float(limit.bucket_size)
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= MAX_BUCKETS:
                self._forget_full(now)
            bucket = self._buckets[key] = _Bucket(size, now, size / limit.per_second)
        else:
            bucket.tokens = min(size, bucket.tokens + (now - bucket.updated) * limit.per_second)
            bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / limit.per_second

    def _forget_full(self, now: float) -> None:
        # A bucket idle long enough to refill is the same as no bucket at all.
        self._buckets = {
            key: bucket for key, bucket in self._buckets.items() if not bucket.full(now)
        }
        if len(self._buckets) >= MAX_BUCKETS:
            self._buckets.clear()


def retry_after(wait: float) -> str:
    """The `Retry-After` value for a wait: whole seconds, at least one."""
    return str(max(1, math.ceil(wait)))
