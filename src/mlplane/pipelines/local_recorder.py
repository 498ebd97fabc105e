"""Records pipeline runs straight into the home's database when no platform is running.

A script that runs a pipeline with no platform up would otherwise host the API in-process:
importing FastAPI and building routes costs more than the whole run. This recorder calls the
same services the routes call, one transaction per call, as the home's administrator, and
writes the same audit events the audit middleware would, so what it records is the same.
Errors come out as the SDK's `ApiError`, as they would over HTTP.
"""

from __future__ import annotations

import atexit
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from mlplane.client.errors import ApiError
from mlplane.core.errors import ProblemError
from mlplane.governance.schemas import AuditOutcome, AuditRecord, Principal
from mlplane.pipelines import service
from mlplane.pipelines.schemas import (
    CacheHits,
    PipelineRun,
    PipelineRunCreate,
    PipelineRunFinish,
    RunState,
    StepOutput,
    StepReport,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from mlplane.catalog.schemas import Project
    from mlplane.client.client import Client
    from mlplane.pipelines.recording import RunRecorder
    from mlplane.server.platform import Platform

T = TypeVar("T")


class _Calls:
    """Service calls in transactions, as the routes make them, audited like the middleware."""

    def __init__(self, platform: Platform, principal: Principal) -> None:
        self.platform, self.principal = platform, principal

    def read(self, call: Callable[[Session], T]) -> T:
        try:
            with self.platform.db.read() as session:
                return call(session)
        except ProblemError as error:
            raise ApiError(error.status, error.detail, error.to_problem()) from error

    def write(
        self, action: str, method: str, resource: str, project: str, call: Callable[[Session], T]
    ) -> T:
        from mlplane.governance import service as governance

        def audit(status: int) -> AuditRecord:
            outcome = AuditOutcome.SUCCESS if status < 400 else AuditOutcome.FAILURE
            if status in (401, 403):
                outcome = AuditOutcome.DENIED
            return AuditRecord(
                action=action,
                resource=resource,
                method=method,
                status_code=status,
                outcome=outcome,
                actor=self.principal.name,
                actor_id=self.principal.user_id,
                project=project,
            )

        try:
            with self.platform.db.write() as session:
                result = call(session)
                governance.record_audit(session, audit(200))
                return result
        except ProblemError as error:
            with self.platform.db.write() as session:
                governance.record_audit(session, audit(error.status))
            raise ApiError(error.status, error.detail, error.to_problem()) from error


class LocalPipelines:
    def __init__(self, calls: _Calls) -> None:
        self._calls = calls

    @property
    def _principal(self) -> Principal:
        return self._calls.principal

    def create_run(self, project: str, data: PipelineRunCreate) -> PipelineRun:
        return self._calls.write(
            "create_pipeline_run",
            "POST",
            f"/api/v1/projects/{project}/pipeline-runs",
            project,
            lambda session: service.create_run(session, self._principal, project, data),
        )

    def start_run(self, project: str, run_id: str, data: PipelineRunCreate) -> PipelineRun:
        return self._calls.write(
            "start_pipeline_run",
            "POST",
            f"/api/v1/projects/{project}/pipeline-runs/{run_id}/start",
            project,
            lambda session: service.start_queued_run(
                session, self._principal, project, run_id, data
            ),
        )

    def get_run(self, project: str, run_id: str) -> PipelineRun:
        return self._calls.read(
            lambda session: service.get_run(session, self._principal, project, run_id)
        )

    def report_steps(self, project: str, run_id: str, reports: list[StepReport]) -> None:
        artifacts = self._calls.platform.artifacts
        self._calls.write(
            "report_steps",
            "POST",
            f"/api/v1/projects/{project}/pipeline-runs/{run_id}/steps",
            project,
            lambda session: service.report_steps(
                session, self._principal, artifacts, project, run_id, reports
            ),
        )

    def finish_run(
        self, project: str, run_id: str, state: str, error: str | None = None
    ) -> PipelineRun:
        data = PipelineRunFinish(state=RunState(state), error=error)
        return self._calls.write(
            "finish_pipeline_run",
            "POST",
            f"/api/v1/projects/{project}/pipeline-runs/{run_id}/finish",
            project,
            lambda session: service.finish_run(session, self._principal, project, run_id, data),
        )

    def get_step_output(self, project: str, run_id: str, name: str) -> StepOutput:
        artifacts = self._calls.platform.artifacts
        return self._calls.read(
            lambda session: service.get_step_output(
                session, self._principal, artifacts, project, run_id, name
            )
        )

    def lookup_cache(self, project: str, keys: list[str]) -> CacheHits:
        artifacts = self._calls.platform.artifacts
        return self._calls.read(
            lambda session: service.lookup_cache(session, self._principal, artifacts, project, keys)
        )

    def list_cached_keys(self, project: str, steps: list[str]) -> set[str]:
        found = self._calls.read(
            lambda session: service.list_cached_keys(session, self._principal, project, steps)
        )
        return set(found.keys)


class LocalProjects:
    def __init__(self, calls: _Calls) -> None:
        self._calls = calls

    def get(self, name: str) -> Project:
        from mlplane.catalog import service as catalog

        return self._calls.read(
            lambda session: catalog.get_project(session, self._calls.principal, name)
        )

    def create(self, name: str) -> Project:
        from mlplane.catalog import service as catalog
        from mlplane.catalog.schemas import ProjectCreate

        return self._calls.write(
            "create_project",
            "POST",
            "/api/v1/projects",
            name,
            lambda session: catalog.create_project(
                session, self._calls.principal, ProjectCreate(name=name)
            ),
        )


class LocalRecorder:
    """The home's database in this process, as the home's administrator (or `token`'s owner)."""

    def __init__(self, home: Path, token: str | None = None) -> None:
        from mlplane.client.resolve import resolve_target
        from mlplane.core.settings import load_settings
        from mlplane.server.bootstrap import prepare_home
        from mlplane.server.platform import Platform

        settings = load_settings(home)
        platform = Platform(settings)
        prepare_home(settings, platform.db)
        atexit.register(platform.close)
        # Preparing the home made its administrator token, if it was new.
        self.target = resolve_target(None, token, home, in_process=True)
        calls = _Calls(platform, _principal(platform, self.target.token or ""))
        self._calls = calls
        self._pipelines = LocalPipelines(calls)
        self._projects = LocalProjects(calls)

    @property
    def pipelines(self) -> LocalPipelines:
        return self._pipelines

    @property
    def projects(self) -> LocalProjects:
        return self._projects

    def close(self) -> None:
        self._calls.platform.close()


def _principal(platform: Platform, secret: str) -> Principal:
    from mlplane.governance import service as governance

    try:
        with platform.db.write() as session:
            principal, _ = governance.authenticate(session, secret)
            return principal
    except ProblemError as error:
        raise ApiError(error.status, error.detail, error.to_problem()) from error


def pipeline_client(
    url: str | None = None, token: str | None = None, home: str | Path | None = None
) -> Client | RunRecorder:
    """Where to record pipeline runs: the platform it resolves to, else the home's database."""
    from mlplane.client.resolve import resolve_target

    target = resolve_target(url, token, home)
    if target.url is not None:
        from mlplane.client.client import Client

        return Client(url=target.url, token=target.token, home=target.home)
    return LocalRecorder(target.home, token)
