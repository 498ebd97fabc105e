"""Row-oriented JSON bodies (KServe V1, MLflow's scoring format) to and from model batches."""

from __future__ import annotations

from typing import Any

import numpy as np

from mlplane.registry.packaging.signature import Signature
from mlplane.serving.batching import Outputs
from mlplane.serving.protocols.errors import bad_request


def records_to_columns(records: list[Any], signature: Signature | None) -> dict[str, list[Any]]:
    """A list of `{column: value}` objects as columns (the signature's, else the first row's)."""
    if not all(isinstance(record, dict) for record in records):
        raise bad_request("every row must be an object of column values")
    if signature is not None and not signature.is_tensor:
        names = signature.column_names
    else:
        names = list(records[0]) if records else []
    columns: dict[str, list[Any]] = {name: [] for name in names}
    for index, record in enumerate(records):
        for name in names:
            if name not in record:
                raise bad_request(f"row {index} has no column '{name}'")
            columns[name].append(record[name])
    return columns


def instances_to_inputs(instances: Any, signature: Signature | None) -> Any:
    """KServe V1 `instances`: rows as objects (named columns) or as lists (positional)."""
    if not isinstance(instances, list) or not instances:
        raise bad_request("'instances' must be a non-empty list of rows")
    if isinstance(instances[0], dict):
        return records_to_columns(instances, signature)
    return np.asarray(instances)


def columns_or_tensor(inputs: Any, signature: Signature | None) -> Any:
    """The `inputs` form: a mapping of columns, or a tensor as nested lists."""
    if isinstance(inputs, dict):
        return {name: np.asarray(values) for name, values in inputs.items()}
    if isinstance(inputs, list) and inputs and isinstance(inputs[0], dict):
        return records_to_columns(inputs, signature)
    if isinstance(inputs, list):
        return np.asarray(inputs)
    raise bad_request("'inputs' must be an object of columns or a list")


def _jsonable(values: np.ndarray[Any, Any]) -> list[Any]:
    if values.dtype.kind in "OSU":
        return [v.decode(errors="replace") if isinstance(v, bytes) else v for v in values.tolist()]
    return values.tolist()  # type: ignore[no-any-return]


def predictions(outputs: Outputs) -> list[Any]:
    """One value per row for a single output, else one object per row."""
    if len(outputs) == 1:
        return _jsonable(next(iter(outputs.values())))
    columns = {name: _jsonable(values) for name, values in outputs.items()}
    rows = len(next(iter(columns.values())))
    return [{name: values[index] for name, values in columns.items()} for index in range(rows)]
