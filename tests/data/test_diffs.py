from __future__ import annotations

import pyarrow as pa
import pytest

import mlplane


@pytest.fixture
def prices(client: mlplane.Client, project: str) -> str:
    client.datasets.push(
        pa.table({"sku": ["a", "b", "c"], "price": [1.0, 2.0, 3.0]}), "prices", project=project
    )
    client.datasets.push(
        pa.table({"sku": ["a", "b", "d"], "price": [1.0, 2.5, 4.0], "currency": ["eur"] * 3}),
        "prices",
        project=project,
    )
    return "prices"


def test_diff_by_key_counts_added_removed_changed_rows(
    client: mlplane.Client, project: str, prices: str
) -> None:
    diff = client.datasets.diff(prices, 1, 2, project=project, key=["sku"])

    table = diff.table
    assert table is not None
    assert (table.rows_added.count, table.rows_removed.count, table.rows_changed.count) == (1, 1, 1)
    assert table.rows_added.sample[0]["sku"] == "d"
    assert table.rows_removed.sample[0]["sku"] == "c"
    assert table.rows_changed.sample == [
        {"sku": "b", "changes": {"price": {"from": 2.0, "to": 2.5}}}
    ]
    assert [column.name for column in table.columns_added] == ["currency"]


def test_diff_without_key_compares_whole_rows(
    client: mlplane.Client, project: str, prices: str
) -> None:
    table = client.datasets.diff(prices, 1, "latest", project=project).table

    assert table is not None
    assert (table.rows_added.count, table.rows_removed.count, table.rows_changed.count) == (2, 2, 0)


def test_diff_with_unknown_key_is_refused(
    client: mlplane.Client, project: str, prices: str
) -> None:
    with pytest.raises(mlplane.ApiError) as caught:
        client.datasets.diff(prices, 1, 2, project=project, key=["currency"])

    assert caught.value.status == 422
    assert "currency" in caught.value.detail


def test_diff_reports_retyped_columns(client: mlplane.Client, project: str) -> None:
    client.datasets.push(pa.table({"id": [1, 2], "v": [1, 2]}), "t", project=project)
    client.datasets.push(pa.table({"id": [1, 2], "v": ["1", "2"]}), "t", project=project)

    table = client.datasets.diff("t", 1, 2, project=project, key=["id"]).table

    assert table is not None
    assert [(c.name, c.from_type, c.to_type) for c in table.columns_changed] == [
        ("v", "int64", "string")
    ]
