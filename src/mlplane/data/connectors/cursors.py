"""Cursors: where an incremental source got to, kept as JSON with enough type to restore."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any


def dump_cursor(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return {"type": "datetime", "value": value.isoformat()}
    if isinstance(value, date):
        return {"type": "date", "value": value.isoformat()}
    if isinstance(value, Decimal):
        return {"type": "decimal", "value": str(value)}
    if isinstance(value, bool | int | float | str):
        return {"type": type(value).__name__, "value": value}
    raise TypeError(f"a cursor cannot be a {type(value).__name__}")


def load_cursor(stored: Any) -> Any:
    if not isinstance(stored, dict) or "type" not in stored:
        return None
    kind, value = stored["type"], stored.get("value")
    if kind == "datetime":
        return datetime.fromisoformat(str(value))
    if kind == "date":
        return date.fromisoformat(str(value))
    if kind == "decimal":
        return Decimal(str(value))
    return value
