from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from mlplane.models import load_model, save_model
from mlplane.registry.packaging import MANIFEST_FILE
from mlplane.registry.packaging.checksums import ModelIntegrityError


@pytest.fixture
def model_dir(tmp_path: Path, classifier: Any, table: pd.DataFrame) -> Path:
    save_model(classifier, tmp_path / "model", input_example=table.head())
    return tmp_path / "model"


def test_a_flipped_byte_is_detected_and_the_file_named(model_dir: Path) -> None:
    path = model_dir / "model.pkl"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))

    with pytest.raises(ModelIntegrityError) as caught:
        load_model(model_dir, allow_pickle=True)

    assert "'model.pkl'" in caught.value.detail
    assert "checksum" in caught.value.detail
    assert caught.value.extra["file"] == "model.pkl"


def test_a_truncated_file_is_detected(model_dir: Path) -> None:
    path = model_dir / "model.pkl"
    path.write_bytes(path.read_bytes()[:-10])

    with pytest.raises(ModelIntegrityError, match=r"'model.pkl' is .* bytes"):
        load_model(model_dir, allow_pickle=True)


def test_a_missing_file_is_detected(model_dir: Path) -> None:
    (model_dir / "model.pkl").unlink()

    with pytest.raises(ModelIntegrityError, match=r"'model.pkl' is missing"):
        load_model(model_dir)


def test_a_file_slipped_into_the_folder_is_refused(model_dir: Path) -> None:
    (model_dir / "extra.pkl").write_bytes(b"not listed")

    with pytest.raises(ModelIntegrityError, match=r"'extra.pkl' is not listed"):
        load_model(model_dir)


def test_a_manifest_path_escaping_the_folder_is_refused(model_dir: Path) -> None:
    document = json.loads((model_dir / MANIFEST_FILE).read_text())
    document["files"][0]["path"] = "../outside.joblib"
    (model_dir / MANIFEST_FILE).write_text(json.dumps(document))

    with pytest.raises(Exception, match=r"must not contain '..'"):
        load_model(model_dir, allow_pickle=True)


def test_a_folder_without_manifest_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(Exception, match=r"no mlplane-model.json") as caught:
        load_model(tmp_path)

    assert getattr(caught.value, "status", None) == 404
