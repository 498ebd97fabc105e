from __future__ import annotations

from mlplane.governance.schemas import RateLimit
from mlplane.serving.rate_limit import TokenBuckets, retry_after


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_bucket_admits_a_burst_then_refills_at_the_rate() -> None:
    clock = _Clock()
    buckets = TokenBuckets(clock)
    limit = RateLimit(per_second=2, burst=3)

    admitted = [buckets.take("t", limit) for _ in range(3)]
    refused = buckets.take("t", limit)
    clock.now += 0.5
    after_refill = buckets.take("t", limit)

    assert admitted == [0.0, 0.0, 0.0]
    assert refused == 0.5
    assert after_refill == 0.0
    assert buckets.take("t", limit) > 0


def test_buckets_are_per_token() -> None:
    buckets = TokenBuckets(_Clock())
    limit = RateLimit(per_second=1, burst=1)

    assert buckets.take("a", limit) == 0.0
    assert buckets.take("a", limit) > 0
    assert buckets.take("b", limit) == 0.0


def test_bucket_never_holds_more_than_its_size() -> None:
    clock = _Clock()
    buckets = TokenBuckets(clock)
    limit = RateLimit(per_second=10)
    buckets.take("t", limit)
    clock.now += 3600

    admitted = sum(buckets.take("t", limit) == 0.0 for _ in range(20))

    assert admitted == 10


def test_retry_after_is_whole_seconds_at_least_one() -> None:
    assert retry_after(0.01) == "1"
    assert retry_after(1.2) == "2"
    assert retry_after(100.0) == "100"
