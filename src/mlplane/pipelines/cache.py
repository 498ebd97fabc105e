"""Cache keys: a step's code, and the digest of every input, whether a value or an output.

Pipeline parameters reach steps as arguments, so changing a parameter, an upstream output
or the step's source changes the key and the step runs again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from mlplane.pipelines.dsl import Node, StepOutput
from mlplane.pipelines.serialization import digest, encode


def fingerprint(value: Any, outputs: Mapping[str, str]) -> Any:
    """A JSON-able stand-in for a value: upstream outputs by digest, the rest by content."""
    if isinstance(value, StepOutput):
        return {"output": outputs[value.node]}
    if isinstance(value, list | tuple):
        return [fingerprint(item, outputs) for item in value]
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        return {key: fingerprint(item, outputs) for key, item in value.items()}
    return {"value": digest(encode(value)[0])}


def cache_key(node: Node, outputs: Mapping[str, str]) -> str:
    """The key of a node's output, given the output digests of the nodes it reads."""
    material = {
        "code": node.step.code_digest,
        "args": fingerprint(list(node.args), outputs),
        "kwargs": fingerprint(node.kwargs, outputs),
        "map": None if node.map_over is None else fingerprint(node.map_over, outputs),
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()
