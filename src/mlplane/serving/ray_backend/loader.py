"""Deploy served versions as Ray Serve applications, one per version.

A version's application is named `mlplane-<model>-<version>`, so any gateway following the
same desired state finds it, and deploying it again with the same spec (model, origin
check, replicas) reuses the running one instead of restarting its replicas. A version that
leaves the desired state has its application deleted.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import fsspec

from mlplane.core.settings import Settings
from mlplane.registry.packaging.location import local_folder
from mlplane.registry.packaging.manifest import (
    MANIFEST_FILE,
    parse_manifest,
    read_manifest_document,
)
from mlplane.registry.packaging.predictor import Predictor
from mlplane.registry.packaging.trust import is_signed_here, pickle_allowed_by_settings
from mlplane.serving.desired import DesiredModel
from mlplane.serving.ray_backend.connection import RayConnection
from mlplane.serving.ray_backend.options import ReplicaOptions
from mlplane.serving.ray_backend.predictor import ServePredictor
from mlplane.serving.ray_backend.replica import ModelReplica, manifest_digest

APP_PREFIX = "mlplane-"
DEPLOY_TIMEOUT_S = 120.0
DESCRIBE_TIMEOUT_S = 30.0
POLL_INTERVAL_S = 0.5


def app_name(model: str, version: str) -> str:
    return f"{APP_PREFIX}{model}-{version}"


def read_manifest_at(uri: str) -> dict[str, Any]:
    """A model's manifest document, without fetching the rest of the model."""
    if "://" in uri and not uri.startswith("file://"):
        with fsspec.open(f"{uri.rstrip('/')}/{MANIFEST_FILE}", "rb") as handle:
            document = json.loads(handle.read())
        if not isinstance(document, dict):
            raise ValueError(f"{MANIFEST_FILE} at {uri} must hold a JSON object")
        return document
    with local_folder(uri) as directory:
        return read_manifest_document(Path(directory))


class RayServeLoader:
    """A `PredictorLoader` whose predictors run on Ray Serve (see `loading.RemoteLoader`)."""

    def __init__(self, settings: Settings) -> None:
        self.home = settings.home
        self.connection = RayConnection(settings.deployments_ray_address)
        table = settings.extra.get("deployments")
        configured = table.get("ray_resources") if isinstance(table, dict) else None
        # Replicas' resources when a version names none: `[deployments.ray_resources]`.
        self.default_resources: dict[str, Any] = dict(configured or {})
        ReplicaOptions.from_resources(self.default_resources)  # refuse a bad table at start
        self._specs: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def __call__(self, desired: DesiredModel) -> Predictor:
        serve = self.connection.serve()
        app = app_name(desired.name, desired.version)
        spec = self._spec(desired)
        handle = self._running_handle(serve, app, spec)
        if handle is None:
            handle = self._deploy(serve, app, spec)
        described = handle.describe.remote().result(timeout_s=DESCRIBE_TIMEOUT_S)
        return ServePredictor(
            parse_manifest(described["manifest"]), desired.uri, app, handle, desired.timeout_s
        )

    def _spec(self, desired: DesiredModel) -> dict[str, Any]:
        document = read_manifest_at(desired.uri)
        # Checked here, with this home's signing key; the replica only honours the verdict
        # for this exact manifest.
        trusted = is_signed_here(document, self.home) or pickle_allowed_by_settings()
        # Versions may carry their own resources; the configured defaults fill the rest.
        own: Mapping[str, Any] | None = getattr(desired, "resources", None)
        options = ReplicaOptions.from_resources(self.default_resources, own)
        return {
            "uri": desired.uri,
            "manifest_sha256": manifest_digest(document),
            "allow_pickle": trusted,
            "options": options.as_dict(),
        }

    def _running_handle(self, serve: Any, app: str, spec: dict[str, Any]) -> Any:
        """The handle of `app` when it already serves `spec` (or is deploying it from here)."""
        status = serve.status().applications.get(app)
        if status is None:
            return None
        with self._lock:
            deploying_here = self._specs.get(app) == spec
        if deploying_here and status.status in {"DEPLOYING", "RUNNING"}:
            self._wait_running(serve, app)
            return serve.get_app_handle(app)
        if status.status != "RUNNING":
            return None
        handle = serve.get_app_handle(app)
        described = handle.describe.remote().result(timeout_s=DESCRIBE_TIMEOUT_S)
        return handle if described["spec"] == spec else None

    def _deploy(self, serve: Any, app: str, spec: dict[str, Any]) -> Any:
        options = spec["options"]
        deployment = serve.deployment(ModelReplica).options(
            name="model",
            num_replicas=options["num_replicas"],
            ray_actor_options=options["ray_actor_options"],
        )
        with self._lock:
            self._specs[app] = spec
        # Not `serve.run`: it waits for the application without a time limit.
        serve._run(deployment.bind(spec), name=app, route_prefix=None, _blocking=False)
        self._wait_running(serve, app)
        return serve.get_app_handle(app)

    def _wait_running(self, serve: Any, app: str) -> None:
        deadline = time.monotonic() + DEPLOY_TIMEOUT_S
        while True:
            status = serve.status().applications.get(app)
            if status is None:
                raise RuntimeError(f"Ray Serve application {app!r} disappeared while deploying")
            if status.status == "RUNNING":
                return
            if status.status == "DEPLOY_FAILED":
                # Its replicas would keep failing; the next poll deploys it afresh.
                self.release_app(serve, app)
                raise RuntimeError(f"Ray Serve application {app!r} failed: {status.message}")
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"Ray Serve application {app!r} is still {status.status.lower()} after "
                    f"{DEPLOY_TIMEOUT_S:g}s; waiting for it on the next poll"
                )
            time.sleep(POLL_INTERVAL_S)

    def release(self, name: str, version: str) -> None:
        """Delete the version's application (the version left the desired state)."""
        serve = self.connection.serve()
        self.release_app(serve, app_name(name, version))

    def release_app(self, serve: Any, app: str) -> None:
        with self._lock:
            self._specs.pop(app, None)
        if app in serve.status().applications:
            serve.delete(app, _blocking=True)

    def close(self) -> None:
        self.connection.close()
