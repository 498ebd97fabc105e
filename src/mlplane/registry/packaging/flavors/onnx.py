"""ONNX graphs, run by onnxruntime. A data-only format: loading runs no Python code.

The model may be an `onnx.ModelProto`, the serialized bytes, or the path of a `.onnx` file.
A single-input graph takes the batch as one tensor (named columns side by side); a graph
with several inputs takes the columns by input name.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np

from mlplane.core.errors import InvalidInput
from mlplane.registry.packaging.batch import ModelInput
from mlplane.registry.packaging.checksums import VerifiedFolder
from mlplane.registry.packaging.flavors.base import SavedFlavor
from mlplane.registry.packaging.signature import BATCH, STRING, ColumnSpec, Signature

MODEL_FILE = "model.onnx"

# onnxruntime's element types, as numpy dtypes, for casting inputs.
_ONNX_TYPES = {
    "tensor(float)": np.float32,
    "tensor(double)": np.float64,
    "tensor(int64)": np.int64,
    "tensor(int32)": np.int32,
    "tensor(bool)": np.bool_,
    "tensor(string)": np.object_,
}


class OnnxModel:
    # InferenceSession.run may be called from many threads at once.
    thread_safe = True

    def __init__(self, session: Any) -> None:
        self.session = session
        self.inputs = session.get_inputs()
        self.output_names = [output.name for output in session.get_outputs()]

    def _feed(
        self, name: str, onnx_type: str, values: np.ndarray[Any, Any]
    ) -> np.ndarray[Any, Any]:
        dtype = _ONNX_TYPES.get(onnx_type)
        return values.astype(dtype) if dtype is not None and values.dtype != dtype else values

    def predict(self, batch: ModelInput) -> Any:
        if len(self.inputs) == 1:
            spec = self.inputs[0]
            feeds = {spec.name: self._feed(spec.name, spec.type, batch.matrix())}
        else:
            columns = batch.columns or {}
            missing = [spec.name for spec in self.inputs if spec.name not in columns]
            if missing:
                raise InvalidInput(f"the ONNX model needs the inputs {missing}", column=missing[0])
            feeds = {
                spec.name: self._feed(
                    spec.name, spec.type, columns[spec.name].reshape(len(columns[spec.name]), -1)
                )
                for spec in self.inputs
            }
        results = self.session.run(None, feeds)
        if len(results) == 1:
            return np.asarray(results[0])
        return {
            name: np.asarray(value) for name, value in zip(self.output_names, results, strict=True)
        }


def _spec(name: str | None, node: Any) -> ColumnSpec | None:
    dtype = _ONNX_TYPES.get(node.type)
    if dtype is None:
        return None
    shape = [size if isinstance(size, int) else BATCH for size in node.shape]
    dtype_name = STRING if dtype is np.object_ else np.dtype(dtype).name
    return ColumnSpec(name=name, dtype=dtype_name, shape=[BATCH, *shape[1:]] if shape else [BATCH])


def _declared_signature(graph: bytes) -> Signature | None:
    """The graph's own input and output declarations, as a signature."""
    import onnxruntime  # type: ignore[import-untyped]

    session = onnxruntime.InferenceSession(graph, providers=["CPUExecutionProvider"])
    nodes = session.get_inputs()
    single = len(nodes) == 1
    inputs = [_spec(None if single else node.name, node) for node in nodes]
    outputs = [_spec(node.name, node) for node in session.get_outputs()]
    if any(spec is None for spec in inputs):
        return None
    return Signature(
        inputs=[spec for spec in inputs if spec is not None],
        outputs=None
        if any(spec is None for spec in outputs)
        else [spec for spec in outputs if spec is not None],
    )


class OnnxFlavor:
    name = "onnx"

    def save(self, model: Any, directory: Path, input_example: Any) -> SavedFlavor:
        target = directory / MODEL_FILE
        if isinstance(model, bytes):
            target.write_bytes(model)
        elif isinstance(model, str | Path):
            shutil.copyfile(model, target)
        else:
            target.write_bytes(model.SerializeToString())
        return SavedFlavor(
            config={"file": MODEL_FILE},
            libraries=["onnx", "onnxruntime"],
            signature=_declared_signature(target.read_bytes()),
        )

    def held_files(self, config: dict[str, Any], files: list[str]) -> list[str]:
        return [str(config.get("file", MODEL_FILE))]

    def code_files(self, config: dict[str, Any], files: list[str]) -> list[str]:
        return []

    def load(self, folder: VerifiedFolder, config: dict[str, Any]) -> OnnxModel:
        import onnxruntime  # type: ignore[import-untyped]

        data = folder.read_bytes(str(config.get("file", MODEL_FILE)))
        session = onnxruntime.InferenceSession(data, providers=["CPUExecutionProvider"])
        return OnnxModel(session)
