"""Step values on the wire and in the artifact store: JSON when it round-trips, else pickle.

JSON keeps small outputs readable in the control panel; anything else (arrays, frames,
models) is pickled with cloudpickle so that functions and classes defined in a script work.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

JSON = "json"
PICKLE = "pickle"


def encode(value: Any) -> tuple[bytes, str]:
    """The value's bytes and their format."""
    if _is_plain(value):
        try:
            return json.dumps(value, sort_keys=True, separators=(",", ":")).encode(), JSON
        except (TypeError, ValueError):
            pass
    import cloudpickle  # type: ignore[import-untyped]

    return cloudpickle.dumps(value), PICKLE


def decode(data: bytes, format_: str) -> Any:
    if format_ == JSON:
        return json.loads(data)
    import pickle

    return pickle.loads(data)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def type_name(value: Any) -> str:
    kind = type(value)
    return (
        kind.__qualname__
        if kind.__module__ == "builtins"
        else f"{kind.__module__}.{kind.__qualname__}"
    )


def _is_plain(value: Any) -> bool:
    """True for values JSON writes and reads back unchanged (no tuples, no non-str keys)."""
    kind = type(value)
    if value is None or kind in (bool, int, str):
        return True
    if kind is float:
        return bool(value == value) and value not in (float("inf"), float("-inf"))
    if kind is list:
        return all(_is_plain(item) for item in value)
    if kind is dict:
        return all(isinstance(key, str) and _is_plain(item) for key, item in value.items())
    return False
