"""How tracking pages show a run: its times, how long it took, its numbers."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime

from mlplane.tracking.schemas import Run

SYSTEM_PREFIX = "system/"
"""System metrics (CPU, memory, GPU...) are logged under this prefix, as MLflow names them."""


def from_millis(millis: int | None) -> datetime | None:
    return None if millis is None else datetime.fromtimestamp(millis / 1000, tz=UTC)


def format_duration(seconds: float) -> str:
    """'850 ms', '4.2 s', '42 s', '3 min 5 s', '2 h 14 min', '3 d 4 h': two units at most."""
    if seconds < 1:
        return f"{round(seconds * 1000)} ms"
    if seconds < 9.95:
        return f"{seconds:.1f} s"
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    for size, unit, smaller, smaller_unit in (
        (86400, "d", 3600, "h"),
        (3600, "h", 60, "min"),
        (60, "min", 1, "s"),
    ):
        if whole >= size:
            rest = (whole % size) // smaller
            return f"{whole // size} {unit}" + (f" {rest} {smaller_unit}" if rest else "")
    raise AssertionError("unreachable")


def format_number(value: float | None) -> str:
    """Six significant digits, enough to tell runs apart without the noise of a float's tail."""
    if value is None:
        return "—"
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return f"{value:.6g}"


def is_system_metric(key: str) -> bool:
    return key.startswith(SYSTEM_PREFIX)


@dataclass(frozen=True)
class RunView:
    """A run with what its pages compute from it; `now` measures a run still going."""

    run: Run
    now: datetime

    @property
    def started(self) -> datetime | None:
        return from_millis(self.run.start_time)

    @property
    def ended(self) -> datetime | None:
        return from_millis(self.run.end_time)

    @property
    def is_live(self) -> bool:
        return not self.run.status.is_terminal

    @property
    def duration(self) -> str:
        end = self.run.end_time
        if end is None:
            if not self.is_live:
                return "—"
            end = int(self.now.timestamp() * 1000)
        return format_duration(max(end - self.run.start_time, 0) / 1000)

    @property
    def metric_keys(self) -> list[str]:
        return sorted(key for key in self.run.metrics if not is_system_metric(key))

    @property
    def system_metric_keys(self) -> list[str]:
        return sorted(key for key in self.run.metrics if is_system_metric(key))

    def metric(self, key: str) -> str:
        found = self.run.metrics.get(key)
        return format_number(found.value if found else None)
