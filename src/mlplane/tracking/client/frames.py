"""Runs as a pandas DataFrame, with MLflow's column names (pandas is optional)."""

from __future__ import annotations

from typing import Any

from mlplane.tracking.schemas import Run


def run_record(run: Run) -> dict[str, Any]:
    record: dict[str, Any] = {
        "run_id": run.id,
        "experiment_id": run.experiment_id,
        "run_name": run.name,
        "status": run.status.value,
        "start_time": run.start_time,
        "end_time": run.end_time,
        "user": run.user,
        "parent_run_id": run.parent_run_id,
        "lifecycle": run.lifecycle.value,
        "artifact_uri": run.artifact_uri,
    }
    record.update({f"metrics.{key}": metric.value for key, metric in run.metrics.items()})
    record.update({f"params.{key}": value for key, value in run.params.items()})
    record.update({f"tags.{key}": value for key, value in run.tags.items()})
    return record


def runs_frame(runs: list[Run]) -> Any:
    try:
        import pandas as pd  # type: ignore[import-untyped]
    except ImportError as error:
        raise ImportError("output='pandas' needs pandas: pip install pandas") from error
    frame = pd.DataFrame([run_record(run) for run in runs])
    for column in ("start_time", "end_time"):
        if column in frame:
            frame[column] = pd.to_datetime(frame[column], unit="ms", utc=True)
    return frame
