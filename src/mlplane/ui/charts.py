"""Chart data for `static/charts.js`: a page emits `<div data-chart='{{ chart|tojson }}'>`.

The payload is the whole contract between pages and the browser: series of (x, y) points,
x in Unix seconds on a time axis, plain numbers, or positions in a list of category labels,
drawn as lines or bars with uPlot.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class Series:
    label: str
    points: Sequence[tuple[float, float | None]]


def line_chart(
    series: Sequence[Series],
    *,
    y_label: str = "",
    time_axis: bool = True,
    height: int = 220,
) -> dict[str, Any]:
    return {
        "x": "time" if time_axis else "number",
        "y_label": y_label,
        "height": height,
        "series": [
            {"label": item.label, "points": [[x, y] for x, y in item.points]} for item in series
        ],
    }


def xy_chart(
    series: Sequence[Series],
    *,
    style: Literal["line", "bar"] = "line",
    x_axis: Literal["time", "number", "category"] = "number",
    categories: Sequence[str] = (),
    y_label: str = "",
    height: int = 220,
) -> dict[str, Any]:
    """Lines or bars; on a `category` axis each x is an index into `categories`."""
    chart = line_chart(series, y_label=y_label, height=height)
    chart.update(x=x_axis, style=style)
    if x_axis == "category":
        chart["categories"] = list(categories)
    return chart


def first_hour(end: datetime, hours: int) -> datetime:
    """The start of the first of `hours` whole-hour buckets, the last holding `end`."""
    return end.replace(minute=0, second=0, microsecond=0) - HOUR * (hours - 1)


def count_per_hour(
    times: Iterable[datetime], end: datetime, hours: int
) -> list[tuple[float, float | None]]:
    """(bucket start, how many of `times` fall in it) for each hour up to `end`, zeros included."""
    start = first_hour(end, hours)
    counts = [0] * hours
    for moment in times:
        index = (moment - start) // HOUR
        if 0 <= index < hours:
            counts[index] += 1
    return [((start + HOUR * index).timestamp(), count) for index, count in enumerate(counts)]
