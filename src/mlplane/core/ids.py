"""Identifiers: sortable by creation time, URL-safe, unguessable."""

from __future__ import annotations

import os
import time


def new_id() -> str:
    """A 32-character hex id whose first 12 characters are the creation time in ms."""
    return f"{int(time.time() * 1000):012x}{os.urandom(10).hex()}"
