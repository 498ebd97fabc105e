"""Batches in and out of a predictor: checked inputs, and outputs shaped like the inputs.

Inputs may be a pandas DataFrame, a dict of column name -> array or list, or an array (or
nested list). They are checked against the signature and handed to the flavor as a
`ModelInput`: named columns or one tensor. Outputs come back in the caller's form:

- a DataFrame in gives a DataFrame out (one column per output; a single unnamed 1-D output is
  the column `prediction`, a 2-D one the columns `prediction_0`, `prediction_1`, ...);
- a dict in gives a dict of arrays out (a single unnamed output under `prediction`);
- an array in gives an array out when the model has one output, else a dict of arrays.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from mlplane.registry.packaging.signature import (
    ColumnSpec,
    Signature,
    SignatureError,
    as_array,
    check_columns,
    check_tensor,
    is_frame,
)

PREDICTION = "prediction"
InputKind = Literal["frame", "dict", "array"]


@dataclass
class ModelInput:
    """A checked batch: named columns (in signature order) or one tensor."""

    columns: dict[str, np.ndarray[Any, Any]] | None = None
    tensor: np.ndarray[Any, Any] | None = None

    def rows(self) -> int:
        if self.tensor is not None:
            return len(self.tensor)
        return len(next(iter(self.columns.values()))) if self.columns else 0

    def matrix(self) -> np.ndarray[Any, Any]:
        """The batch as one 2-D (or n-D) array: columns side by side in signature order."""
        if self.tensor is not None:
            return self.tensor
        assert self.columns is not None
        arrays = [array.reshape(len(array), -1) for array in self.columns.values()]
        return arrays[0] if len(arrays) == 1 else np.concatenate(arrays, axis=1)

    def frame(self) -> Any:
        """The batch as a pandas DataFrame (for models fitted on named columns)."""
        import pandas as pd  # type: ignore[import-untyped]

        if self.columns is None:
            assert self.tensor is not None
            return pd.DataFrame(self.tensor)
        return pd.DataFrame(
            {name: list(array) if array.ndim > 1 else array for name, array in self.columns.items()}
        )


def _kind(inputs: Any) -> InputKind:
    if is_frame(inputs):
        return "frame"
    if isinstance(inputs, Mapping):
        return "dict"
    return "array"


def _as_columns(inputs: Any, kind: InputKind) -> dict[str, Any]:
    if kind == "frame":
        return {str(name): inputs[name] for name in inputs.columns}
    return {str(name): values for name, values in inputs.items()}


def _columns_from_array(signature: Signature, inputs: Any) -> dict[str, Any]:
    array = as_array(inputs)
    names = signature.column_names
    scalar = all(len(spec.shape) == 1 for spec in signature.inputs)
    if array.ndim == 2 and scalar and array.shape[1] == len(names):
        return {name: array[:, index] for index, name in enumerate(names)}
    raise SignatureError(
        f"the model takes the named columns {names}; send a table or a mapping of columns "
        f"(got an array of shape {tuple(array.shape)})",
        shape=list(array.shape),
    )


def _tensor_from(inputs: Any, kind: InputKind) -> Any:
    if kind == "frame":
        return inputs.to_numpy()
    if kind == "dict":
        if len(inputs) != 1:
            raise SignatureError(
                f"the model takes one tensor; got the columns {sorted(map(str, inputs))}"
            )
        return next(iter(inputs.values()))
    return inputs


def check_inputs(signature: Signature | None, inputs: Any) -> tuple[ModelInput, InputKind]:
    kind = _kind(inputs)
    if signature is None:
        if kind == "array":
            return ModelInput(tensor=as_array(inputs)), kind
        return ModelInput(
            columns={k: as_array(v) for k, v in _as_columns(inputs, kind).items()}
        ), kind
    if signature.is_tensor:
        return ModelInput(tensor=check_tensor(signature, _tensor_from(inputs, kind))), kind
    columns = (
        _columns_from_array(signature, inputs) if kind == "array" else _as_columns(inputs, kind)
    )
    return ModelInput(columns=check_columns(signature, columns)), kind


def _output_names(outputs: list[ColumnSpec] | None) -> list[str | None]:
    return [spec.name for spec in outputs] if outputs else []


def normalize_outputs(
    raw: Any, outputs: list[ColumnSpec] | None
) -> np.ndarray[Any, Any] | dict[str, np.ndarray[Any, Any]]:
    """The model's raw result as one array or a dict of named arrays."""
    if is_frame(raw):
        return {str(name): raw[name].to_numpy() for name in raw.columns}
    if isinstance(raw, Mapping):
        return {str(name): as_array(values) for name, values in raw.items()}
    if isinstance(raw, list | tuple) and raw and all(isinstance(item, Mapping) for item in raw):
        # Records (as pipelines return them): one array per key.
        keys = list(raw[0])
        return {str(key): np.asarray([item.get(key) for item in raw]) for key in keys}
    array = as_array(raw)
    names = _output_names(outputs)
    if len(names) == 1 and names[0] is not None:
        return {names[0]: array}
    return array


def _columns_of(result: np.ndarray[Any, Any], outputs: list[ColumnSpec] | None) -> dict[str, Any]:
    if result.ndim <= 1:
        return {PREDICTION: result}
    if result.ndim == 2:
        return {f"{PREDICTION}_{index}": result[:, index] for index in range(result.shape[1])}
    return {PREDICTION: list(result)}


def shape_outputs(
    result: np.ndarray[Any, Any] | dict[str, np.ndarray[Any, Any]],
    kind: InputKind,
    outputs: list[ColumnSpec] | None,
) -> Any:
    """Outputs in the form the inputs came in (see the module doc)."""
    if kind == "array":
        if isinstance(result, dict) and len(result) == 1:
            return next(iter(result.values()))
        return result
    columns = _columns_of(result, outputs) if isinstance(result, np.ndarray) else dict(result)
    if kind == "dict":
        if isinstance(result, np.ndarray):
            return {PREDICTION: result}
        return columns
    import pandas as pd  # type: ignore[import-untyped]

    return pd.DataFrame(
        {name: list(values) if np.ndim(values) > 1 else values for name, values in columns.items()}
    )
