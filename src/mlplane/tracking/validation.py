"""Checks on what a run logs, in plain Python: a batch of 1000 points costs microseconds.

The rules are MLflow's: keys match `^[/\\w.\\- ]*$`, are at most 250 characters and are
normalized relative paths; param values hold at most 6000 characters, tag values 8000;
a batch holds at most 1000 metrics, 100 params, 100 tags and 1000 entries in all.
"""

from __future__ import annotations

import math
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mlplane.core.errors import InvalidInput
from mlplane.tracking.limits import (
    KEY_PATTERN,
    MAX_KEY_LENGTH,
    MAX_PARAM_VALUE_LENGTH,
    MAX_TAG_VALUE_LENGTH,
    BatchLimits,
)

_KEY = re.compile(KEY_PATTERN)
_INT64 = 1 << 63
_NON_FINITE = {
    "NaN": math.nan,
    "nan": math.nan,
    "Infinity": math.inf,
    "inf": math.inf,
    "-Infinity": -math.inf,
    "-inf": -math.inf,
}


def check_key(key: object, where: str) -> str:
    if not isinstance(key, str) or not key:
        raise InvalidInput(f"{where}: a key must be a non-empty string")
    if len(key) > MAX_KEY_LENGTH:
        raise InvalidInput(f"{where}: key {key[:40]!r}... is longer than {MAX_KEY_LENGTH}")
    if not _KEY.match(key):
        raise InvalidInput(
            f"{where}: key {key!r} may only hold letters, digits, '_', '-', '.', '/' and spaces"
        )
    normalized = posixpath.normpath(key)
    if normalized != key or normalized == "." or normalized.startswith(("..", "/")):
        raise InvalidInput(
            f"{where}: key {key!r} must be a plain relative path (no '..', '//', "
            "leading or trailing '/')"
        )
    return key


def _check_text(value: object, limit: int, where: str) -> str:
    if not isinstance(value, str):
        raise InvalidInput(f"{where}: must be a string")
    if len(value) > limit:
        raise InvalidInput(f"{where}: holds {len(value)} characters; at most {limit} are allowed")
    return value


def check_param_value(value: object, where: str) -> str:
    return _check_text(value, MAX_PARAM_VALUE_LENGTH, where)


def check_tag_value(value: object, where: str) -> str:
    return _check_text(value, MAX_TAG_VALUE_LENGTH, where)


def check_tags(tags: Mapping[str, str], where: str) -> dict[str, str]:
    for key, value in tags.items():
        check_key(key, f"{where}.{key}")
        check_tag_value(value, f"{where}.{key}")
    return dict(tags)


def _int64(value: object, where: str) -> int:
    if type(value) is not int:
        if isinstance(value, str) and value.lstrip("-").isdigit():
            value = int(value)
        else:
            raise InvalidInput(f"{where}: must be an integer")
    if not -_INT64 <= value < _INT64:
        raise InvalidInput(f"{where}: does not fit in 64 bits")
    return value


def _metric_value(value: object, where: str) -> float | None:
    """The value to store: a float, or None for NaN (SQLite cannot store NaN)."""
    if type(value) is float:
        return None if value != value else value
    if type(value) is int:
        return float(value)
    if isinstance(value, str) and value in _NON_FINITE:
        number = _NON_FINITE[value]
        return None if math.isnan(number) else number
    raise InvalidInput(f"{where}: must be a number, 'NaN', 'Infinity' or '-Infinity'")


def _entries(body: Mapping[str, Any], name: str) -> list[Any]:
    entries = body.get(name)
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise InvalidInput(f"{name}: must be a list")
    return entries


def _pair(entry: object, where: str) -> tuple[object, object]:
    if not isinstance(entry, dict):
        raise InvalidInput(f"{where}: must be an object with 'key' and 'value'")
    return entry.get("key"), entry.get("value")


MetricRowValues = tuple[str, str, float | None, int, int]
"""A metric row ready to insert: (run_id, key, value or None for NaN, step, timestamp)."""


@dataclass
class Batch:
    """A checked batch: metric rows ready to insert, params and tags by key."""

    metrics: list[MetricRowValues] = field(default_factory=list)
    params: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)


def check_batch_size(metrics: int, params: int, tags: int, limits: BatchLimits) -> None:
    if metrics > limits.metrics:
        raise InvalidInput(
            f"metrics: a batch holds at most {limits.metrics} metrics; got {metrics}"
        )
    if params > limits.params:
        raise InvalidInput(f"params: a batch holds at most {limits.params} params; got {params}")
    if tags > limits.tags:
        raise InvalidInput(f"tags: a batch holds at most {limits.tags} tags; got {tags}")
    if metrics + params + tags > limits.entries:
        raise InvalidInput(
            f"a batch holds at most {limits.entries} metrics, params and tags in all; "
            f"got {metrics + params + tags}"
        )


def _check_metric(
    entry: object, index: int, run_id: str, now_ms: int, checked_keys: set[str]
) -> MetricRowValues:
    """One metric entry, checked field by field with an error that names the field."""
    if not isinstance(entry, dict):
        raise InvalidInput(f"metrics[{index}]: must be an object with 'key' and 'value'")
    key = entry.get("key")
    if type(key) is not str or key not in checked_keys:
        checked_keys.add(check_key(key, f"metrics[{index}].key"))
    if "value" not in entry:
        raise InvalidInput(f"metrics[{index}].value: is required")
    value = _metric_value(entry["value"], f"metrics[{index}].value")
    step = _int64(entry.get("step", 0), f"metrics[{index}].step")
    timestamp = entry.get("timestamp")
    if timestamp is None:
        timestamp = now_ms
    else:
        timestamp = _int64(timestamp, f"metrics[{index}].timestamp")
        if timestamp < 0:
            raise InvalidInput(f"metrics[{index}].timestamp: must not be negative")
    return (run_id, str(key), value, step, timestamp)


def check_metrics(entries: list[Any], run_id: str, now_ms: int) -> list[MetricRowValues]:
    """Metric rows from entries. The common entry (a known key, a finite float, int step and
    timestamp) takes a fast path; anything else is checked in full by `_check_metric`.
    """
    rows: list[MetricRowValues] = []
    append = rows.append
    checked_keys: set[str] = set()
    for index, entry in enumerate(entries):
        if type(entry) is dict:
            key = entry.get("key")
            value = entry.get("value")
            step = entry.get("step", 0)
            timestamp = entry.get("timestamp")
            if (
                type(key) is str
                and key in checked_keys
                and type(value) is float
                and value == value  # not NaN
                and type(step) is int
                and -_INT64 <= step < _INT64
                and type(timestamp) is int
                and 0 <= timestamp < _INT64
            ):
                append((run_id, key, value, step, timestamp))  # type: ignore[arg-type]
                continue
        append(_check_metric(entry, index, run_id, now_ms, checked_keys))
    return rows


def check_params(entries: list[Any]) -> dict[str, str]:
    params: dict[str, str] = {}
    for index, entry in enumerate(entries):
        key, value = _pair(entry, f"params[{index}]")
        key = check_key(key, f"params[{index}].key")
        value = check_param_value(value, f"params[{index}].value")
        if key in params and params[key] != value:
            raise InvalidInput(
                f"params[{index}]: param {key!r} appears twice with different values "
                f"({params[key]!r} and {value!r})"
            )
        params[key] = value
    return params


def check_tag_entries(entries: list[Any]) -> dict[str, str]:
    tags: dict[str, str] = {}
    for index, entry in enumerate(entries):
        key, value = _pair(entry, f"tags[{index}]")
        tags[check_key(key, f"tags[{index}].key")] = check_tag_value(value, f"tags[{index}].value")
    return tags


def check_batch(body: object, run_id: str, now_ms: int, limits: BatchLimits) -> Batch:
    """Check a whole batch before anything is written, so it is all-or-nothing."""
    if not isinstance(body, dict):
        raise InvalidInput("the body must be an object with 'metrics', 'params' and 'tags'")
    unknown = set(body) - {"metrics", "params", "tags", "run_id"}
    if unknown:
        raise InvalidInput(f"{sorted(unknown)[0]}: unknown field; use metrics, params, tags")
    metrics, params, tags = (_entries(body, name) for name in ("metrics", "params", "tags"))
    check_batch_size(len(metrics), len(params), len(tags), limits)
    return Batch(
        metrics=check_metrics(metrics, run_id, now_ms),
        params=check_params(params),
        tags=check_tag_entries(tags),
    )
