from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from mlplane.models import load_model, save_model


def test_save_and_load_an_xgboost_classifier(
    tmp_path: Path,
    table: pd.DataFrame,
    labels: np.ndarray[Any, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    xgboost = pytest.importorskip("xgboost")
    model = xgboost.XGBClassifier(n_estimators=5, max_depth=3).fit(table, labels)
    manifest = save_model(model, tmp_path / "model", input_example=table.head())
    # JSON holds no code: it loads on a home that did not save it, without an opt-in.
    monkeypatch.setenv("MLPLANE_HOME", str(tmp_path / "another-home"))

    result = load_model(tmp_path / "model").predict(table)

    assert manifest.flavor == "xgboost"
    assert [entry.path for entry in manifest.files] == ["model.json"]
    assert result["prediction"].tolist() == model.predict(table).tolist()


def test_save_and_load_an_xgboost_booster(tmp_path: Path) -> None:
    xgboost = pytest.importorskip("xgboost")
    features = np.random.default_rng(3).normal(size=(80, 4))
    booster = xgboost.train(
        {"max_depth": 2}, xgboost.DMatrix(features, label=features.sum(axis=1)), num_boost_round=4
    )
    save_model(booster, tmp_path / "model", input_example=features[:2])

    result = load_model(tmp_path / "model").predict(features)

    np.testing.assert_allclose(result, booster.predict(xgboost.DMatrix(features)), rtol=1e-6)


def test_save_and_load_a_lightgbm_booster(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lightgbm = pytest.importorskip("lightgbm")
    features = np.random.default_rng(4).normal(size=(200, 3))
    booster = lightgbm.train(
        {"objective": "regression", "verbose": -1, "num_leaves": 4},
        lightgbm.Dataset(features, label=features[:, 0] * 2),
        num_boost_round=5,
    )
    manifest = save_model(booster, tmp_path / "model", input_example=features[:2])
    monkeypatch.setenv("MLPLANE_HOME", str(tmp_path / "another-home"))

    result = load_model(tmp_path / "model").predict(features)

    assert manifest.flavor == "lightgbm"
    np.testing.assert_allclose(result, booster.predict(features))


def test_a_lightgbm_scikit_learn_wrapper_goes_through_the_sklearn_flavor(
    tmp_path: Path, table: pd.DataFrame, labels: np.ndarray[Any, Any]
) -> None:
    lightgbm = pytest.importorskip("lightgbm")
    model = lightgbm.LGBMClassifier(n_estimators=5, verbose=-1).fit(table, labels)

    manifest = save_model(model, tmp_path / "model", input_example=table.head())
    result = load_model(tmp_path / "model").predict(table)

    assert manifest.flavor == "sklearn"
    assert result["prediction"].tolist() == model.predict(table).tolist()
