from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from mlplane.models import load_model, save_model
from mlplane.registry.packaging import MANIFEST_FILE
from mlplane.registry.packaging.trust import KEY_FILE, UntrustedModelError


@pytest.fixture
def model_dir(tmp_path: Path, classifier: Any, table: pd.DataFrame) -> Path:
    save_model(classifier, tmp_path / "model", input_example=table.head())
    return tmp_path / "model"


def _move_to_another_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MLPLANE_HOME", str(tmp_path / "another-home"))


def test_a_model_saved_on_this_home_loads_without_opt_in(
    model_dir: Path, table: pd.DataFrame
) -> None:
    assert len(load_model(model_dir).predict(table)) == len(table)


def test_the_signing_key_is_private_to_the_home(model_dir: Path, tmp_path: Path) -> None:
    key = tmp_path / "default-home" / KEY_FILE

    assert len(key.read_bytes()) == 32
    assert stat.S_IMODE(key.stat().st_mode) == 0o600


def test_a_pickle_from_another_home_is_refused(
    model_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _move_to_another_home(monkeypatch, tmp_path)

    with pytest.raises(UntrustedModelError) as caught:
        load_model(model_dir)

    assert caught.value.status == 403
    assert "'model.pkl'" in caught.value.detail
    assert "allow_pickle=True" in caught.value.detail


def test_allow_pickle_loads_a_pickle_from_another_home(
    model_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, table: pd.DataFrame
) -> None:
    _move_to_another_home(monkeypatch, tmp_path)

    assert len(load_model(model_dir, allow_pickle=True).predict(table)) == len(table)


def test_the_environment_opt_in_loads_a_pickle_from_another_home(
    model_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _move_to_another_home(monkeypatch, tmp_path)
    monkeypatch.setenv("MLPLANE_MODELS_ALLOW_PICKLE", "1")

    assert load_model(model_dir).flavor == "sklearn"


def test_the_config_file_opt_in_loads_a_pickle_from_another_home(
    model_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _move_to_another_home(monkeypatch, tmp_path)
    (tmp_path / "another-home").mkdir()
    (tmp_path / "another-home" / "mlplane.toml").write_text("[models]\nallow_pickle = true\n")

    assert load_model(model_dir).flavor == "sklearn"


def test_allow_pickle_false_refuses_even_a_signed_model(model_dir: Path) -> None:
    with pytest.raises(UntrustedModelError):
        load_model(model_dir, allow_pickle=False)


def test_an_edited_manifest_loses_its_signature(model_dir: Path) -> None:
    document = json.loads((model_dir / MANIFEST_FILE).read_text())
    document["metadata"] = {"edited": True}
    (model_dir / MANIFEST_FILE).write_text(json.dumps(document))

    with pytest.raises(UntrustedModelError):
        load_model(model_dir)


class _Marker:
    """Unpickling this creates a file: proof that the pickle's code ran."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[Any, ...]:
        return (Path.touch, (self.path,))


def _swap_in_payload(model_dir: Path, marker: Path, flavor_format: str | None = None) -> None:
    import hashlib
    import pickle

    payload = pickle.dumps(_Marker(marker))
    (model_dir / "model.pkl").write_bytes(payload)
    document = json.loads((model_dir / MANIFEST_FILE).read_text())
    document["files"][0].update(sha256=hashlib.sha256(payload).hexdigest(), size=len(payload))
    if flavor_format is not None:
        document["flavor_config"]["format"] = flavor_format
    (model_dir / MANIFEST_FILE).write_text(json.dumps(document))


def test_a_replaced_pickle_with_a_matching_checksum_is_refused(
    model_dir: Path, tmp_path: Path
) -> None:
    marker = tmp_path / "code-ran"
    _swap_in_payload(model_dir, marker)

    with pytest.raises(UntrustedModelError):
        load_model(model_dir)

    assert not marker.exists()


def test_claiming_a_data_only_format_does_not_run_the_pickle(
    model_dir: Path, tmp_path: Path
) -> None:
    marker = tmp_path / "code-ran"
    _swap_in_payload(model_dir, marker, flavor_format="skops")

    with pytest.raises(Exception, match=r"could not be loaded") as caught:
        load_model(model_dir)

    assert getattr(caught.value, "status", None) == 422
    assert not marker.exists()


def test_the_opt_in_does_run_a_swapped_pickle(model_dir: Path, tmp_path: Path) -> None:
    marker = tmp_path / "code-ran"
    _swap_in_payload(model_dir, marker)

    with pytest.raises(Exception, match=r"predict"):
        load_model(model_dir, allow_pickle=True)

    # The opt-in means exactly this: the source is trusted to run code.
    assert marker.exists()
