"""What a model takes and gives: named columns or one tensor, with dtypes and shapes.

A signature is either a list of named columns (a table: each column has a dtype and a shape
whose first dimension, -1, is the batch) or a single unnamed tensor spec (`name` is None,
shape `[-1, 4]` for a batch of 4-vectors). It is inferred from example data at save time and
checked on every `predict`, so a bad request fails with a 422 that names the column or the
shape before the model ever sees it.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

import numpy as np
from pydantic import BaseModel, Field

from mlplane.core.errors import InvalidInput

BATCH = -1
STRING = "str"
BYTES = "bytes"


class SignatureError(InvalidInput):
    """The inputs do not match the model's signature (answered as 422)."""

    code = "signature_mismatch"


class ColumnSpec(BaseModel):
    """One named column, or (with `name` None) the single tensor a model takes."""

    name: str | None = None
    dtype: str = Field(description="A numpy dtype name, or 'str' / 'bytes' for text and blobs.")
    shape: list[int] = Field(
        default_factory=lambda: [BATCH],
        description="The batch dimension first (-1); -1 elsewhere means any size.",
    )

    def describe(self) -> str:
        return f"column {self.name!r}" if self.name is not None else "the input tensor"


class Signature(BaseModel):
    inputs: list[ColumnSpec]
    outputs: list[ColumnSpec] | None = None

    @property
    def is_tensor(self) -> bool:
        return len(self.inputs) == 1 and self.inputs[0].name is None

    @property
    def column_names(self) -> list[str]:
        return [spec.name for spec in self.inputs if spec.name is not None]


def dtype_name(dtype: np.dtype[Any]) -> str:
    if dtype.kind in "UO":
        return STRING
    if dtype.kind == "S":
        return BYTES
    return dtype.name


def is_frame(value: Any) -> bool:
    """Whether `value` is a pandas DataFrame (without importing pandas when nobody has)."""
    pandas = sys.modules.get("pandas")
    return pandas is not None and isinstance(value, pandas.DataFrame)


def as_array(values: Any) -> np.ndarray[Any, Any]:
    """A column or tensor as a numpy array (lists and pandas series included)."""
    if isinstance(values, np.ndarray):
        return values
    to_numpy = getattr(values, "to_numpy", None)
    if callable(to_numpy):
        return np.asarray(to_numpy())
    return np.asarray(values)


def _column_spec(name: str | None, values: Any) -> ColumnSpec:
    array = as_array(values)
    if array.ndim == 0:
        array = array.reshape(1)
    if array.dtype.kind == "O" and array.size and not isinstance(array.flat[0], str | bytes):
        # A column of lists or arrays: take the element's shape from its first value.
        inner = np.asarray(array.flat[0])
        return ColumnSpec(name=name, dtype=dtype_name(inner.dtype), shape=[BATCH, *inner.shape])
    return ColumnSpec(name=name, dtype=dtype_name(array.dtype), shape=[BATCH, *array.shape[1:]])


def _specs(example: Any) -> list[ColumnSpec]:
    if is_frame(example):
        return [_column_spec(str(name), example[name]) for name in example.columns]
    if isinstance(example, Mapping):
        return [_column_spec(str(name), values) for name, values in example.items()]
    return [_column_spec(None, example)]


def infer_signature(example_input: Any, example_output: Any = None) -> Signature:
    """A signature from example data: a DataFrame or dict gives columns, an array a tensor."""
    outputs = None if example_output is None else _specs(example_output)
    return Signature(inputs=_specs(example_input), outputs=outputs)


def _cast(spec: ColumnSpec, array: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    got = dtype_name(array.dtype)
    if spec.dtype == STRING:
        if array.dtype.kind in "UO" or array.size == 0:
            return array
    elif spec.dtype == BYTES:
        if array.dtype.kind in "SO" or array.size == 0:
            return array
    elif array.dtype.kind in "biuf" or (array.size == 0 and array.dtype.kind != "U"):
        target = np.dtype(spec.dtype)
        if np.can_cast(array.dtype, target, casting="same_kind") or array.size == 0:
            return array if array.dtype == target else array.astype(target)
    raise SignatureError(
        f"{spec.describe()} must be {spec.dtype}, got {got}",
        column=spec.name,
        expected_dtype=spec.dtype,
        dtype=got,
    )


def _check_shape(spec: ColumnSpec, array: np.ndarray[Any, Any]) -> None:
    expected = spec.shape
    actual = list(array.shape)
    matches = len(actual) == len(expected) and all(
        want in (BATCH, got) for want, got in zip(expected, actual, strict=True)
    )
    if not matches:
        shown = tuple("-1" if size == BATCH else size for size in expected)
        raise SignatureError(
            f"{spec.describe()} must have shape ({', '.join(map(str, shown))}), "
            f"got {tuple(actual)}",
            column=spec.name,
            expected_shape=expected,
            shape=actual,
        )


def _column_array(spec: ColumnSpec, values: Any) -> np.ndarray[Any, Any]:
    array = as_array(values)
    if array.ndim == 0:
        array = array.reshape(1)
    if len(spec.shape) > 1 and array.dtype.kind == "O" and array.ndim == 1:
        # A column of lists (as JSON or pandas gives them): stack into one array.
        try:
            array = np.stack([np.asarray(value) for value in array]) if len(array) else array
        except ValueError as error:
            raise SignatureError(
                f"{spec.describe()} has rows of different shapes", column=spec.name
            ) from error
    return array


def check_columns(signature: Signature, columns: Mapping[str, Any]) -> dict[str, Any]:
    """Cast and check named columns; extra columns are dropped, a missing one is an error."""
    checked: dict[str, np.ndarray[Any, Any]] = {}
    rows: int | None = None
    first: str | None = None
    for spec in signature.inputs:
        assert spec.name is not None
        if spec.name not in columns:
            raise SignatureError(
                f"column {spec.name!r} is missing (expected {signature.column_names})",
                column=spec.name,
            )
        array = _cast(spec, _column_array(spec, columns[spec.name]))
        _check_shape(spec, array)
        if rows is None:
            rows, first = len(array), spec.name
        elif len(array) != rows:
            raise SignatureError(
                f"column {spec.name!r} has {len(array)} rows but column {first!r} has {rows}",
                column=spec.name,
            )
        checked[spec.name] = array
    return checked


def check_tensor(signature: Signature, values: Any) -> np.ndarray[Any, Any]:
    spec = signature.inputs[0]
    array = as_array(values)
    array = _cast(spec, array)
    _check_shape(spec, array)
    return array
