"""The desired state kept in the database, and how a stored URI becomes a predictor."""

from __future__ import annotations

from mlplane.core.db import Database
from mlplane.core.settings import Settings
from mlplane.registry.packaging.load import load_model
from mlplane.registry.packaging.predictor import Predictor
from mlplane.serving import store
from mlplane.serving.desired import DesiredModel, DesiredSource
from mlplane.serving.loading import PredictorLoader


def database_source(db: Database) -> DesiredSource:
    def read() -> list[DesiredModel]:
        with db.read() as session:
            return [
                DesiredModel(
                    name=row.name,
                    version=row.version,
                    uri=row.uri,
                    project=project,
                    max_batch_size=row.max_batch_size,
                    max_wait_ms=row.max_wait_ms,
                    max_queue=row.max_queue,
                    max_concurrency=row.max_concurrency,
                    timeout_s=row.timeout_s,
                    deployment=row.deployment,
                    weight=row.weight,
                    mirror_percent=row.mirror_percent,
                    payload_sample_rate=row.payload_sample_rate,
                    redact=tuple(row.redact or ()),
                )
                for row, project in store.list_served_with_projects(session)
            ]

    return read


def load_predictor(settings: Settings | None = None) -> PredictorLoader:
    """Stored URIs are storage locations (resolved when the model was put behind its name).

    Models load in the gateway, or run on Ray Serve with `[deployments] backend = "ray"`.
    """
    backend = settings.deployments_backend if settings is not None else "local"
    if settings is not None and backend == "ray":
        from mlplane.serving.ray_backend import RayServeLoader

        return RayServeLoader(settings)
    if backend != "local":
        raise ValueError(f'[deployments] backend must be "local" or "ray", not {backend!r}')

    def load(desired: DesiredModel) -> Predictor:
        return load_model(desired.uri)

    return load
