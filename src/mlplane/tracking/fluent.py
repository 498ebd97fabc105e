"""The fluent tracking API: `mlplane.start_run()`, `mlplane.log_metric()` and friends.

    with mlplane.start_run(experiment="churn", project="ml") as run:
        run.log_params({"lr": 0.01})
        for step in range(100):
            mlplane.log_metric("loss", loss, step=step)

Each thread has its own stack of active runs (nested runs sit on top of their parent).
Module-level functions log to the top one, starting a run when none is active, as MLflow
does; runs left open are ended when the process exits.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from mlplane.client.errors import ApiError
from mlplane.tracking.active_run import ActiveRun
from mlplane.tracking.client.projects import default_project
from mlplane.tracking.schemas import ArtifactWritten, Run
from mlplane.tracking.source import detect_source

if TYPE_CHECKING:
    from mlplane.client.client import Client

DEFAULT_EXPERIMENT = "Default"

_local = threading.local()
_open_runs: set[ActiveRun] = set()
_open_lock = threading.Lock()
_default_client: Client | None = None
_exit_registered = False


def _stack() -> list[ActiveRun]:
    stack: list[ActiveRun] | None = getattr(_local, "stack", None)
    if stack is None:
        stack = _local.stack = []
    return stack


def _client(client: Client | None) -> Client:
    global _default_client
    if client is not None:
        return client
    if _default_client is None:
        from mlplane.client.client import Client

        _default_client = Client()
    return _default_client


def _ensure_project(client: Client, project: str) -> None:
    """Create the project on first use when it is missing and the caller may create it."""
    try:
        client.projects.get(project)
        return
    except ApiError as error:
        if error.status != 404:
            raise
    try:
        client.projects.create(project)
    except ApiError as error:
        if error.status == 403:
            raise ApiError(
                403, f"project {project!r} does not exist and you may not create it"
            ) from error
        if error.status != 409:
            raise


def _forget(run: ActiveRun) -> None:
    stack = _stack()
    if run in stack:
        stack.remove(run)
    with _open_lock:
        _open_runs.discard(run)


def _create_run(
    api: Client,
    project: str,
    experiment: str,
    run_name: str | None,
    tags: Mapping[str, Any] | None,
    parent_run_id: str | None,
) -> Run:
    source = detect_source()
    for attempt in range(2):
        try:
            return api.runs.create(
                experiment,
                project=project,
                name=run_name,
                tags={key: str(value) for key, value in (tags or {}).items()},
                parent_run_id=parent_run_id,
                source_name=source.name,
                source_type=source.type,
                git_commit=source.git_commit,
                git_dirty=source.git_dirty,
                create_experiment=True,
            )
        except ApiError as error:
            # Another process created the experiment at the same moment: it exists now.
            if error.status != 409 or attempt:
                raise
    raise AssertionError("unreachable")


def _job_run_id(experiment: str | None, project: str | None) -> str | None:
    """Inside a platform job, the job's own run (`MLPLANE_RUN_ID`), unless the caller asked
    for another experiment or project."""
    run_id = os.environ.get("MLPLANE_RUN_ID") or None
    if run_id is None:
        return None
    if experiment is not None and experiment != os.environ.get("MLPLANE_EXPERIMENT"):
        return None
    if project is not None and project != os.environ.get("MLPLANE_PROJECT"):
        return None
    return run_id


def start_run(
    experiment: str | None = None,
    project: str | None = None,
    run_name: str | None = None,
    nested: bool = False,
    log_system_metrics: bool = False,
    *,
    tags: Mapping[str, Any] | None = None,
    run_id: str | None = None,
    client: Client | None = None,
    system_metrics_interval: float = 10.0,
    flush_interval: float = 1.0,
) -> ActiveRun:
    """Start a run (or resume `run_id`) and make it the active one.

    The experiment defaults to `MLPLANE_EXPERIMENT`, else "Default", and is created on first
    use; the project defaults to `MLPLANE_PROJECT`, else "default", and is created when
    missing if the caller may. The script, git commit and dirty flag are recorded.
    Inside a platform job (`MLPLANE_RUN_ID` set) the outermost run is the job's own.
    """
    stack = _stack()
    if stack and not nested:
        raise RuntimeError(
            f"run {stack[-1].id} is already active; end it first or pass nested=True"
        )
    api = _client(client)
    project_name = default_project(project)
    if run_id is None and not stack:
        run_id = _job_run_id(experiment, project)
    if run_id is not None:
        run = api.runs.get(run_id, project=project_name)
        if run.status != "RUNNING":
            run = api.runs.update(run_id, project=project_name, status="RUNNING")
    else:
        _ensure_project(api, project_name)
        name = experiment or os.environ.get("MLPLANE_EXPERIMENT") or DEFAULT_EXPERIMENT
        parent = stack[-1].id if stack else None
        run = _create_run(api, project_name, name, run_name, tags, parent)
    _end_open_runs_at_exit()
    active = ActiveRun(
        api,
        run,
        project_name,
        flush_interval=flush_interval,
        system_metrics_interval=system_metrics_interval if log_system_metrics else None,
        on_end=_forget,
    )
    stack.append(active)
    with _open_lock:
        _open_runs.add(active)
    return active


def active_run() -> ActiveRun | None:
    stack = _stack()
    return stack[-1] if stack else None


def _current() -> ActiveRun:
    return active_run() or start_run()


def end_run(status: str = "FINISHED") -> None:
    """End the active run (flushing its metrics); does nothing when none is active."""
    run = active_run()
    if run is not None:
        run.end(status)


def log_param(key: str, value: Any) -> None:
    _current().log_param(key, value)


def log_params(params: Mapping[str, Any]) -> None:
    _current().log_params(params)


def log_metric(key: str, value: float, step: int = 0, timestamp: int | None = None) -> None:
    _current().log_metric(key, value, step, timestamp)


def log_metrics(metrics: Mapping[str, float], step: int = 0) -> None:
    _current().log_metrics(metrics, step)


def set_tag(key: str, value: Any) -> None:
    _current().set_tag(key, value)


def log_artifact(local_path: str | os.PathLike[str], artifact_path: str | None = None) -> None:
    _current().log_artifact(local_path, artifact_path)


def log_artifacts(local_dir: str | os.PathLike[str], artifact_path: str | None = None) -> None:
    _current().log_artifacts(local_dir, artifact_path)


def log_dict(dictionary: Any, artifact_file: str) -> ArtifactWritten:
    return _current().log_dict(dictionary, artifact_file)


def log_figure(figure: Any, artifact_file: str) -> ArtifactWritten:
    return _current().log_figure(figure, artifact_file)


def _end_open_runs_at_exit() -> None:
    """Registered on first use, after the client exists, so it runs before the client closes
    (exit handlers run in reverse order).
    """
    global _exit_registered
    if not _exit_registered:
        _exit_registered = True
        atexit.register(_end_open_runs)


def _end_open_runs() -> None:
    with _open_lock:
        runs = list(_open_runs)
    for run in runs:
        # The process is exiting; the platform may already be gone.
        with contextlib.suppress(Exception):
            run.end("FINISHED")
