"""Whether a real service must be there: in CI it always must, so a missing one fails."""

from __future__ import annotations

import os

import pytest


def require_service(name: str, reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{name} is required in CI but unavailable: {reason}")
    pytest.skip(f"{name} unavailable: {reason}")
