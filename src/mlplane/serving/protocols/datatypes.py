"""Open Inference Protocol tensor datatypes and their numpy counterparts.

BYTES tensors travel in JSON as strings and, in the binary extension, as elements each
prefixed by its length (4 bytes, little-endian), as Triton lays them out.
"""

from __future__ import annotations

import struct
from typing import Any

import numpy as np

from mlplane.serving.protocols.errors import bad_request

BYTES = "BYTES"

_TO_NUMPY: dict[str, np.dtype[Any]] = {
    "BOOL": np.dtype(np.bool_),
    "UINT8": np.dtype(np.uint8),
    "UINT16": np.dtype(np.uint16),
    "UINT32": np.dtype(np.uint32),
    "UINT64": np.dtype(np.uint64),
    "INT8": np.dtype(np.int8),
    "INT16": np.dtype(np.int16),
    "INT32": np.dtype(np.int32),
    "INT64": np.dtype(np.int64),
    "FP16": np.dtype(np.float16),
    "FP32": np.dtype(np.float32),
    "FP64": np.dtype(np.float64),
}
_FROM_NUMPY = {dtype.name: name for name, dtype in _TO_NUMPY.items()}
DATATYPES = (*_TO_NUMPY, BYTES)


def numpy_dtype(datatype: str) -> np.dtype[Any]:
    """The numpy dtype of a fixed-size datatype (BYTES has none: it is `object`)."""
    if datatype == BYTES:
        return np.dtype(object)
    dtype = _TO_NUMPY.get(datatype)
    if dtype is None:
        raise bad_request(f"unknown datatype {datatype!r} (expected one of {list(DATATYPES)})")
    return dtype


def datatype_of_name(dtype_name: str) -> str:
    """A signature's dtype name ('float64', 'str', 'bytes') as a protocol datatype."""
    return _FROM_NUMPY.get(dtype_name, BYTES)


def datatype_of(array: np.ndarray[Any, Any]) -> str:
    return _FROM_NUMPY.get(array.dtype.name, BYTES)


def _as_bytes(value: Any) -> bytes:
    if isinstance(value, bytes):
        return value
    return str(value).encode()


def serialize_bytes(array: np.ndarray[Any, Any]) -> bytes:
    parts: list[bytes] = []
    for value in array.reshape(-1):
        encoded = _as_bytes(value)
        parts.append(struct.pack("<I", len(encoded)))
        parts.append(encoded)
    return b"".join(parts)


def deserialize_bytes(buffer: bytes | memoryview) -> np.ndarray[Any, Any]:
    values: list[bytes] = []
    offset = 0
    view = memoryview(buffer)
    while offset < len(view):
        if offset + 4 > len(view):
            raise bad_request("a BYTES tensor ends inside an element's length prefix")
        (length,) = struct.unpack_from("<I", view, offset)
        offset += 4
        if offset + length > len(view):
            raise bad_request("a BYTES tensor element runs past the end of its data")
        values.append(bytes(view[offset : offset + length]))
        offset += length
    return np.array(values, dtype=object)


def tensor_bytes(array: np.ndarray[Any, Any], datatype: str) -> bytes:
    """A tensor's raw data for the binary extension (row-major, little-endian)."""
    if datatype == BYTES:
        return serialize_bytes(array)
    return np.ascontiguousarray(array, dtype=numpy_dtype(datatype).newbyteorder("<")).tobytes()


def tensor_from_bytes(
    buffer: bytes | memoryview, datatype: str, shape: list[int]
) -> np.ndarray[Any, Any]:
    if datatype == BYTES:
        array = deserialize_bytes(buffer)
    else:
        dtype = numpy_dtype(datatype).newbyteorder("<")
        if len(buffer) % dtype.itemsize:
            raise bad_request(f"{len(buffer)} bytes is not a whole number of {datatype} elements")
        array = np.frombuffer(buffer, dtype=dtype)
    return reshape(array, shape)


def reshape(array: np.ndarray[Any, Any], shape: list[int]) -> np.ndarray[Any, Any]:
    expected = int(np.prod(shape)) if shape else 1
    if array.size != expected:
        raise bad_request(
            f"the data holds {array.size} elements but the shape {shape} needs {expected}"
        )
    return array.reshape(shape)


def json_values(array: np.ndarray[Any, Any]) -> list[Any]:
    """A tensor's elements, flattened row-major, as JSON values."""
    flat = array.reshape(-1)
    if flat.dtype.kind in "OSU":
        return [v.decode(errors="replace") if isinstance(v, bytes) else str(v) for v in flat]
    return flat.tolist()  # type: ignore[no-any-return]
