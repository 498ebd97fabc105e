"""Prometheus metrics of the gateway, per model and version, on the process's `/metrics`."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

from mlplane.core.metrics import REGISTRY

_LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)

INFERENCE_REQUESTS = Counter(
    "mlplane_inference_requests",
    "Inference requests answered, by model, version and HTTP status.",
    ["model", "version", "status"],
    registry=REGISTRY,
)

INFERENCE_LATENCY = Histogram(
    "mlplane_inference_duration_seconds",
    "Time from a request's arrival to its answer.",
    ["model", "version"],
    buckets=_LATENCY_BUCKETS,
    registry=REGISTRY,
)

QUEUE_TIME = Histogram(
    "mlplane_inference_queue_seconds",
    "Time a request waited in its model's queue before its batch ran.",
    ["model", "version"],
    buckets=_LATENCY_BUCKETS,
    registry=REGISTRY,
)

BATCH_SIZE = Histogram(
    "mlplane_inference_batch_rows",
    "Rows in each batch handed to a model.",
    ["model", "version"],
    buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024),
    registry=REGISTRY,
)

MIRRORS_DROPPED = Counter(
    "mlplane_inference_mirrors_dropped",
    "Copies of calls not sent to a shadow version because too many were on their way.",
    ["model", "version"],
    registry=REGISTRY,
)
