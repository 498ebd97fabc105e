from __future__ import annotations

import pytest

from mlplane.tracking.downsample import downsample


def _series(values: list[float | None]) -> list[tuple[int, int, float | None]]:
    return [(step, step, value) for step, value in enumerate(values)]


def test_short_series_is_kept_whole() -> None:
    series = _series([1.0, 2.0, 3.0])

    assert downsample(series, 3) == series


def test_downsample_keeps_first_last_and_each_bucket_extremes() -> None:
    values: list[float | None] = [0.0] * 102
    values[10], values[60] = 9.0, -9.0
    series = _series(values)

    kept = downsample(series, 6)

    assert len(kept) <= 6
    assert kept[0] == series[0]
    assert kept[-1] == series[-1]
    assert (10, 10, 9.0) in kept
    assert (60, 60, -9.0) in kept
    assert [point[0] for point in kept] == sorted(point[0] for point in kept)


def test_downsample_keeps_a_point_of_an_all_nan_bucket() -> None:
    series = _series([1.0] + [None] * 50 + [2.0] * 50 + [3.0])

    kept = downsample(series, 6)

    assert any(point[2] is None for point in kept)


def test_downsample_to_two_keeps_the_ends() -> None:
    series = _series([float(value) for value in range(10)])

    assert downsample(series, 2) == [series[0], series[-1]]


def test_downsample_below_two_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 2"):
        downsample(_series([1.0, 2.0, 3.0]), 1)
