"""scikit-learn estimators (and LightGBM's scikit-learn wrappers), saved as pickles.

Models are written with pickle protocol 5, whose C unpickler loads numpy-heavy estimators
(forests, boosted trees) several times faster than joblib's pure-Python one; joblib files
(format "joblib") still load. Pickles run code on load, so they need a trusted origin
(trust.py). MLflow's imported `model.pkl` (pickle or cloudpickle) loads the same way. MLflow's skops
files load with skops, which builds only the types it knows to be safe plus the
`trusted_types` recorded at save time; a non-empty list widens what may run, so it too needs
a trusted origin.
"""

from __future__ import annotations

import io
import pickle
from pathlib import Path
from typing import Any

import numpy as np

from mlplane.core.errors import InvalidInput
from mlplane.registry.packaging.batch import ModelInput
from mlplane.registry.packaging.checksums import VerifiedFolder
from mlplane.registry.packaging.flavors.base import SavedFlavor, fitted_on_frame

MODEL_FILE = "model.pkl"
PICKLE_PROTOCOL = 5
FORMATS = ("joblib", "pickle", "skops")


class SklearnModel:
    thread_safe = True

    def __init__(self, model: Any, takes_frame: bool, method: str) -> None:
        self.model = model
        self.takes_frame = takes_frame
        self._predict = getattr(model, method)

    def predict(self, batch: ModelInput) -> Any:
        inputs = batch.frame() if self.takes_frame and batch.columns is not None else batch.matrix()
        return np.asarray(self._predict(inputs))


def _load_skops(data: bytes, trusted_types: list[str]) -> Any:
    import skops.io  # type: ignore[import-untyped]

    untrusted = [
        name for name in skops.io.get_untrusted_types(data=data) if name not in trusted_types
    ]
    if untrusted:
        raise InvalidInput(
            f"the skops model file holds types that are not trusted: {untrusted}", file="model"
        )
    return skops.io.loads(data, trusted=trusted_types or None)


class SklearnFlavor:
    name = "sklearn"

    def save(self, model: Any, directory: Path, input_example: Any) -> SavedFlavor:
        (directory / MODEL_FILE).write_bytes(pickle.dumps(model, protocol=PICKLE_PROTOCOL))
        return SavedFlavor(
            config={
                "file": MODEL_FILE,
                "format": "pickle",
                "takes_frame": fitted_on_frame(input_example, model),
                "method": "predict",
                "class": f"{type(model).__module__}.{type(model).__qualname__}",
            },
            libraries=["scikit-learn"],
        )

    def held_files(self, config: dict[str, Any], files: list[str]) -> list[str]:
        return [str(config.get("file", MODEL_FILE))]

    def code_files(self, config: dict[str, Any], files: list[str]) -> list[str]:
        if config.get("format") == "skops" and not config.get("trusted_types"):
            return []
        return [str(config.get("file", MODEL_FILE))]

    def load(self, folder: VerifiedFolder, config: dict[str, Any]) -> SklearnModel:
        data = folder.read_bytes(str(config.get("file", MODEL_FILE)))
        serialization = config.get("format", "joblib")
        if serialization == "joblib":
            import joblib  # type: ignore[import-untyped]

            model = joblib.load(io.BytesIO(data))
        elif serialization == "pickle":
            model = pickle.loads(data)
        elif serialization == "skops":
            model = _load_skops(data, [str(name) for name in config.get("trusted_types") or []])
        else:
            raise InvalidInput(
                f"unknown scikit-learn serialization {serialization!r} (known: {FORMATS})"
            )
        method = str(config.get("method", "predict"))
        if not callable(getattr(model, method, None)):
            raise InvalidInput(f"the scikit-learn model has no method {method!r}")
        return SklearnModel(model, bool(config.get("takes_frame", False)), method)
