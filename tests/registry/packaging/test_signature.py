from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from mlplane.core.errors import InvalidInput
from mlplane.registry.packaging.batch import check_inputs
from mlplane.registry.packaging.signature import (
    ColumnSpec,
    Signature,
    SignatureError,
    infer_signature,
)


def test_infer_signature_from_a_frame_gives_named_columns() -> None:
    frame = pd.DataFrame({"age": [31, 45], "income": [1.5, 2.5], "city": ["Lyon", "Oslo"]})

    signature = infer_signature(frame, np.array([0.1, 0.2]))

    assert signature.inputs == [
        ColumnSpec(name="age", dtype="int64", shape=[-1]),
        ColumnSpec(name="income", dtype="float64", shape=[-1]),
        ColumnSpec(name="city", dtype="str", shape=[-1]),
    ]
    assert signature.outputs == [ColumnSpec(name=None, dtype="float64", shape=[-1])]
    assert not signature.is_tensor


def test_infer_signature_from_an_array_gives_one_tensor() -> None:
    signature = infer_signature(np.zeros((3, 4), dtype=np.float32))

    assert signature.is_tensor
    assert signature.inputs == [ColumnSpec(name=None, dtype="float32", shape=[-1, 4])]
    assert signature.outputs is None


def test_infer_signature_from_a_dict_of_vector_columns() -> None:
    signature = infer_signature({"embedding": [[0.1, 0.2, 0.3]], "id": [7]})

    assert signature.inputs == [
        ColumnSpec(name="embedding", dtype="float64", shape=[-1, 3]),
        ColumnSpec(name="id", dtype="int64", shape=[-1]),
    ]


@pytest.fixture
def columns() -> Signature:
    return infer_signature(pd.DataFrame({"age": [1.0], "income": [2.0]}))


def test_missing_column_is_a_422_naming_it(columns: Signature) -> None:
    with pytest.raises(SignatureError) as caught:
        check_inputs(columns, {"age": [1.0, 2.0]})

    assert isinstance(caught.value, InvalidInput)
    assert caught.value.status == 422
    assert "'income'" in caught.value.detail
    assert caught.value.to_problem()["column"] == "income"


def test_wrong_dtype_names_the_column(columns: Signature) -> None:
    with pytest.raises(SignatureError) as caught:
        check_inputs(columns, {"age": [1.0], "income": ["lots"]})

    assert caught.value.extra["column"] == "income"
    assert "float64" in caught.value.detail


def test_columns_of_different_lengths_are_refused(columns: Signature) -> None:
    with pytest.raises(SignatureError) as caught:
        check_inputs(columns, {"age": [1.0, 2.0], "income": [3.0]})

    assert caught.value.extra["column"] == "income"


def test_integers_are_cast_to_float_columns_and_extra_columns_dropped(columns: Signature) -> None:
    batch, kind = check_inputs(columns, {"age": [1, 2], "income": [3, 4], "unused": ["x", "y"]})

    assert kind == "dict"
    assert batch.columns is not None
    assert list(batch.columns) == ["age", "income"]
    assert batch.columns["age"].dtype == np.float64


def test_floats_are_refused_for_an_integer_column() -> None:
    signature = infer_signature({"count": np.array([1, 2])})

    with pytest.raises(SignatureError, match=r"'count' must be int64"):
        check_inputs(signature, {"count": [1.5]})


def test_tensor_shape_mismatch_names_the_shape() -> None:
    signature = infer_signature(np.zeros((2, 4)))

    with pytest.raises(SignatureError) as caught:
        check_inputs(signature, np.zeros((2, 5)))

    assert "(-1, 4)" in caught.value.detail
    assert caught.value.extra["shape"] == [2, 5]


def test_an_array_is_split_into_named_scalar_columns(columns: Signature) -> None:
    batch, _ = check_inputs(columns, np.array([[1.0, 2.0], [3.0, 4.0]]))

    assert batch.columns is not None
    assert batch.columns["income"].tolist() == [2.0, 4.0]


def test_an_array_of_the_wrong_width_is_refused_for_columns(columns: Signature) -> None:
    with pytest.raises(SignatureError, match=r"named columns \['age', 'income'\]"):
        check_inputs(columns, np.zeros((2, 3)))


def test_vector_column_rows_must_have_the_declared_width() -> None:
    signature = infer_signature({"embedding": [[0.1, 0.2, 0.3]]})
    frame: Any = pd.DataFrame({"embedding": [[0.1, 0.2], [0.3, 0.4]]})

    with pytest.raises(SignatureError) as caught:
        check_inputs(signature, frame)

    assert caught.value.extra["column"] == "embedding"
    assert caught.value.extra["shape"] == [2, 2]
