"""PyTorch flavor tests; they run where torch is installed (the `llm` extra)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mlplane.models import load_model, save_model
from mlplane.registry.packaging.trust import UntrustedModelError

torch = pytest.importorskip("torch")


def _linear() -> torch.nn.Module:
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(3, 2))


def test_save_and_load_torchscript_without_opt_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = _linear().eval()
    scripted = torch.jit.script(module)
    features = np.random.default_rng(5).normal(size=(4, 3)).astype(np.float32)
    manifest = save_model(scripted, tmp_path / "model", input_example=features)
    monkeypatch.setenv("MLPLANE_HOME", str(tmp_path / "another-home"))

    result = load_model(tmp_path / "model").predict(features)

    assert manifest.flavor == "pytorch"
    assert manifest.flavor_config["format"] == "torchscript"
    with torch.no_grad():
        np.testing.assert_allclose(result, module(torch.as_tensor(features)).numpy(), rtol=1e-5)


def test_an_eager_module_is_a_pickle_that_needs_trust(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    features = np.zeros((2, 3), dtype=np.float32)
    save_model(_linear(), tmp_path / "model", input_example=features)
    assert load_model(tmp_path / "model").predict(features).shape == (2, 2)
    monkeypatch.setenv("MLPLANE_HOME", str(tmp_path / "another-home"))

    with pytest.raises(UntrustedModelError, match=r"module.pt"):
        load_model(tmp_path / "model")
