"""A source written as plain data, for pipelines in YAML and step arguments.

    {"kind": "sql", "url": "sqlite:///shop.db", "table": "orders", "cursor_column": "id"}
    {"kind": "files", "url": "exports/*.csv"}
    {"kind": "http", "url": "https://api.example.com/items", "records_path": "items"}

The keys other than `kind` are the fields of `SqlSource`, `FileSource` or `HttpSource`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from mlplane.data.connectors.base import Source
from mlplane.data.connectors.files import FileSource
from mlplane.data.connectors.http import HttpSource
from mlplane.data.connectors.sql import SqlSource

SOURCE_KINDS: dict[str, type[Any]] = {
    "files": FileSource,
    "sql": SqlSource,
    "http": HttpSource,
}


def source_from_spec(spec: Mapping[str, Any]) -> Source:
    """The source a mapping describes; ValueError names what is wrong with it."""
    kind = spec.get("kind")
    if kind not in SOURCE_KINDS:
        raise ValueError(f"source: kind must be one of {', '.join(SOURCE_KINDS)}, not {kind!r}")
    cls = SOURCE_KINDS[kind]
    fields = {field.name for field in dataclasses.fields(cls)} - {"kind"}
    options = {key: value for key, value in spec.items() if key != "kind"}
    unknown = sorted(set(options) - fields)
    if unknown:
        raise ValueError(
            f"source: a {kind} source has no field {unknown[0]!r} "
            f"(it takes {', '.join(sorted(fields))})"
        )
    try:
        source: Source = cls(**options)
    except TypeError as error:
        raise ValueError(f"source: {error}") from error
    return source


def as_source(source: Source | Mapping[str, Any]) -> Source:
    return source_from_spec(source) if isinstance(source, Mapping) else source
