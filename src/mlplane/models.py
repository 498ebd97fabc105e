"""`mlplane.models`: save, log, load and import models (see mlplane.registry.packaging)."""

from __future__ import annotations

from mlplane.registry.packaging.load import load_model
from mlplane.registry.packaging.log import LoggedModel, log_model
from mlplane.registry.packaging.manifest import ModelManifest, read_manifest
from mlplane.registry.packaging.mlflow_import import import_mlflow_model
from mlplane.registry.packaging.predictor import Predictor
from mlplane.registry.packaging.save import save_model
from mlplane.registry.packaging.signature import Signature, SignatureError, infer_signature

__all__ = [
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
