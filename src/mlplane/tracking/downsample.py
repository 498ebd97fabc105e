"""Thinning a metric series for a chart without hiding its spikes.

The method is min/max buckets: the first and last points are always kept; the points
between them are cut into equal-count buckets, two per remaining point of budget, and each
bucket keeps its lowest and highest value (in step order). A chart of the result shows the
same envelope as the full series, which evenly spaced sampling would not (it skips spikes).
NaN values are kept only when a whole bucket is NaN.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

P = TypeVar("P", bound=tuple[int, int, float | None])


def _extremes(chunk: Sequence[P]) -> list[P]:
    low = high = -1
    for index, point in enumerate(chunk):
        value = point[2]
        if value is None:
            continue
        if low < 0 or value < chunk[low][2]:  # type: ignore[operator]
            low = index
        if high < 0 or value > chunk[high][2]:  # type: ignore[operator]
            high = index
    if low < 0:
        return [chunk[0]]
    return [chunk[index] for index in sorted({low, high})]


def downsample(points: Sequence[P], max_points: int) -> list[P]:
    """At most `max_points` points (at least 2) of a series ordered by step."""
    if len(points) <= max_points:
        return list(points)
    if max_points < 2:
        raise ValueError("max_points must be at least 2")
    first, inner, last = points[0], points[1:-1], points[-1]
    buckets = (max_points - 2) // 2
    kept = [first]
    if buckets:
        size = len(inner) / buckets
        for bucket in range(buckets):
            chunk = inner[int(bucket * size) : int((bucket + 1) * size)]
            if chunk:
                kept.extend(_extremes(chunk))
    kept.append(last)
    return kept
