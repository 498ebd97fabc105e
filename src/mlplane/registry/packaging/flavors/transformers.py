"""Hugging Face Transformers pipelines (the `llm` extra), saved with `save_pretrained`.

Weights are written as safetensors, a data-only format; a pipeline saved with pickled
`.bin` weights is treated as code-running (torch's pickle loader) and needs a trusted origin.
Inputs are the text column (`text`, or the only column) or a 1-D array of strings; outputs are
the pipeline's records turned into one array per key (`label`, `score`, ...).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mlplane.core.errors import InvalidInput
from mlplane.registry.packaging.batch import ModelInput
from mlplane.registry.packaging.checksums import VerifiedFolder
from mlplane.registry.packaging.flavors.base import SavedFlavor

PIPELINE_FOLDER = "pipeline"
TEXT_COLUMN = "text"
# Weight files that torch reads with its pickle loader.
PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".pkl", ".ckpt")
# Tasks that answer one result per whole text: a text longer than the model's window is cut
# to fit, as it would otherwise fail inside the model (a position-embedding size mismatch).
TRUNCATING_TASKS = frozenset({"text-classification", "feature-extraction"})


class PipelineModel:
    # Pipelines keep per-call state in the tokenizer and model: one call at a time.
    thread_safe = False

    def __init__(self, pipeline: Any, options: dict[str, Any] | None = None) -> None:
        self.pipeline = pipeline
        self.options = options or {}

    def _texts(self, batch: ModelInput) -> list[Any]:
        if batch.tensor is not None:
            return [str(value) for value in batch.tensor.reshape(-1)]
        columns = batch.columns or {}
        if TEXT_COLUMN in columns:
            return [str(value) for value in columns[TEXT_COLUMN]]
        if len(columns) == 1:
            return [str(value) for value in next(iter(columns.values()))]
        raise InvalidInput(f"the pipeline takes one text column, got {sorted(columns)}")

    def predict(self, batch: ModelInput) -> Any:
        results = self.pipeline(self._texts(batch), **self.options)
        # Some tasks answer a list of candidates per input: keep the best one.
        return [item[0] if isinstance(item, list) and item else item for item in results]


class TransformersFlavor:
    name = "transformers"

    def save(self, model: Any, directory: Path, input_example: Any) -> SavedFlavor:
        # safetensors is the default format since transformers 4.35 (the only one since 5);
        # the `safe_serialization` switch is gone in 5, so it is not passed.
        model.save_pretrained(str(directory / PIPELINE_FOLDER))
        return SavedFlavor(
            config={"folder": PIPELINE_FOLDER, "task": model.task},
            libraries=["transformers", "torch", "tokenizers"],
        )

    def held_files(self, config: dict[str, Any], files: list[str]) -> list[str]:
        return []

    def code_files(self, config: dict[str, Any], files: list[str]) -> list[str]:
        folder = f"{config.get('folder', PIPELINE_FOLDER)}/"
        return [
            name for name in files if name.startswith(folder) and name.endswith(PICKLE_SUFFIXES)
        ]

    def load(self, folder: VerifiedFolder, config: dict[str, Any]) -> PipelineModel:
        import transformers  # type: ignore[import-not-found]

        location = folder.path(str(config.get("folder", PIPELINE_FOLDER)))
        task = config.get("task")
        pipeline = transformers.pipeline(task, model=str(location), trust_remote_code=False)
        options = {"truncation": True} if pipeline.task in TRUNCATING_TASKS else {}
        return PipelineModel(pipeline, options)
