"""SDK resources: `client.jobs`, `client.pools`, `client.cost`."""

from __future__ import annotations

import builtins
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from mlplane.client.pages import iterate_pages
from mlplane.client.transport import Transport
from mlplane.compute.schemas import (
    CostReport,
    Job,
    JobLogs,
    JobSpec,
    LogLine,
    Pool,
    ProjectQuota,
    Study,
)
from mlplane.tracking.client.projects import default_project


def load_spec(path: str | Path) -> JobSpec:
    """A job spec from a YAML (or JSON) file."""
    import yaml

    data = yaml.safe_load(Path(path).read_text())
    if not isinstance(data, dict):
        raise ValueError(f"{path}: a job spec is a mapping of fields")
    return JobSpec.model_validate(data)


class Jobs:
    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def _path(self, project: str | None, suffix: str = "") -> str:
        return f"/api/v1/projects/{default_project(project)}/jobs{suffix}"

    def submit(
        self,
        spec: JobSpec | Mapping[str, Any] | None = None,
        *,
        project: str | None = None,
        **fields: Any,
    ) -> Job:
        """Queue a job: a `JobSpec`, a mapping, or its fields as keywords
        (`client.jobs.submit(command=["python", "train.py"], resources={"cpu": 2})`)."""
        body = (
            spec.model_dump(mode="json", exclude_unset=True)
            if isinstance(spec, JobSpec)
            else dict(spec or {})
        )
        body.update(fields)
        return Job.model_validate(self._transport.json("POST", self._path(project), json=body))

    def get(self, job_id: str, *, project: str | None = None) -> Job:
        return Job.model_validate(self._transport.json("GET", self._path(project, f"/{job_id}")))

    def list(
        self,
        *,
        project: str | None = None,
        status: builtins.list[str] | None = None,
        limit: int | None = None,
    ) -> builtins.list[Job]:
        params: dict[str, Any] = {"status": status} if status else {}
        return list(
            iterate_pages(self._transport, self._path(project), Job.model_validate, params, limit)
        )

    def cancel(self, job_id: str, *, project: str | None = None) -> Job:
        return Job.model_validate(
            self._transport.json("POST", self._path(project, f"/{job_id}/cancel"))
        )

    def logs(
        self, job_id: str, *, project: str | None = None, after: int = 0, max_lines: int = 1000
    ) -> JobLogs:
        params = {"after": after, "max_lines": max_lines}
        return JobLogs.model_validate(
            self._transport.json("GET", self._path(project, f"/{job_id}/logs"), params=params)
        )

    def follow(
        self, job_id: str, *, project: str | None = None, interval: float = 0.5
    ) -> Iterator[LogLine]:
        """Yield log lines as they are written, until the job has ended."""
        after = 0
        while True:
            page = self.logs(job_id, project=project, after=after)
            yield from page.lines
            after = page.next_seq
            if page.status.is_terminal and not page.lines:
                return
            if not page.lines:
                time.sleep(interval)

    def wait(
        self,
        job_id: str,
        *,
        project: str | None = None,
        timeout: float | None = None,
        interval: float = 0.5,
    ) -> Job:
        """Block until the job has ended (or `timeout` seconds passed) and return it."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            job = self.get(job_id, project=project)
            if job.status.is_terminal:
                return job
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"job {job_id} is still {job.status.value} after {timeout} s")
            time.sleep(interval)

    def list_studies(self, *, project: str | None = None) -> builtins.list[Study]:
        """The project's hyper-parameter searches (`mlplane tune`), most recent first."""
        path = f"/api/v1/projects/{default_project(project)}/studies"
        return [Study.model_validate(item) for item in self._transport.json("GET", path)]

    def get_study(self, name: str, *, project: str | None = None) -> Study:
        path = f"/api/v1/projects/{default_project(project)}/studies/{name}"
        return Study.model_validate(self._transport.json("GET", path))

    def quota(self, *, project: str | None = None) -> ProjectQuota:
        path = f"/api/v1/projects/{default_project(project)}/compute-quota"
        return ProjectQuota.model_validate(self._transport.json("GET", path))

    def set_quota(
        self,
        *,
        project: str | None = None,
        max_cpus: float | None = None,
        max_gpus: int | None = None,
        max_jobs: int | None = None,
    ) -> ProjectQuota:
        path = f"/api/v1/projects/{default_project(project)}/compute-quota"
        body = {"max_cpus": max_cpus, "max_gpus": max_gpus, "max_jobs": max_jobs}
        return ProjectQuota.model_validate(self._transport.json("PUT", path, json=body))


class Pools:
    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def create(self, name: str, kind: str = "local", **fields: Any) -> Pool:
        body = {"name": name, "kind": kind, **fields}
        return Pool.model_validate(self._transport.json("POST", "/api/v1/compute/pools", json=body))

    def list(self) -> builtins.list[Pool]:
        items = self._transport.json("GET", "/api/v1/compute/pools")
        return [Pool.model_validate(item) for item in items]

    def get(self, name: str) -> Pool:
        return Pool.model_validate(self._transport.json("GET", f"/api/v1/compute/pools/{name}"))

    def update(self, name: str, **changes: Any) -> Pool:
        return Pool.model_validate(
            self._transport.json("PATCH", f"/api/v1/compute/pools/{name}", json=changes)
        )


class Cost:
    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def project(self, project: str | None = None, *, days: int = 30) -> CostReport:
        path = f"/api/v1/projects/{default_project(project)}/cost"
        return CostReport.model_validate(self._transport.json("GET", path, params={"days": days}))

    def platform(self, *, days: int = 30) -> CostReport:
        return CostReport.model_validate(
            self._transport.json("GET", "/api/v1/compute/cost", params={"days": days})
        )
