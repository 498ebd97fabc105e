"""Dataset references in SQL: `sales@3`, `sales@v3`, `sales@latest`, or plain `sales`.

`@` is not part of an SQL identifier, so an unquoted `sales@3` is rewritten to the quoted
identifier `"sales@3"` before parsing; the sandbox then declares a view with that name.
String literals, quoted identifiers and comments are left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_REFERENCE = re.compile(r"(?<![\w.@$])([a-z0-9][a-z0-9_.-]*)@(v?[0-9]+|latest)(?![\w@])")
_VERSION = re.compile(r"^(?:v?([0-9]+)|latest)$")


def _unquoted_spans(sql: str) -> list[tuple[int, int, bool]]:
    """(start, end, is_code) spans: code, or a string, quoted identifier or comment."""
    spans: list[tuple[int, int, bool]] = []
    index, start, length = 0, 0, len(sql)
    while index < length:
        char = sql[index]
        end = -1
        if char in "'\"":
            end = index + 1
            while end < length:
                if sql[end] == char:
                    if end + 1 < length and sql[end + 1] == char:
                        end += 2
                        continue
                    break
                end += 1
            end = min(end + 1, length)
        elif sql.startswith("--", index):
            newline = sql.find("\n", index)
            end = length if newline < 0 else newline
        elif sql.startswith("/*", index):
            close = sql.find("*/", index + 2)
            end = length if close < 0 else close + 2
        if end < 0:
            index += 1
            continue
        if start < index:
            spans.append((start, index, True))
        spans.append((index, end, False))
        index = start = end
    if start < length:
        spans.append((start, length, True))
    return spans


def quote_references(sql: str) -> str:
    parts = []
    for start, end, is_code in _unquoted_spans(sql):
        text = sql[start:end]
        parts.append(_REFERENCE.sub(r'"\1@\2"', text) if is_code else text)
    return "".join(parts)


@dataclass(frozen=True)
class DatasetReference:
    dataset: str
    version: int | None
    """None means the latest ready version."""


def parse_reference(text: str) -> DatasetReference:
    """`sales`, `sales@3`, `sales@v3`, `sales@latest`; ValueError when the version is not one."""
    name, separator, version = text.partition("@")
    if not separator:
        return DatasetReference(name, None)
    match = _VERSION.match(version)
    if match is None:
        raise ValueError(f"{text!r}: the version after '@' must be a number, v<number> or latest")
    return DatasetReference(name, int(match.group(1)) if match.group(1) else None)
