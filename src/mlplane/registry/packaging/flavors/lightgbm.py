"""LightGBM boosters, saved in LightGBM's text format (no Python code runs on load).

LightGBM's scikit-learn wrappers (`LGBMClassifier`...) go through the scikit-learn flavor,
since their label encoding lives only in the Python object.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from mlplane.registry.packaging.batch import ModelInput
from mlplane.registry.packaging.checksums import VerifiedFolder
from mlplane.registry.packaging.flavors.base import SavedFlavor

MODEL_FILE = "model.txt"


class LightGBMModel:
    thread_safe = True

    def __init__(self, booster: Any) -> None:
        self.booster = booster

    def predict(self, batch: ModelInput) -> Any:
        return np.asarray(self.booster.predict(batch.matrix()))


class LightGBMFlavor:
    name = "lightgbm"

    def save(self, model: Any, directory: Path, input_example: Any) -> SavedFlavor:
        model.save_model(str(directory / MODEL_FILE))
        return SavedFlavor(config={"file": MODEL_FILE}, libraries=["lightgbm"])

    def held_files(self, config: dict[str, Any], files: list[str]) -> list[str]:
        return []

    def code_files(self, config: dict[str, Any], files: list[str]) -> list[str]:
        return []

    def load(self, folder: VerifiedFolder, config: dict[str, Any]) -> LightGBMModel:
        import lightgbm

        path = folder.path(str(config.get("file", MODEL_FILE)))
        return LightGBMModel(lightgbm.Booster(model_file=str(path)))
