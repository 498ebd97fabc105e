"""`log_model`: save a model and upload it as artifacts of a tracking run."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlplane.core.artifacts import check_relative_path
from mlplane.core.errors import InvalidInput
from mlplane.registry.packaging.location import RUNS_SCHEME
from mlplane.registry.packaging.manifest import ModelManifest
from mlplane.registry.packaging.save import save_model

if TYPE_CHECKING:
    from mlplane.client.client import Client
    from mlplane.tracking.active_run import ActiveRun


@dataclass(frozen=True)
class LoggedModel:
    """Where a logged model lives: `uri` is what `load_model` takes."""

    run_id: str
    artifact_path: str
    manifest: ModelManifest

    @property
    def uri(self) -> str:
        return f"{RUNS_SCHEME}{self.run_id}/{self.artifact_path}"


def _upload(
    folder: Path,
    run: ActiveRun | str | None,
    artifact_path: str,
    client: Client | None,
    project: str | None,
) -> str:
    if run is None or not isinstance(run, str):
        from mlplane.tracking import fluent

        active = run if run is not None else (fluent.active_run() or fluent.start_run())
        active.log_artifacts(folder, artifact_path)
        return active.id
    if client is not None:
        client.runs.upload_artifacts(run, folder, artifact_path, project=project)
        return run
    from mlplane.client.client import Client

    with Client() as owned:
        owned.runs.upload_artifacts(run, folder, artifact_path, project=project)
    return run


def log_model(
    model: Any,
    artifact_path: str,
    *,
    run: ActiveRun | str | None = None,
    client: Client | None = None,
    project: str | None = None,
    **save_kwargs: Any,
) -> LoggedModel:
    """Save `model` (as `save_model` does, with `save_kwargs`) into the artifacts of a run.

    The run is `run` (an active run, or a run id used with `client` and `project`), else the
    active run of this thread, else a new one (as `mlplane.log_metric` does).
    """
    cleaned = check_relative_path(artifact_path)
    if not cleaned:
        raise InvalidInput("artifact_path must name a folder inside the run", field="artifact_path")
    with tempfile.TemporaryDirectory(prefix="mlplane-log-model-") as staging:
        folder = Path(staging) / "model"
        manifest = save_model(model, folder, **save_kwargs)
        run_id = _upload(folder, run, cleaned, client, project)
    return LoggedModel(run_id=run_id, artifact_path=cleaned, manifest=manifest)
