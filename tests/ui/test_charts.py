"""Chart payloads the pages hand to charts.js."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mlplane.ui.charts import Series, count_per_hour, line_chart


def test_count_per_hour_buckets_whole_hours_with_zeros() -> None:
    end = datetime(2025, 3, 1, 12, 40, tzinfo=UTC)
    times = [
        datetime(2025, 3, 1, 12, 5, tzinfo=UTC),
        datetime(2025, 3, 1, 12, 39, tzinfo=UTC),
        datetime(2025, 3, 1, 10, 0, tzinfo=UTC),
        datetime(2025, 3, 1, 9, 59, tzinfo=UTC),  # before the first bucket
    ]

    points = count_per_hour(times, end, hours=3)

    assert points == [
        (datetime(2025, 3, 1, 10, tzinfo=UTC).timestamp(), 1),
        (datetime(2025, 3, 1, 11, tzinfo=UTC).timestamp(), 0),
        (datetime(2025, 3, 1, 12, tzinfo=UTC).timestamp(), 2),
    ]


def test_count_per_hour_ignores_times_after_end_hour() -> None:
    end = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)

    points = count_per_hour([end + timedelta(hours=1)], end, hours=2)

    assert [count for _, count in points] == [0, 0]


def test_line_chart_payload_lists_series_points() -> None:
    chart = line_chart([Series("loss", [(1.0, 0.5), (2.0, None)])], y_label="loss", time_axis=False)

    assert chart == {
        "x": "number",
        "y_label": "loss",
        "height": 220,
        "series": [{"label": "loss", "points": [[1.0, 0.5], [2.0, None]]}],
    }
