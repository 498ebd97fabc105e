"""What the runner needs from the platform to record a run, whichever way it reaches it.

The SDK's `Client` (a platform over HTTP) and the `LocalRecorder` (the home's database in
this process, when no platform runs) both answer it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from mlplane.pipelines.schemas import (
    CacheHits,
    PipelineRun,
    PipelineRunCreate,
    StepOutput,
    StepReport,
)

if TYPE_CHECKING:
    from mlplane.client.resolve import Target


class PipelineRecords(Protocol):
    def create_run(self, project: str, data: PipelineRunCreate) -> PipelineRun: ...

    def start_run(self, project: str, run_id: str, data: PipelineRunCreate) -> PipelineRun: ...

    def get_run(self, project: str, run_id: str) -> PipelineRun: ...

    def report_steps(self, project: str, run_id: str, reports: list[StepReport]) -> None: ...

    def finish_run(
        self, project: str, run_id: str, state: str, error: str | None = None
    ) -> PipelineRun: ...

    def get_step_output(self, project: str, run_id: str, name: str) -> StepOutput: ...

    def lookup_cache(self, project: str, keys: list[str]) -> CacheHits: ...

    def list_cached_keys(self, project: str, steps: list[str]) -> set[str]: ...


class ProjectRecords(Protocol):
    def get(self, name: str) -> Any: ...

    def create(self, name: str) -> Any: ...


class RunRecorder(Protocol):
    """Where a pipeline run is recorded: `.pipelines` and `.projects`, as on the SDK."""

    @property
    def pipelines(self) -> PipelineRecords: ...

    @property
    def projects(self) -> ProjectRecords: ...

    @property
    def target(self) -> Target:
        """The platform: steps' own SDK calls go to the same one."""
        ...
