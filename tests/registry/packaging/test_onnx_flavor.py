from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mlplane.models import load_model, save_model
from mlplane.registry.packaging.signature import SignatureError

pytest.importorskip("onnxruntime")
skl2onnx = pytest.importorskip("skl2onnx")


def _regression_onnx() -> tuple[bytes, np.ndarray, np.ndarray]:
    from skl2onnx.common.data_types import FloatTensorType
    from sklearn.linear_model import LinearRegression

    features = np.random.default_rng(1).normal(size=(50, 3)).astype(np.float32)
    model = LinearRegression().fit(features, features @ np.array([1.0, 2.0, 3.0]))
    onnx_model = skl2onnx.convert_sklearn(
        model, initial_types=[("features", FloatTensorType([None, 3]))]
    )
    return onnx_model.SerializeToString(), features, model.predict(features)


def test_save_and_load_an_onnx_graph(tmp_path: Path) -> None:
    graph, features, expected = _regression_onnx()
    manifest = save_model(graph, tmp_path / "model", input_example=features[:2])

    predictor = load_model(tmp_path / "model", allow_pickle=False)

    assert manifest.flavor == "onnx"
    assert "onnxruntime" in manifest.library_versions
    np.testing.assert_allclose(predictor.predict(features).reshape(-1), expected, rtol=1e-4)


def test_an_onnx_model_from_another_home_needs_no_opt_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    graph, features, _ = _regression_onnx()
    save_model(graph, tmp_path / "model", input_example=features[:2])
    monkeypatch.setenv("MLPLANE_HOME", str(tmp_path / "another-home"))

    assert load_model(tmp_path / "model").predict(features[:4]).shape[0] == 4


def test_onnx_inputs_are_checked_against_the_signature(tmp_path: Path) -> None:
    graph, features, _ = _regression_onnx()
    save_model(graph, tmp_path / "model", input_example=features[:2])
    predictor = load_model(tmp_path / "model")

    with pytest.raises(SignatureError, match=r"\(-1, 3\)"):
        predictor.predict(np.zeros((2, 4), dtype=np.float32))


def test_an_onnx_model_proto_from_a_classifier_gives_named_outputs(tmp_path: Path) -> None:
    from skl2onnx.common.data_types import FloatTensorType
    from sklearn.linear_model import LogisticRegression

    features = np.random.default_rng(2).normal(size=(60, 2)).astype(np.float32)
    labels = (features[:, 0] > 0).astype(np.int64)
    model = LogisticRegression().fit(features, labels)
    proto = skl2onnx.convert_sklearn(
        model,
        initial_types=[("x", FloatTensorType([None, 2]))],
        options={id(model): {"zipmap": False}},
    )
    save_model(proto, tmp_path / "model", input_example=features[:2])

    result = load_model(tmp_path / "model").predict(features)

    assert set(result) == {"label", "probabilities"}
    assert result["label"].tolist() == model.predict(features).tolist()
    assert result["probabilities"].shape == (60, 2)


def test_an_onnx_graph_declares_its_own_signature(tmp_path: Path) -> None:
    graph, _, _ = _regression_onnx()
    manifest = save_model(graph, tmp_path / "model")

    assert manifest.signature is not None
    assert manifest.signature.inputs[0].model_dump() == {
        "name": None,
        "dtype": "float32",
        "shape": [-1, 3],
    }
    with pytest.raises(SignatureError, match=r"\(-1, 3\)"):
        load_model(tmp_path / "model").predict(np.zeros((1, 2), dtype=np.float32))
