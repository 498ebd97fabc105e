"""How data pages show sizes, values and result cells."""

from __future__ import annotations

import json
import math
from typing import Any

BYTE_UNITS = ("B", "KB", "MB", "GB", "TB", "PB")
CELL_TEXT_LIMIT = 200


def format_bytes(size: int | None) -> str:
    """'812 B', '4.2 KB', '1.3 GB': decimal units, as disks and object stores count them."""
    if size is None:
        return "—"
    value = float(size)
    for unit in BYTE_UNITS:
        if abs(value) < 1000 or unit == BYTE_UNITS[-1]:
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    raise AssertionError("unreachable")


def format_count(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def format_value(value: Any) -> str:
    """A statistic or a cell as text: numbers to six significant digits, long text clipped."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return f"{value:.6g}"
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= CELL_TEXT_LIMIT else text[: CELL_TEXT_LIMIT - 1] + "…"
