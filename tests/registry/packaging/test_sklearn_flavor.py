from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from mlplane.models import load_model, read_manifest, save_model
from mlplane.registry.packaging import MANIFEST_FILE
from mlplane.registry.packaging.signature import SignatureError


def test_save_and_load_a_classifier_fitted_on_a_frame(
    tmp_path: Path, classifier: Any, table: pd.DataFrame
) -> None:
    manifest = save_model(classifier, tmp_path / "model", input_example=table.head())

    predictor = load_model(tmp_path / "model")

    assert manifest.flavor == "sklearn"
    assert "scikit-learn" in manifest.library_versions
    assert any(line.startswith("scikit-learn==") for line in manifest.requirements)
    assert predictor.signature is not None
    assert predictor.signature.column_names == ["age", "income"]
    result = predictor.predict(table)
    assert isinstance(result, pd.DataFrame)
    assert result["prediction"].tolist() == classifier.predict(table).tolist()


def test_predict_answers_in_the_form_of_the_input(
    tmp_path: Path, classifier: Any, table: pd.DataFrame
) -> None:
    save_model(classifier, tmp_path / "model", input_example=table.head())
    predictor = load_model(tmp_path / "model")
    expected = classifier.predict(table.head(3)).tolist()

    as_dict = predictor.predict({name: table[name].head(3).tolist() for name in table})
    as_array = predictor.predict(table.head(3).to_numpy())

    assert isinstance(as_dict, dict)
    assert as_dict["prediction"].tolist() == expected
    assert isinstance(as_array, np.ndarray)
    assert as_array.tolist() == expected


def test_manifest_lists_files_with_checksums(tmp_path: Path, classifier: Any) -> None:
    save_model(classifier, tmp_path / "model", metadata={"team": "risk"})

    manifest = read_manifest(tmp_path / "model")
    on_disk = json.loads((tmp_path / "model" / MANIFEST_FILE).read_text())

    assert [entry.path for entry in manifest.files] == ["model.pkl"]
    assert manifest.files[0].size == (tmp_path / "model" / "model.pkl").stat().st_size
    assert len(manifest.files[0].sha256) == 64
    assert manifest.metadata == {"team": "risk"}
    assert manifest.signature is None
    assert on_disk["origin"]["hmac"]


def test_signature_mismatch_at_predict_names_the_column(
    tmp_path: Path, classifier: Any, table: pd.DataFrame
) -> None:
    save_model(classifier, tmp_path / "model", input_example=table.head())
    predictor = load_model(tmp_path / "model")

    with pytest.raises(SignatureError, match=r"'income'"):
        predictor.predict(table[["age"]])


def test_save_refuses_a_folder_that_is_not_empty(tmp_path: Path, classifier: Any) -> None:
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "notes.txt").write_text("keep me")

    with pytest.raises(Exception, match=r"not empty") as caught:
        save_model(classifier, tmp_path / "model")

    assert getattr(caught.value, "status", None) == 409
    assert (tmp_path / "model" / "notes.txt").read_text() == "keep me"


def test_a_model_fitted_on_arrays_takes_a_tensor(tmp_path: Path) -> None:
    from sklearn.linear_model import LinearRegression

    features = np.arange(20, dtype=np.float64).reshape(10, 2)
    model = LinearRegression().fit(features, features.sum(axis=1))
    save_model(model, tmp_path / "model", input_example=features[:2])

    predictor = load_model(tmp_path / "model")

    assert predictor.signature is not None
    assert predictor.signature.is_tensor
    np.testing.assert_allclose(predictor.predict([[1.0, 2.0]]), [3.0])
    with pytest.raises(SignatureError, match=r"\(-1, 2\)"):
        predictor.predict([[1.0, 2.0, 3.0]])


def test_predict_is_safe_from_many_threads(
    tmp_path: Path, classifier: Any, table: pd.DataFrame
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    save_model(classifier, tmp_path / "model", input_example=table.head())
    predictor = load_model(tmp_path / "model")
    expected = classifier.predict(table).tolist()

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: predictor.predict(table), range(16)))

    assert all(result["prediction"].tolist() == expected for result in results)
