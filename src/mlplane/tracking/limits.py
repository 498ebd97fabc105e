"""The limits on what a run may log.

MLflow's limits hold on the MLflow-compatible API, so MLflow clients behave alike. The native
API takes ten times more metrics per batch: each request has a fixed cost (authentication,
the audit record, HTTP), so bigger batches are what make high-rate logging cheap.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_KEY_LENGTH = 250
MAX_PARAM_VALUE_LENGTH = 6000
MAX_TAG_VALUE_LENGTH = 8000
MAX_METRICS_PER_BATCH = 1000
MAX_PARAMS_PER_BATCH = 100
MAX_TAGS_PER_BATCH = 100
MAX_ENTRIES_PER_BATCH = 1000
NATIVE_MAX_METRICS_PER_BATCH = 10_000
MAX_EXPERIMENT_NAME_LENGTH = 500
MAX_RUN_NAME_LENGTH = 250

KEY_PATTERN = r"^[/\w.\- ]*$"
"""Keys of params, metrics and tags: letters, digits, `_ - . / ` and spaces."""


@dataclass(frozen=True)
class BatchLimits:
    metrics: int
    params: int
    tags: int
    entries: int


MLFLOW_BATCH_LIMITS = BatchLimits(
    MAX_METRICS_PER_BATCH, MAX_PARAMS_PER_BATCH, MAX_TAGS_PER_BATCH, MAX_ENTRIES_PER_BATCH
)
NATIVE_BATCH_LIMITS = BatchLimits(
    NATIVE_MAX_METRICS_PER_BATCH,
    MAX_PARAMS_PER_BATCH,
    MAX_TAGS_PER_BATCH,
    NATIVE_MAX_METRICS_PER_BATCH + MAX_PARAMS_PER_BATCH + MAX_TAGS_PER_BATCH,
)
