"""Logging to a run: metrics, params and tags in batches, single tags, dataset inputs.

`check_batch` runs before the write transaction opens, so validating a large batch never
holds the database's write lock; `log_batch` then writes the checked batch in one
transaction: all of it or nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from mlplane.core.clock import to_millis, utcnow
from mlplane.core.errors import InvalidInput, NotFound
from mlplane.governance.schemas import Principal, Role
from mlplane.tracking.limits import MLFLOW_BATCH_LIMITS, BatchLimits
from mlplane.tracking.schemas import LoggedBatch, LogInputs
from mlplane.tracking.service.access import access_run, access_run_state, require_active_run
from mlplane.tracking.service.runs import rename_run, require_status_for_logging
from mlplane.tracking.store import logging as store
from mlplane.tracking.store import runs as run_store
from mlplane.tracking.store.search import RUN_NAME_TAG
from mlplane.tracking.validation import Batch, MetricRowValues, check_key, check_tag_value
from mlplane.tracking.validation import check_batch as _check_batch


def check_batch(
    body: Mapping[str, Any], run_id: str, limits: BatchLimits = MLFLOW_BATCH_LIMITS
) -> Batch:
    """Validate a `{"metrics": [...], "params": [...], "tags": [...]}` body (MLflow's shape).

    Metric entries are `{"key", "value", "step"?, "timestamp"?}`: the value a number or
    "NaN"/"Infinity"/"-Infinity", step and timestamp integers (or digit strings, as protobuf
    JSON writes int64), the timestamp defaulting to now. Params and tags are `{"key", "value"}`.
    """
    return _check_batch(body, run_id, to_millis(utcnow()), limits)


def _latest_per_key(rows: list[MetricRowValues]) -> list[MetricRowValues]:
    """Each key's latest row in the batch: highest step, then newest timestamp, then last."""
    latest: dict[str, MetricRowValues] = {}
    for row in rows:
        best = latest.get(row[1])
        if best is None or (row[3], row[4]) >= (best[3], best[4]):
            latest[row[1]] = row
    return list(latest.values())


def _check_params_unchanged(session: Session, run_id: str, params: Mapping[str, str]) -> None:
    stored = store.params_of(session, run_id, list(params))
    for key, value in params.items():
        if key in stored and stored[key] != value:
            raise InvalidInput(
                f"params.{key}: changing param {key!r} from {stored[key]!r} to {value!r} is "
                "not allowed; params are immutable once logged"
            )


def log_batch(
    session: Session,
    principal: Principal,
    run_id: str,
    batch: Batch,
    *,
    project: str | None = None,
    require_running: bool = True,
) -> LoggedBatch:
    """Write a checked batch. Metrics and params need a RUNNING or SCHEDULED run unless
    `require_running` is False (MLflow lets finished runs take more); tags need only an
    active (not deleted) run.
    """
    run = access_run_state(session, principal, run_id, Role.EDITOR, project=project, for_write=True)
    require_active_run(run)
    if require_running and (batch.metrics or batch.params):
        require_status_for_logging(run)
    if batch.params:
        _check_params_unchanged(session, run_id, batch.params)
        store.insert_params(session, run_id, batch.params)
        # A concurrent writer may have stored a different value between the check and insert.
        _check_params_unchanged(session, run_id, batch.params)
    if batch.metrics:
        store.insert_metrics(session, batch.metrics)
        store.raise_latest_metrics(session, _latest_per_key(batch.metrics))
    tags = dict(batch.tags)
    if RUN_NAME_TAG in tags:
        rename_run(run_store.get_run_row(session, run_id), tags.pop(RUN_NAME_TAG))
    store.set_tags(session, run_id, tags)
    return LoggedBatch(metrics=len(batch.metrics), params=len(batch.params), tags=len(batch.tags))


def set_tag(
    session: Session,
    principal: Principal,
    run_id: str,
    key: str,
    value: str,
    project: str | None = None,
) -> None:
    found = access_run(session, principal, run_id, Role.EDITOR, project=project, for_write=True)
    require_active_run(found.run)
    check_key(key, "key")
    check_tag_value(value, "value")
    if key == RUN_NAME_TAG:
        rename_run(found.run, value)
    else:
        store.set_tags(session, run_id, {key: value})


def delete_tag(
    session: Session, principal: Principal, run_id: str, key: str, project: str | None = None
) -> None:
    found = access_run(session, principal, run_id, Role.EDITOR, project=project, for_write=True)
    require_active_run(found.run)
    if not store.delete_tag(session, run_id, key):
        raise NotFound(f"run {run_id!r} has no tag {key!r}")


def log_inputs(
    session: Session,
    principal: Principal,
    run_id: str,
    data: LogInputs,
    project: str | None = None,
) -> None:
    """Record the datasets a run used; the context (training, evaluation...) is searchable."""
    found = access_run(session, principal, run_id, Role.EDITOR, project=project, for_write=True)
    require_active_run(found.run)
    rows = []
    for index, dataset in enumerate(data.datasets):
        for key, value in dataset.tags.items():
            check_key(key, f"datasets[{index}].tags.{key}")
            check_tag_value(value, f"datasets[{index}].tags.{key}")
        rows.append({"run_id": run_id, **dataset.model_dump()})
    store.set_inputs(session, rows)
