"""XGBoost boosters and scikit-learn wrappers, saved in XGBoost's own JSON format.

JSON holds only trees and parameters, so loading runs no Python code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from mlplane.core.errors import InvalidInput
from mlplane.registry.packaging.batch import ModelInput
from mlplane.registry.packaging.checksums import VerifiedFolder
from mlplane.registry.packaging.flavors.base import SavedFlavor

MODEL_FILE = "model.json"
BOOSTER = "Booster"


class XGBoostModel:
    # Predictions on one Booster from several threads are not documented as safe.
    thread_safe = False

    def __init__(self, model: Any, is_booster: bool) -> None:
        self.model = model
        self.is_booster = is_booster

    def predict(self, batch: ModelInput) -> Any:
        if self.is_booster:
            import xgboost

            names = self.model.feature_names
            return np.asarray(
                self.model.predict(xgboost.DMatrix(batch.matrix(), feature_names=names))
            )
        inputs = batch.frame() if batch.columns is not None else batch.matrix()
        return np.asarray(self.model.predict(inputs))


class XGBoostFlavor:
    name = "xgboost"

    def save(self, model: Any, directory: Path, input_example: Any) -> SavedFlavor:
        model.save_model(str(directory / MODEL_FILE))
        class_name = type(model).__name__
        return SavedFlavor(config={"file": MODEL_FILE, "class": class_name}, libraries=["xgboost"])

    def held_files(self, config: dict[str, Any], files: list[str]) -> list[str]:
        return []

    def code_files(self, config: dict[str, Any], files: list[str]) -> list[str]:
        return []

    def load(self, folder: VerifiedFolder, config: dict[str, Any]) -> XGBoostModel:
        import xgboost

        class_name = str(config.get("class", BOOSTER))
        known = {
            BOOSTER,
            "XGBRegressor",
            "XGBClassifier",
            "XGBRanker",
            "XGBRFRegressor",
            "XGBRFClassifier",
        }
        if class_name not in known:
            raise InvalidInput(f"unknown XGBoost model class {class_name!r}")
        model = getattr(xgboost, class_name)()
        model.load_model(str(folder.path(str(config.get("file", MODEL_FILE)))))
        return XGBoostModel(model, class_name == BOOSTER)
