"""SDK resource: `client.pipelines` (runs, step reports, cache, schedules, triggers)."""

from __future__ import annotations

import builtins
from typing import Any

from mlplane.client.pages import iterate_pages
from mlplane.client.transport import Transport
from mlplane.pipelines.schemas import (
    CacheHits,
    PipelineRun,
    PipelineRunCreate,
    Schedule,
    ScheduleCreate,
    StepOutput,
    StepReport,
    Trigger,
    TriggerCreate,
)


class Pipelines:
    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def _base(self, project: str) -> str:
        return f"/api/v1/projects/{project}"

    # Runs

    def create_run(self, project: str, data: PipelineRunCreate) -> PipelineRun:
        body = data.model_dump(mode="json")
        return PipelineRun.model_validate(
            self._transport.json("POST", f"{self._base(project)}/pipeline-runs", json=body)
        )

    def start_run(self, project: str, run_id: str, data: PipelineRunCreate) -> PipelineRun:
        path = f"{self._base(project)}/pipeline-runs/{run_id}/start"
        return PipelineRun.model_validate(
            self._transport.json("POST", path, json=data.model_dump(mode="json"))
        )

    def get_run(self, project: str, run_id: str) -> PipelineRun:
        return PipelineRun.model_validate(
            self._transport.json("GET", f"{self._base(project)}/pipeline-runs/{run_id}")
        )

    def list_runs(
        self,
        project: str,
        *,
        pipeline: str | None = None,
        state: str | None = None,
        limit: int | None = None,
    ) -> builtins.list[PipelineRun]:
        params = {"pipeline": pipeline, "state": state}
        path = f"{self._base(project)}/pipeline-runs"
        return list(iterate_pages(self._transport, path, PipelineRun.model_validate, params, limit))

    def report_steps(self, project: str, run_id: str, reports: builtins.list[StepReport]) -> None:
        body = {"steps": [report.model_dump(mode="json", exclude_none=True) for report in reports]}
        self._transport.json(
            "POST", f"{self._base(project)}/pipeline-runs/{run_id}/steps", json=body
        )

    def finish_run(
        self, project: str, run_id: str, state: str, error: str | None = None
    ) -> PipelineRun:
        path = f"{self._base(project)}/pipeline-runs/{run_id}/finish"
        return PipelineRun.model_validate(
            self._transport.json("POST", path, json={"state": state, "error": error})
        )

    def get_step_output(self, project: str, run_id: str, name: str) -> StepOutput:
        path = f"{self._base(project)}/pipeline-runs/{run_id}/steps/{name}/output"
        return StepOutput.model_validate(self._transport.json("GET", path))

    def lookup_cache(self, project: str, keys: builtins.list[str]) -> CacheHits:
        path = f"{self._base(project)}/pipeline-cache/lookup"
        return CacheHits.model_validate(self._transport.json("POST", path, json={"keys": keys}))

    def list_cached_keys(self, project: str, steps: builtins.list[str]) -> set[str]:
        path = f"{self._base(project)}/pipeline-cache/keys"
        found = self._transport.json("POST", path, json={"steps": steps})
        return set(found["keys"])

    # Schedules

    def create_schedule(
        self,
        project: str,
        name: str,
        source: str,
        cron: str,
        *,
        executor: str | None = None,
        address: str | None = None,
        **fields: Any,
    ) -> Schedule:
        """`executor`/`address` choose where its runs' steps execute (local, or ray at address)."""
        fields = _with_run_options(fields, executor, address)
        body = ScheduleCreate(name=name, source=source, cron=cron, **fields).model_dump(mode="json")
        return Schedule.model_validate(
            self._transport.json("POST", f"{self._base(project)}/pipeline-schedules", json=body)
        )

    def list_schedules(self, project: str) -> builtins.list[Schedule]:
        items = self._transport.json("GET", f"{self._base(project)}/pipeline-schedules")
        return [Schedule.model_validate(item) for item in items]

    def get_schedule(self, project: str, name: str) -> Schedule:
        return Schedule.model_validate(
            self._transport.json("GET", f"{self._base(project)}/pipeline-schedules/{name}")
        )

    def delete_schedule(self, project: str, name: str) -> None:
        self._transport.request("DELETE", f"{self._base(project)}/pipeline-schedules/{name}")

    # Triggers

    def create_trigger(
        self,
        project: str,
        name: str,
        source: str,
        event: str,
        *,
        executor: str | None = None,
        address: str | None = None,
        **fields: Any,
    ) -> Trigger:
        """`executor`/`address` choose where its runs' steps execute (local, or ray at address)."""
        fields = _with_run_options(fields, executor, address)
        body = TriggerCreate(name=name, source=source, event=event, **fields).model_dump(
            mode="json"
        )
        return Trigger.model_validate(
            self._transport.json("POST", f"{self._base(project)}/pipeline-triggers", json=body)
        )

    def list_triggers(self, project: str) -> builtins.list[Trigger]:
        items = self._transport.json("GET", f"{self._base(project)}/pipeline-triggers")
        return [Trigger.model_validate(item) for item in items]

    def delete_trigger(self, project: str, name: str) -> None:
        self._transport.request("DELETE", f"{self._base(project)}/pipeline-triggers/{name}")


def _with_run_options(
    fields: dict[str, Any], executor: str | None, address: str | None
) -> dict[str, Any]:
    if executor is None and address is None:
        return fields
    if "run_options" in fields:
        raise TypeError("pass either run_options or executor/address, not both")
    return {**fields, "run_options": {"executor": executor or "local", "address": address}}
