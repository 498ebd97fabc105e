"""Every subsystem's tables on one metadata, for migrations and their tests."""

from __future__ import annotations

import importlib

from sqlalchemy import MetaData

from mlplane.core.db import Base

TABLE_MODULES = (
    "mlplane.governance.tables",
    "mlplane.catalog.tables",
    "mlplane.core.processes",
    "mlplane.core.idempotency",
    "mlplane.data.tables",
    "mlplane.tracking.tables",
    "mlplane.tracking.mlflow_api.logged_models.tables",
    "mlplane.core.events",
    "mlplane.pipelines.tables",
    "mlplane.registry.tables",
    "mlplane.compute.tables",
    "mlplane.serving.tables",
    "mlplane.serving.rollup_tables",
    "mlplane.deployments.tables",
)


def all_metadata() -> MetaData:
    for module_name in TABLE_MODULES:
        importlib.import_module(module_name)
    return Base.metadata
