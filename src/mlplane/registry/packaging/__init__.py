"""Model packaging: self-describing model folders, one predictor interface for every flavor.

    manifest = save_model(model, "churn-model", input_example=frame.head())
    predictor = load_model("churn-model")
    predictor.predict(frame)

A model folder holds the flavor's files and `mlplane-model.json` (flavor, library versions,
signature, requirements, every file's SHA-256 and size, a signature of the home that saved
it). Heavy libraries are imported only by the flavor that needs them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = [
    "MANIFEST_FILE",
    "ColumnSpec",
    "LoggedModel",
    "ModelManifest",
    "Predictor",
    "Signature",
    "SignatureError",
    "import_mlflow_model",
    "infer_signature",
    "load_model",
    "log_model",
    "read_manifest",
    "save_model",
]

if TYPE_CHECKING:
    from mlplane.registry.packaging.load import load_model
    from mlplane.registry.packaging.log import LoggedModel, log_model
    from mlplane.registry.packaging.manifest import MANIFEST_FILE, ModelManifest, read_manifest
    from mlplane.registry.packaging.mlflow_import import import_mlflow_model
    from mlplane.registry.packaging.predictor import Predictor
    from mlplane.registry.packaging.save import save_model
    from mlplane.registry.packaging.signature import (
        ColumnSpec,
        Signature,
        SignatureError,
        infer_signature,
    )

_LAZY = {
    "MANIFEST_FILE": "mlplane.registry.packaging.manifest",
    "ModelManifest": "mlplane.registry.packaging.manifest",
    "read_manifest": "mlplane.registry.packaging.manifest",
    "ColumnSpec": "mlplane.registry.packaging.signature",
    "Signature": "mlplane.registry.packaging.signature",
    "SignatureError": "mlplane.registry.packaging.signature",
    "infer_signature": "mlplane.registry.packaging.signature",
    "Predictor": "mlplane.registry.packaging.predictor",
    "load_model": "mlplane.registry.packaging.load",
    "save_model": "mlplane.registry.packaging.save",
    "LoggedModel": "mlplane.registry.packaging.log",
    "log_model": "mlplane.registry.packaging.log",
    "import_mlflow_model": "mlplane.registry.packaging.mlflow_import",
}


def __getattr__(name: str) -> Any:
    import importlib

    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module_name), name)
