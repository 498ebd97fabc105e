from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from mlplane.models import load_model, save_model
from mlplane.registry.packaging.trust import UntrustedModelError

SCALER_CODE = """
import json
from pathlib import Path


class Scaler:
    def __init__(self, factor):
        self.factor = factor

    def predict(self, inputs):
        return inputs["x"] * self.factor

    def save(self, directory):
        (Path(directory) / "factor.json").write_text(json.dumps(self.factor))

    @classmethod
    def load(cls, directory):
        return cls(json.loads((Path(directory) / "factor.json").read_text()))
"""


def _import_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> Path:
    source = tmp_path / "src" / f"{name}.py"
    source.parent.mkdir(exist_ok=True)
    source.write_text(SCALER_CODE)
    monkeypatch.syspath_prepend(str(source.parent))
    return source


def _forget_module(monkeypatch: pytest.MonkeyPatch, name: str, source: Path) -> None:
    """Make the module unimportable from where it was written: only the model's copy remains."""
    monkeypatch.delitem(sys.modules, name)
    source.unlink()
    importlib.invalidate_caches()


def test_a_class_with_save_and_load_travels_with_its_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _import_code(tmp_path, monkeypatch, "scaler_with_code")
    scaler = importlib.import_module("scaler_with_code").Scaler(3.0)
    manifest = save_model(
        scaler, tmp_path / "model", input_example={"x": np.array([1.0])}, code_paths=[source]
    )
    _forget_module(monkeypatch, "scaler_with_code", source)

    result = load_model(tmp_path / "model").predict({"x": [1.0, 2.0]})

    assert manifest.flavor == "python"
    assert manifest.flavor_config["format"] == "class"
    assert sorted(entry.path for entry in manifest.files) == [
        "artifacts/factor.json",
        "code/scaler_with_code.py",
    ]
    assert result["prediction"].tolist() == [3.0, 6.0]


def test_tampered_model_code_is_detected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = _import_code(tmp_path, monkeypatch, "scaler_tampered")
    scaler = importlib.import_module("scaler_tampered").Scaler(3.0)
    save_model(scaler, tmp_path / "model", input_example={"x": [1.0]}, code_paths=[source])
    code = tmp_path / "model" / "code" / "scaler_tampered.py"
    code.write_text(code.read_text() + "\nimport os\n")

    with pytest.raises(Exception, match=r"'code/scaler_tampered.py' .*tampered"):
        load_model(tmp_path / "model", allow_pickle=True)


def test_model_code_from_another_home_needs_the_opt_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _import_code(tmp_path, monkeypatch, "scaler_elsewhere")
    scaler = importlib.import_module("scaler_elsewhere").Scaler(2.0)
    save_model(scaler, tmp_path / "model", input_example={"x": [1.0]}, code_paths=[source])
    monkeypatch.setenv("MLPLANE_HOME", str(tmp_path / "another-home"))

    with pytest.raises(UntrustedModelError, match=r"code/scaler_elsewhere.py"):
        load_model(tmp_path / "model")


class Doubler:
    """Pickled (it has no save/load); not thread-safe, so calls are serialized."""

    def __init__(self) -> None:
        self.calls = 0
        self.inside = 0
        self.overlapped = False

    def predict(self, frame: pd.DataFrame) -> Any:
        import time

        self.inside += 1
        self.overlapped = self.overlapped or self.inside > 1
        time.sleep(0.001)
        self.calls += 1
        self.inside -= 1
        return frame["x"].to_numpy() * 2


def test_an_object_without_save_is_pickled_and_called_one_at_a_time(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    frame = pd.DataFrame({"x": [1.0, 2.0]})
    manifest = save_model(Doubler(), tmp_path / "model", input_example=frame)
    predictor = load_model(tmp_path / "model")

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: predictor.predict(frame), range(20)))

    model = predictor.model.instance  # type: ignore[attr-defined]
    assert manifest.flavor_config["format"] == "pickle"
    assert all(result["prediction"].tolist() == [2.0, 4.0] for result in results)
    assert model.calls == 20
    assert model.overlapped is False


def test_an_object_without_predict_has_no_flavor(tmp_path: Path) -> None:
    with pytest.raises(Exception, match=r"cannot tell the flavor") as caught:
        save_model(object(), tmp_path / "model")

    assert getattr(caught.value, "status", None) == 422
    assert not (tmp_path / "model").exists()
