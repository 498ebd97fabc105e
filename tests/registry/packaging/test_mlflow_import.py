from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from mlplane.models import import_mlflow_model, load_model
from mlplane.registry.packaging.signature import SignatureError
from mlplane.registry.packaging.trust import UntrustedModelError

mlflow = pytest.importorskip("mlflow")


@pytest.fixture
def mlflow_sklearn_dir(tmp_path: Path, classifier: Any, table: pd.DataFrame) -> Path:
    import mlflow.models
    import mlflow.sklearn

    path = tmp_path / "mlflow-model"
    signature = mlflow.models.infer_signature(table, classifier.predict(table))
    mlflow.sklearn.save_model(
        classifier,
        str(path),
        signature=signature,
        serialization_format="cloudpickle",
        pip_requirements=["scikit-learn"],
    )
    return path


def test_import_an_mlflow_sklearn_model(
    mlflow_sklearn_dir: Path, tmp_path: Path, classifier: Any, table: pd.DataFrame
) -> None:
    manifest = import_mlflow_model(mlflow_sklearn_dir, tmp_path / "imported", trust=True)

    predictor = load_model(tmp_path / "imported")

    assert manifest.flavor == "sklearn"
    assert manifest.metadata["imported_from"] == "mlflow"
    assert manifest.library_versions["mlflow"] == mlflow.__version__
    assert predictor.signature is not None
    assert predictor.signature.column_names == ["age", "income"]
    assert predictor.predict(table)["prediction"].tolist() == classifier.predict(table).tolist()
    with pytest.raises(SignatureError, match=r"'income'"):
        predictor.predict({"age": [30.0]})


def test_an_imported_pickle_is_untrusted_unless_vouched_for(
    mlflow_sklearn_dir: Path, tmp_path: Path, table: pd.DataFrame
) -> None:
    import_mlflow_model(mlflow_sklearn_dir, tmp_path / "imported")

    with pytest.raises(UntrustedModelError, match=r"model.pkl"):
        load_model(tmp_path / "imported")
    assert len(load_model(tmp_path / "imported", allow_pickle=True).predict(table)) == len(table)


def test_import_an_mlflow_skops_model(tmp_path: Path, classifier: Any, table: pd.DataFrame) -> None:
    import mlflow.sklearn

    mlflow.sklearn.save_model(
        classifier,
        str(tmp_path / "mlflow-skops"),
        serialization_format="skops",
        skops_trusted_types=["sklearn.tree._tree.Tree"],
        pip_requirements=["scikit-learn", "skops"],
    )

    manifest = import_mlflow_model(tmp_path / "mlflow-skops", tmp_path / "imported")

    assert manifest.flavor_config["format"] == "skops"
    # The recorded trusted types widen what skops builds: an origin must vouch for them.
    with pytest.raises(UntrustedModelError, match=r"model.skops"):
        load_model(tmp_path / "imported")
    predictor = load_model(tmp_path / "imported", allow_pickle=True)
    assert predictor.predict(table.to_numpy()).tolist() == classifier.predict(table).tolist()


def test_import_an_mlflow_onnx_model(tmp_path: Path) -> None:
    pytest.importorskip("onnxruntime")
    skl2onnx = pytest.importorskip("skl2onnx")
    import mlflow.onnx
    from skl2onnx.common.data_types import FloatTensorType
    from sklearn.linear_model import LinearRegression

    features = np.random.default_rng(6).normal(size=(30, 2)).astype(np.float32)
    model = LinearRegression().fit(features, features[:, 0] - features[:, 1])
    graph = skl2onnx.convert_sklearn(model, initial_types=[("x", FloatTensorType([None, 2]))])
    mlflow.onnx.save_model(graph, str(tmp_path / "mlflow-onnx"), pip_requirements=["onnx"])

    manifest = import_mlflow_model(tmp_path / "mlflow-onnx", tmp_path / "imported")
    result = load_model(tmp_path / "imported").predict(features)

    assert manifest.flavor == "onnx"
    np.testing.assert_allclose(result.reshape(-1), model.predict(features), rtol=1e-4)


class AddOne(mlflow.pyfunc.PythonModel):  # type: ignore[misc]
    def predict(self, context: Any, model_input: pd.DataFrame, params: Any = None) -> Any:
        return model_input["x"] + 1


def test_import_an_mlflow_pyfunc_model(tmp_path: Path) -> None:
    import mlflow.pyfunc

    frame = pd.DataFrame({"x": [1.0, 2.0]})
    mlflow.pyfunc.save_model(
        str(tmp_path / "mlflow-pyfunc"),
        python_model=AddOne(),
        pip_requirements=["mlflow"],
        signature=mlflow.models.infer_signature(frame, frame["x"]),
    )

    manifest = import_mlflow_model(tmp_path / "mlflow-pyfunc", tmp_path / "imported", trust=True)
    result = load_model(tmp_path / "imported").predict(frame)

    assert manifest.flavor == "python"
    assert result.iloc[:, 0].tolist() == [2.0, 3.0]


def test_a_folder_without_mlmodel_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(Exception, match=r"no MLmodel") as caught:
        import_mlflow_model(tmp_path, tmp_path / "imported")

    assert getattr(caught.value, "status", None) == 404
