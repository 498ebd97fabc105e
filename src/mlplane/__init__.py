"""mlplane: a self-hosted AI platform in one package.

The SDK surface is imported lazily so that `import mlplane` (and the CLI) stay fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "ApiError",
    "Client",
    "__version__",
    "active_run",
    "autolog",
    "data",
    "end_run",
    "log_artifact",
    "log_artifacts",
    "log_dict",
    "log_figure",
    "log_metric",
    "log_metrics",
    "log_param",
    "log_params",
    "models",
    "pipeline",
    "set_tag",
    "start_run",
    "step",
]

if TYPE_CHECKING:
    from mlplane.client.client import Client
    from mlplane.client.errors import ApiError
    from mlplane.pipelines.dsl import pipeline, step
    from mlplane.tracking.autolog import autolog
    from mlplane.tracking.fluent import (
        active_run,
        end_run,
        log_artifact,
        log_artifacts,
        log_dict,
        log_figure,
        log_metric,
        log_metrics,
        log_param,
        log_params,
        set_tag,
        start_run,
    )

_LAZY = {
    "Client": "mlplane.client.client",
    "ApiError": "mlplane.client.errors",
    "autolog": "mlplane.tracking.autolog",
    "active_run": "mlplane.tracking.fluent",
    "end_run": "mlplane.tracking.fluent",
    "log_artifact": "mlplane.tracking.fluent",
    "log_artifacts": "mlplane.tracking.fluent",
    "log_dict": "mlplane.tracking.fluent",
    "log_figure": "mlplane.tracking.fluent",
    "log_metric": "mlplane.tracking.fluent",
    "log_metrics": "mlplane.tracking.fluent",
    "log_param": "mlplane.tracking.fluent",
    "log_params": "mlplane.tracking.fluent",
    "set_tag": "mlplane.tracking.fluent",
    "start_run": "mlplane.tracking.fluent",
    "step": "mlplane.pipelines.dsl",
    "pipeline": "mlplane.pipelines.dsl",
}


# Subpackages reachable as attributes (`mlplane.data.get(...)`) without importing them first.
_LAZY_MODULES = {"data": "mlplane.data", "models": "mlplane.models"}


def __getattr__(name: str) -> Any:
    import importlib

    if name in _LAZY_MODULES:
        return importlib.import_module(_LAZY_MODULES[name])
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'mlplane' has no attribute {name!r}")
    return getattr(importlib.import_module(module_name), name)
