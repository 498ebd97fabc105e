"""A replica of a served version on Ray Serve: it loads the model once, then answers batches.

Only this class travels to the cluster (by reference: the cluster's Python has mlplane
installed). The gateway checked the model's origin against its own home; the replica loads
with that verdict only if the manifest it finds is the very one the gateway checked, so a
model swapped in storage between the two never runs code on the cluster.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from mlplane.registry.packaging.load import load_folder
from mlplane.registry.packaging.location import local_folder
from mlplane.registry.packaging.manifest import read_manifest_document


def manifest_digest(document: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()


class ModelChanged(RuntimeError):
    """The model in storage is not the one the gateway checked."""


class ModelReplica:
    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        uri = spec["uri"]
        with local_folder(uri) as directory:
            document = read_manifest_document(Path(directory))
            if manifest_digest(document) != spec["manifest_sha256"]:
                raise ModelChanged(f"the model at {uri} changed after the gateway checked it")
            self.predictor = load_folder(
                Path(directory), allow_pickle=spec["allow_pickle"], location=uri
            )

    def describe(self) -> dict[str, Any]:
        """What this replica serves: its spec, and the model's manifest for the gateway."""
        return {"spec": self.spec, "manifest": self.predictor.manifest.model_dump(mode="json")}

    def __call__(self, inputs: Any) -> Any:
        return self.predictor.predict(inputs)
