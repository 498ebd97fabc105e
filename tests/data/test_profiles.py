from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest

import mlplane


def test_profile_describes_numbers_text_and_dates(client: mlplane.Client, project: str) -> None:
    table = pa.table(
        {
            "amount": [1.0, 2.0, 3.0, 4.0, None, float("nan")],
            "city": ["paris", "paris", "lyon", None, "paris", "nice"],
            "day": [date(2024, 1, d) for d in range(1, 7)],
        }
    )
    client.datasets.push(table, "sales", project=project)

    profile = client.datasets.get_profile("sales", project=project)

    amount, city, day = profile.columns
    assert profile.row_count == 6
    assert (amount.count, amount.nulls, amount.min, amount.max) == (5, 1, 1.0, 4.0)
    assert amount.mean == pytest.approx(2.5)
    assert amount.quantiles is not None
    assert amount.quantiles["p50"] == pytest.approx(2.5)
    assert amount.histogram is not None
    assert sum(amount.histogram.counts) == 4
    assert len(amount.histogram.edges) == len(amount.histogram.counts) + 1
    assert (city.nulls, city.distinct_approx) == (1, 3)
    assert city.top_values is not None
    assert (city.top_values[0].value, city.top_values[0].count) == ("paris", 3)
    assert (day.min, day.max) == ("2024-01-01", "2024-01-06")


def test_profile_skips_top_values_of_unique_columns(client: mlplane.Client, project: str) -> None:
    client.datasets.push(
        pa.table({"code": [f"c{i}" for i in range(100)]}), "codes", project=project
    )

    [code] = client.datasets.get_profile("codes", project=project).columns

    assert code.top_values is None
    assert code.distinct_approx > 90


def test_profile_of_files_dataset_is_not_found(
    client: mlplane.Client, project: str, folder: Path
) -> None:
    client.datasets.push(folder, "images", project=project)

    with pytest.raises(mlplane.ApiError) as caught:
        client.datasets.get_profile("images", project=project)

    assert caught.value.status == 404
    assert "only table versions" in caught.value.detail
