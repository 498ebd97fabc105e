"""Transformers flavor tests, on a tiny BERT built offline (they run where the `llm` extra is)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd  # type: ignore[import-untyped]
import pytest

from mlplane.models import load_model, save_model
from mlplane.registry.packaging.checksums import ModelIntegrityError
from mlplane.registry.packaging.save import seal
from mlplane.registry.packaging.signature import SignatureError
from mlplane.registry.packaging.trust import UntrustedModelError

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

WORDS = ["good", "bad", "movie", "great", "awful", "the", "was", "a", "plot"]
TEXTS = ["the movie was good", "a bad plot", "great", "awful awful movie"]


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    # Everything is built from local files: a hub request would be a bug.
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture
def sentiment(tmp_path: Path) -> Any:
    vocabulary = tmp_path / "vocabulary"
    vocabulary.mkdir()
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    (vocabulary / "vocab.txt").write_text("\n".join([*special, *WORDS]) + "\n")
    tokenizer = transformers.BertTokenizer.from_pretrained(str(vocabulary), model_max_length=64)
    config = transformers.BertConfig(
        vocab_size=len(special) + len(WORDS),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=2,
        id2label={0: "negative", 1: "positive"},
        label2id={"negative": 0, "positive": 1},
    )
    torch.manual_seed(0)
    model = transformers.BertForSequenceClassification(config).eval()
    return transformers.pipeline("text-classification", model=model, tokenizer=tokenizer)


def _labels(results: list[dict[str, Any]]) -> list[str]:
    return [str(result["label"]) for result in results]


def test_save_and_load_text_classification_pipeline(sentiment: Any, tmp_path: Path) -> None:
    frame = pd.DataFrame({"text": TEXTS})
    manifest = save_model(sentiment, tmp_path / "model", input_example=frame)

    result = load_model(tmp_path / "model").predict(frame)

    assert manifest.flavor == "transformers"
    assert manifest.flavor_config["task"] == "text-classification"
    assert not any(entry.path.endswith(".bin") for entry in manifest.files)
    assert any(entry.path.endswith(".safetensors") for entry in manifest.files)
    expected = sentiment(TEXTS)
    assert list(result["label"]) == _labels(expected)
    np.testing.assert_allclose(result["score"], [item["score"] for item in expected], rtol=1e-5)


def test_a_saved_pipeline_loads_without_trust(
    sentiment: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    save_model(sentiment, tmp_path / "model", input_example=pd.DataFrame({"text": TEXTS}))
    # Another home does not trust this one's signature: safetensors need no trust.
    monkeypatch.setenv("MLPLANE_HOME", str(tmp_path / "another-home"))

    result = load_model(tmp_path / "model").predict({"text": TEXTS[:2]})

    assert list(result["label"]) == _labels(sentiment(TEXTS[:2]))


def test_predict_takes_an_array_of_strings(sentiment: Any, tmp_path: Path) -> None:
    save_model(sentiment, tmp_path / "model", input_example=np.array(TEXTS))

    result = load_model(tmp_path / "model").predict(np.array(TEXTS))

    assert list(result["label"]) == _labels(sentiment(TEXTS))


def test_a_text_longer_than_the_model_window_is_truncated(sentiment: Any, tmp_path: Path) -> None:
    long_text = " ".join(["good movie"] * 100)
    save_model(sentiment, tmp_path / "model", input_example=pd.DataFrame({"text": TEXTS}))

    result = load_model(tmp_path / "model").predict({"text": [long_text]})

    assert list(result["label"]) == _labels(sentiment([long_text], truncation=True))


def test_signature_records_the_text_column(sentiment: Any, tmp_path: Path) -> None:
    manifest = save_model(
        sentiment, tmp_path / "model", input_example=pd.DataFrame({"text": TEXTS})
    )

    assert manifest.signature is not None
    assert [(spec.name, spec.dtype) for spec in manifest.signature.inputs] == [("text", "str")]


def test_a_column_the_signature_lacks_is_refused(sentiment: Any, tmp_path: Path) -> None:
    save_model(sentiment, tmp_path / "model", input_example=pd.DataFrame({"text": TEXTS}))

    with pytest.raises(SignatureError, match=r"text"):
        load_model(tmp_path / "model").predict(pd.DataFrame({"review": TEXTS}))


def test_without_an_example_the_only_column_is_the_text(sentiment: Any, tmp_path: Path) -> None:
    manifest = save_model(sentiment, tmp_path / "model")

    result = load_model(tmp_path / "model").predict(pd.DataFrame({"review": TEXTS}))

    assert manifest.signature is None
    assert list(result["label"]) == _labels(sentiment(TEXTS))


def test_a_tampered_weights_file_is_refused(sentiment: Any, tmp_path: Path) -> None:
    manifest = save_model(sentiment, tmp_path / "model")
    weights = next(entry.path for entry in manifest.files if entry.path.endswith(".safetensors"))
    path = tmp_path / "model" / weights
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))

    with pytest.raises(ModelIntegrityError, match=r"safetensors"):
        load_model(tmp_path / "model")


def test_pickled_weights_need_a_trusted_origin(
    sentiment: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As older transformers releases wrote them: torch pickles beside (or instead of) safetensors.
    directory = tmp_path / "model"
    manifest = save_model(sentiment, directory)
    torch.save(sentiment.model.state_dict(), directory / "pipeline" / "pytorch_model.bin")
    seal(directory, manifest, signed=True)
    assert len(load_model(directory).predict({"text": TEXTS})["label"]) == len(TEXTS)
    monkeypatch.setenv("MLPLANE_HOME", str(tmp_path / "another-home"))

    with pytest.raises(UntrustedModelError, match=r"pytorch_model.bin"):
        load_model(directory)
