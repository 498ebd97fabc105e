"""One interface over every flavor: what the gateway calls to answer a request.

    predictor = load_model("runs:/<run id>/model")
    predictor.predict({"age": [31, 45], "income": [52_000.0, 81_000.0]})

`predict` takes a batch (DataFrame, dict of columns, or array), checks it against the
signature (a mismatch is a `SignatureError`, a 422 naming the column or shape), calls the
model, and answers in the same form as the input (see `batch.py`). It may be called from
worker threads: flavors whose libraries are not thread-safe are called one at a time.
"""

from __future__ import annotations

import contextlib
import threading
from typing import Any

from mlplane.registry.packaging.batch import check_inputs, normalize_outputs, shape_outputs
from mlplane.registry.packaging.flavors.base import LoadedModel
from mlplane.registry.packaging.manifest import ModelManifest
from mlplane.registry.packaging.signature import Signature


class Predictor:
    def __init__(self, manifest: ModelManifest, model: LoadedModel, location: str = "") -> None:
        self.manifest = manifest
        self.model = model
        self.location = location
        self._lock: contextlib.AbstractContextManager[Any] = (
            contextlib.nullcontext() if model.thread_safe else threading.Lock()
        )

    @property
    def signature(self) -> Signature | None:
        return self.manifest.signature

    @property
    def flavor(self) -> str:
        return self.manifest.flavor

    def predict(self, inputs: Any) -> Any:
        batch, kind = check_inputs(self.signature, inputs)
        with self._lock:
            raw = self.model.predict(batch)
        outputs = self.signature.outputs if self.signature is not None else None
        return shape_outputs(normalize_outputs(raw, outputs), kind, outputs)

    def __repr__(self) -> str:
        return f"Predictor(flavor={self.flavor!r}, location={self.location!r})"
