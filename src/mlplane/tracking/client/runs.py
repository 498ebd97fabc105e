"""SDK resource: `client.runs`."""

from __future__ import annotations

import builtins
import time
from collections.abc import Iterable, Mapping
from typing import Any, Literal, overload
from urllib.parse import quote

from mlplane.client.pages import iterate_pages
from mlplane.client.transport import Transport
from mlplane.core.pagination import Page
from mlplane.tracking.client.artifacts import RunArtifacts
from mlplane.tracking.client.encoding import batches, json_body, metric_entry, pairs
from mlplane.tracking.client.frames import runs_frame
from mlplane.tracking.client.projects import default_project
from mlplane.tracking.schemas import (
    DatasetInput,
    LoggedBatch,
    MetricHistories,
    MetricHistory,
    Run,
)

JSON_HEADERS = {"Content-Type": "application/json"}


def runs_path(project: str | None, run_id: str | None = None) -> str:
    base = f"/api/v1/projects/{default_project(project)}/runs"
    return f"{base}/{run_id}" if run_id is not None else base


def now_ms() -> int:
    return int(time.time() * 1000)


class Runs(RunArtifacts):
    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def create(
        self,
        experiment: str,
        *,
        project: str | None = None,
        name: str | None = None,
        tags: dict[str, str] | None = None,
        parent_run_id: str | None = None,
        source_name: str = "",
        source_type: str = "UNKNOWN",
        git_commit: str | None = None,
        git_dirty: bool | None = None,
        start_time: int | None = None,
        create_experiment: bool = False,
    ) -> Run:
        """Start a run in an experiment (id or name); `create_experiment` makes it if missing."""
        body = {
            "experiment": experiment,
            "create_experiment": create_experiment,
            "name": name,
            "tags": tags or {},
            "parent_run_id": parent_run_id,
            "source_name": source_name,
            "source_type": source_type,
            "git_commit": git_commit,
            "git_dirty": git_dirty,
            "start_time": start_time,
        }
        return Run.model_validate(self._transport.json("POST", runs_path(project), json=body))

    def get(self, run_id: str, *, project: str | None = None) -> Run:
        return Run.model_validate(self._transport.json("GET", runs_path(project, run_id)))

    def list(
        self,
        *,
        project: str | None = None,
        experiments: builtins.list[str] | None = None,
        filter: str = "",
        order_by: builtins.list[str] | None = None,
        view: str = "ACTIVE_ONLY",
        limit: int | None = None,
    ) -> builtins.list[Run]:
        """Runs matching an MLflow filter, e.g. "metrics.acc > 0.9 and params.lr = '0.01'"."""
        params: dict[str, Any] = {
            "experiment": experiments,
            "filter": filter or None,
            "order_by": order_by,
            "view": view,
        }
        return builtins.list(
            iterate_pages(self._transport, runs_path(project), Run.model_validate, params, limit)
        )

    @overload
    def search(
        self,
        *,
        project: str | None = ...,
        experiments: builtins.list[str] | None = ...,
        filter: str = ...,
        order_by: builtins.list[str] | None = ...,
        view: str = ...,
        limit: int | None = ...,
        output: Literal["list"] = ...,
    ) -> builtins.list[Run]: ...

    @overload
    def search(
        self,
        *,
        project: str | None = ...,
        experiments: builtins.list[str] | None = ...,
        filter: str = ...,
        order_by: builtins.list[str] | None = ...,
        view: str = ...,
        limit: int | None = ...,
        output: Literal["pandas"],
    ) -> Any: ...

    def search(
        self,
        *,
        project: str | None = None,
        experiments: builtins.list[str] | None = None,
        filter: str = "",
        order_by: builtins.list[str] | None = None,
        view: str = "ACTIVE_ONLY",
        limit: int | None = None,
        output: Literal["list", "pandas"] = "list",
    ) -> Any:
        """Like `list`; `output="pandas"` gives a DataFrame with a column per param, metric, tag."""
        body: dict[str, Any] = {
            "experiments": experiments or [],
            "filter": filter,
            "order_by": order_by or [],
            "view": view,
        }
        runs: builtins.list[Run] = []
        path = f"{runs_path(project)}/search"
        while limit is None or len(runs) < limit:
            body["max_results"] = min(1000, limit - len(runs)) if limit is not None else 1000
            page = Page[Run].model_validate(self._transport.json("POST", path, json=body))
            runs.extend(page.items)
            if not page.next_page_token:
                break
            body["page_token"] = page.next_page_token
        if output == "pandas":
            return runs_frame(runs)
        return runs

    def update(
        self,
        run_id: str,
        *,
        project: str | None = None,
        status: str | None = None,
        end_time: int | None = None,
        name: str | None = None,
    ) -> Run:
        changes = {"status": status, "end_time": end_time, "name": name}
        body = {key: value for key, value in changes.items() if value is not None}
        return Run.model_validate(
            self._transport.json("PATCH", runs_path(project, run_id), json=body)
        )

    def end(self, run_id: str, status: str = "FINISHED", *, project: str | None = None) -> Run:
        return self.update(run_id, project=project, status=status, end_time=now_ms())

    def delete(self, run_id: str, *, project: str | None = None) -> Run:
        return Run.model_validate(self._transport.json("DELETE", runs_path(project, run_id)))

    def restore(self, run_id: str, *, project: str | None = None) -> Run:
        return Run.model_validate(
            self._transport.json("POST", f"{runs_path(project, run_id)}/restore")
        )

    # Logging

    def log_batch(
        self,
        run_id: str,
        *,
        project: str | None = None,
        metrics: Iterable[Mapping[str, Any]] | None = None,
        params: Mapping[str, Any] | Iterable[tuple[str, Any]] | None = None,
        tags: Mapping[str, Any] | Iterable[tuple[str, Any]] | None = None,
    ) -> LoggedBatch:
        """Log any number of entries; they go in requests of at most 1000 (100 params/tags).

        Each request is all-or-nothing; a long batch is several requests.
        Metrics are `{"key", "value", "step"?, "timestamp"?}` mappings.
        """
        stamp = now_ms()
        metric_entries = [
            metric_entry(
                metric["key"],
                metric["value"],
                metric.get("step", 0),
                metric.get("timestamp") or stamp,
            )
            for metric in metrics or ()
        ]
        totals = LoggedBatch(metrics=0, params=0, tags=0)
        path = f"{runs_path(project, run_id)}/log-batch"
        for body in batches(metric_entries, pairs(params), pairs(tags)):
            result = self._transport.json(
                "POST", path, content=json_body(body), headers=JSON_HEADERS
            )
            totals.metrics += result["metrics"]
            totals.params += result["params"]
            totals.tags += result["tags"]
        return totals

    def send_batch(
        self, run_id: str, body: Mapping[str, Any], *, project: str | None = None
    ) -> None:
        """Send one prepared log-batch body as is (the fluent API's buffered metrics)."""
        self._transport.json(
            "POST",
            f"{runs_path(project, run_id)}/log-batch",
            content=json_body(body),
            headers=JSON_HEADERS,
        )

    def log_metric(
        self,
        run_id: str,
        key: str,
        value: float,
        *,
        step: int = 0,
        timestamp: int | None = None,
        project: str | None = None,
    ) -> None:
        metric = {"key": key, "value": value, "step": step, "timestamp": timestamp}
        self.log_batch(run_id, project=project, metrics=[metric])

    def log_metrics(
        self,
        run_id: str,
        metrics: Mapping[str, float],
        *,
        step: int = 0,
        project: str | None = None,
    ) -> None:
        entries = [{"key": key, "value": value, "step": step} for key, value in metrics.items()]
        self.log_batch(run_id, project=project, metrics=entries)

    def log_param(self, run_id: str, key: str, value: Any, *, project: str | None = None) -> None:
        self.log_batch(run_id, project=project, params={key: value})

    def log_params(
        self, run_id: str, params: Mapping[str, Any], *, project: str | None = None
    ) -> None:
        self.log_batch(run_id, project=project, params=params)

    def set_tag(self, run_id: str, key: str, value: Any, *, project: str | None = None) -> None:
        self.log_batch(run_id, project=project, tags={key: value})

    def set_tags(self, run_id: str, tags: Mapping[str, Any], *, project: str | None = None) -> None:
        self.log_batch(run_id, project=project, tags=tags)

    def delete_tag(self, run_id: str, key: str, *, project: str | None = None) -> None:
        self._transport.json("DELETE", f"{runs_path(project, run_id)}/tags/{quote(key)}")

    def log_inputs(
        self,
        run_id: str,
        datasets: builtins.list[DatasetInput | Mapping[str, Any]],
        *,
        project: str | None = None,
    ) -> None:
        """Record datasets the run used: name, digest, source, schema, profile, context."""
        body = {
            "datasets": [
                DatasetInput.model_validate(item).model_dump(mode="json") for item in datasets
            ]
        }
        self._transport.json("POST", f"{runs_path(project, run_id)}/inputs", json=body)

    # Metric histories

    def metric_history(
        self,
        run_id: str,
        key: str,
        *,
        project: str | None = None,
        max_points: int | None = None,
    ) -> MetricHistory:
        """Every point of a metric in step order; `max_points` thins it for a chart."""
        params = {"key": key, "max_points": max_points}
        query = {name: value for name, value in params.items() if value is not None}
        return MetricHistory.model_validate(
            self._transport.json(
                "GET", f"{runs_path(project, run_id)}/metric-history", params=query
            )
        )

    def metric_histories(
        self,
        run_ids: builtins.list[str],
        keys: builtins.list[str],
        *,
        project: str | None = None,
        max_points: int | None = None,
    ) -> MetricHistories:
        body = {"run_ids": run_ids, "keys": keys, "max_points": max_points}
        return MetricHistories.model_validate(
            self._transport.json("POST", f"{runs_path(project)}/metric-history", json=body)
        )
