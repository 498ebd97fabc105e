"""Reading what a version's folder says about itself: mlplane's manifest, or MLflow's
`MLmodel` file for versions logged by MLflow clients. Files are read from the store."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from mlplane.core.artifacts import ArtifactStore
from mlplane.core.errors import ProblemError
from mlplane.registry.schemas import ModelCard, SignatureColumn

MLFLOW_FILE = "MLmodel"


def _mlplane_card(store: ArtifactStore, root: str, manifest_file: str) -> ModelCard | None:
    from mlplane.registry.packaging.manifest import read_manifest

    try:
        data = store.get_bytes(f"{root}/{manifest_file}")
        with tempfile.TemporaryDirectory() as folder:
            (Path(folder) / manifest_file).write_bytes(data)
            manifest = read_manifest(Path(folder))
    except ProblemError:
        return None
    card = ModelCard(format="mlplane", flavor=manifest.flavor)
    if manifest.signature is not None:
        card.inputs = [
            SignatureColumn(name=c.name, type=c.dtype, shape=list(c.shape))
            for c in manifest.signature.inputs
        ]
        card.outputs = [
            SignatureColumn(name=c.name, type=c.dtype, shape=list(c.shape))
            for c in manifest.signature.outputs or []
        ]
    card.file_digests = {item.path: item.sha256 for item in manifest.files}
    return card


def _mlflow_columns(text: Any) -> list[SignatureColumn]:
    if not isinstance(text, str):
        return []
    try:
        columns = json.loads(text)
    except ValueError:
        return []
    found = []
    for column in columns if isinstance(columns, list) else []:
        if isinstance(column, dict):
            kind = column.get("type") or column.get("tensor-spec", {}).get("dtype") or "?"
            shape = column.get("tensor-spec", {}).get("shape")
            found.append(SignatureColumn(name=column.get("name"), type=str(kind), shape=shape))
    return found


def _mlflow_card(store: ArtifactStore, root: str) -> ModelCard | None:
    try:
        text = store.get_bytes(f"{root}/{MLFLOW_FILE}").decode()
    except (ProblemError, UnicodeDecodeError):
        return None
    card = ModelCard(format="mlflow")
    try:
        import yaml  # MLflow's own format; read only when such a version is shown
    except ImportError:
        return card
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError:
        return card
    if not isinstance(document, dict):
        return card
    flavors = document.get("flavors") or {}
    names = [name for name in flavors if name != "python_function"] or list(flavors)
    card.flavor = names[0] if names else None
    signature = document.get("signature") or {}
    card.inputs = _mlflow_columns(signature.get("inputs"))
    card.outputs = _mlflow_columns(signature.get("outputs"))
    return card


def read_model_card(store: ArtifactStore, root: str) -> ModelCard:
    try:
        from mlplane.registry.packaging.manifest import MANIFEST_FILE
    except ImportError:
        MANIFEST_FILE = ""  # noqa: N806 - packaging is optional for reading a card
    if MANIFEST_FILE:
        card = _mlplane_card(store, root, MANIFEST_FILE)
        if card is not None:
            return card
    return _mlflow_card(store, root) or ModelCard(format="unknown")
