"""Prometheus metrics shared by the platform's processes."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client import generate_latest as _generate_latest

REGISTRY = CollectorRegistry(auto_describe=True)

HTTP_REQUESTS = Counter(
    "mlplane_http_requests",
    "HTTP requests answered, by route and status.",
    ["process", "method", "route", "status"],
    registry=REGISTRY,
)

HTTP_LATENCY = Histogram(
    "mlplane_http_request_duration_seconds",
    "Time to answer an HTTP request.",
    ["process", "method", "route"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=REGISTRY,
)

AUDIT_EVENTS = Counter(
    "mlplane_audit_events",
    "Audit events written, by outcome.",
    ["outcome"],
    registry=REGISTRY,
)

EXPOSITION_CONTENT_TYPE = CONTENT_TYPE_LATEST


def generate_latest() -> bytes:
    return _generate_latest(REGISTRY)
